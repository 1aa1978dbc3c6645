/**
 * AES-SIV (RFC 5297), deterministic authenticated encryption, as used by Secret Network for every user I/O
 * message, state entry and seed share (enclave `aes_siv` crate 0.7 `Aes128Siv`, Go `miscreant.NewAESCMACSIV`,
 * secret.js `miscreant.SIV "AES-SIV"` — all byte-compatible with this file).
 *
 * Key: 32 bytes (AES-128-SIV: K1 = first 16 bytes for S2V/CMAC, K2 = last 16 for CTR) or 64 bytes (AES-256-SIV).
 * Output: `tag(16) ‖ ciphertext` (ciphertext length = plaintext length).
 *
 * Associated data is a *list* of strings: `[]` (zero strings) and `[new Uint8Array()]` (one empty string) give
 * different ciphertexts (RFC 5297 §2.4 / spec §2.1). Secret's user I/O uses `[empty]`, state keys use `[]`.
 *
 * Speed: built on node:crypto (OpenSSL AES-NI). CMAC runs on one persistent AES-CBC cipher per key: a CBC
 * cipher with IV 0 computes CBC-MAC, and because its chaining value carries over between `update()` calls we
 * cancel it by XOR-ing the previous last ciphertext block into the first block of each new CMAC input. Every CMAC
 * is then a single `update()` call regardless of length. Per-key state (cipher, CMAC subkeys, and the S2V prefix
 * for the common AD lists `[]`/`[empty]`) lives in a small bounded cache keyed by the key bytes.
 */
import { type Cipher, createCipheriv, timingSafeEqual } from 'node:crypto';

import { CryptoError } from './errors.js';

/** AES block size and SIV tag length in bytes (RFC 5297 §2.6). */
export const AES_SIV_TAG_LENGTH = 16;

/**
 * Maximum number of keys whose S2V/CMAC state is cached. A tx key is reused for all outputs of one call (data,
 * every attribute, error, submessages) and contract state keys are reused across calls; 256 entries cover a
 * block's worth of concurrently-live keys while bounding memory to ~100 KiB. Eviction only costs speed.
 */
export const AES_SIV_KEY_CACHE_SIZE = 256;

const BLOCK = 16;
/** Inputs up to this many bytes use the persistent-ECB CTR path; longer ones a one-shot OpenSSL CTR cipher. */
const CTR_VIA_ECB_MAX = 1024;
const ZERO_BLOCK = Buffer.alloc(BLOCK);

interface SivKeyState {
  /** Persistent AES-CBC cipher (IV 0, no padding) used for every CMAC under K1. */
  readonly cbc: Cipher;
  /** Current CBC chaining value of `cbc` (last ciphertext block it produced). */
  chain: Buffer;
  /** CMAC subkeys K1 = dbl(L), K2 = dbl(K1) (RFC 4493 §2.3). Named sub1/sub2 to avoid clashing with SIV's K1/K2. */
  readonly sub1: Buffer;
  readonly sub2: Buffer;
  /** S2V running value D after zero AD strings: CMAC(<zero>). */
  readonly dNoAd: Buffer;
  /** S2V running value D after one empty AD string: dbl(CMAC(<zero>)) xor CMAC(""); computed on first use. */
  dEmptyAd: Buffer | undefined;
  /** CTR key (SIV K2). */
  readonly ctrKey: Buffer;
  /** 'aes-128-ctr' or 'aes-256-ctr'. */
  readonly ctrAlgo: string;
  /** Persistent ECB cipher under the CTR key, created on first use, for short inputs (see ctr()). */
  ecb: Cipher | undefined;
}

const cache = new Map<string, SivKeyState>();

function dbl(x: Buffer): Buffer {
  const out = Buffer.allocUnsafe(BLOCK);
  let carry = 0;
  for (let i = BLOCK - 1; i >= 0; i--) {
    const b = x[i]!;
    out[i] = ((b << 1) | carry) & 0xff;
    carry = b >>> 7;
  }
  if (carry) out[BLOCK - 1] = out[BLOCK - 1]! ^ 0x87;
  return out;
}

function xorInto(dst: Buffer, dstOff: number, src: Buffer): void {
  for (let i = 0; i < BLOCK; i++) dst[dstOff + i] = dst[dstOff + i]! ^ src[i]!;
}

/**
 * CMAC over `buf[0..len)` where `buf` is owned by the caller, already sized to a whole number of blocks (at least
 * one) and may be mutated: applies the RFC 4493 last-block rule, cancels the CBC chaining, returns the tag.
 */
function cmacOwned(st: SivKeyState, buf: Buffer, len: number): Buffer {
  const lastOff = buf.length - BLOCK;
  if (len === buf.length && len > 0) {
    xorInto(buf, lastOff, st.sub1);
  } else {
    buf[len] = 0x80;
    buf.fill(0, len + 1);
    xorInto(buf, lastOff, st.sub2);
  }
  xorInto(buf, 0, st.chain);
  const out = st.cbc.update(buf);
  const tag = out.subarray(out.length - BLOCK);
  st.chain = tag;
  return tag;
}

function cmac(st: SivKeyState, data: Uint8Array): Buffer {
  const n = Math.max(1, Math.ceil(data.length / BLOCK));
  const buf = Buffer.allocUnsafe(n * BLOCK);
  buf.set(data, 0);
  return cmacOwned(st, buf, data.length);
}

function keyState(key: Uint8Array): SivKeyState {
  if (key.length !== 32 && key.length !== 64) {
    throw new CryptoError('BAD_KEY_LENGTH', `AES-SIV key must be 32 or 64 bytes, got ${key.length}`);
  }
  // Storage alternates between a contract's two state keys (K_key, K_val) on every access: check the last two
  // keys by bytes before building the Map id (a latin1 string) and refreshing LRU order.
  if (recent0 !== undefined && bytesEq(recent0.key, key)) return recent0.st;
  if (recent1 !== undefined && bytesEq(recent1.key, key)) {
    const r = recent1;
    recent1 = recent0;
    recent0 = r;
    return r.st;
  }
  const st = keyStateSlow(key);
  recent1 = recent0;
  recent0 = { key: Uint8Array.from(key), st };
  return st;
}

/** The last two keys used and their states (copies of the key bytes, so callers may reuse their buffers). */
let recent0: { readonly key: Uint8Array; readonly st: SivKeyState } | undefined;
let recent1: { readonly key: Uint8Array; readonly st: SivKeyState } | undefined;

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function keyStateSlow(key: Uint8Array): SivKeyState {
  const id = Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1');
  const hit = cache.get(id);
  if (hit !== undefined) {
    // Refresh recency (Map keeps insertion order; the oldest entry is evicted first).
    cache.delete(id);
    cache.set(id, hit);
    return hit;
  }
  const half = key.length / 2;
  const bits = half * 8;
  const cbc = createCipheriv(`aes-${bits}-cbc`, key.subarray(0, half), ZERO_BLOCK);
  cbc.setAutoPadding(false);
  const l = cbc.update(ZERO_BLOCK);
  const sub1 = dbl(l);
  // CMAC(<zero>) = E(0 xor K1): one block, the chaining value l is cancelled as in cmacOwned.
  const first = Buffer.allocUnsafe(BLOCK);
  for (let i = 0; i < BLOCK; i++) first[i] = sub1[i]! ^ l[i]!;
  const dNoAd = cbc.update(first);
  const st: SivKeyState = {
    cbc,
    chain: dNoAd,
    sub1,
    sub2: dbl(sub1),
    dNoAd,
    dEmptyAd: undefined,
    ctrKey: Buffer.from(key.subarray(half)),
    ctrAlgo: `aes-${bits}-ctr`,
    ecb: undefined,
  };
  cache.set(id, st);
  if (cache.size > AES_SIV_KEY_CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return st;
}

/** S2V(K1, AD_1, …, AD_n, plaintext) per RFC 5297 §2.4 (n ≥ 0 AD strings; the plaintext is always last). */
function s2v(st: SivKeyState, ad: readonly Uint8Array[], pt: Uint8Array): Buffer {
  let d: Buffer;
  let from = 0;
  if (ad.length >= 1 && ad[0]!.length === 0) {
    if (st.dEmptyAd === undefined) {
      const e = dbl(st.dNoAd);
      xorInto(e, 0, cmac(st, new Uint8Array(0)));
      st.dEmptyAd = e;
    }
    d = Buffer.from(st.dEmptyAd);
    from = 1;
  } else {
    d = Buffer.from(st.dNoAd);
  }
  for (let i = from; i < ad.length; i++) {
    d = dbl(d);
    xorInto(d, 0, cmac(st, ad[i]!));
  }
  if (pt.length >= BLOCK) {
    // T = Sn xorend D
    const buf = Buffer.allocUnsafe(Math.ceil(pt.length / BLOCK) * BLOCK);
    buf.set(pt, 0);
    const off = pt.length - BLOCK;
    for (let i = 0; i < BLOCK; i++) buf[off + i] = buf[off + i]! ^ d[i]!;
    return Buffer.from(cmacOwned(st, buf, pt.length));
  }
  // T = dbl(D) xor pad(Sn)
  const t = dbl(d);
  for (let i = 0; i < pt.length; i++) t[i] = t[i]! ^ pt[i]!;
  t[pt.length] = t[pt.length]! ^ 0x80;
  return Buffer.from(cmacOwned(st, t, BLOCK));
}

function ctr(st: SivKeyState, v: Uint8Array, data: Uint8Array): Buffer {
  // Q = V with the top bit of each of the two rightmost 32-bit words cleared (RFC 5297 §2.5).
  const q = Buffer.from(v);
  q[8] = q[8]! & 0x7f;
  q[12] = q[12]! & 0x7f;
  if (data.length > CTR_VIA_ECB_MAX) return createCipheriv(st.ctrAlgo, st.ctrKey, q).update(data);
  // Short inputs: encrypt the counter blocks Q, Q+1, … (128-bit big-endian increment, as OpenSSL's CTR and
  // RFC 5297 do) with the key's persistent ECB cipher and XOR in JS. A tx key encrypts several short outputs, so
  // this saves one cipher construction per output.
  const n = Math.ceil(data.length / BLOCK);
  const counters = Buffer.allocUnsafe(n * BLOCK);
  q.copy(counters, 0);
  for (let b = 1; b < n; b++) {
    const off = b * BLOCK;
    counters.copy(counters, off, off - BLOCK, off);
    for (let i = off + BLOCK - 1; i >= off; i--) {
      const x = (counters[i]! + 1) & 0xff;
      counters[i] = x;
      if (x !== 0) break;
    }
  }
  if (st.ecb === undefined) {
    st.ecb = createCipheriv(st.ctrAlgo.replace('-ctr', '-ecb'), st.ctrKey, null);
    st.ecb.setAutoPadding(false);
  }
  const ks = st.ecb.update(counters);
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ ks[i]!;
  return out;
}

/**
 * Encrypt `plaintext` under `key` with the associated-data list `ad`. Returns `tag(16) ‖ ciphertext`.
 * @throws CryptoError `BAD_KEY_LENGTH` if the key is not 32 or 64 bytes.
 */
export function aesSivSeal(key: Uint8Array, plaintext: Uint8Array, ad: readonly Uint8Array[]): Uint8Array {
  const st = keyState(key);
  const v = s2v(st, ad, plaintext);
  const out = new Uint8Array(BLOCK + plaintext.length);
  out.set(v, 0);
  if (plaintext.length > 0) out.set(ctr(st, v, plaintext), BLOCK);
  return out;
}

/**
 * Decrypt and authenticate `tag(16) ‖ ciphertext`. Returns the plaintext.
 * @throws CryptoError `TRUNCATED` if shorter than 16 bytes, `AUTH_FAILED` if the tag does not verify (tampered
 * data, different AD, or wrong key), `BAD_KEY_LENGTH` for a bad key.
 */
export function aesSivOpen(key: Uint8Array, sealed: Uint8Array, ad: readonly Uint8Array[]): Uint8Array {
  const st = keyState(key);
  if (sealed.length < BLOCK) {
    throw new CryptoError('TRUNCATED', `AES-SIV input must be at least ${BLOCK} bytes, got ${sealed.length}`);
  }
  const v = sealed.subarray(0, BLOCK);
  const body = sealed.subarray(BLOCK);
  const pt = body.length > 0 ? ctr(st, v, body) : Buffer.alloc(0);
  const expected = s2v(st, ad, pt);
  if (!timingSafeEqual(expected, v)) {
    pt.fill(0);
    throw new CryptoError(
      'AUTH_FAILED',
      'AES-SIV authentication failed (tampered data, wrong key or wrong associated data)',
    );
  }
  return new Uint8Array(pt.buffer.slice(pt.byteOffset, pt.byteOffset + pt.length));
}
