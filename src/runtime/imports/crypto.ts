/**
 * Crypto imports: secp256k1 verify / recover / sign and ed25519 verify / batch verify / sign, with Secret's
 * return codes (spec §3.5; codes from cosmwasm packages/crypto/src/errors.rs). @noble/curves is used because
 * node:crypto cannot verify a pre-hashed ECDSA digest.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

import type { Environment } from '../environment.js';
import { CommunicationError, ENCLAVE_ERROR } from '../errors.js';
import {
  ED25519_KEY_LEN,
  ED25519_SIGNATURE_LEN,
  MAX_COUNT_ED25519_BATCH,
  MAX_LENGTH_CRYPTO_ARG,
  MAX_LENGTH_ED25519_MESSAGE,
  MAX_LENGTH_SIGN_MESSAGE,
  SECP256K1_HASH_LEN,
  SECP256K1_PRIVKEY_LEN,
  SECP256K1_SIGNATURE_LEN,
} from '../limits.js';
import { enterHostCall, readArg } from './common.js';

/** Contract-visible result codes. */
export const CryptoCode = Object.freeze({
  Ok: 0,
  Invalid: 1,
  InvalidHashFormat: 3,
  InvalidSignatureFormat: 4,
  InvalidPubkeyFormat: 5,
  BatchErr: 7,
  GenericErr: 10,
  /** secp256k1_sign / ed25519_sign: private key of wrong length or out of range (Secret). */
  InvalidPrivateKeyFormat: 1000,
});

/** Packs an i64 result: error code in the high 32 bits, Region pointer in the low 32 bits. */
function packI64(code: number, ptr: number): bigint {
  return (BigInt(code >>> 0) << 32n) | BigInt(ptr >>> 0);
}

/** Normalizes a SEC1 public key for noble: 33 bytes 02/03, 65 bytes 04, or hybrid 06/07 (parity checked). */
function secpPubkey(pk: Uint8Array): Uint8Array | undefined {
  if (pk.length === 33 && (pk[0] === 0x02 || pk[0] === 0x03)) return pk;
  if (pk.length === 65 && pk[0] === 0x04) return pk;
  if (pk.length === 65 && (pk[0] === 0x06 || pk[0] === 0x07)) {
    const yOdd = (pk[64]! & 1) === 1;
    if (yOdd !== (pk[0] === 0x07)) return undefined;
    const out = pk.slice();
    out[0] = 0x04;
    return out;
  }
  return undefined;
}

/** `secp256k1_verify(hash, sig, pubkey) -> 0 ok | 1 invalid | 3 | 4 | 5 | 10`. High-S is accepted. */
export function secp256k1Verify(
  env: Environment,
  hashPtr: number,
  sigPtr: number,
  pubkeyPtr: number,
): number {
  enterHostCall(env);
  env.charge(env.gasConfig.secp256k1Verify);
  const hash = readArg(env, hashPtr, MAX_LENGTH_CRYPTO_ARG);
  const sig = readArg(env, sigPtr, MAX_LENGTH_CRYPTO_ARG);
  const pubkey = readArg(env, pubkeyPtr, MAX_LENGTH_CRYPTO_ARG);
  if (hash.length !== SECP256K1_HASH_LEN) return CryptoCode.InvalidHashFormat;
  if (sig.length !== SECP256K1_SIGNATURE_LEN) return CryptoCode.InvalidSignatureFormat;
  const pk = secpPubkey(pubkey);
  if (pk === undefined) return CryptoCode.InvalidPubkeyFormat;
  try {
    secp256k1.Point.fromBytes(pk);
    secp256k1.Signature.fromBytes(sig, 'compact');
  } catch {
    return CryptoCode.GenericErr;
  }
  const ok = secp256k1.verify(sig, hash, pk, { prehash: false, lowS: false, format: 'compact' });
  return ok ? CryptoCode.Ok : CryptoCode.Invalid;
}

/**
 * `secp256k1_recover_pubkey(hash, sig, recovery_param) -> i64`: low 32 bits = Region of the 33-byte *compressed*
 * key (Secret; vanilla CosmWasm returns 65 bytes), high 32 bits = error code (3, 4, 10).
 */
export function secp256k1RecoverPubkey(
  env: Environment,
  hashPtr: number,
  sigPtr: number,
  recoveryParam: number,
): bigint {
  enterHostCall(env);
  env.charge(env.gasConfig.secp256k1RecoverPubkey);
  const hash = readArg(env, hashPtr, MAX_LENGTH_CRYPTO_ARG);
  const sig = readArg(env, sigPtr, MAX_LENGTH_CRYPTO_ARG);
  if (hash.length !== SECP256K1_HASH_LEN) return packI64(CryptoCode.InvalidHashFormat, 0);
  if (sig.length !== SECP256K1_SIGNATURE_LEN) return packI64(CryptoCode.InvalidSignatureFormat, 0);
  const rec = recoveryParam >>> 0;
  if (rec > 1) return packI64(CryptoCode.GenericErr, 0);
  let key: Uint8Array;
  try {
    key = secp256k1.Signature.fromBytes(sig, 'compact')
      .addRecoveryBit(rec)
      .recoverPublicKey(hash)
      .toBytes(true);
  } catch {
    return packI64(CryptoCode.GenericErr, 0);
  }
  return packI64(0, env.writeToContract(key));
}

/** `secp256k1_sign(msg, privkey) -> i64`: RFC 6979 low-S signature over SHA256(msg), 64-byte r‖s. 1000 = bad key. */
export function secp256k1Sign(env: Environment, msgPtr: number, privkeyPtr: number): bigint {
  enterHostCall(env);
  env.charge(env.gasConfig.secp256k1Sign);
  const msg = readArg(env, msgPtr, MAX_LENGTH_SIGN_MESSAGE);
  const priv = readArg(env, privkeyPtr, MAX_LENGTH_CRYPTO_ARG);
  if (priv.length !== SECP256K1_PRIVKEY_LEN || !secp256k1.utils.isValidSecretKey(priv)) {
    return packI64(CryptoCode.InvalidPrivateKeyFormat, 0);
  }
  let sig: Uint8Array;
  try {
    sig = secp256k1.sign(msg, priv, { prehash: true, lowS: true, format: 'compact' });
  } catch {
    return packI64(CryptoCode.GenericErr, 0);
  }
  return packI64(0, env.writeToContract(sig));
}

function ed25519VerifyOne(msg: Uint8Array, sig: Uint8Array, pk: Uint8Array): boolean {
  try {
    // ZIP-215 rules, as ed25519-zebra (used by CosmWasm and Secret) implements them.
    return ed25519.verify(sig, msg, pk, { zip215: true });
  } catch {
    return false;
  }
}

/** `ed25519_verify(msg, sig, pubkey) -> 0 | 1 | 4 | 5`. */
export function ed25519Verify(env: Environment, msgPtr: number, sigPtr: number, pubkeyPtr: number): number {
  enterHostCall(env);
  env.charge(env.gasConfig.ed25519Verify);
  const msg = readArg(env, msgPtr, MAX_LENGTH_ED25519_MESSAGE);
  const sig = readArg(env, sigPtr, MAX_LENGTH_CRYPTO_ARG);
  const pk = readArg(env, pubkeyPtr, MAX_LENGTH_CRYPTO_ARG);
  if (sig.length !== ED25519_SIGNATURE_LEN) return CryptoCode.InvalidSignatureFormat;
  if (pk.length !== ED25519_KEY_LEN) return CryptoCode.InvalidPubkeyFormat;
  return ed25519VerifyOne(msg, sig, pk) ? CryptoCode.Ok : CryptoCode.Invalid;
}

/**
 * Decodes the "sections" encoding `item ‖ BE32(len) ‖ …`, read from the end (cosmwasm packages/vm/src/sections.rs).
 */
export function decodeSections(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let end = data.length;
  while (end > 0) {
    if (end < 4) {
      throw new CommunicationError(
        ENCLAVE_ERROR.memoryReadError,
        { length: data.length },
        {
          detail: 'Got an invalid section: extra data outside of any section',
        },
      );
    }
    const len = new DataView(data.buffer, data.byteOffset + end - 4, 4).getUint32(0, false);
    const start = end - 4 - len;
    if (start < 0) {
      throw new CommunicationError(
        ENCLAVE_ERROR.memoryReadError,
        { length: data.length },
        {
          detail: 'Got an invalid section: section length overflow',
        },
      );
    }
    out.push(data.subarray(start, end - 4));
    end = start;
  }
  return out.reverse();
}

/** Encodes items in the "sections" format (inverse of {@link decodeSections}). */
export function encodeSections(items: readonly Uint8Array[]): Uint8Array {
  const total = items.reduce((n, i) => n + i.length + 4, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const item of items) {
    out.set(item, o);
    o += item.length;
    new DataView(out.buffer, o, 4).setUint32(0, item.length, false);
    o += 4;
  }
  return out;
}

/**
 * `ed25519_batch_verify(msgs, sigs, pubkeys) -> 0 | 1 | 4 | 5 | 7`. Allowed shapes: m = s = p; m = 1 and s = p;
 * m = s and p = 1; all empty is valid (0). Anything else is BatchErr (7), before gas for the signatures is charged.
 * Secret verifies with a batch equation randomised by a ChaCha RNG seeded from the inputs; checking each
 * signature individually accepts exactly the same valid batches (a batch fails iff some signature fails).
 */
export function ed25519BatchVerify(
  env: Environment,
  msgsPtr: number,
  sigsPtr: number,
  pubkeysPtr: number,
): number {
  enterHostCall(env);
  const batchMax = (limit: number): number => (limit + 4) * MAX_COUNT_ED25519_BATCH;
  const msgs = decodeSections(readArg(env, msgsPtr, batchMax(MAX_LENGTH_ED25519_MESSAGE)));
  const sigs = decodeSections(readArg(env, sigsPtr, batchMax(ED25519_SIGNATURE_LEN)));
  const pks = decodeSections(readArg(env, pubkeysPtr, batchMax(ED25519_KEY_LEN)));
  const m = msgs.length;
  const s = sigs.length;
  const p = pks.length;
  const shapeOk = (m === s && s === p) || (m === 1 && s === p) || (m === s && p === 1);
  if (!shapeOk || m > MAX_COUNT_ED25519_BATCH || s > MAX_COUNT_ED25519_BATCH || p > MAX_COUNT_ED25519_BATCH) {
    return CryptoCode.BatchErr;
  }
  env.charge(env.gasConfig.ed25519BatchVerifyBase + env.gasConfig.ed25519BatchVerifyPerSig * BigInt(s));
  if (s === 0) return CryptoCode.Ok;
  for (const sig of sigs) if (sig.length !== ED25519_SIGNATURE_LEN) return CryptoCode.InvalidSignatureFormat;
  for (const pk of pks) if (pk.length !== ED25519_KEY_LEN) return CryptoCode.InvalidPubkeyFormat;
  for (let i = 0; i < s; i++) {
    const msg = m === 1 ? msgs[0]! : msgs[i]!;
    const pk = p === 1 ? pks[0]! : pks[i]!;
    if (!ed25519VerifyOne(msg, sigs[i]!, pk)) return CryptoCode.Invalid;
  }
  return CryptoCode.Ok;
}

/** `ed25519_sign(msg, privkey32) -> i64`: RFC 8032 signature over the raw message. 1000 = bad key. */
export function ed25519Sign(env: Environment, msgPtr: number, privkeyPtr: number): bigint {
  enterHostCall(env);
  env.charge(env.gasConfig.ed25519Sign);
  const msg = readArg(env, msgPtr, MAX_LENGTH_ED25519_MESSAGE);
  const priv = readArg(env, privkeyPtr, MAX_LENGTH_CRYPTO_ARG);
  if (priv.length !== ED25519_KEY_LEN) return packI64(CryptoCode.InvalidPrivateKeyFormat, 0);
  return packI64(0, env.writeToContract(ed25519.sign(msg, priv)));
}
