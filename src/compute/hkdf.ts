/**
 * HKDF-SHA256 (RFC 5869) as Secret Network uses it (enclave `kdf.rs`, ring HKDF; secret.js @noble/hashes hkdf).
 *
 * Built from HMACs with precomputed pad midstates (hmac-sha256.ts): the protocol's salt is a constant, so
 * HKDF-Extract under {@link KDF_SALT} starts from its midstates (3 compressions for a 64-byte ikm), and Expand
 * to 32 bytes is the PRK's two pad blocks plus 2 (~2 µs in all, against ~4.5 µs for two node `createHmac`
 * calls and more for `hkdfSync`). Inputs longer than {@link HMAC_JS_MAX_MESSAGE} go through node's HMAC, which
 * is faster per block.
 */
import { createHmac } from 'node:crypto';

import { CryptoError } from './errors.js';
import {
  HMAC_JS_MAX_MESSAGE,
  HMAC_MIDSTATE_WORDS,
  hmacSha256Midstates,
  hmacSha256MidstatesOfWords,
  hmacSha256WordsWithMidstates,
} from './hmac-sha256.js';
import { SHA256_DIGEST, sha256WordsToBytes } from './sha256-block.js';

/**
 * Salt of every Secret Network key derivation: the hash of Bitcoin block 630,000 (the 2020 halving), spec §2.1
 * (`consts.rs` `KDF_SALT`, secret.js `hkdfSalt`).
 */
export const KDF_SALT: Uint8Array = Uint8Array.from(
  Buffer.from('000000000000000000024bead8df69990852c202db0e0097c1a12ea637d7e96d', 'hex'),
);

/** Output length of every protocol key, in bytes. */
export const DERIVED_KEY_LENGTH = 32;

/** RFC 5869 limit: at most 255 blocks of HMAC output. */
const HKDF_MAX_LENGTH = 255 * 32;

const SEED_INFO = new TextEncoder().encode('seed');
const EMPTY = new Uint8Array(0);

/** HMAC midstates of {@link KDF_SALT} (a private copy: the exported array could be mutated by a caller). */
const KDF_SALT_COPY = KDF_SALT.slice();
const kdfSaltMid = new Int32Array(HMAC_MIDSTATE_WORDS);
hmacSha256Midstates(KDF_SALT_COPY, kdfSaltMid, 0);

/** Scratch (derivation is synchronous): the PRK as words and its midstates, one output block, the messages. */
const prkWords = new Int32Array(8);
const prkMid = new Int32Array(HMAC_MIDSTATE_WORDS);
const blockWords = new Int32Array(8);
const msgScratch = new Uint8Array(HMAC_JS_MAX_MESSAGE);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 1 || length > HKDF_MAX_LENGTH) {
    throw new CryptoError(
      'BAD_KEY_LENGTH',
      `HKDF output length must be 1..${HKDF_MAX_LENGTH}, got ${length}`,
    );
  }
}

/** `dst := bytes as 8 big-endian words` (a 32-byte HMAC output from node). */
function wordsOf(b: Uint8Array, dst: Int32Array): void {
  for (let i = 0; i < 8; i++)
    dst[i] = (b[4 * i]! << 24) | (b[4 * i + 1]! << 16) | (b[4 * i + 2]! << 8) | b[4 * i + 3]!;
}

/** HKDF-Extract of `a ‖ b` into {@link prkWords}: from the salt's midstates, or node's HMAC for long input. */
function extract(salt: Uint8Array, saltMid: Int32Array | undefined, a: Uint8Array, b: Uint8Array): void {
  const n = a.length + b.length;
  if (n > HMAC_JS_MAX_MESSAGE) {
    wordsOf(createHmac('sha256', salt).update(a).update(b).digest(), prkWords);
    return;
  }
  let mid = saltMid;
  if (mid === undefined) {
    // An empty salt means HashLen zero bytes (RFC 5869 §2.2); HMAC pads keys with zeros, so they are equal.
    hmacSha256Midstates(salt, prkMid, 0);
    mid = prkMid;
  }
  const m = msgScratch;
  m.set(a, 0);
  m.set(b, a.length);
  hmacSha256WordsWithMidstates(mid, 0, m, 0, n, prkWords, 0);
}

/**
 * HKDF-Expand from the PRK in {@link prkWords} (or `prk` bytes when given and not 32 bytes): T(i) = HMAC(PRK,
 * T(i-1) ‖ info ‖ i), concatenated and cut to `length`.
 */
function expand(prk: Uint8Array | undefined, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const msgLen = SHA256_DIGEST + info.length + 1;
  if (msgLen > HMAC_JS_MAX_MESSAGE) {
    const key = prk ?? wordBytes(prkWords);
    let t: Uint8Array = EMPTY;
    const counter = new Uint8Array(1);
    for (let off = 0, i = 1; off < length; i++) {
      counter[0] = i;
      t = createHmac('sha256', key).update(t).update(info).update(counter).digest();
      out.set(t.subarray(0, Math.min(SHA256_DIGEST, length - off)), off);
      off += SHA256_DIGEST;
    }
    return out;
  }
  if (prk === undefined) hmacSha256MidstatesOfWords(prkWords, 0, prkMid, 0);
  else hmacSha256Midstates(prk, prkMid, 0);
  // T(1) has no previous block: its message is info ‖ 0x01, starting at offset 32 of the scratch.
  const m = msgScratch;
  m.set(info, SHA256_DIGEST);
  let start = SHA256_DIGEST;
  for (let off = 0, i = 1; off < length; i++) {
    m[SHA256_DIGEST + info.length] = i;
    hmacSha256WordsWithMidstates(prkMid, 0, m, start, msgLen - start, blockWords, 0);
    sha256WordsToBytes(blockWords, 0, m, 0);
    const n = Math.min(SHA256_DIGEST, length - off);
    out.set(m.subarray(0, n), off);
    off += n;
    start = 0;
  }
  return out;
}

function wordBytes(w: Int32Array): Uint8Array {
  const b = new Uint8Array(SHA256_DIGEST);
  sha256WordsToBytes(w, 0, b, 0);
  return b;
}

/**
 * HKDF-SHA256 extract-and-expand: `length` bytes (default 32) from `ikm` with `salt` and `info`.
 * @throws CryptoError `BAD_KEY_LENGTH` (length not 1..8160).
 */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number = DERIVED_KEY_LENGTH,
): Uint8Array {
  checkLength(length);
  extract(salt, sameBytes(salt, KDF_SALT_COPY) ? kdfSaltMid : undefined, ikm, EMPTY);
  return expand(undefined, info, length);
}

/**
 * HKDF-Expand only, for keys that are already uniformly random (`prk` ≥ 32 bytes).
 * @throws CryptoError `BAD_KEY_LENGTH` (length not 1..8160).
 */
export function hkdfExpand(
  prk: Uint8Array,
  info: Uint8Array,
  length: number = DERIVED_KEY_LENGTH,
): Uint8Array {
  checkLength(length);
  return expand(prk, info, length);
}

/** `Seed::derive_key_from_this(data)`: HKDF(salt = KDF_SALT, ikm = seed ‖ data, info = "seed"), 32 bytes. */
export function deriveFromSeed(seed: Uint8Array, data: Uint8Array): Uint8Array {
  extract(KDF_SALT_COPY, kdfSaltMid, seed, data);
  return expand(undefined, SEED_INFO, DERIVED_KEY_LENGTH);
}

/** `AESKey::derive_key_from_this(data)`: HKDF(salt = KDF_SALT, ikm = key ‖ data, info = ""), 32 bytes. */
export function deriveFromKey(key: Uint8Array, data: Uint8Array): Uint8Array {
  extract(KDF_SALT_COPY, kdfSaltMid, key, data);
  return expand(undefined, EMPTY, DERIVED_KEY_LENGTH);
}
