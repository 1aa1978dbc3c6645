/**
 * Strict protobuf wire validation that runs before the generated ts-proto decoders.
 *
 * Why: ts-proto's `decode` is lenient by design. It stops silently at a zero tag or an end-group tag (returning
 * the fields read so far), skips known fields that arrive with the wrong wire type, and lets a nested message's
 * fields run past the nested length (the outer loop just continues from wherever the inner one stopped). Each of
 * those yields a "half-decoded" message from bytes that Go's gogoproto unmarshaler rejects. Walking the bytes
 * once against the message's shape first (tags, wire types, lengths, nesting) makes the generated decoder see
 * only input it decodes completely.
 *
 * The shapes mirror proto/secret/**.proto; test/proto/wire-check.test.ts checks them against the generated code
 * so they cannot drift silently.
 */
import { ProtoDecodeError } from './proto-errors.js';

/** Protobuf wire types used by proto3 scalars and messages (3/4, the deprecated groups, are rejected). */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;
/** One of {@link WireType}'s values. */
export type WireTypeValue = (typeof WireType)[keyof typeof WireType];

/** The expected encoding of one field; `message` is set for embedded-message fields (checked recursively). */
export interface FieldShape {
  readonly wire: WireTypeValue;
  readonly message?: MessageShape;
}

/** The fields a message declares, by field number. */
export interface MessageShape {
  /** Full protobuf name, used in error messages. */
  readonly name: string;
  readonly fields: Readonly<Record<number, FieldShape>>;
}

/** Largest field number protobuf allows (2^29 - 1). */
const MAX_FIELD_NUMBER = 0x1fffffff;
/** A varint is at most 10 bytes (ceil(64 / 7)); the 10th may only carry the 64th bit. */
const MAX_VARINT_BYTES = 10;
/** Cosmos SDK "non-critical" field marker (bit 11 of the field number): unknown fields with it are tolerated,
 *  as the SDK's unknownproto check does for tx bodies. */
const NON_CRITICAL_BIT = 0x400;

/**
 * Throws {@link ProtoDecodeError} unless `bytes` is a complete, well-formed encoding of `shape`: every tag valid,
 * every declared field with its declared wire type, every length inside its enclosing message, nothing left over.
 */
export function checkWire(shape: MessageShape, bytes: Uint8Array): void {
  checkMessage(shape, bytes, 0, bytes.length, true);
}

function checkMessage(
  shape: MessageShape,
  buf: Uint8Array,
  start: number,
  end: number,
  outermost: boolean,
): void {
  // Running past `end` means truncation for the outermost message, but a boundary violation for a nested one
  // (the nested payload itself fitted: its length was checked against its parent).
  const overrun = (what: string, at: number): ProtoDecodeError =>
    outermost
      ? new ProtoDecodeError('TRUNCATED', `${shape.name}: input ends inside ${what} at byte ${at}`, {
          offset: at,
        })
      : new ProtoDecodeError(
          'MALFORMED',
          `${shape.name}: ${what} at byte ${at} crosses the end of the message`,
          {
            offset: at,
          },
        );
  let pos = start;
  while (pos < end) {
    const tagAt = pos;
    const tag = readVarint(buf, pos, end, overrun, 'a tag');
    pos = tag.next;
    if (tag.value > 0xffffffffn) {
      throw new ProtoDecodeError('MALFORMED', `${shape.name}: tag at byte ${tagAt} overflows 32 bits`, {
        offset: tagAt,
      });
    }
    const fieldNo = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    if (fieldNo === 0 || fieldNo > MAX_FIELD_NUMBER) {
      throw new ProtoDecodeError(
        'MALFORMED',
        `${shape.name}: invalid field number ${fieldNo} at byte ${tagAt}`,
        {
          offset: tagAt,
        },
      );
    }
    if (wire !== 0 && wire !== 1 && wire !== 2 && wire !== 5) {
      throw new ProtoDecodeError(
        'MALFORMED',
        `${shape.name}: unsupported wire type ${wire} at byte ${tagAt}`,
        {
          offset: tagAt,
        },
      );
    }
    const field = shape.fields[fieldNo];
    if (field === undefined) {
      if ((fieldNo & NON_CRITICAL_BIT) === 0) {
        throw new ProtoDecodeError(
          'UNKNOWN_FIELD',
          `${shape.name}: unknown field ${fieldNo} at byte ${tagAt}`,
          {
            offset: tagAt,
          },
        );
      }
    } else if (field.wire !== wire) {
      throw new ProtoDecodeError(
        'WRONG_WIRE_TYPE',
        `${shape.name}: field ${fieldNo} has wire type ${wire}, expected ${field.wire} (byte ${tagAt})`,
        { offset: tagAt },
      );
    }
    switch (wire) {
      case WireType.VARINT:
        pos = readVarint(buf, pos, end, overrun, `field ${fieldNo}`).next;
        break;
      case WireType.I64:
        if (end - pos < 8) throw overrun(`field ${fieldNo}`, pos);
        pos += 8;
        break;
      case WireType.I32:
        if (end - pos < 4) throw overrun(`field ${fieldNo}`, pos);
        pos += 4;
        break;
      default: {
        const len = readVarint(buf, pos, end, overrun, `the length of field ${fieldNo}`);
        pos = len.next;
        if (len.value > BigInt(end - pos)) throw overrun(`field ${fieldNo}`, pos);
        const payloadEnd = pos + Number(len.value);
        if (field?.message !== undefined) checkMessage(field.message, buf, pos, payloadEnd, false);
        pos = payloadEnd;
      }
    }
  }
}

function readVarint(
  buf: Uint8Array,
  start: number,
  end: number,
  overrun: (what: string, at: number) => ProtoDecodeError,
  what: string,
): { value: bigint; next: number } {
  let value = 0n;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const at = start + i;
    if (at >= end) throw overrun(what, at);
    const b = buf[at] as number;
    if (i === MAX_VARINT_BYTES - 1 && b > 1) {
      throw new ProtoDecodeError('MALFORMED', `varint in ${what} at byte ${start} overflows 64 bits`, {
        offset: start,
      });
    }
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return { value, next: at + 1 };
  }
  // Unreachable: the 10th byte is either > 1 (thrown above) or < 0x80 (returned).
  throw new ProtoDecodeError('MALFORMED', `varint in ${what} at byte ${start} is too long`, {
    offset: start,
  });
}
