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
import { ProtoDecodeError, type ProtoDecodeErrorCode } from './proto-errors.js';

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

/** Read position plus the last varint's value (one object per check instead of one per varint). */
interface Cursor {
  readonly buf: Uint8Array;
  pos: number;
  value: number;
}

/**
 * Throws {@link ProtoDecodeError} unless `bytes` is a complete, well-formed encoding of `shape`: every tag valid,
 * every declared field with its declared wire type, every length inside its enclosing message, nothing left over.
 */
export function checkWire(shape: MessageShape, bytes: Uint8Array): void {
  checkMessage(shape, { buf: bytes, pos: 0, value: 0 }, bytes.length, true);
}

function checkMessage(shape: MessageShape, c: Cursor, end: number, outermost: boolean): void {
  // Running past `end` means truncation for the outermost message, but a boundary violation for a nested one
  // (the nested payload itself fitted: its length was checked against its parent). Messages are built only on
  // the error path.
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
  const malformed = (code: ProtoDecodeErrorCode, what: string, at: number): ProtoDecodeError =>
    new ProtoDecodeError(code, `${shape.name}: ${what} at byte ${at}`, { offset: at });

  while (c.pos < end) {
    const tagAt = c.pos;
    if (!readVarint(c, end)) throw overrun('a tag', c.pos);
    if (c.value > 0xffffffff) throw malformed('MALFORMED', 'tag overflows 32 bits', tagAt);
    // The tag is below 2^32, so the division is exact and `% 8` is its low 3 bits.
    const fieldNo = Math.floor(c.value / 8);
    const wire = c.value % 8;
    if (fieldNo === 0 || fieldNo > MAX_FIELD_NUMBER) {
      throw malformed('MALFORMED', `invalid field number ${fieldNo}`, tagAt);
    }
    if (wire !== 0 && wire !== 1 && wire !== 2 && wire !== 5) {
      throw malformed('MALFORMED', `unsupported wire type ${wire}`, tagAt);
    }
    const field = shape.fields[fieldNo];
    if (field === undefined) {
      if ((fieldNo & NON_CRITICAL_BIT) === 0)
        throw malformed('UNKNOWN_FIELD', `unknown field ${fieldNo}`, tagAt);
    } else if (field.wire !== wire) {
      throw malformed(
        'WRONG_WIRE_TYPE',
        `field ${fieldNo} has wire type ${wire}, expected ${field.wire},`,
        tagAt,
      );
    }
    switch (wire) {
      case WireType.VARINT:
        if (!readVarint(c, end)) throw overrun(`field ${fieldNo}`, c.pos);
        break;
      case WireType.I64:
        if (end - c.pos < 8) throw overrun(`field ${fieldNo}`, c.pos);
        c.pos += 8;
        break;
      case WireType.I32:
        if (end - c.pos < 4) throw overrun(`field ${fieldNo}`, c.pos);
        c.pos += 4;
        break;
      default: {
        if (!readVarint(c, end)) throw overrun(`the length of field ${fieldNo}`, c.pos);
        if (c.value > end - c.pos) throw overrun(`field ${fieldNo}`, c.pos);
        const payloadEnd = c.pos + c.value;
        if (field?.message !== undefined) checkMessage(field.message, c, payloadEnd, false);
        c.pos = payloadEnd;
      }
    }
  }
}

/**
 * Reads one varint at `c.pos` into `c.value` and advances; false if the input ends first (`c.pos` is then where
 * it ended). The value is a double: exact below 2^53 and only compared with lengths and the 32-bit tag limit,
 * where a rounded huge value is still correctly "too large" (numbers avoid BigInt's per-byte cost).
 */
function readVarint(c: Cursor, end: number): boolean {
  const start = c.pos;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const at = start + i;
    if (at >= end) {
      c.pos = at;
      return false;
    }
    const b = c.buf[at] as number;
    if (i === MAX_VARINT_BYTES - 1 && b > 1) {
      throw new ProtoDecodeError('MALFORMED', `varint at byte ${start} overflows 64 bits`, { offset: start });
    }
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      c.pos = at + 1;
      c.value = value;
      return true;
    }
    scale *= 128;
  }
  // Unreachable: the 10th byte is either > 1 (thrown above) or < 0x80 (returned).
  throw new ProtoDecodeError('MALFORMED', `varint at byte ${start} is too long`, { offset: start });
}
