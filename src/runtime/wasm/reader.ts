/**
 * Bounds-checked reader over a Wasm binary. Every malformed byte sequence becomes a `WasmDecodeError`, which the
 * public entry points turn into `VmError('StaticValidation')`; no RangeError or undefined ever escapes.
 */

/** A decoding failure with the byte offset where it happened. Internal: callers see `VmError`. */
export class WasmDecodeError extends Error {
  override readonly name = 'WasmDecodeError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at offset ${offset})`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Cursor over `bytes[pos, end)`. Fields are public so hot loops can read them without getters. */
export class Reader {
  pos: number;
  end: number;

  constructor(
    readonly bytes: Uint8Array,
    pos = 0,
    end = bytes.length,
  ) {
    this.pos = pos;
    this.end = end;
  }

  fail(message: string, offset = this.pos): never {
    throw new WasmDecodeError(message, offset);
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end of section or function');
    return this.bytes[this.pos++] as number;
  }

  /** Unsigned LEB128 of at most 32 bits (5 bytes); unused bits of the last byte must be zero. */
  u32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    const end = this.end;
    if (pos < end) {
      const b = bytes[pos] as number;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= end) this.fail('unexpected end of LEB128 integer', pos);
      const b = bytes[pos++] as number;
      if (shift === 28) {
        if ((b & 0xf0) !== 0) this.fail('invalid LEB128: u32 out of range or too long', pos - 1);
        result += b * 0x10000000;
        break;
      }
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
    }
    this.pos = pos;
    return result >>> 0;
  }

  /** Signed LEB128 of at most `bits` (32, 33 or 64); returns a number (for 64 bits only validity matters). */
  private signed(bits: number): number {
    const bytes = this.bytes;
    const end = this.end;
    const maxBytes = Math.ceil(bits / 7);
    let pos = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (pos >= end) this.fail('unexpected end of LEB128 integer', pos);
      const b = bytes[pos++] as number;
      if (i === maxBytes - 1) {
        // Last allowed byte: no continuation, and the bits above `bits` must be a sign extension.
        if ((b & 0x80) !== 0) this.fail(`invalid LEB128: s${bits} too long`, pos - 1);
        const used = bits - 7 * i; // significant bits in this byte, including the sign bit
        const signAndPad = b >> (used - 1); // sign bit and padding bits
        const allOnes = (1 << (8 - used)) - 1;
        const pad = signAndPad & allOnes;
        if (pad !== 0 && pad !== allOnes) this.fail(`invalid LEB128: s${bits} out of range`, pos - 1);
        result += (b & 0x7f) * mul;
        if (b & 0x40) result -= 128 * mul;
        break;
      }
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (b & 0x40) result -= 128 * mul;
        break;
      }
      mul *= 128;
    }
    this.pos = pos;
    return result;
  }

  s32(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.bytes[pos] as number;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b & 0x40 ? b - 0x80 : b;
      }
    }
    return this.signed(32);
  }

  /** Block types use s33 so that type indices up to 2^32-1 fit next to the negative value-type codes. */
  s33(): number {
    return this.signed(33);
  }

  /** i64.const immediate; only validated and skipped (the value is imprecise above 2^53). */
  s64(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.bytes[pos] as number;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b & 0x40 ? b - 0x80 : b;
      }
    }
    return this.signed(64);
  }

  skip(n: number): void {
    if (n > this.end - this.pos) this.fail(`unexpected end: need ${n} bytes`);
    this.pos += n;
  }

  bytesView(n: number): Uint8Array {
    const start = this.pos;
    this.skip(n);
    return this.bytes.subarray(start, start + n);
  }

  name(): string {
    const len = this.u32();
    const at = this.pos;
    const view = this.bytesView(len);
    try {
      return utf8.decode(view);
    } catch {
      return this.fail('invalid UTF-8 in name', at);
    }
  }
}
