/**
 * HMAC-SHA256 (RFC 2104) from precomputed pad midstates: a key is absorbed once into the SHA-256 states after
 * `K ⊕ ipad` and `K ⊕ opad` (one block each), and every MAC under it then costs only the message's blocks plus
 * one outer block — 2 compressions for a message of up to 55 bytes, instead of node's `createHmac` redoing the
 * key schedule and building a hash object per call (~2 µs). Byte-identical to `createHmac('sha256', key)`.
 *
 * Used where the same key MACs short messages, or where a fixed key's midstates can be computed once (HKDF's
 * constant salt, hkdf.ts; a tx key's IV-derivation key, gcm-box.ts). For long messages node's OpenSSL is faster
 * per block; callers keep `createHmac` there.
 */
import { hash } from 'node:crypto';

import { CryptoError } from './errors.js';
import {
  SHA256_BLOCK,
  SHA256_DIGEST,
  sha256CompressWords,
  sha256Finish,
  sha256Init,
  sha256Schedule,
  sha256WordsToBytes,
} from './sha256-block.js';

const IPAD = 0x36363636;
const OPAD = 0x5c5c5c5c;

/**
 * Longest message worth MACing here rather than with node's `createHmac` when the key's midstates are already
 * known. Measured on this machine (scratch microbench, node 20, 32-byte key): node ~2.0 µs at 46 bytes, 2.4 µs
 * at 256, 3.0 µs at 512; midstates here 0.8 µs at 46, 2.1 µs at 256, 3.6 µs at 512 (~0.27 µs per 64-byte
 * block). Computing a key's midstates costs two more blocks (~0.8 µs).
 */
export const HMAC_JS_MAX_MESSAGE = 256;

/** Words of a midstate pair: inner state (8 words) then outer state (8 words). */
export const HMAC_MIDSTATE_WORDS = 16;

/** Scratch: a key longer than a block (hashed first), the zero-padded key block, the running inner state. */
const keyDigest = new Int32Array(8);
const keyBlock = new Int32Array(16);
const work = new Int32Array(8);
const tag = new Int32Array(8);

/**
 * Writes the midstates of the key `key[keyOff .. keyOff+keyLen)` (default: all of `key`) into
 * `mid[mo .. mo+16)`: the SHA-256 states after absorbing `K ⊕ ipad` and `K ⊕ opad`, where K is the key
 * zero-padded to 64 bytes (or its SHA-256 if longer, RFC 2104 §2).
 */
export function hmacSha256Midstates(
  key: Uint8Array,
  mid: Int32Array,
  mo = 0,
  keyOff = 0,
  keyLen = key.length - keyOff,
): void {
  const w = sha256Schedule;
  if (keyLen > SHA256_BLOCK) {
    sha256Init(keyDigest, 0);
    sha256Finish(keyDigest, 0, 0, key, keyOff, keyLen);
    for (let i = 0; i < 8; i++) w[i] = keyDigest[i]!;
    w.fill(0, 8, 16);
  } else {
    w.fill(0, 0, 16);
    for (let i = 0; i < keyLen; i++) w[i >> 2]! |= key[keyOff + i]! << (24 - ((i & 3) << 3));
  }
  padMidstates(mid, mo);
}

/**
 * Midstates of a 32-byte key given as its 8 big-endian words `key[ko .. ko+8)` (an HMAC output used as the
 * next key, as HKDF-Expand does with the PRK).
 */
export function hmacSha256MidstatesOfWords(key: Int32Array, ko: number, mid: Int32Array, mo = 0): void {
  const w = sha256Schedule;
  for (let i = 0; i < 8; i++) w[i] = key[ko + i]!;
  w.fill(0, 8, 16);
  padMidstates(mid, mo);
}

/** From the zero-padded key block in schedule words 0..15, computes both pad states into `mid`. */
function padMidstates(mid: Int32Array, mo: number): void {
  const w = sha256Schedule;
  const k = keyBlock;
  for (let i = 0; i < 16; i++) k[i] = w[i]!;
  for (let i = 0; i < 16; i++) w[i] = k[i]! ^ IPAD;
  sha256Init(mid, mo);
  sha256CompressWords(mid, mo);
  for (let i = 0; i < 16; i++) w[i] = k[i]! ^ OPAD;
  sha256Init(mid, mo + 8);
  sha256CompressWords(mid, mo + 8);
  k.fill(0);
}

/**
 * HMAC of `data[off .. off+len)` under the key whose midstates are `mid[mo .. mo+16)`; the tag's 8 words are
 * left in `out[oo .. oo+8)` (big-endian words, as {@link sha256WordsToBytes} writes them).
 */
export function hmacSha256WordsWithMidstates(
  mid: Int32Array,
  mo: number,
  data: Uint8Array,
  off: number,
  len: number,
  out: Int32Array,
  oo: number,
): void {
  for (let i = 0; i < 8; i++) work[i] = mid[mo + i]!;
  sha256Finish(work, 0, SHA256_BLOCK, data, off, len);
  // Outer hash: one block = inner digest ‖ 0x80 ‖ zeros ‖ BE64((64 + 32) · 8).
  const w = sha256Schedule;
  for (let i = 0; i < 8; i++) w[i] = work[i]!;
  w[8] = 0x80000000 | 0;
  w.fill(0, 9, 15);
  w[15] = (SHA256_BLOCK + SHA256_DIGEST) * 8;
  for (let i = 0; i < 8; i++) out[oo + i] = mid[mo + 8 + i]!;
  sha256CompressWords(out, oo);
}

/** HMAC of `data[off .. off+len)` under midstates `mid[mo ..]`, written as 32 bytes at `out[outOff ..]`. */
export function hmacSha256WithMidstates(
  mid: Int32Array,
  mo: number,
  data: Uint8Array,
  off: number,
  len: number,
  out: Uint8Array,
  outOff: number,
): void {
  hmacSha256WordsWithMidstates(mid, mo, data, off, len, tag, 0);
  sha256WordsToBytes(tag, 0, out, outOff);
}

/** A key's HMAC-SHA256 midstates, for MACing many (short) messages under it. */
export class HmacSha256Key {
  readonly #mid = new Int32Array(HMAC_MIDSTATE_WORDS);

  /** Precomputes the pads of `key` (any length; 2 compressions, plus the key's hash if longer than 64 bytes). */
  constructor(key: Uint8Array) {
    hmacSha256Midstates(key, this.#mid, 0);
  }

  /** HMAC-SHA256 of `data[off .. off+len)` written to `out[outOff .. outOff+32)`. */
  macInto(data: Uint8Array, off: number, len: number, out: Uint8Array, outOff: number): void {
    hmacSha256WithMidstates(this.#mid, 0, data, off, len, out, outOff);
  }

  /** HMAC-SHA256 of `data` as a new 32-byte array. */
  mac(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(SHA256_DIGEST);
    this.macInto(data, 0, data.length, out, 0);
    return out;
  }
}

/**
 * HMAC-SHA256 by two calls of node's one-shot `crypto.hash` (OpenSSL's SHA-256) over `K ⊕ ipad ‖ m` and
 * `K ⊕ opad ‖ inner digest`, with both pads kept written in front of reused input buffers: no hash object, no
 * copy of the pads per MAC. A call is ~0.3 µs for up to 3 blocks when the digest comes back as a 'binary'
 * (latin1) string, whose char codes are the bytes (a Buffer result costs ~0.4 µs more). So a MAC under a key
 * whose midstates are not known yet costs ~0.65 µs here, against ~1 µs of JS compressions (2 for the
 * midstates, 2+ for the MAC; {@link hmacSha256WithMidstates}) and ~2 µs for node's `createHmac`. Byte-identical
 * to both. Not re-entrant (one instance per use site; hashing is synchronous).
 */
export class HmacSha256OneShot {
  /** Offset of the message in {@link input}: after the 64-byte `K ⊕ ipad` block. */
  static readonly MESSAGE_OFFSET = SHA256_BLOCK;

  /** `K ⊕ ipad ‖ message space` (a caller may write a message at {@link MESSAGE_OFFSET} and use `macInput`). */
  readonly input: Uint8Array;
  /** Views of {@link input} by message length (`hash()` takes a whole view; one per call cost ~35 ns). */
  readonly #views: (Uint8Array | undefined)[];
  /** `K ⊕ opad ‖ inner digest`. */
  readonly #outer = new Uint8Array(SHA256_BLOCK + SHA256_DIGEST);

  /** Room for messages of up to `maxMessage` bytes; the key is all zeros until {@link setKey}. */
  constructor(maxMessage: number) {
    this.input = new Uint8Array(SHA256_BLOCK + maxMessage);
    this.#views = new Array<Uint8Array | undefined>(maxMessage + 1).fill(undefined);
  }

  /** Longest message this instance MACs. */
  get maxMessage(): number {
    return this.input.length - SHA256_BLOCK;
  }

  /**
   * Writes the pads of the key `key[keyOff .. keyOff+keyLen)` (zero padded to 64 bytes, or its SHA-256 when
   * longer, RFC 2104 §2): XORs only, no compression.
   */
  setKey(key: Uint8Array, keyOff = 0, keyLen = key.length - keyOff): this {
    let k = key;
    let ko = keyOff;
    let kl = keyLen;
    if (kl > SHA256_BLOCK) {
      const d = hash('sha256', key.subarray(keyOff, keyOff + keyLen), 'binary');
      k = new Uint8Array(SHA256_DIGEST);
      for (let i = 0; i < SHA256_DIGEST; i++) k[i] = d.charCodeAt(i);
      ko = 0;
      kl = SHA256_DIGEST;
    }
    const inner = this.input;
    const outer = this.#outer;
    for (let i = 0; i < kl; i++) {
      const b = k[ko + i]!;
      inner[i] = b ^ 0x36;
      outer[i] = b ^ 0x5c;
    }
    inner.fill(0x36, kl, SHA256_BLOCK);
    outer.fill(0x5c, kl, SHA256_BLOCK);
    return this;
  }

  /** HMAC of `data[off .. off+len)` (len ≤ {@link maxMessage}, copied into {@link input}) to `out[oo .. +32)`. */
  mac(data: Uint8Array, off: number, len: number, out: Uint8Array, oo: number): void {
    const inner = this.input;
    for (let i = 0; i < len; i++) inner[SHA256_BLOCK + i] = data[off + i]!;
    this.macInput(len, out, oo);
  }

  /** HMAC of the `len` message bytes already written at {@link MESSAGE_OFFSET} of {@link input}. */
  macInput(len: number, out: Uint8Array, oo: number): void {
    if (len < 0 || len > this.input.length - SHA256_BLOCK)
      throw new CryptoError('BAD_CONFIG', 'HMAC message longer than the one-shot buffer');
    const view = (this.#views[len] ??= this.input.subarray(0, SHA256_BLOCK + len));
    const d1 = hash('sha256', view, 'binary');
    const outer = this.#outer;
    for (let i = 0; i < SHA256_DIGEST; i++) outer[SHA256_BLOCK + i] = d1.charCodeAt(i);
    const d2 = hash('sha256', outer, 'binary');
    for (let i = 0; i < SHA256_DIGEST; i++) out[oo + i] = d2.charCodeAt(i);
  }
}
