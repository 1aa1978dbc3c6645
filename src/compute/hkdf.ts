/**
 * HKDF-SHA256 (RFC 5869) as Secret Network uses it (enclave `kdf.rs`, ring HKDF; secret.js @noble/hashes hkdf),
 * built from node HMAC (2 HMACs for a 32-byte output: about twice as fast as `hkdfSync`, see
 * performance-limits.md).
 */
import { CryptoError } from './errors.js';
import { hmacSha256 } from './hash.js';

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

/** HKDF-SHA256 extract-and-expand: `length` bytes (default 32) from `ikm` with `salt` and `info`. */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number = DERIVED_KEY_LENGTH,
): Uint8Array {
  if (!Number.isInteger(length) || length < 1 || length > HKDF_MAX_LENGTH) {
    throw new CryptoError(
      'BAD_KEY_LENGTH',
      `HKDF output length must be 1..${HKDF_MAX_LENGTH}, got ${length}`,
    );
  }
  // An empty salt means HashLen zero bytes (RFC 5869 §2.2); HMAC pads keys with zeros, so the empty key is equal.
  const prk = hmacSha256(salt, ikm);
  return hkdfExpand(prk, info, length);
}

/** HKDF-Expand only, for keys that are already uniformly random (`prk` ≥ 32 bytes). */
export function hkdfExpand(
  prk: Uint8Array,
  info: Uint8Array,
  length: number = DERIVED_KEY_LENGTH,
): Uint8Array {
  const out = new Uint8Array(length);
  let t: Uint8Array = EMPTY;
  const counter = new Uint8Array(1);
  for (let off = 0, i = 1; off < length; i++) {
    counter[0] = i;
    t = hmacSha256(prk, t, info, counter);
    const n = Math.min(t.length, length - off);
    out.set(t.subarray(0, n), off);
    off += n;
  }
  return out;
}

/** `Seed::derive_key_from_this(data)`: HKDF(salt = KDF_SALT, ikm = seed ‖ data, info = "seed"), 32 bytes. */
export function deriveFromSeed(seed: Uint8Array, data: Uint8Array): Uint8Array {
  return hkdfSha256(concat(seed, data), KDF_SALT, SEED_INFO);
}

/** `AESKey::derive_key_from_this(data)`: HKDF(salt = KDF_SALT, ikm = key ‖ data, info = ""), 32 bytes. */
export function deriveFromKey(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hkdfSha256(concat(key, data), KDF_SALT, EMPTY);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
