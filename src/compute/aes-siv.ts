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
 * Speed: built on node:crypto (OpenSSL AES-NI); each node:crypto `update()` costs ~0.45 µs, far more than the
 * AES work on a few blocks, so the code minimises calls and JS allocations:
 * - CMAC runs on one persistent AES-CBC cipher per key: a CBC cipher with IV 0 computes CBC-MAC, and because its
 *   chaining value carries over between `update()` calls we cancel it by XOR-ing the previous last ciphertext
 *   block into the first block of each new CMAC input. Every CMAC is then a single `update()` call.
 * - CTR for short inputs is one `update()` of a persistent ECB cipher over the counter blocks.
 * - Seal = (number of AD strings not cached) + 2 calls; the S2V state after the common AD lists `[]`/`[empty]` is
 *   cached per key, {@link aesSivPrefix} lets a caller cache it after any fixed first AD string, and the CMAC of
 *   a short AD string repeated at the same list position (a call's state salt) is remembered per key.
 * - Inputs are assembled in module-level scratch buffers (everything here is synchronous and never calls out, so
 *   no two uses overlap); per call only node's update() outputs are allocated, and the CTR one (up to 1 KiB) *is*
 *   the returned array: a plain Uint8Array on its own ArrayBuffer, which may be up to 15 zero bytes longer.
 * Per-key state (ciphers, CMAC subkeys, S2V prefixes, AD memo) lives in a small bounded cache keyed by the key
 * bytes.
 */
import { type Cipher, createCipheriv } from 'node:crypto';

import { CryptoError } from './errors.js';

/** AES block size and SIV tag length in bytes (RFC 5297 §2.6). */
export const AES_SIV_TAG_LENGTH = 16;

/**
 * Maximum number of keys whose S2V/CMAC state is cached. A tx key is reused for all outputs of one call (data,
 * every attribute, error, submessages) and contract state keys are reused across calls; 256 entries cover a
 * block's worth of concurrently-live keys while bounding memory to ~150 KiB (incl. each key's AD memo of at most
 * 2 × 80 bytes). Eviction only costs speed.
 */
export const AES_SIV_KEY_CACHE_SIZE = 256;

const BLOCK = 16;
/** Inputs up to this many bytes use the persistent-ECB CTR path; longer ones a one-shot OpenSSL CTR cipher. */
const CTR_VIA_ECB_MAX = 1024;
/**
 * CMAC inputs up to this many bytes are assembled in the module scratch buffer (grown on demand up to here);
 * longer ones (large state values, rare) in a one-off buffer so one big value does not pin memory for good.
 */
const SCRATCH_MAX = 16 * 1024;
/**
 * CMAC(K1, ad) is remembered per key for the last AD string seen at each of the first {@link AD_MEMO_SLOTS}
 * positions of an AD list, for strings up to {@link AD_MEMO_MAX} bytes: a contract call writes all its state
 * values with the same salt (AD `[enc_key_data, salt]`, spec §2.9) and seed shares are sealed with the same node
 * key as AD, so the repeated string costs a 24–64-byte compare instead of an update(). Keyed by every byte.
 */
const AD_MEMO_SLOTS = 2;
const AD_MEMO_MAX = 64;
const ZERO_BLOCK = Buffer.alloc(BLOCK);

interface SivKeyState {
  /** Persistent AES-CBC cipher (IV 0, no padding) used for every CMAC under K1. */
  readonly cbc: Cipher;
  /** Buffer holding the current CBC chaining value of `cbc` (last ciphertext block it produced) at `chainOff`. */
  chain: Buffer;
  chainOff: number;
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
  /** Persistent ECB cipher under the CTR key, created on first use, for short inputs (see sealWith/openWith). */
  ecb: Cipher | undefined;
  /** Per AD position: the last short string seen there and its CMAC (see AD_MEMO_SLOTS). */
  readonly adMemo: (AdMemo | undefined)[];
}

interface AdMemo {
  /** `bytes[0..len)` is the AD string. */
  readonly bytes: Uint8Array;
  len: number;
  readonly tag: Uint8Array;
}

const cache = new Map<string, SivKeyState>();

// --- module scratch (see the file comment: no two uses ever overlap) -------------------------------------------
/** S2V running value D. */
const d = Buffer.allocUnsafeSlow(BLOCK);
/** CMAC input assembly; `views[n]` is its first `n` blocks (update() takes the whole view it is given). */
let scratch = Buffer.allocUnsafeSlow(256);
let views: (Buffer | undefined)[] = [];
/** ECB input for CTR: an optional placeholder block, then the counter blocks Q, Q+1, …. */
const counters = Buffer.allocUnsafeSlow(CTR_VIA_ECB_MAX + BLOCK);
const counterViews: (Buffer | undefined)[] = [];

/** A buffer of at least `bytes` (a whole number of blocks) to assemble a CMAC input in. */
function cmacBuffer(bytes: number): Buffer {
  if (bytes <= scratch.length) return scratch;
  if (bytes > SCRATCH_MAX) return Buffer.allocUnsafe(bytes);
  let size = scratch.length;
  while (size < bytes) size *= 2;
  scratch = Buffer.allocUnsafeSlow(size);
  views = [];
  return scratch;
}

/** The first `blocks` blocks of `buf` as a view (cached for the module scratch buffers). */
function viewOf(buf: Buffer, blocks: number): Buffer {
  const cached = buf === scratch ? views : buf === counters ? counterViews : undefined;
  if (cached === undefined) return buf.length === blocks * BLOCK ? buf : buf.subarray(0, blocks * BLOCK);
  let v = cached[blocks];
  if (v === undefined) {
    v = buf.subarray(0, blocks * BLOCK);
    cached[blocks] = v;
  }
  return v;
}

/** d = dbl(d) in GF(2^128) (RFC 5297 §2.3), in place. */
function dblInPlace(x: Buffer): void {
  const msb = x[0]! >>> 7;
  for (let i = 0; i < BLOCK - 1; i++) x[i] = ((x[i]! << 1) | (x[i + 1]! >>> 7)) & 0xff;
  // Constant-time reduction: 0x87 when the shifted-out bit was set, 0 otherwise.
  x[BLOCK - 1] = ((x[BLOCK - 1]! << 1) & 0xff) ^ (0x87 & -msb);
}

function dbl(x: Buffer): Buffer {
  const out = Buffer.from(x);
  dblInPlace(out);
  return out;
}

/** Copies one block from `src[srcOff..]`; a JS loop beats Buffer#copy's native call at 16 bytes. */
function copyBlock(src: Uint8Array, srcOff: number, dst: Uint8Array): void {
  for (let i = 0; i < BLOCK; i++) dst[i] = src[srcOff + i]!;
}

function xorInto(dst: Buffer, dstOff: number, src: Uint8Array, srcOff: number): void {
  for (let i = 0; i < BLOCK; i++) dst[dstOff + i] = dst[dstOff + i]! ^ src[srcOff + i]!;
}

/**
 * CMAC over `buf[0..len)` where `buf` is scratch of at least one whole block covering `len` and may be mutated:
 * applies the RFC 4493 last-block rule, cancels the CBC chaining, runs one update(). The tag is then
 * `st.chain[st.chainOff..+16)` (valid until the next CMAC under this key).
 */
function cmacRun(st: SivKeyState, buf: Buffer, len: number): void {
  const blocks = len === 0 ? 1 : (len + BLOCK - 1) >>> 4;
  const lastOff = (blocks - 1) * BLOCK;
  if (len === blocks * BLOCK) {
    xorInto(buf, lastOff, st.sub1, 0);
  } else {
    buf[len] = 0x80;
    for (let i = len + 1, end = blocks * BLOCK; i < end; i++) buf[i] = 0;
    xorInto(buf, lastOff, st.sub2, 0);
  }
  xorInto(buf, 0, st.chain, st.chainOff);
  const out = st.cbc.update(viewOf(buf, blocks));
  st.chain = out;
  st.chainOff = out.length - BLOCK;
}

/** d = dbl(d) xor CMAC(K1, data): one S2V step (RFC 5297 §2.4) for the AD string at list position `pos`. */
function s2vStep(st: SivKeyState, data: Uint8Array, pos: number): void {
  const len = data.length;
  const memo = pos < AD_MEMO_SLOTS && len <= AD_MEMO_MAX ? memoSlot(st, pos) : undefined;
  if (memo !== undefined && memo.len === len && prefixEq(memo.bytes, data, len)) {
    dblInPlace(d);
    xorInto(d, 0, memo.tag, 0);
    return;
  }
  const buf = cmacBuffer(Math.max(BLOCK, len + BLOCK - 1) & ~(BLOCK - 1));
  buf.set(data, 0);
  cmacRun(st, buf, len);
  dblInPlace(d);
  xorInto(d, 0, st.chain, st.chainOff);
  if (memo !== undefined) {
    memo.bytes.set(data, 0);
    memo.len = len;
    copyBlock(st.chain, st.chainOff, memo.tag);
  }
}

function memoSlot(st: SivKeyState, pos: number): AdMemo {
  let m = st.adMemo[pos];
  if (m === undefined) {
    // len -1 never matches: the slot is empty until the first CMAC fills it.
    m = { bytes: new Uint8Array(AD_MEMO_MAX), len: -1, tag: new Uint8Array(BLOCK) };
    st.adMemo[pos] = m;
  }
  return m;
}

/** `a[0..len) == b` (b.length === len); AD strings are public, so an early exit is fine. */
function prefixEq(a: Uint8Array, b: Uint8Array, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Standalone CMAC(K1, data) as a fresh buffer (only for building cached prefixes). */
function cmacCopy(st: SivKeyState, data: Uint8Array): Buffer {
  const buf = cmacBuffer(Math.max(BLOCK, data.length + BLOCK - 1) & ~(BLOCK - 1));
  buf.set(data, 0);
  cmacRun(st, buf, data.length);
  return Buffer.from(st.chain.subarray(st.chainOff, st.chainOff + BLOCK));
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
  // CMAC(<zero>) = E(0 xor K1): one block, the chaining value l is cancelled as in cmacRun.
  const first = Buffer.allocUnsafe(BLOCK);
  for (let i = 0; i < BLOCK; i++) first[i] = sub1[i]! ^ l[i]!;
  const dNoAd = cbc.update(first);
  const st: SivKeyState = {
    cbc,
    chain: dNoAd,
    chainOff: 0,
    sub1,
    sub2: dbl(sub1),
    dNoAd,
    dEmptyAd: undefined,
    ctrKey: Buffer.from(key.subarray(half)),
    ctrAlgo: `aes-${bits}-ctr`,
    ecb: undefined,
    adMemo: [],
  };
  cache.set(id, st);
  if (cache.size > AES_SIV_KEY_CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return st;
}

/** Sets `d` to the S2V state after the AD list's first strings; returns how many strings that covered. */
function s2vStart(st: SivKeyState, ad: readonly Uint8Array[]): number {
  if (ad.length >= 1 && ad[0]!.length === 0) {
    if (st.dEmptyAd === undefined) {
      const e = dbl(st.dNoAd);
      xorInto(e, 0, cmacCopy(st, new Uint8Array(0)), 0);
      st.dEmptyAd = e;
    }
    copyBlock(st.dEmptyAd, 0, d);
    return 1;
  }
  copyBlock(st.dNoAd, 0, d);
  return 0;
}

/**
 * Finishes S2V (RFC 5297 §2.4) from the running value `d` with the AD strings `ad[from..]` and the plaintext;
 * `ad[0]` is at position `adPos` of the whole AD list (1 after a prefix). The result V is left at
 * `st.chain[st.chainOff..+16)`.
 */
function s2vFinish(
  st: SivKeyState,
  ad: readonly Uint8Array[],
  from: number,
  adPos: number,
  pt: Uint8Array,
): void {
  for (let i = from; i < ad.length; i++) s2vStep(st, ad[i]!, adPos + i);
  const n = pt.length;
  if (n >= BLOCK) {
    // T = Sn xorend D
    const buf = cmacBuffer((n + BLOCK - 1) & ~(BLOCK - 1));
    buf.set(pt, 0);
    xorInto(buf, n - BLOCK, d, 0);
    cmacRun(st, buf, n);
    return;
  }
  // T = dbl(D) xor pad(Sn)
  dblInPlace(d);
  const buf = scratch;
  for (let i = 0; i < n; i++) buf[i] = d[i]! ^ pt[i]!;
  buf[n] = d[n]! ^ 0x80;
  for (let i = n + 1; i < BLOCK; i++) buf[i] = d[i]!;
  cmacRun(st, buf, BLOCK);
}

/**
 * Writes the CTR counter blocks Q, Q+1, … for `len` bytes into `counters` from block `at` on, where Q is
 * `vBuf[vOff..+16)` with the top bit of each of its two rightmost 32-bit words cleared (RFC 5297 §2.5) and the
 * increment is 128-bit big-endian (as OpenSSL's CTR and RFC 5297 do). Returns the number of counter blocks.
 */
function fillCounters(vBuf: Uint8Array, vOff: number, at: number, len: number): number {
  const base = at * BLOCK;
  for (let i = 0; i < BLOCK; i++) counters[base + i] = vBuf[vOff + i]!;
  counters[base + 8] = counters[base + 8]! & 0x7f;
  counters[base + 12] = counters[base + 12]! & 0x7f;
  const n = (len + BLOCK - 1) >>> 4;
  for (let b = 1; b < n; b++) {
    const off = base + b * BLOCK;
    for (let i = off; i < off + BLOCK; i++) counters[i] = counters[i - BLOCK]!;
    for (let i = off + BLOCK - 1; i >= off; i--) {
      const x = (counters[i]! + 1) & 0xff;
      counters[i] = x;
      if (x !== 0) break;
    }
  }
  return n;
}

/** The key's persistent ECB cipher under K2 (created on first use). */
function ecbOf(st: SivKeyState): Cipher {
  let ecb = st.ecb;
  if (ecb === undefined) {
    ecb = createCipheriv(st.ctrAlgo.replace('-ctr', '-ecb'), st.ctrKey, null);
    ecb.setAutoPadding(false);
    st.ecb = ecb;
  }
  return ecb;
}

/** Long inputs: `out[outOff..) = data xor CTR(K2, Q(v))` with a one-shot OpenSSL CTR cipher. */
function ctrLong(
  st: SivKeyState,
  vBuf: Uint8Array,
  vOff: number,
  data: Uint8Array,
  out: Uint8Array,
  outOff: number,
): void {
  fillCounters(vBuf, vOff, 0, 1);
  out.set(createCipheriv(st.ctrAlgo, st.ctrKey, viewOf(counters, 1)).update(data), outOff);
}

/**
 * `buf[0..length)` as a plain Uint8Array owning its memory. `buf` is a fresh update() output: node allocates it
 * on its own ArrayBuffer of exactly its size (checked; otherwise copied), so the view is the caller's alone
 * (bytes past `length`, at most 15, are zeroed by the callers) and returning it saves an allocation per call.
 */
function ownedView(buf: Buffer, length: number): Uint8Array {
  const ab = buf.buffer;
  if (buf.byteOffset === 0 && ab.byteLength === buf.length && ab instanceof ArrayBuffer) {
    return new Uint8Array(ab, 0, length);
  }
  const copy = new Uint8Array(length);
  copy.set(buf.subarray(0, length));
  return copy;
}

function sealWith(
  st: SivKeyState,
  plaintext: Uint8Array,
  ad: readonly Uint8Array[],
  from: number,
  adPos: number,
): Uint8Array {
  s2vFinish(st, ad, from, adPos, plaintext);
  const len = plaintext.length;
  const c = st.chain;
  const off = st.chainOff;
  if (len > CTR_VIA_ECB_MAX) {
    const out = new Uint8Array(BLOCK + len);
    for (let i = 0; i < BLOCK; i++) out[i] = c[off + i]!;
    ctrLong(st, out, 0, plaintext, out, BLOCK);
    return out;
  }
  // One ECB update() over [placeholder, Q, Q+1, …]; its output becomes the result: block 0 is overwritten with
  // V, the rest is the keystream XOR-ed with the plaintext in place.
  const n = fillCounters(c, off, 1, len);
  const out = ecbOf(st).update(viewOf(counters, n + 1));
  for (let i = 0; i < BLOCK; i++) out[i] = c[off + i]!;
  for (let i = 0; i < len; i++) out[BLOCK + i] = out[BLOCK + i]! ^ plaintext[i]!;
  for (let i = BLOCK + len, end = out.length; i < end; i++) out[i] = 0;
  return ownedView(out, BLOCK + len);
}

function openWith(
  st: SivKeyState,
  sealed: Uint8Array,
  ad: readonly Uint8Array[],
  from: number,
  adPos: number,
): Uint8Array {
  if (sealed.length < BLOCK) {
    throw new CryptoError('TRUNCATED', `AES-SIV input must be at least ${BLOCK} bytes, got ${sealed.length}`);
  }
  const len = sealed.length - BLOCK;
  let pt: Uint8Array;
  if (len === 0) {
    pt = new Uint8Array(0);
  } else if (len > CTR_VIA_ECB_MAX) {
    pt = new Uint8Array(len);
    ctrLong(st, sealed, 0, sealed.subarray(BLOCK), pt, 0);
  } else {
    const n = fillCounters(sealed, 0, 0, len);
    const ks = ecbOf(st).update(viewOf(counters, n));
    for (let i = 0; i < len; i++) ks[i] = ks[i]! ^ sealed[BLOCK + i]!;
    for (let i = len, end = ks.length; i < end; i++) ks[i] = 0;
    pt = ownedView(ks, len);
  }
  s2vFinish(st, ad, from, adPos, pt);
  // Constant-time tag comparison (no early exit).
  const c = st.chain;
  const off = st.chainOff;
  let diff = 0;
  for (let i = 0; i < BLOCK; i++) diff |= c[off + i]! ^ sealed[i]!;
  if (diff !== 0) {
    pt.fill(0);
    throw new CryptoError(
      'AUTH_FAILED',
      'AES-SIV authentication failed (tampered data, wrong key or wrong associated data)',
    );
  }
  return pt;
}

/**
 * Encrypt `plaintext` under `key` with the associated-data list `ad`. Returns `tag(16) ‖ ciphertext` as a fresh
 * Uint8Array owned by the caller (its own ArrayBuffer at offset 0; up to 15 zero bytes may follow it there).
 * @throws CryptoError `BAD_KEY_LENGTH` if the key is not 32 or 64 bytes.
 */
export function aesSivSeal(key: Uint8Array, plaintext: Uint8Array, ad: readonly Uint8Array[]): Uint8Array {
  const st = keyState(key);
  return sealWith(st, plaintext, ad, s2vStart(st, ad), 0);
}

/**
 * Decrypt and authenticate `tag(16) ‖ ciphertext`. Returns the plaintext as a fresh Uint8Array owned by the caller
 * (as for {@link aesSivSeal}).
 * @throws CryptoError `TRUNCATED` if shorter than 16 bytes, `AUTH_FAILED` if the tag does not verify (tampered
 * data, different AD, or wrong key), `BAD_KEY_LENGTH` for a bad key.
 */
export function aesSivOpen(key: Uint8Array, sealed: Uint8Array, ad: readonly Uint8Array[]): Uint8Array {
  const st = keyState(key);
  return openWith(st, sealed, ad, s2vStart(st, ad), 0);
}

/** Module-internal access to AesSivPrefix's private fields (assigned in its static block). */
let createPrefix: (st: SivKeyState, dAfterAd0: Buffer) => AesSivPrefix;
/** Validates `p`, loads its S2V state into `d`, returns its key state. */
let prefixParts: (p: AesSivPrefix) => SivKeyState;

/**
 * An AES-SIV key together with a fixed first associated-data string: the S2V state after that string
 * (`dbl(CMAC(K1, <zero>)) xor CMAC(K1, ad0)`), computed once by {@link aesSivPrefix} and reused by
 * {@link aesSivSealWithPrefix} / {@link aesSivOpenWithPrefix}, which then skip one CMAC per call.
 *
 * Opaque on purpose: it holds key-derived state in private fields (not enumerable, not shown by `util.inspect`).
 * Bound to exactly the key and `ad0` bytes it was created from (both copied/consumed at creation), so a cache of
 * prefixes must be keyed by both.
 */
export class AesSivPrefix {
  readonly #st: SivKeyState;
  readonly #d: Buffer;

  /** Use {@link aesSivPrefix}. */
  private constructor(st: SivKeyState, dAfterAd0: Buffer) {
    this.#st = st;
    this.#d = dAfterAd0;
  }

  static {
    createPrefix = (st, dAfterAd0) => new AesSivPrefix(st, dAfterAd0);
    prefixParts = (p) => {
      if (!(p instanceof AesSivPrefix)) {
        throw new CryptoError('BAD_KEY_LENGTH', 'AES-SIV prefix must be created by aesSivPrefix()');
      }
      copyBlock(p.#d, 0, d);
      return p.#st;
    };
  }
}

/**
 * Precompute the S2V state of `key` after the first associated-data string `ad0`. Then
 * `aesSivSealWithPrefix(aesSivPrefix(key, ad0), pt, rest)` is byte-identical to `aesSivSeal(key, pt, [ad0, ...rest])`
 * (and likewise for open), one CMAC cheaper per call.
 * @throws CryptoError `BAD_KEY_LENGTH` if the key is not 32 or 64 bytes.
 */
export function aesSivPrefix(key: Uint8Array, ad0: Uint8Array): AesSivPrefix {
  const st = keyState(key);
  const e = dbl(st.dNoAd);
  xorInto(e, 0, cmacCopy(st, ad0), 0);
  return createPrefix(st, e);
}

/**
 * `aesSivSeal(key, plaintext, [ad0, ...restAd])` for the `key`/`ad0` of `prefix`. Returns a fresh Uint8Array.
 * @throws CryptoError `BAD_KEY_LENGTH` if `prefix` was not made by {@link aesSivPrefix}.
 */
export function aesSivSealWithPrefix(
  prefix: AesSivPrefix,
  plaintext: Uint8Array,
  restAd: readonly Uint8Array[],
): Uint8Array {
  return sealWith(prefixParts(prefix), plaintext, restAd, 0, 1);
}

/**
 * `aesSivOpen(key, sealed, [ad0, ...restAd])` for the `key`/`ad0` of `prefix`. Returns a fresh Uint8Array.
 * @throws CryptoError `TRUNCATED` / `AUTH_FAILED` exactly as {@link aesSivOpen}; `BAD_KEY_LENGTH` if `prefix` was
 * not made by {@link aesSivPrefix}.
 */
export function aesSivOpenWithPrefix(
  prefix: AesSivPrefix,
  sealed: Uint8Array,
  restAd: readonly Uint8Array[],
): Uint8Array {
  return openWith(prefixParts(prefix), sealed, restAd, 0, 1);
}
