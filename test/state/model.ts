// A deliberately naive reference model for the KV stores: layers of plain Maps keyed by hex, views computed by
// folding layers, ranges by sorting the whole view. Slow and obviously right.
import { Buffer } from 'node:buffer';

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

/** Byte order of hex strings of bytes equals byte order of the bytes, except a prefix sorts first: same as bytes. */
export function view(layers: readonly Map<string, string | null>[], top: number): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i <= top; i++) {
    for (const [k, v] of layers[i]!) {
      if (v === null) out.delete(k);
      else out.set(k, v);
    }
  }
  return out;
}

export function range(
  state: Map<string, string>,
  start: Uint8Array | undefined,
  end: Uint8Array | undefined,
  order: 'ascending' | 'descending',
): [string, string][] {
  const s = start === undefined ? undefined : hex(start);
  const e = end === undefined ? undefined : hex(end);
  const rows = [...state.entries()]
    .filter(([k]) => (s === undefined || k >= s) && (e === undefined || k < e))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return order === 'ascending' ? rows : rows.reverse();
}
