/**
 * Chain-side secp256k1 signature check of the ante handler: Cosmos SDK rules (ECDSA over SHA256(sign bytes),
 * 64-byte `r ‖ s`, low-S only), verified by node:crypto (OpenSSL), which is several times faster here than
 * @noble/curves without precomputed tables.
 */
import { createPublicKey, ECDH, type KeyObject, verify } from 'node:crypto';

/** n/2 of secp256k1: signatures with a larger S are malleable twins and rejected (SDK `VerifySignature`). */
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** Imported signer keys by compressed hex; a signer sends many txs, the bound keeps memory flat. */
const KEY_CACHE_SIZE = 4096;
const keyCache = new Map<string, KeyObject>();

function keyObject(pubkey: Uint8Array): KeyObject {
  const id = Buffer.from(pubkey).toString('hex');
  let key = keyCache.get(id);
  if (key === undefined) {
    const raw = ECDH.convertKey(pubkey, 'secp256k1', undefined, undefined, 'uncompressed') as Buffer;
    key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'secp256k1',
        x: raw.subarray(1, 33).toString('base64url'),
        y: raw.subarray(33, 65).toString('base64url'),
      },
      format: 'jwk',
    });
    if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(id, key);
  }
  return key;
}

/** True iff `signature` (64 bytes, low-S) signs SHA256(`message`) under the compressed key `pubkey`. */
export function verifySecp256k1(message: Uint8Array, signature: Uint8Array, pubkey: Uint8Array): boolean {
  if (signature.length !== 64 || pubkey.length !== 33) return false;
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
  if (s === 0n || s > HALF_N) return false;
  try {
    return verify('sha256', message, { key: keyObject(pubkey), dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false; // not a point on the curve
  }
}
