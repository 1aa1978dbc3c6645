/** Growable byte buffer for emitting Wasm binaries. */
export class Writer {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  /** Makes room for `n` more bytes (may replace `buf`). */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Unsigned LEB128 (values up to 2^32-1). */
  u32(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    v >>>= 0;
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** Signed LEB128 of a safe integer (used for i32.const/i64.const/s33 immediates). */
  sleb(v: number): void {
    this.ensure(10);
    this.pos = writeSleb(this.buf, this.pos, v);
  }

  /** Unsigned LEB128 at `pos` of `buf` (caller ensured room); returns the new position. */
  static putU32(buf: Uint8Array, pos: number, v: number): number {
    v >>>= 0;
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    return pos;
  }

  /** Copies `src[start, end)`. */
  copy(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.ensure(n);
    if (n <= 64) {
      // Short copies dominate instrumentation; a loop beats allocating a subarray view.
      const buf = this.buf;
      let pos = this.pos;
      for (let i = start; i < end; i++) buf[pos++] = src[i] as number;
      this.pos = pos;
      return;
    }
    this.buf.set(src.subarray(start, end), this.pos);
    this.pos += n;
  }

  bytes(src: Uint8Array): void {
    this.copy(src, 0, src.length);
  }

  /** Reserves 5 bytes for a u32 LEB filled in later by {@link patchU32}. */
  reserveU32(): number {
    this.ensure(5);
    const at = this.pos;
    this.pos += 5;
    return at;
  }

  /** Writes `v` as a padded 5-byte LEB at `at` (padding is valid LEB128 and keeps offsets fixed). */
  patchU32(at: number, v: number): void {
    const buf = this.buf;
    for (let i = 0; i < 4; i++) {
      buf[at + i] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[at + 4] = v & 0x7f;
  }

  /** The written bytes (a view; copy if the writer is reused). */
  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Signed LEB128 of a safe integer at `pos` of `buf` (room for 10 bytes ensured); returns the new position. */
export function writeSleb(buf: Uint8Array, pos: number, v: number): number {
  if (v >= 0 && v < 64) {
    buf[pos] = v;
    return pos + 1;
  }
  if (v >= -(2 ** 31) && v < 2 ** 31) {
    // Integer path: arithmetic shifts are exact in this range.
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      buf[pos++] = done ? b : b | 0x80;
      if (done) return pos;
    }
  }
  for (;;) {
    const b = ((v % 128) + 128) % 128;
    v = Math.floor(v / 128);
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    buf[pos++] = done ? b : b | 0x80;
    if (done) return pos;
  }
}
