/**
 * X25519 (RFC 7748) on node:crypto. Raw public keys are imported as JWK (much cheaper than DER SPKI, see
 * performance-limits.md) and the private key is a cached KeyObject, so a shared secret costs one scalar
 * multiplication (~35 µs) instead of ~1 ms in a JS implementation.
 *
 * A 32-byte seed is used as the raw X25519 private scalar (clamped at use), which is exactly what secret.js does
 * (curve25519-js `generateKeyPair(seed)`: pk = X25519(seed, 9)) and what the enclave does with its derived keys
 * (x25519-dalek `StaticSecret::from(bytes)`): the same seed gives the same public key everywhere.
 */
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

import { CryptoError } from './errors.js';

/** Length of X25519 private scalars, public keys and shared secrets (RFC 7748 §5). */
export const X25519_KEY_LENGTH = 32;

/** RFC 8410 PKCS#8 prefix for a raw X25519 private key (`OneAsymmetricKey`, OID 1.3.101.110). */
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/**
 * Private-key import. PKCS#8 DER goes through OpenSSL's decoder framework (~0.7-0.9 ms per key on the bench
 * machine); a JWK `{d, x}` import builds the key from the raw scalar (~0.12 ms). Node requires `x` to be present
 * but derives the public key from `d` (EVP_PKEY_new_raw_private_key), so we pass a placeholder `x`. That
 * behaviour is checked once against RFC 7748 §6.1 (Alice's key); if a Node version ever used the given `x`, we
 * fall back to DER for good.
 */
const PLACEHOLDER_X = Buffer.alloc(32).toString('base64url');
let jwkImportVerified: boolean | undefined;

function importPrivateJwk(seed: Uint8Array): KeyObject {
  return createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', d: Buffer.from(seed).toString('base64url'), x: PLACEHOLDER_X },
    format: 'jwk',
  });
}

function importPrivateDer(seed: Uint8Array): KeyObject {
  const der = Buffer.concat([PKCS8_X25519_PREFIX, seed]);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}

function jwkImportDerivesPublicKey(): boolean {
  const alice = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex');
  try {
    const x = createPublicKey(importPrivateJwk(alice)).export({ format: 'jwk' }).x;
    return (
      x ===
      Buffer.from('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a', 'hex').toString(
        'base64url',
      )
    );
  } catch {
    return false;
  }
}

function importPrivate(seed: Uint8Array): KeyObject {
  jwkImportVerified ??= jwkImportDerivesPublicKey();
  return jwkImportVerified ? importPrivateJwk(seed) : importPrivateDer(seed);
}

/** Imports a raw 32-byte public key (RFC 7748 u-coordinate; node masks the top bit as §5 requires). */
export function importX25519PublicKey(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== X25519_KEY_LENGTH) {
    throw new CryptoError('BAD_PUBLIC_KEY', `X25519 public key must be 32 bytes, got ${publicKey.length}`);
  }
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(publicKey).toString('base64url') },
      format: 'jwk',
    });
  } catch (cause) {
    throw new CryptoError('BAD_PUBLIC_KEY', 'X25519 public key could not be imported', { cause });
  }
}

/**
 * An X25519 private key. Opaque: the scalar never leaves the object (it is not a property, and `toJSON` /
 * `util.inspect` / `toString` print a redacted form).
 */
export class X25519PrivateKey {
  readonly #key: KeyObject;
  /** The matching 32-byte public key. */
  readonly publicKey: Uint8Array;

  private constructor(key: KeyObject) {
    this.#key = key;
    const jwk = createPublicKey(key).export({ format: 'jwk' });
    this.publicKey = Uint8Array.from(Buffer.from(jwk.x ?? '', 'base64url'));
  }

  /** Uses the 32 seed bytes as the raw private scalar (clamped at use), like secret.js and x25519-dalek. */
  static fromSeed(seed: Uint8Array): X25519PrivateKey {
    if (seed.length !== X25519_KEY_LENGTH) {
      throw new CryptoError('BAD_KEY_LENGTH', `X25519 seed must be 32 bytes, got ${seed.length}`);
    }
    return new X25519PrivateKey(importPrivate(seed));
  }

  /** A fresh random key (32 bytes from the OS CSPRNG). */
  static generate(): X25519PrivateKey {
    const seed = randomBytes(X25519_KEY_LENGTH);
    try {
      return X25519PrivateKey.fromSeed(seed);
    } finally {
      seed.fill(0);
    }
  }

  /**
   * X25519(sk, peer): the raw 32-byte shared secret.
   * @throws CryptoError `BAD_PUBLIC_KEY` if `peer` is not 32 bytes or is a low-order point (all-zero secret).
   */
  sharedSecret(peer: Uint8Array | KeyObject): Uint8Array {
    const publicKey = peer instanceof Uint8Array ? importX25519PublicKey(peer) : peer;
    let secret: Buffer;
    try {
      secret = diffieHellman({ privateKey: this.#key, publicKey });
    } catch (cause) {
      throw new CryptoError(
        'BAD_PUBLIC_KEY',
        'X25519 key agreement failed (low-order or invalid public key)',
        {
          cause,
        },
      );
    }
    return new Uint8Array(secret.buffer, secret.byteOffset, secret.length);
  }

  /** Redacted. */
  toJSON(): { type: string; publicKey: string } {
    return { type: 'X25519PrivateKey', publicKey: Buffer.from(this.publicKey).toString('hex') };
  }

  /** Redacted. */
  toString(): string {
    return `X25519PrivateKey(public ${Buffer.from(this.publicKey).toString('hex')})`;
  }

  /** Redacted. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/** The X25519 public key for a 32-byte seed (= secret.js `GenerateNewKeyPairFromSeed(seed).pubkey`). */
export function x25519PublicKeyFromSeed(seed: Uint8Array): Uint8Array {
  return X25519PrivateKey.fromSeed(seed).publicKey;
}
