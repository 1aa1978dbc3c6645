/**
 * HKDF-SHA256 (RFC 5869) as Secret Network uses it (enclave `kdf.rs`, ring HKDF; secret.js @noble/hashes hkdf).
 *
 * Built from HMACs over kept pad blocks (hmac-sha256.ts {@link HmacSha256OneShot}: two calls of node's one-shot
 * `crypto.hash` per HMAC, no hash object): the protocol's salt is a constant, so HKDF-Extract under
 * {@link KDF_SALT} has its pads written once, and Expand to 32 bytes is one more HMAC under the PRK's pads —
 * ~1.5 µs in all, against ~2.1 µs for the same HMACs as JS SHA-256 compressions from midstates (7 compressions)
 * and ~4.5 µs for two node `createHmac` calls. Inputs longer than {@link HMAC_JS_MAX_MESSAGE} go through node's
 * `createHmac`, which streams them without a copy.
 */
import { createHmac } from 'node:crypto';

import { CryptoError } from './errors.js';
import { HMAC_JS_MAX_MESSAGE, HmacSha256OneShot } from './hmac-sha256.js';
import { SHA256_DIGEST } from './sha256-block.js';

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

/** A private copy of {@link KDF_SALT} (the exported array could be mutated by a caller). */
const KDF_SALT_COPY = KDF_SALT.slice();
/** HMAC under {@link KDF_SALT}, its pads written once. */
const saltMac = new HmacSha256OneShot(HMAC_JS_MAX_MESSAGE).setKey(KDF_SALT_COPY);
/** HMAC under another salt (pads written per call). */
const otherSaltMac = new HmacSha256OneShot(HMAC_JS_MAX_MESSAGE);
/** HMAC under the PRK (pads written per derivation). */
const prkMac = new HmacSha256OneShot(HMAC_JS_MAX_MESSAGE);
/** Where messages start in a one-shot MAC's input. */
const M0 = HmacSha256OneShot.MESSAGE_OFFSET;

/** Scratch (derivation is synchronous): the PRK. */
const prk = new Uint8Array(SHA256_DIGEST);

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

/**
 * HKDF-Extract of `a ‖ b` into {@link prk}: HMAC under the salt's pads (`saltPads`, or computed from `salt`), or
 * node's HMAC for long input.
 */
function extract(salt: Uint8Array, kdfSalt: boolean, a: Uint8Array, b: Uint8Array): void {
  const n = a.length + b.length;
  if (n > HMAC_JS_MAX_MESSAGE) {
    prk.set(createHmac('sha256', salt).update(a).update(b).digest());
    return;
  }
  // An empty salt means HashLen zero bytes (RFC 5869 §2.2); HMAC pads keys with zeros, so they are equal.
  const mac = kdfSalt ? saltMac : otherSaltMac.setKey(salt);
  const m = mac.input;
  m.set(a, M0);
  m.set(b, M0 + a.length);
  mac.macInput(n, prk, 0);
}

/**
 * HKDF-Expand from the PRK in {@link prk} (or `key` when given): T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i),
 * concatenated and cut to `length`.
 */
function expand(key: Uint8Array | undefined, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const msgLen = SHA256_DIGEST + info.length + 1;
  if (msgLen > HMAC_JS_MAX_MESSAGE) {
    const k = key ?? prk.slice();
    let t: Uint8Array = EMPTY;
    const counter = new Uint8Array(1);
    for (let off = 0, i = 1; off < length; i++) {
      counter[0] = i;
      t = createHmac('sha256', k).update(t).update(info).update(counter).digest();
      out.set(t.subarray(0, Math.min(SHA256_DIGEST, length - off)), off);
      off += SHA256_DIGEST;
    }
    return out;
  }
  const mac = prkMac.setKey(key ?? prk);
  const m = mac.input;
  // T(1) has no previous block: its message is info ‖ 0x01; later ones T(i-1) ‖ info ‖ i.
  for (let i = 0; i < info.length; i++) m[M0 + i] = info[i]!;
  m[M0 + info.length] = 1;
  if (length >= SHA256_DIGEST) {
    mac.macInput(info.length + 1, out, 0);
  } else {
    mac.macInput(info.length + 1, prk, 0);
    for (let j = 0; j < length; j++) out[j] = prk[j]!;
  }
  for (let off = SHA256_DIGEST, i = 2; off < length; i++) {
    for (let j = 0; j < SHA256_DIGEST; j++) m[M0 + j] = out[off - SHA256_DIGEST + j]!;
    for (let j = 0; j < info.length; j++) m[M0 + SHA256_DIGEST + j] = info[j]!;
    m[M0 + msgLen - 1] = i;
    if (length - off >= SHA256_DIGEST) {
      mac.macInput(msgLen, out, off);
    } else {
      mac.macInput(msgLen, prk, 0); // the last, partial block
      for (let j = 0; j < length - off; j++) out[off + j] = prk[j]!;
    }
    off += SHA256_DIGEST;
  }
  return out;
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
  extract(salt, sameBytes(salt, KDF_SALT_COPY), ikm, EMPTY);
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
  extract(KDF_SALT_COPY, true, seed, data);
  return expand(undefined, SEED_INFO, DERIVED_KEY_LENGTH);
}

/** `AESKey::derive_key_from_this(data)`: HKDF(salt = KDF_SALT, ikm = key ‖ data, info = ""), 32 bytes. */
export function deriveFromKey(key: Uint8Array, data: Uint8Array): Uint8Array {
  extract(KDF_SALT_COPY, true, key, data);
  return expand(undefined, EMPTY, DERIVED_KEY_LENGTH);
}
