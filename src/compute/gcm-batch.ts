/**
 * AES-256-GCM encryption of many short messages under one key, byte-identical to node's `aes-256-gcm` (NIST
 * SP 800-38D, 96-bit IVs, 16-byte tags), without a node cipher object per message.
 *
 * GCM with a 96-bit IV is CTR keystream + GHASH: `J0 = IV ‖ 0x00000001`, ciphertext block b = P_b ⊕ E_K(IV ‖
 * BE32(b + 2)), tag = GHASH_H(AAD, C) ⊕ E_K(J0), H = E_K(0^128). Each node `createCipheriv('aes-256-gcm')` costs
 * ~3.5 µs of fixed overhead (cipher object, key schedule, setAAD/final/getAuthTag calls) against well under 1 µs
 * of actual work for a 40-byte output. Here every AES block of every message in a batch (each J0 and counter
 * block) goes through ONE `update()` of a persistent `aes-256-ecb` cipher per key (AES-NI in OpenSSL), the XOR and
 * GHASH run in JS (ghash.ts, 8-bit table per key). Messages longer than {@link GCM_JS_MAX_PLAINTEXT} bytes use
 * node's GCM instead (same bytes; JS GHASH costs per block, node's fixed overhead wins for long inputs).
 *
 * Decryption of short messages works the same way ({@link Aes256GcmBatch.decrypt}: J0 and counter blocks in one
 * ECB call, GHASH over the AAD and ciphertext, constant-time tag comparison, plaintext computed only after the tag
 * verified), so one ECB cipher per tx key serves its input and its outputs. The GHASH table lookups are not
 * constant-time; ghash.ts says what that can and cannot leak when the ciphertext is attacker-chosen.
 */
import { type Cipher, createCipheriv, createDecipheriv } from 'node:crypto';

import { CryptoError } from './errors.js';
import { GHASH_BLOCK, GhashKey, ghashLengths, ghashUpdate } from './ghash.js';
import { GCM_IV_LENGTH, GCM_TAG_LENGTH } from './scheme.js';

/**
 * Longest plaintext encrypted with the JS GHASH; longer ones use one node GCM cipher each. Measured on this
 * machine (scratch A/B, node 20): node's GCM costs ~4.7 µs + ~0.001 µs/byte, the JS path ~0.25 µs per 16-byte
 * block on top of its shared ECB call, so they cross at ~300 bytes; 256 keeps the JS path where it clearly wins.
 */
export const GCM_JS_MAX_PLAINTEXT = 256;

/** Largest plaintext accepted at all: GHASH length encoding here uses 32-bit byte counts. */
const MAX_PLAINTEXT = 0xffffffff;

/** One message to encrypt: reads `iv` from `out[offset .. +12)`, writes `ciphertext ‖ tag` right after it. */
export interface GcmJob {
  readonly aad: Uint8Array;
  readonly plaintext: Uint8Array;
  /** Holds the 12-byte IV at `offset`; receives ciphertext then tag at `offset + 12`. */
  readonly out: Uint8Array;
  readonly offset: number;
}

/**
 * Counter-block scratch, reused by every batch (encryption is synchronous and `update()` copies its input):
 * a fresh buffer per batch was a steady stream of pool allocations in the tx loop.
 */
let ctrScratch = new Uint8Array(64 * GHASH_BLOCK);
/** {@link ctrScratch} as 32-bit words, for {@link writeCounters}. */
let ctrWords = new Int32Array(ctrScratch.buffer);
/**
 * Whether Int32Array words are stored little-endian here (every platform node supports in practice; the byte
 * loop below covers any other).
 */
const LITTLE_ENDIAN = new Uint8Array(Int32Array.of(1).buffer)[0] === 1;
/** Largest scratch kept between batches (bigger batches get a one-off buffer). */
const MAX_KEPT_SCRATCH = 64 * 1024;
/** Block counts whose scratch views are kept. */
const KEPT_VIEWS = 64;
/**
 * Views of {@link ctrScratch} by block count (`update()` encrypts its whole input, so it needs a view of exactly
 * the blocks; making one per call was ~60 ns and an object of garbage per AES call).
 */
let ctrViews: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(KEPT_VIEWS + 1).fill(undefined);

function scratch(blocks: number): Uint8Array {
  const len = blocks * GHASH_BLOCK;
  if (ctrScratch.length < len) {
    if (len > MAX_KEPT_SCRATCH) return new Uint8Array(len);
    ctrScratch = new Uint8Array(Math.min(MAX_KEPT_SCRATCH, Math.max(len, 2 * ctrScratch.length)));
    ctrWords = new Int32Array(ctrScratch.buffer);
    ctrViews = new Array<Uint8Array | undefined>(KEPT_VIEWS + 1).fill(undefined);
  }
  if (blocks > KEPT_VIEWS) return ctrScratch.subarray(0, len);
  return (ctrViews[blocks] ??= ctrScratch.subarray(0, len));
}

/** Writes the `nb` counter blocks `iv ‖ BE32(1)`, … `iv ‖ BE32(nb)` (J0 first) at `ctr[c ..]`. */
function writeCounters(ctr: Uint8Array, c: number, iv: Uint8Array, ivOff: number, nb: number): void {
  if (LITTLE_ENDIAN && ctr.buffer === ctrWords.buffer && ctr.byteOffset === 0) {
    // Four word stores per block instead of sixteen byte stores (the words hold the bytes in memory order).
    const w = ctrWords;
    const o = ivOff;
    const i0 = iv[o]! | (iv[o + 1]! << 8) | (iv[o + 2]! << 16) | (iv[o + 3]! << 24);
    const i1 = iv[o + 4]! | (iv[o + 5]! << 8) | (iv[o + 6]! << 16) | (iv[o + 7]! << 24);
    const i2 = iv[o + 8]! | (iv[o + 9]! << 8) | (iv[o + 10]! << 16) | (iv[o + 11]! << 24);
    for (let b = 1, k = c >> 2; b <= nb; b++, k += 4) {
      w[k] = i0;
      w[k + 1] = i1;
      w[k + 2] = i2;
      w[k + 3] = ((b >>> 8) << 16) | ((b & 0xff) << 24); // bytes 0, 0, b >> 8, b & 0xff
    }
    return;
  }
  for (let b = 1; b <= nb; b++, c += GHASH_BLOCK) {
    for (let i = 0; i < GCM_IV_LENGTH; i++) ctr[c + i] = iv[ivOff + i]!;
    // BE32(b): b ≤ 1 + ceil(GCM_JS_MAX_PLAINTEXT / 16) < 2^16, so the top two bytes are zero.
    ctr[c + 12] = 0;
    ctr[c + 13] = 0;
    ctr[c + 14] = b >>> 8;
    ctr[c + 15] = b;
  }
}

/** Each derive block must be nonzero and end in four zero bytes (see {@link Aes256GcmBatch.create}). */
function checkDeriveBlocks(derive: Uint8Array): void {
  if (derive.length % GHASH_BLOCK !== 0) throw new CryptoError('BAD_CONFIG', 'derive must be whole blocks');
  for (let o = 0; o < derive.length; o += GHASH_BLOCK) {
    let head = 0;
    for (let i = 0; i < 12; i++) head |= derive[o + i]!;
    const tail = derive[o + 12]! | derive[o + 13]! | derive[o + 14]! | derive[o + 15]!;
    if (head === 0 || tail !== 0)
      throw new CryptoError('BAD_CONFIG', 'derive blocks must be nonzero and end in four zero bytes');
  }
}

const EMPTY = new Uint8Array(0);

/** The derive array {@link Aes256GcmBatch.deferredOwned} checked last (callers pass one constant). */
let checkedDerive: Uint8Array | undefined;

/** `0^128 ‖ derive`: the ECB input of the key blocks H ‖ E_K(derive). */
function keyBlockInput(derive: Uint8Array): Uint8Array {
  const inp = new Uint8Array(GHASH_BLOCK + derive.length);
  inp.set(derive, GHASH_BLOCK);
  return inp;
}

/**
 * A key's AES-256-ECB cipher. Padding is left on: every `update()` here encrypts whole blocks, which an
 * encrypting cipher returns in full (only decryption holds a block back), and `final()` is never called — so
 * `setAutoPadding(false)` would be one more native call per tx key (~0.1 µs) that changes no byte.
 */
function newEcb(key: Uint8Array): Cipher {
  return createCipheriv('aes-256-ecb', key, null);
}

/** Running GHASH value of the message being processed (module scratch; encryption is synchronous). */
const y = new Int32Array(4);

/**
 * Distinct AAD arrays of the batch being encrypted (compared by identity; callers pass shared constant arrays per
 * domain) and the GHASH value of each alone, so a response's boxes hash each AAD once (module scratch).
 */
const AAD_MEMO_SIZE = 4;
const aadMemo: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(AAD_MEMO_SIZE).fill(undefined);
const aadMemoY = new Int32Array(4 * AAD_MEMO_SIZE);

/** A key's persistent ECB cipher and GHASH table. Create with {@link Aes256GcmBatch.create}. */
export class Aes256GcmBatch {
  readonly #key: Uint8Array;
  readonly #ecb: Cipher;
  #table: GhashKey | undefined;
  /** H ‖ E_K(derive), valid once {@link #pending} is undefined. */
  #blocks: Uint8Array;
  /** E_K(derive): a view of {@link #blocks} after H, made on first request. */
  #derived: Uint8Array | undefined;
  /** The derive blocks while the key blocks (H ‖ E_K(derive)) are not computed yet. */
  #pending: Uint8Array | undefined;

  private constructor(
    key: Uint8Array,
    ecb: Cipher,
    table: GhashKey | undefined,
    blocks: Uint8Array,
    pending: Uint8Array | undefined,
  ) {
    this.#key = key;
    this.#ecb = ecb;
    this.#table = table;
    this.#blocks = blocks;
    this.#derived = undefined;
    this.#pending = pending;
  }

  /**
   * Builds the key state: the ECB cipher, H = E_K(0^128) and its GHASH table. `derive` (whole blocks) is
   * encrypted in the same AES call and returned as `derived` — a cheap PRF for sub-keys (as RFC 8452 §4 derives
   * AES-GCM-SIV's keys). Each derive block must be nonzero (0^128 gives H) and end in four zero bytes, so it
   * can never equal a J0 or counter block (their last word is 1 … 2^32 − 1) and its output never appears in any
   * keystream. @throws CryptoError `BAD_KEY_LENGTH`, `BAD_CONFIG` (a derive block breaking that rule).
   */
  static create(
    key: Uint8Array,
    derive: Uint8Array = new Uint8Array(0),
  ): { readonly gcm: Aes256GcmBatch; readonly derived: Uint8Array } {
    const gcm = Aes256GcmBatch.deferred(key, derive);
    return { gcm, derived: gcm.derived() };
  }

  /**
   * Like {@link Aes256GcmBatch.create}, but H and E_K(`derive`) are computed by the first AES call that needs
   * them — for a key whose first use is {@link Aes256GcmBatch.decrypt}, in the same ECB call as the message's
   * counter blocks (one `update()` less per tx key). @throws CryptoError like `create`.
   */
  static deferred(key: Uint8Array, derive: Uint8Array = new Uint8Array(0)): Aes256GcmBatch {
    if (key.length !== 32)
      throw new CryptoError('BAD_KEY_LENGTH', `AES-256-GCM key must be 32 bytes, got ${key.length}`);
    checkDeriveBlocks(derive);
    const k = new Uint8Array(32);
    k.set(key);
    return new Aes256GcmBatch(k, newEcb(k), undefined, EMPTY, derive.slice());
  }

  /**
   * {@link Aes256GcmBatch.deferred} without its copies, for a caller that owns both arrays: `key` (32 bytes) is
   * kept as this state's key and must never change; `derive` is kept until the first AES call and must be a
   * constant (it is checked once per array). gcm-box.ts creates one such state per tx key.
   * @throws CryptoError `BAD_KEY_LENGTH`, `BAD_CONFIG` like `deferred`.
   */
  static deferredOwned(key: Uint8Array, derive: Uint8Array): Aes256GcmBatch {
    if (key.length !== 32)
      throw new CryptoError('BAD_KEY_LENGTH', `AES-256-GCM key must be 32 bytes, got ${key.length}`);
    if (derive !== checkedDerive) {
      checkDeriveBlocks(derive);
      checkedDerive = derive;
    }
    return new Aes256GcmBatch(key, newEcb(key), undefined, EMPTY, derive);
  }

  /**
   * The key state from `keyBlocks` = {@link Aes256GcmBatch.keyBlocks}`(key, derive)` computed elsewhere (the
   * enclave's prepare worker, which derived the key): skips the ECB call for H (and the derive blocks) here.
   * The caller must bind `keyBlocks` to exactly this key's bytes; wrong blocks give wrong tags, never an error.
   * `keyBlocks` is kept (not copied): the caller hands it over. @throws CryptoError `BAD_KEY_LENGTH`,
   * `BAD_CONFIG` (`keyBlocks` not at least one whole block).
   */
  static fromKeyBlocks(key: Uint8Array, keyBlocks: Uint8Array): Aes256GcmBatch {
    if (key.length !== 32)
      throw new CryptoError('BAD_KEY_LENGTH', `AES-256-GCM key must be 32 bytes, got ${key.length}`);
    if (keyBlocks.length < GHASH_BLOCK || keyBlocks.length % GHASH_BLOCK !== 0)
      throw new CryptoError('BAD_CONFIG', 'key blocks must be whole blocks, H first');
    const k = new Uint8Array(32);
    k.set(key);
    return new Aes256GcmBatch(k, newEcb(k), new GhashKey(keyBlocks, 0), keyBlocks, undefined);
  }

  /** E_K(derive) for the `derive` blocks this state was created with (computed now if still pending). */
  derived(): Uint8Array {
    return (this.#derived ??= this.keyBlocksView().subarray(GHASH_BLOCK));
  }

  /**
   * H ‖ E_K(derive) of this state (computed now if still pending): the state's own array, which the caller must
   * only read (gcm-box.ts takes K_iv's HMAC midstates from it without a copy).
   */
  keyBlocksView(): Uint8Array {
    if (this.#pending !== undefined) this.#setKeyBlocks(this.#ecb.update(keyBlockInput(this.#pending)), 0);
    return this.#blocks;
  }

  /**
   * Writes H ‖ E_K(derive) — what {@link Aes256GcmBatch.keyBlocks} computes for this key and derive blocks — from
   * this state (computed now if still pending) to `out` at `off`: no second cipher for a key that has one.
   */
  writeKeyBlocks(out: Uint8Array, off: number): void {
    out.set(this.keyBlocksView(), off);
  }

  /** Takes H ‖ E_K(derive) from `enc[off ..]` (copied: the caller may wipe `enc`). */
  #setKeyBlocks(enc: Uint8Array, off: number): void {
    const n = GHASH_BLOCK + this.#pending!.length;
    this.#table = new GhashKey(enc, off);
    const blocks = new Uint8Array(n);
    for (let i = 0; i < n; i++) blocks[i] = enc[off + i]!;
    this.#blocks = blocks;
    this.#pending = undefined;
  }

  /** Whether H (and E_K(derive)) are computed already, i.e. the next AES call carries no key blocks. */
  hasKeyBlocks(): boolean {
    return this.#pending === undefined;
  }

  /** Blocks of the pending key-block input `0^128 ‖ derive` (0 once H is known). */
  #keyBlockCount(): number {
    const pending = this.#pending;
    return pending === undefined ? 0 : 1 + (pending.length >>> 4);
  }

  /**
   * While the key blocks are pending, writes their ECB input `0^128 ‖ derive` at the start of `ctr`: the first
   * AES call under a fresh key computes H (and E_K(derive)) with its message blocks (one `update()` less).
   */
  #writeKeyBlockInput(ctr: Uint8Array): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    ctr.fill(0, 0, GHASH_BLOCK);
    ctr.set(pending, GHASH_BLOCK);
  }

  /**
   * `E_K(0^128) ‖ E_K(derive)`: H followed by what {@link Aes256GcmBatch.create} returns as `derived`, for
   * {@link Aes256GcmBatch.fromKeyBlocks} in another thread. @throws CryptoError like `create`.
   */
  static keyBlocks(key: Uint8Array, derive: Uint8Array = new Uint8Array(0)): Uint8Array {
    if (key.length !== 32)
      throw new CryptoError('BAD_KEY_LENGTH', `AES-256-GCM key must be 32 bytes, got ${key.length}`);
    checkDeriveBlocks(derive);
    const enc = newEcb(key).update(keyBlockInput(derive));
    return new Uint8Array(enc.buffer, enc.byteOffset, enc.length);
  }

  /**
   * Encrypts every job (in order; the result does not depend on the order or grouping of jobs, only on each
   * job's key, IV, AAD and plaintext). @throws CryptoError `TRUNCATED` if a job's `out` is too small.
   */
  encryptInto(jobs: readonly GcmJob[]): void {
    let blocks = 0;
    for (const j of jobs) {
      const n = j.plaintext.length;
      checkJob(j.aad, n, j.out, j.offset);
      if (n <= GCM_JS_MAX_PLAINTEXT) blocks += 1 + ((n + GHASH_BLOCK - 1) >>> 4);
    }
    if (blocks > 0) this.#encryptJs(jobs, blocks);
    for (const j of jobs) if (j.plaintext.length > GCM_JS_MAX_PLAINTEXT) this.#encryptNode(j);
  }

  /**
   * One job of {@link encryptInto} (`out` holds the IV at `offset`; ciphertext and tag are written after it),
   * without a job object or array: a query result is a batch of one. @throws CryptoError like `encryptInto`.
   */
  encryptOne(aad: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): void {
    const n = plaintext.length;
    checkJob(aad, n, out, offset);
    if (n > GCM_JS_MAX_PLAINTEXT) {
      this.#encryptNode({ aad, plaintext, out, offset });
      return;
    }
    const nb = 1 + ((n + GHASH_BLOCK - 1) >>> 4);
    const kb = this.#keyBlockCount();
    const ctr = scratch(kb + nb);
    this.#writeKeyBlockInput(ctr);
    writeCounters(ctr, kb * GHASH_BLOCK, out, offset, nb);
    const ks = this.#ecb.update(ctr);
    if (kb > 0) this.#setKeyBlocks(ks, 0);
    const t = this.#table!;
    y.fill(0);
    ghashUpdate(t, y, aad, 0, aad.length);
    sealJob(t, ks, kb * GHASH_BLOCK, aad.length, plaintext, out, offset + GCM_IV_LENGTH);
    ks.fill(0);
  }

  /**
   * A batch of one as a new array `0^head ‖ iv ‖ ciphertext ‖ tag` (`iv` = `ivSrc[ivOff .. +12)`; the caller
   * fills the `head` ≤ 4 bytes, e.g. a box header), written into `update()`'s own output buffer: a box over
   * 64 bytes needs no off-heap allocation of its own (~0.2 µs). The ECB call gets extra counter blocks when the
   * result is longer than the keystream (their keystream is never used, and zeroed); the result is a view of
   * that buffer, whose remaining bytes are zeros. Returns `undefined` (nothing done) for a key whose H is not
   * computed yet or a plaintext over {@link GCM_JS_MAX_PLAINTEXT} bytes: use {@link encryptOne} then.
   */
  sealToNew(
    aad: Uint8Array,
    plaintext: Uint8Array,
    ivSrc: Uint8Array,
    ivOff: number,
    head: number,
  ): Uint8Array | undefined {
    const n = plaintext.length;
    const t = this.#table;
    if (t === undefined || n > GCM_JS_MAX_PLAINTEXT || head < 0 || head > GHASH_BLOCK - GCM_IV_LENGTH)
      return undefined;
    if (aad.length > MAX_PLAINTEXT) throw new CryptoError('BAD_CONFIG', 'AES-256-GCM input too long');
    const co = head + GCM_IV_LENGTH;
    const total = co + n + GCM_TAG_LENGTH;
    const nb = 1 + ((n + GHASH_BLOCK - 1) >>> 4);
    const eb = Math.max(nb, (total + GHASH_BLOCK - 1) >>> 4);
    const ctr = scratch(eb);
    writeCounters(ctr, 0, ivSrc, ivOff, eb);
    const ks = this.#ecb.update(ctr);
    y.fill(0);
    ghashUpdate(t, y, aad, 0, aad.length);
    if (ks.byteOffset !== 0 || ks.buffer.byteLength !== ks.length) {
      const out = new Uint8Array(total);
      for (let i = 0; i < GCM_IV_LENGTH; i++) out[head + i] = ivSrc[ivOff + i]!;
      sealJob(t, ks, 0, aad.length, plaintext, out, co);
      ks.fill(0);
      return out;
    }
    // In place. E_K(J0) (the tag mask) is kept first; each ciphertext byte lands 16 - co bytes before the
    // keystream byte it uses, so the forward loop never overwrites keystream it still has to read.
    const m0 = (ks[0]! << 24) | (ks[1]! << 16) | (ks[2]! << 8) | ks[3]!;
    const m1 = (ks[4]! << 24) | (ks[5]! << 16) | (ks[6]! << 8) | ks[7]!;
    const m2 = (ks[8]! << 24) | (ks[9]! << 16) | (ks[10]! << 8) | ks[11]!;
    const m3 = (ks[12]! << 24) | (ks[13]! << 16) | (ks[14]! << 8) | ks[15]!;
    for (let i = 0; i < n; i++) ks[co + i] = plaintext[i]! ^ ks[GHASH_BLOCK + i]!;
    for (let i = 0; i < head; i++) ks[i] = 0;
    for (let i = 0; i < GCM_IV_LENGTH; i++) ks[head + i] = ivSrc[ivOff + i]!;
    ghashUpdate(t, y, ks, co, n);
    ghashLengths(t, y, aad.length, n);
    writeWord(ks, co + n, y[0]! ^ m0);
    writeWord(ks, co + n + 4, y[1]! ^ m1);
    writeWord(ks, co + n + 8, y[2]! ^ m2);
    writeWord(ks, co + n + 12, y[3]! ^ m3);
    ks.fill(0, total);
    return new Uint8Array(ks.buffer, 0, total);
  }

  #encryptJs(jobs: readonly GcmJob[], blocks: number): void {
    // Counter blocks of every short job, back to back: J0 = IV ‖ 1, then IV ‖ 2, IV ‖ 3, … (inc32 of J0).
    const kb = this.#keyBlockCount();
    const ctr = scratch(kb + blocks);
    this.#writeKeyBlockInput(ctr);
    let c = kb * GHASH_BLOCK;
    for (const j of jobs) {
      const n = j.plaintext.length;
      if (n > GCM_JS_MAX_PLAINTEXT) continue;
      const nb = 1 + ((n + GHASH_BLOCK - 1) >>> 4);
      writeCounters(ctr, c, j.out, j.offset, nb);
      c += nb * GHASH_BLOCK;
    }
    const ks = this.#ecb.update(ctr);
    if (kb > 0) this.#setKeyBlocks(ks, 0);
    const t = this.#table!;
    let k = kb * GHASH_BLOCK;
    let memoAads = 0;
    for (const j of jobs) {
      const { aad, plaintext: p, out } = j;
      const n = p.length;
      if (n > GCM_JS_MAX_PLAINTEXT) continue;
      // GHASH of the AAD alone, once per distinct AAD array of the batch (a response's boxes share a few).
      let memo = 0;
      while (memo < memoAads && aadMemo[memo] !== aad) memo++;
      if (memo === memoAads) {
        y.fill(0);
        ghashUpdate(t, y, aad, 0, aad.length);
        if (memo < AAD_MEMO_SIZE) {
          aadMemo[memo] = aad;
          aadMemoY.set(y, 4 * memo);
          memoAads++;
        }
      } else {
        for (let w = 0; w < 4; w++) y[w] = aadMemoY[4 * memo + w]!;
      }
      sealJob(t, ks, k, aad.length, p, out, j.offset + GCM_IV_LENGTH);
      k += GHASH_BLOCK + ((n + GHASH_BLOCK - 1) & ~(GHASH_BLOCK - 1));
    }
    aadMemo.fill(undefined, 0, memoAads); // pins no caller array
    ks.fill(0);
  }

  /**
   * Opens one message (`iv` of 12 bytes, 16-byte `tag`): verifies the tag over `aad` and `ciphertext` first,
   * comparing all 16 bytes without an early exit, and only then computes the plaintext (nothing derived from
   * the keystream leaves before the tag verified). Returns exactly what node's `aes-256-gcm` decipher returns;
   * other IV/tag lengths and ciphertexts longer than {@link GCM_JS_MAX_PLAINTEXT} go through node's GCM.
   * @throws CryptoError `AUTH_FAILED` (tampered data or wrong key).
   */
  decrypt(iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array {
    const n = ciphertext.length;
    if (n > GCM_JS_MAX_PLAINTEXT || iv.length !== GCM_IV_LENGTH || tag.length !== GCM_TAG_LENGTH)
      return this.#decryptNode(iv, ciphertext, tag, aad);
    return this.#openJs(iv, 0, ciphertext, 0, n, tag, 0, aad);
  }

  /**
   * {@link decrypt} of `iv(12) ‖ ciphertext ‖ tag(16)` = `body[off .. off+len)` (an input wire's body), read in
   * place. @throws CryptoError `TRUNCATED` (len < 28), `AUTH_FAILED`.
   */
  openBody(body: Uint8Array, off: number, len: number, aad: Uint8Array): Uint8Array {
    const n = len - GCM_IV_LENGTH - GCM_TAG_LENGTH;
    if (n < 0 || off < 0 || off + len > body.length)
      throw new CryptoError('TRUNCATED', 'AES-256-GCM body shorter than iv + tag');
    const c = off + GCM_IV_LENGTH;
    if (n > GCM_JS_MAX_PLAINTEXT) {
      return this.#decryptNode(
        body.subarray(off, c),
        body.subarray(c, c + n),
        body.subarray(c + n, c + n + GCM_TAG_LENGTH),
        aad,
      );
    }
    return this.#openJs(body, off, body, c, n, body, c + n, aad);
  }

  #openJs(
    iv: Uint8Array,
    ivOff: number,
    ct: Uint8Array,
    ctOff: number,
    n: number,
    tag: Uint8Array,
    tagOff: number,
    aad: Uint8Array,
  ): Uint8Array {
    if (aad.length > MAX_PLAINTEXT) throw new CryptoError('BAD_CONFIG', 'AES-256-GCM input too long');
    const nb = 1 + ((n + GHASH_BLOCK - 1) >>> 4);
    // A fresh deferred key computes its key blocks (0^128 ‖ derive) in this same AES call, ahead of J0.
    const kb = this.#keyBlockCount();
    const k0 = kb * GHASH_BLOCK;
    const ctr = scratch(kb + nb);
    this.#writeKeyBlockInput(ctr);
    writeCounters(ctr, k0, iv, ivOff, nb);
    const ks = this.#ecb.update(ctr);
    if (kb > 0) this.#setKeyBlocks(ks, 0);
    const t = this.#table!;
    y.fill(0);
    ghashUpdate(t, y, aad, 0, aad.length);
    ghashUpdate(t, y, ct, ctOff, n);
    ghashLengths(t, y, aad.length, n);
    // Constant-time comparison: OR of every byte's difference, one branch on the total.
    let diff = 0;
    for (let w = 0; w < 4; w++) {
      const v = y[w]!;
      const o = tagOff + 4 * w;
      const m = k0 + 4 * w;
      diff |= ((v >>> 24) ^ ks[m]! ^ tag[o]!) & 0xff;
      diff |= ((v >>> 16) ^ ks[m + 1]! ^ tag[o + 1]!) & 0xff;
      diff |= ((v >>> 8) ^ ks[m + 2]! ^ tag[o + 2]!) & 0xff;
      diff |= (v ^ ks[m + 3]! ^ tag[o + 3]!) & 0xff;
    }
    if (diff !== 0) {
      ks.fill(0);
      throw new CryptoError('AUTH_FAILED', 'AES-256-GCM authentication failed (tampered data or wrong key)');
    }
    const c0 = k0 + GHASH_BLOCK;
    if (ks.byteOffset === 0 && ks.buffer.byteLength === ks.length) {
      // update()'s result owns its ArrayBuffer: decrypt in place and hand out a plain view of the plaintext,
      // with everything else in that buffer (H, K_iv, E_K(J0), the unused keystream) zeroed first — no
      // second off-heap allocation (~0.2 µs for a plaintext over 64 bytes) and no copy.
      for (let i = 0; i < n; i++) ks[c0 + i] = ks[c0 + i]! ^ ct[ctOff + i]!;
      ks.fill(0, 0, c0);
      ks.fill(0, c0 + n);
      return new Uint8Array(ks.buffer, c0, n);
    }
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = ct[ctOff + i]! ^ ks[c0 + i]!;
    ks.fill(0);
    return out;
  }

  #decryptNode(iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Uint8Array {
    const d = createDecipheriv('aes-256-gcm', this.#key, iv);
    d.setAAD(aad);
    d.setAuthTag(tag);
    const pt = d.update(ciphertext);
    try {
      d.final();
    } catch (cause) {
      pt.fill(0);
      throw new CryptoError('AUTH_FAILED', 'AES-256-GCM authentication failed (tampered data or wrong key)', {
        cause,
      });
    }
    return new Uint8Array(pt.buffer.slice(pt.byteOffset, pt.byteOffset + pt.length));
  }

  #encryptNode(j: GcmJob): void {
    const iv = j.out.subarray(j.offset, j.offset + GCM_IV_LENGTH);
    const c = createCipheriv('aes-256-gcm', this.#key, iv);
    c.setAAD(j.aad);
    const ct = c.update(j.plaintext);
    c.final();
    j.out.set(ct, j.offset + GCM_IV_LENGTH);
    j.out.set(c.getAuthTag(), j.offset + GCM_IV_LENGTH + ct.length);
  }
}

/** Writes the 32-bit word `v` big-endian at `b[o .. o+4)`. */
function writeWord(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}

/** @throws CryptoError unless a job's sizes fit: `BAD_CONFIG` (too long), `TRUNCATED` (`out` too small). */
function checkJob(aad: Uint8Array, n: number, out: Uint8Array, offset: number): void {
  if (n > MAX_PLAINTEXT || aad.length > MAX_PLAINTEXT)
    throw new CryptoError('BAD_CONFIG', 'AES-256-GCM input too long');
  if (offset < 0 || offset + GCM_IV_LENGTH + n + GCM_TAG_LENGTH > out.length)
    throw new CryptoError('TRUNCATED', 'AES-256-GCM output buffer too small');
}

/**
 * Finishes one short job whose keystream starts at `ks[k]` (E_K(J0), then the counter blocks) and whose running
 * GHASH value {@link y} holds the AAD's: writes the ciphertext at `out[co ..]` and the tag right after it.
 */
function sealJob(
  t: GhashKey,
  ks: Uint8Array,
  k: number,
  aadLength: number,
  p: Uint8Array,
  out: Uint8Array,
  co: number,
): void {
  const n = p.length;
  const c0 = k + GHASH_BLOCK;
  for (let i = 0; i < n; i++) out[co + i] = p[i]! ^ ks[c0 + i]!;
  ghashUpdate(t, y, out, co, n);
  ghashLengths(t, y, aadLength, n);
  const to = co + n;
  for (let w = 0; w < 4; w++) {
    const v = y[w]!;
    const m = k + 4 * w;
    out[to + 4 * w] = (v >>> 24) ^ ks[m]!;
    out[to + 4 * w + 1] = (v >>> 16) ^ ks[m + 1]!;
    out[to + 4 * w + 2] = (v >>> 8) ^ ks[m + 2]!;
    out[to + 4 * w + 3] = v ^ ks[m + 3]!;
  }
}

/**
 * AES-256-GCM of several messages under one key (fresh key state each call; for tests and one-off use).
 * Returns `{ ciphertext, tag }` per input, exactly what node's `aes-256-gcm` gives for the same IV.
 */
export function aes256GcmEncryptMany(
  key: Uint8Array,
  items: readonly { readonly iv: Uint8Array; readonly aad: Uint8Array; readonly plaintext: Uint8Array }[],
): { ciphertext: Uint8Array; tag: Uint8Array }[] {
  const { gcm } = Aes256GcmBatch.create(key);
  const jobs = items.map((it) => {
    if (it.iv.length !== GCM_IV_LENGTH)
      throw new CryptoError('BAD_CONFIG', `AES-256-GCM IV must be ${GCM_IV_LENGTH} bytes here`);
    const out = new Uint8Array(GCM_IV_LENGTH + it.plaintext.length + GCM_TAG_LENGTH);
    out.set(it.iv, 0);
    return { aad: it.aad, plaintext: it.plaintext, out, offset: 0 };
  });
  gcm.encryptInto(jobs);
  return jobs.map(({ out }) => ({
    ciphertext: out.slice(GCM_IV_LENGTH, out.length - GCM_TAG_LENGTH),
    tag: out.slice(out.length - GCM_TAG_LENGTH),
  }));
}
