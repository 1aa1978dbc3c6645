/**
 * SHA-256 and HMAC-SHA256 on node:crypto (OpenSSL; several times faster than a JS implementation for the short
 * inputs of the protocol). Inputs given as several parts are hashed as their concatenation, without copying.
 */
import { createHash, createHmac } from 'node:crypto';

function toU8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** SHA-256 of the concatenation of `parts`. */
export function sha256(...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return toU8(h.digest());
}

/** HMAC-SHA256 under `key` of the concatenation of `parts`. */
export function hmacSha256(key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return toU8(h.digest());
}
