/**
 * Deterministic AES-256-GCM with synthetic IVs — the `'aes-256-gcm'` scheme's cipher for inputs and outputs.
 *
 * Construction, for tx key `K` (32 bytes, from HKDF, unique per user message). Everything one call encrypts
 * under `K` at once is a *batch*: the boxes of one response (attributes, data, reply id, …) in output order; a
 * lone seal (an input wire message, a query result) is a batch of one.
 * ```
 *   K_iv  = E_K(BE64(1) ‖ 0^64) ‖ E_K(BE64(2) ‖ 0^64)                  (AES-256 as a PRF, cf. RFC 8452 §4)
 *   V     = first 12 bytes of HMAC-SHA256(K_iv, 0x01 ‖ Σ_i (d_i ‖ BE32(|P_i|) ‖ P_i))   (one HMAC per batch)
 *   IV_i  = V ⊕ (0^64 ‖ BE32(i))                                        (i = 0, 1, … position in the batch)
 *   A_i   = marker(0x01) ‖ d_i
 *   box_i = marker ‖ d_i ‖ IV_i ‖ AES-256-GCM(K, IV_i, aad = A_i, P_i) ‖ tag(16)       (outputs)
 *   wire  = marker ‖ nonce ‖ pubkey ‖ IV_0 ‖ ciphertext ‖ tag(16)                     (inputs, d = input)
 * ```
 * Why synthetic: network outputs must be byte-identical on every validator, so the IV cannot be random; but a
 * fixed or counter IV under a per-tx key is unsafe because the same encrypted input can be executed twice
 * against different state (replays, simulations, queries), producing two *different* plaintexts under one
 * (K, IV) — which leaks their XOR and the GHASH key. SIV (RFC 5297 §1.3.2 / Rogaway–Shrimpton) fixes this by
 * making the IV a PRF of the plaintext; here it is a PRF of the whole batch:
 * - Within a batch the IVs differ in their last 32 bits (i < 2^32; a JS array cannot hold more items).
 * - Two different batches under one key have different PRF inputs (the encoding is injective: each item is
 *   length-prefixed and the domain byte is explicit), so their V, V' are independent uniform 96-bit values.
 *   IV_i = IV'_j needs V and V' equal in the first 64 bits AND V ⊕ V' = i ⊕ j in the last 32 bits: probability
 *   ≤ n·n' / 2^96 for batches of n and n' boxes. Summed over all pairs of batches under one key this is
 *   ≤ N² / 2^97 for N boxes in total — the same bound as an independent random 96-bit IV per box (and better
 *   than `prefix(64) ‖ index`, whose bound is q² / 2^65 for q batches). A simulation loop replaying one input
 *   2^30 times with 64 boxes each stays below 2^-25.
 * - Equal batches give equal bytes (the determinism we need; the only leak is that a whole response repeated).
 *   Unlike a per-box SIV, equal plaintexts inside one response or across two different responses get different
 *   IVs, so they no longer show up as equal ciphertexts.
 * One derivation serves every seal (single seals are batches of one), so there is a single rule to reason about.
 * `K_iv` comes from the same ECB call that computes GCM's H (gcm-batch.ts); its input blocks end in four zero
 * bytes, which no GCM counter block does, so `K_iv` is never part of any keystream, and HMAC and GCM never share
 * a key. The domain byte is in the AAD, so a ciphertext produced for one place (e.g. an attribute value) fails
 * authentication when presented as another (e.g. data or an error). Decryption accepts any IV: the GCM tag alone
 * authenticates, and clients may use random IVs for inputs.
 *
 * Sealing and opening both use the tx key's one cached gcm-batch.ts state (an AES-ECB cipher for the keystream
 * blocks + JS GHASH, byte-identical to node's GCM): a query used to pay for a node GCM decipher for its input
 * and an ECB cipher for its result under the same key. Opening checks the tag (all 16 bytes, no early exit)
 * before computing any plaintext. The JS GHASH's table lookups are not constant-time, and on opening the data is
 * chosen by the submitter; what timing could reveal is H of that one tx key, which lets one forge GCM messages
 * under that key only — see ghash.ts and docs/encryption.md for what that does and does not enable.
 */
import { createHmac } from 'node:crypto';

import { CryptoError } from './errors.js';
import { Aes256GcmBatch, GCM_JS_MAX_PLAINTEXT, type GcmJob } from './gcm-batch.js';
import {
  HMAC_JS_MAX_MESSAGE,
  HMAC_MIDSTATE_WORDS,
  hmacSha256Midstates,
  HmacSha256OneShot,
  hmacSha256WordsWithMidstates,
} from './hmac-sha256.js';
import { GCM_IV_LENGTH, GCM_TAG_LENGTH, SCHEME_MARKER_GCM_V1 } from './scheme.js';
import { sha256WordsToBytes } from './sha256-block.js';

/** Where a ciphertext is used; bound into the AAD so ciphertexts cannot be moved between places. */
export type CipherDomain =
  'input' | 'data' | 'attribute-key' | 'attribute-value' | 'error' | 'query-result' | 'reply-id';

/** Wire value of each domain (never renumbered). */
export const DOMAIN_BYTE: Readonly<Record<CipherDomain, number>> = {
  input: 0x00,
  data: 0x01,
  'attribute-key': 0x02,
  'attribute-value': 0x03,
  error: 0x04,
  'query-result': 0x05,
  'reply-id': 0x06,
};

const DOMAIN_BY_BYTE = new Map<number, CipherDomain>(
  (Object.entries(DOMAIN_BYTE) as [CipherDomain, number][]).map(([d, b]) => [b, d]),
);

/** Length of the output box header: marker ‖ domain. */
export const GCM_BOX_HEADER_LENGTH = 2;

/** Minimum output box: header ‖ iv ‖ tag. */
export const MIN_GCM_BOX_LENGTH = GCM_BOX_HEADER_LENGTH + GCM_IV_LENGTH + GCM_TAG_LENGTH;

/** One output to seal: where it goes and its plaintext. */
export interface SealItem {
  readonly domain: CipherDomain;
  readonly plaintext: Uint8Array;
}

/**
 * Per-tx-key state, built on first use and cached (a tx key decrypts its input and seals several outputs of one
 * call, and reply/submessage handling re-derives the same key). Bounded, speed only: a tx key is live for one
 * tx (every user message has a fresh nonce), so 32 entries cover a call chain while letting the ECB ciphers and
 * tables of finished txs die young instead of being promoted and collected by full GCs.
 * `seal` holds the key's one persistent AES-ECB cipher + GHASH table — which opens its input and seals its
 * outputs (a node GCM decipher per input cost ~8 µs of a query) — and the IV-derivation key K_iv.
 */
const KEY_STATE_CACHE_SIZE = 32;
class TxKeyState {
  /** The key bytes (this state's own copy, also the AES state's key). */
  readonly key: Uint8Array;
  /** First 4 key bytes as a word: a cheap first test before comparing all 32 bytes. */
  readonly head: number;
  /** The key's AES-ECB cipher + GHASH table, built on first use. */
  gcm: Aes256GcmBatch | undefined = undefined;
  /**
   * HMAC midstates of K_iv (hmac-sha256.ts): handed in by {@link gcmPrimeSealState}, or computed for
   * {@link gcmOpenBodyWithSealKeyBlocks}.
   */
  ivMid: Int32Array | undefined = undefined;
  /** {@link gcmSealKeyBlocks} of `key`, handed in by {@link gcmPrimeSealState}; used once to build `gcm`. */
  keyBlocks: Uint8Array | undefined = undefined;

  constructor(key: Uint8Array, head: number) {
    this.key = key;
    this.head = head;
  }
}
/**
 * The cached states, replaced oldest first (a ring: a lookup scans 32 entries' head words, cheaper than building
 * a string id of the key for a Map; a tx key is looked up a few times per call).
 */
const keyStates: (TxKeyState | undefined)[] = new Array<TxKeyState | undefined>(KEY_STATE_CACHE_SIZE).fill(
  undefined,
);
let nextKeySlot = 0;
/** Last state used: every seal/open of one call hits the same key, skip the scan for it. */
let recent: TxKeyState | undefined;

/** Input blocks of `K_iv = E_K(BE64(1) ‖ 0^64) ‖ E_K(BE64(2) ‖ 0^64)` (see the header). */
const IV_KEY_BLOCKS = Uint8Array.from([
  ...[0, 0, 0, 0, 0, 0, 0, 1],
  ...new Array<number>(8).fill(0),
  ...[0, 0, 0, 0, 0, 0, 0, 2],
  ...new Array<number>(8).fill(0),
]);

/** Marker byte that starts the PRF input of a batch (version 1 of this layout, as on the wire). */
const BATCH_PRF_MARKER = SCHEME_MARKER_GCM_V1;

function checkKey(key: Uint8Array): void {
  if (key.length !== 32)
    throw new CryptoError('BAD_KEY_LENGTH', `AES-256-GCM key must be 32 bytes, got ${key.length}`);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function headOf(key: Uint8Array): number {
  return (key[0]! << 24) | (key[1]! << 16) | (key[2]! << 8) | key[3]!;
}

function keyStateFor(key: Uint8Array): TxKeyState {
  checkKey(key);
  if (recent !== undefined && sameBytes(recent.key, key)) return recent;
  const head = headOf(key);
  for (let i = 0; i < KEY_STATE_CACHE_SIZE; i++) {
    const k = keyStates[i];
    if (k !== undefined && k.head === head && sameBytes(k.key, key)) return (recent = k);
  }
  const own = new Uint8Array(32);
  own.set(key);
  const k = new TxKeyState(own, head);
  keyStates[nextKeySlot] = k;
  nextKeySlot = (nextKeySlot + 1) % KEY_STATE_CACHE_SIZE;
  return (recent = k);
}

function gcmOf(st: TxKeyState): Aes256GcmBatch {
  let gcm = st.gcm;
  if (gcm === undefined) {
    const blocks = st.keyBlocks;
    st.keyBlocks = undefined;
    if (blocks === undefined) {
      // Deferred: a key first used to open an input computes H ‖ K_iv in the same AES call as its counter blocks.
      gcm = Aes256GcmBatch.deferredOwned(st.key, IV_KEY_BLOCKS);
    } else {
      // H ‖ K_iv [‖ K_iv's HMAC midstates, big-endian words], see gcmOpenBodyWithSealKeyBlocks
      if (blocks.length === GCM_SEAL_KEY_STATE_LENGTH) {
        const ivMid = (st.ivMid = new Int32Array(HMAC_MIDSTATE_WORDS));
        for (let i = 0, o = GCM_SEAL_KEY_BLOCKS_LENGTH; i < HMAC_MIDSTATE_WORDS; i++, o += 4)
          ivMid[i] = (blocks[o]! << 24) | (blocks[o + 1]! << 16) | (blocks[o + 2]! << 8) | blocks[o + 3]!;
      }
      gcm = Aes256GcmBatch.fromKeyBlocks(st.key, blocks.subarray(0, GCM_SEAL_KEY_BLOCKS_LENGTH));
    }
    st.gcm = gcm;
  }
  return gcm;
}

/** K_iv's HMAC pad midstates (hmac-sha256.ts), computed on first use. */
function ivMidOf(st: TxKeyState): Int32Array {
  let mid = st.ivMid;
  if (mid === undefined) {
    mid = st.ivMid = new Int32Array(HMAC_MIDSTATE_WORDS);
    hmacSha256Midstates(gcmOf(st).keyBlocksView(), mid, 0, GHASH_H_LENGTH, IV_KEY_BLOCKS.length);
  }
  return mid;
}

/** H = E_K(0^128), the first of the key blocks. */
const GHASH_H_LENGTH = 16;

/** Length of {@link gcmSealKeyBlocks}: H ‖ K_iv. */
export const GCM_SEAL_KEY_BLOCKS_LENGTH = GHASH_H_LENGTH + IV_KEY_BLOCKS.length;

/**
 * Length of the seal key blocks {@link gcmOpenBodyWithSealKeyBlocks} hands out: H ‖ K_iv ‖ the HMAC pad
 * midstates of K_iv (16 big-endian words; 2 SHA-256 compressions the sealing thread then skips).
 */
export const GCM_SEAL_KEY_STATE_LENGTH = GCM_SEAL_KEY_BLOCKS_LENGTH + 4 * HMAC_MIDSTATE_WORDS;

/**
 * The key-only part of sealing under `key`: `H ‖ K_iv` (one AES-ECB call), so a thread that derived the key
 * (the enclave's prepare worker) can hand it to the thread that seals with {@link gcmPrimeSealState}.
 * @throws CryptoError `BAD_KEY_LENGTH`.
 */
export function gcmSealKeyBlocks(key: Uint8Array): Uint8Array {
  checkKey(key);
  return Aes256GcmBatch.keyBlocks(key, IV_KEY_BLOCKS);
}

/**
 * Lets the next seal under `key` use `keyBlocks` = {@link gcmSealKeyBlocks}`(key)` (or the longer blocks of
 * {@link gcmOpenBodyWithSealKeyBlocks}) instead of computing them (a copy is taken). Only for blocks bound to
 * exactly these key bytes (computed from them by trusted code): wrong blocks would give wrong outputs. Does
 * nothing when the key's seal state exists already or `keyBlocks` has neither length. @throws CryptoError
 * `BAD_KEY_LENGTH`.
 */
export function gcmPrimeSealState(key: Uint8Array, keyBlocks: Uint8Array): void {
  const st = keyStateFor(key);
  const n = keyBlocks.length;
  if (st.gcm === undefined && (n === GCM_SEAL_KEY_BLOCKS_LENGTH || n === GCM_SEAL_KEY_STATE_LENGTH))
    st.keyBlocks = keyBlocks.slice();
}

/** Plain AES-256-GCM (NIST SP 800-38D) with a 12-byte IV and a 16-byte tag (gcm-batch.ts, node-identical). */
export function aes256GcmEncrypt(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  if (iv.length !== GCM_IV_LENGTH)
    throw new CryptoError('BAD_CONFIG', `AES-256-GCM IV must be ${GCM_IV_LENGTH} bytes`);
  const out = new Uint8Array(GCM_IV_LENGTH + plaintext.length + GCM_TAG_LENGTH);
  out.set(iv, 0);
  gcmOf(keyStateFor(key)).encryptOne(aad, plaintext, out, 0);
  return {
    ciphertext: out.slice(GCM_IV_LENGTH, GCM_IV_LENGTH + plaintext.length),
    tag: out.slice(GCM_IV_LENGTH + plaintext.length),
  };
}

/**
 * Plain AES-256-GCM decryption with the key's cached cipher state (gcm-batch.ts; the tag is verified before any
 * plaintext is computed, same result as node's GCM). @throws CryptoError `AUTH_FAILED`.
 */
export function aes256GcmDecrypt(
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  return gcmOf(keyStateFor(key)).decrypt(iv, ciphertext, tag, aad);
}

/** AAD of each domain (`marker ‖ domain`), built once. */
const AAD_BY_DOMAIN = Object.fromEntries(
  (Object.keys(DOMAIN_BYTE) as CipherDomain[]).map((d) => [
    d,
    Uint8Array.of(SCHEME_MARKER_GCM_V1, DOMAIN_BYTE[d]),
  ]),
) as Partial<Record<CipherDomain, Uint8Array>>;

function aadFor(domain: CipherDomain): Uint8Array {
  const a = AAD_BY_DOMAIN[domain];
  if (a === undefined) throw new CryptoError('BAD_CONFIG', 'unknown cipher domain');
  return a;
}

/**
 * HMAC under the K_iv of the key being sealed for (pads rewritten per batch). Its input buffer also holds the
 * PRF input of every short batch, at {@link PRF0}: the MAC reads it in place.
 */
const ivMac = new HmacSha256OneShot(HMAC_JS_MAX_MESSAGE);
const PRF0 = HmacSha256OneShot.MESSAGE_OFFSET;

/** PRF-input scratch for long batches (node's HMAC reads it); bounded like gcm-batch's. */
let longPrfScratch = new Uint8Array(0);
const MAX_KEPT_PRF_SCRATCH = 64 * 1024;

/** The HMAC output of the last batch (consumed by {@link writeIv} before the next batch starts). */
const ivBase = new Uint8Array(32);
/** The same as words (the midstate path writes {@link ivBase} from them). */
const ivBaseWords = new Int32Array(8);

/**
 * Where a batch's PRF input of `n` bytes is written: {@link ivMac}'s input at {@link PRF0} when short, else a
 * kept scratch (or a one-off array) from offset 0.
 */
function prfBufferFor(n: number): Uint8Array {
  if (n <= HMAC_JS_MAX_MESSAGE) return ivMac.input;
  if (longPrfScratch.length < n && n <= MAX_KEPT_PRF_SCRATCH)
    longPrfScratch = new Uint8Array(Math.max(n, 2 * longPrfScratch.length));
  return longPrfScratch.length >= n ? longPrfScratch : new Uint8Array(n);
}

/** Offset of a PRF input of `n` bytes in {@link prfBufferFor}`(n)`. */
function prfStart(n: number): number {
  return n <= HMAC_JS_MAX_MESSAGE ? PRF0 : 0;
}

/** Writes one PRF item `d ‖ BE32(len(p)) ‖ p` at `buf[o ..]`; returns the offset after it. */
function writePrfItem(buf: Uint8Array, o: number, domainByte: number, p: Uint8Array): number {
  const len = p.length;
  if (len > 0xffffffff) throw new CryptoError('BAD_CONFIG', 'plaintext too long');
  buf[o] = domainByte;
  buf[o + 1] = len >>> 24;
  buf[o + 2] = len >>> 16;
  buf[o + 3] = len >>> 8;
  buf[o + 4] = len;
  if (len <= 64) for (let i = 0; i < len; i++) buf[o + 5 + i] = p[i]!;
  else buf.set(p, o + 5);
  return o + 5 + len;
}

/**
 * `V` from the PRF input of `n` bytes written at {@link prfStart}`(n)` of `buf`: the first 12 bytes of
 * HMAC-SHA256(K_iv, input), in {@link ivBase} (or a fresh array for long input). With K_iv's midstates handed in
 * (txs: the prepare worker computed them) 2 JS compressions; otherwise (a query's result, a key that only this
 * thread saw) 2 one-shot native hashes over K_iv's pads, ~0.6 µs against ~1 µs for 4 JS compressions
 * (midstates, then the MAC); long inputs by node's `createHmac`.
 */
function prfOf(st: TxKeyState, buf: Uint8Array, n: number): Uint8Array {
  if (n > HMAC_JS_MAX_MESSAGE) {
    return createHmac('sha256', gcmOf(st).derived())
      .update(n === buf.length ? buf : buf.subarray(0, n))
      .digest();
  }
  const mid = st.ivMid;
  if (mid !== undefined) {
    hmacSha256WordsWithMidstates(mid, 0, buf, PRF0, n, ivBaseWords, 0);
    sha256WordsToBytes(ivBaseWords, 0, ivBase, 0);
  } else {
    ivMac.setKey(gcmOf(st).keyBlocksView(), GHASH_H_LENGTH, IV_KEY_BLOCKS.length).macInput(n, ivBase, 0);
  }
  return ivBase;
}

/**
 * `V` of a batch: the first 12 bytes of HMAC-SHA256(K_iv, 0x01 ‖ Σ (d ‖ BE32(len) ‖ P)). IV_i = V ⊕ BE32(i) in
 * its last four bytes.
 */
function batchIvBase(st: TxKeyState, items: readonly SealItem[]): Uint8Array {
  let n = 1;
  for (const it of items) n += 5 + it.plaintext.length;
  const buf = prfBufferFor(n);
  let o = prfStart(n);
  buf[o++] = BATCH_PRF_MARKER;
  for (const it of items) o = writePrfItem(buf, o, aadFor(it.domain)[1]!, it.plaintext);
  return prfOf(st, buf, n);
}

/**
 * Seals a batch of one (`plaintext` for the domain whose AAD is `aad`) under `st`: writes `IV_0 ‖ ciphertext ‖
 * tag` at `out[offset ..]` — {@link batchIvBase} and `encryptInto` without the item, job and array objects.
 */
function sealOne(
  st: TxKeyState,
  aad: Uint8Array,
  plaintext: Uint8Array,
  out: Uint8Array,
  offset: number,
): void {
  const n = 6 + plaintext.length;
  const buf = prfBufferFor(n);
  const o = prfStart(n);
  buf[o] = BATCH_PRF_MARKER;
  writePrfItem(buf, o + 1, aad[1]!, plaintext);
  writeIv(prfOf(st, buf, n), 0, out, offset);
  gcmOf(st).encryptOne(aad, plaintext, out, offset);
}

/** Writes IV_i = V ⊕ (0^64 ‖ BE32(i)) at `out[off .. off+12)`. */
function writeIv(v: Uint8Array, i: number, out: Uint8Array, off: number): void {
  for (let k = 0; k < 8; k++) out[off + k] = v[k]!;
  out[off + 8] = v[8]! ^ (i >>> 24);
  out[off + 9] = v[9]! ^ (i >>> 16);
  out[off + 10] = v[10]! ^ (i >>> 8);
  out[off + 11] = v[11]! ^ i;
}

/**
 * The IVs a batch of `items` gets under `key` (IV_i for every item, in order). Exposed for tests of the
 * derivation; sealing computes them itself.
 */
export function batchIvs(key: Uint8Array, items: readonly SealItem[]): Uint8Array[] {
  const v = batchIvBase(keyStateFor(key), items);
  return items.map((_, i) => {
    const iv = new Uint8Array(GCM_IV_LENGTH);
    writeIv(v, i, iv, 0);
    return iv;
  });
}

/**
 * Writes `iv ‖ ciphertext ‖ tag` for `plaintext` into `out` at `offset` (which must have room for
 * `12 + plaintext.length + 16` bytes): a batch of one.
 */
export function gcmSealInto(
  key: Uint8Array,
  domain: CipherDomain,
  plaintext: Uint8Array,
  out: Uint8Array,
  offset: number,
): void {
  const aad = aadFor(domain);
  sealOne(keyStateFor(key), aad, plaintext, out, offset);
}

/**
 * Opens `iv ‖ ciphertext ‖ tag` (`body`) for `domain`.
 * @throws CryptoError `TRUNCATED` (shorter than iv + tag), `AUTH_FAILED`.
 */
export function gcmOpenBody(key: Uint8Array, domain: CipherDomain, body: Uint8Array): Uint8Array {
  checkKey(key);
  if (body.length < GCM_IV_LENGTH + GCM_TAG_LENGTH) {
    throw new CryptoError(
      'TRUNCATED',
      `AES-256-GCM body must be at least ${GCM_IV_LENGTH + GCM_TAG_LENGTH} bytes, got ${body.length}`,
    );
  }
  const aad = aadFor(domain);
  return gcmOf(keyStateFor(key)).openBody(body, 0, body.length, aad);
}

/**
 * {@link gcmOpenBody}, plus the key's seal key blocks for {@link gcmPrimeSealState} in another thread, taken from
 * the key state that opened it (its first AES call computed H ‖ K_iv already): {@link gcmSealKeyBlocks} followed
 * by the HMAC pad midstates of K_iv ({@link GCM_SEAL_KEY_STATE_LENGTH} bytes in all). The enclave's prepare
 * worker needs both per input; a second AES-ECB cipher just for the key blocks cost it ~4 µs per tx, and the
 * midstates spare the sealing (main) thread two SHA-256 compressions per tx.
 * @throws CryptoError `TRUNCATED`, `AUTH_FAILED`, `BAD_KEY_LENGTH`.
 */
export function gcmOpenBodyWithSealKeyBlocks(
  key: Uint8Array,
  domain: CipherDomain,
  body: Uint8Array,
): { readonly plaintext: Uint8Array; readonly sealKeyBlocks: Uint8Array } {
  const plaintext = gcmOpenBody(key, domain, body);
  const st = keyStateFor(key);
  const out = new Uint8Array(GCM_SEAL_KEY_STATE_LENGTH);
  gcmOf(st).writeKeyBlocks(out, 0);
  const mid = ivMidOf(st);
  sha256WordsToBytes(mid, 0, out, GCM_SEAL_KEY_BLOCKS_LENGTH);
  sha256WordsToBytes(mid, 8, out, GCM_SEAL_KEY_BLOCKS_LENGTH + 32);
  return { plaintext, sealKeyBlocks: out };
}

/** Output box: `marker ‖ domain ‖ iv ‖ ciphertext ‖ tag` (a batch of one). */
export function gcmBoxSeal(key: Uint8Array, domain: CipherDomain, plaintext: Uint8Array): Uint8Array {
  const aad = aadFor(domain);
  const st = keyStateFor(key);
  const gcm = gcmOf(st);
  let box: Uint8Array | undefined;
  if (gcm.hasKeyBlocks() && plaintext.length <= GCM_JS_MAX_PLAINTEXT) {
    // IV_0 = V: the box is built in the AES call's own output buffer (gcm-batch.ts sealToNew).
    const n = 6 + plaintext.length;
    const buf = prfBufferFor(n);
    const o = prfStart(n);
    buf[o] = BATCH_PRF_MARKER;
    writePrfItem(buf, o + 1, aad[1]!, plaintext);
    box = gcm.sealToNew(aad, plaintext, prfOf(st, buf, n), 0, GCM_BOX_HEADER_LENGTH);
  }
  if (box === undefined) {
    box = new Uint8Array(MIN_GCM_BOX_LENGTH + plaintext.length);
    sealOne(st, aad, plaintext, box, GCM_BOX_HEADER_LENGTH);
  }
  box[0] = SCHEME_MARKER_GCM_V1;
  box[1] = aad[1]!;
  return box;
}

/**
 * Seals the boxes of one response together, in order (the order is part of the result: item i gets IV_i). One
 * HMAC for the batch's IVs and one AES call for all keystream blocks; each box opens on its own with
 * {@link gcmBoxOpen} (clients never need the rest of the batch). @throws CryptoError `BAD_KEY_LENGTH`.
 */
export function gcmBoxSealMany(key: Uint8Array, items: readonly SealItem[]): Uint8Array[] {
  if (items.length === 0) {
    checkKey(key);
    return [];
  }
  const st = keyStateFor(key);
  const v = batchIvBase(st, items);
  const boxes: Uint8Array[] = new Array<Uint8Array>(items.length);
  const jobs: GcmJob[] = new Array<GcmJob>(items.length);
  for (let i = 0; i < items.length; i++) {
    const { domain, plaintext } = items[i]!;
    const aad = aadFor(domain);
    const box = new Uint8Array(MIN_GCM_BOX_LENGTH + plaintext.length);
    box[0] = SCHEME_MARKER_GCM_V1;
    box[1] = aad[1]!;
    writeIv(v, i, box, GCM_BOX_HEADER_LENGTH);
    boxes[i] = box;
    jobs[i] = { aad, plaintext, out: box, offset: GCM_BOX_HEADER_LENGTH };
  }
  gcmOf(st).encryptInto(jobs);
  return boxes;
}

/**
 * Opens an output box. With `expected` set, a box of another domain is rejected (`AUTH_FAILED`); without it the
 * domain is read from the header (and still authenticated).
 * @throws CryptoError `TRUNCATED`, `UNKNOWN_SCHEME`, `AUTH_FAILED`.
 */
export function gcmBoxOpen(key: Uint8Array, box: Uint8Array, expected?: CipherDomain): Uint8Array {
  if (box.length < MIN_GCM_BOX_LENGTH) {
    throw new CryptoError(
      'TRUNCATED',
      `encrypted output must be at least ${MIN_GCM_BOX_LENGTH} bytes, got ${box.length}`,
    );
  }
  if (box[0] !== SCHEME_MARKER_GCM_V1) {
    throw new CryptoError(
      'UNKNOWN_SCHEME',
      `unknown scheme marker 0x${box[0]!.toString(16).padStart(2, '0')}`,
    );
  }
  const domain = DOMAIN_BY_BYTE.get(box[1]!);
  if (domain === undefined || (expected !== undefined && domain !== expected)) {
    throw new CryptoError(
      'AUTH_FAILED',
      'encrypted output was not produced for this place (domain mismatch)',
    );
  }
  const aad = aadFor(domain);
  return gcmOf(keyStateFor(key)).openBody(
    box,
    GCM_BOX_HEADER_LENGTH,
    box.length - GCM_BOX_HEADER_LENGTH,
    aad,
  );
}
