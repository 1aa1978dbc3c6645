/**
 * Cosmos SDK secp256k1 signature check (ECDSA over SHA256(sign bytes), 64-byte compact `r ‖ s`, low-S only),
 * with the backend chosen once at module load: libsecp256k1 through the `secp256k1` npm package's N-API addon
 * when its prebuilt binary loads (≈ 51 µs), else node:crypto/OpenSSL (≈ 320 µs with a cached key, plus point
 * decompression + JWK import for a new signer) — shared/spec/performance-limits.md "secp256k1 rows". Both give
 * the same answer for every input: the low-S rule is checked here before either backend runs, and malformed
 * keys or signatures are `false` in both.
 */
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { createRequire } from 'node:module';

import { secp256k1 as nobleSecp256k1 } from '@noble/curves/secp256k1.js';

/** Which implementation verifies signatures in this process. */
export type Secp256k1Backend = 'libsecp256k1' | 'node:crypto';

/**
 * The raw addon surface used here (`secp256k1/bindings` v5): verify (and key decompression) for the enclave,
 * RFC 6979 sign for clients.
 */
export interface Secp256k1Addon {
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pubkey: Uint8Array): boolean;
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyConvert(pubkey: Uint8Array, compressed: boolean): Uint8Array;
}

/**
 * Loads the libsecp256k1 addon once per process, or `undefined` when it is unavailable or turned off with
 * `SECRET_COMPUTE_NO_NATIVE_SECP256K1=1`. `require('secp256k1')` silently falls back to `elliptic` (pure JS,
 * slower than OpenSSL), so the native bindings entry is required directly and any failure means "no addon".
 */
export function loadSecp256k1Addon(): Secp256k1Addon | undefined {
  if (process.env.SECRET_COMPUTE_NO_NATIVE_SECP256K1 === '1') return undefined;
  try {
    const lib = createRequire(import.meta.url)('secp256k1/bindings') as Partial<Secp256k1Addon>;
    return typeof lib.ecdsaVerify === 'function' &&
      typeof lib.ecdsaSign === 'function' &&
      typeof lib.publicKeyConvert === 'function'
      ? (lib as Secp256k1Addon)
      : undefined;
  } catch {
    return undefined;
  }
}

const addon = loadSecp256k1Addon();

/** The backend selected at startup (set `SECRET_COMPUTE_NO_NATIVE_SECP256K1=1` to force node:crypto). */
export const secp256k1Backend: Secp256k1Backend = addon === undefined ? 'node:crypto' : 'libsecp256k1';

/** secp256k1 group order n / 2 (Cosmos SDK rejects high-S signatures: crypto/keys/secp256k1). */
const SECP256K1_HALF_N = Buffer.from(
  '7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0',
  'hex',
);

/** s ∈ [1, n/2], compared as 32-byte big-endian numbers. */
function lowS(signature: Uint8Array): boolean {
  const s = signature.subarray(32, 64);
  let zero = true;
  for (let i = 0; i < 32; i++) {
    if (s[i] !== 0) {
      zero = false;
      break;
    }
  }
  return !zero && Buffer.compare(s, SECP256K1_HALF_N) <= 0;
}

/**
 * Signer keys imported into node:crypto (fallback only), by compressed key hex. Importing (point decompression
 * + JWK) costs about as much as one verification, and a signer usually sends many txs; the bound keeps memory flat.
 */
const KEY_CACHE_SIZE = 4096;
const keyCache = new Map<string, KeyObject>();

function signerKeyObject(pubkey: Uint8Array): KeyObject {
  const id = Buffer.from(pubkey).toString('hex');
  let key = keyCache.get(id);
  if (key === undefined) {
    const raw = nobleSecp256k1.Point.fromBytes(pubkey).toBytes(false);
    const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
    key = createPublicKey({
      key: { kty: 'EC', crv: 'secp256k1', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33, 65)) },
      format: 'jwk',
    });
    if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(id, key);
  }
  return key;
}

function verifyNode(signBytes: Uint8Array, signature: Uint8Array, pubkey: Uint8Array): boolean {
  try {
    return verify(
      'sha256',
      signBytes,
      { key: signerKeyObject(pubkey), dsaEncoding: 'ieee-p1363' },
      signature,
    );
  } catch {
    return false;
  }
}

/**
 * Signer keys in uncompressed form (65 bytes) for the addon, by compressed key bytes (latin1). Parsing a
 * compressed key inside every verify costs a field square root (~5 µs of ~55); an uncompressed one is only
 * checked to be on the curve. Both name the same point, so the verdict is the same. Only keys that parse are
 * kept; bounded, oldest evicted (the value is a pure function of the key, so eviction changes no result).
 */
const UNCOMPRESSED_CACHE_SIZE = 4096;
const uncompressedCache = new Map<string, Uint8Array>();

/** `pubkey` (33 bytes) uncompressed, or undefined when it is not a valid curve point. */
function uncompressed(native: Secp256k1Addon, pubkey: Uint8Array): Uint8Array | undefined {
  const id = Buffer.from(pubkey.buffer, pubkey.byteOffset, pubkey.length).toString('latin1');
  let full = uncompressedCache.get(id);
  if (full === undefined) {
    try {
      full = native.publicKeyConvert(pubkey, false);
    } catch {
      return undefined; // PUBKEY_PARSE: not a curve point, exactly what verify would report
    }
    if (uncompressedCache.size >= UNCOMPRESSED_CACHE_SIZE)
      uncompressedCache.delete(uncompressedCache.keys().next().value!);
    uncompressedCache.set(id, full);
  }
  return full;
}

function verifyNative(
  native: Secp256k1Addon,
  signBytes: Uint8Array,
  signature: Uint8Array,
  pubkey: Uint8Array,
): boolean {
  const key = uncompressed(native, pubkey);
  if (key === undefined) return false;
  const digest = createHash('sha256').update(signBytes).digest();
  try {
    return native.ecdsaVerify(signature, digest, key);
  } catch {
    // SIG_PARSE (r or s ≥ n): invalid, exactly as OpenSSL reports it.
    return false;
  }
}

/**
 * True iff `signature` (64-byte compact, low-S) is a valid ECDSA signature of SHA256(`signBytes`) under the
 * 33-byte compressed `pubkey`.
 */
export function verifySecp256k1(signBytes: Uint8Array, signature: Uint8Array, pubkey: Uint8Array): boolean {
  if (signature.length !== 64 || pubkey.length !== 33 || !lowS(signature)) return false;
  return addon === undefined
    ? verifyNode(signBytes, signature, pubkey)
    : verifyNative(addon, signBytes, signature, pubkey);
}

/** The node:crypto path regardless of the startup choice, so tests can check both backends agree. */
export function verifySecp256k1Fallback(
  signBytes: Uint8Array,
  signature: Uint8Array,
  pubkey: Uint8Array,
): boolean {
  if (signature.length !== 64 || pubkey.length !== 33 || !lowS(signature)) return false;
  return verifyNode(signBytes, signature, pubkey);
}
