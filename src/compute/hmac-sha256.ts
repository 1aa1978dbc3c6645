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
