// Independent helpers for the wire tests: a minimal reader of *valid* protobuf (top-level fields only) and a
// generic "populate every field" builder for ts-proto messages.
import type { MessageFns } from '../../src/proto/secret/compute/v1beta1/msg.js';

export interface TopLevelField {
  readonly fieldNo: number;
  readonly wire: number;
  /** Offset just past this field: every such offset is a valid truncation point. */
  readonly end: number;
}

function varint(b: Uint8Array, pos: number): [bigint, number] {
  let v = 0n;
  for (let shift = 0n; ; shift += 7n) {
    const x = b[pos++];
    if (x === undefined) throw new Error('test walker: truncated varint');
    v |= BigInt(x & 0x7f) << shift;
    if (x < 0x80) return [v, pos];
  }
}

/** Top-level fields of a valid encoding, in order. */
export function topLevelFields(b: Uint8Array): TopLevelField[] {
  const out: TopLevelField[] = [];
  let pos = 0;
  while (pos < b.length) {
    const [tag, p] = varint(b, pos);
    const wire = Number(tag & 7n);
    pos = p;
    if (wire === 0) pos = varint(b, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, q] = varint(b, pos);
      pos = q + Number(len);
    } else throw new Error(`test walker: wire type ${wire}`);
    out.push({ fieldNo: Number(tag >> 3n), wire, end: pos });
  }
  return out;
}

/** Sets every field of a generated message to a non-default value (nested messages/arrays to one empty element). */
export function populated<T>(fns: MessageFns<T>): T {
  const base = fns.fromPartial({} as never) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v instanceof Uint8Array) out[k] = new Uint8Array([1, 2, 3]);
    else if (typeof v === 'string') out[k] = 'x';
    else if (typeof v === 'bigint') out[k] = 5n;
    else if (typeof v === 'number') out[k] = 5;
    else if (typeof v === 'boolean') out[k] = true;
    else if (Array.isArray(v)) out[k] = [{}];
    else if (v === undefined) out[k] = {};
    else throw new Error(`populated: unexpected default for ${k}`);
  }
  return fns.fromPartial(out as never);
}
