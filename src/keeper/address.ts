/**
 * Bech32 account addresses and the contract address derivation of SecretNetwork x/compute
 * (`contractAddress` in keeper.go): `RIPEMD160(SHA256(BE64((code_id << 32) + instance_id) ‖ creator))`.
 */
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bech32 } from '@scure/base';

import { equalBytes, keyString } from '../state/index.js';
import { computeError, SdkErrors } from './errors.js';
import { be64, concatBytes } from './keys.js';

/** Secret's account address human-readable part. */
export const BECH32_PREFIX = 'secret';
/** cosmos-sdk `address.MaxAddrLen`: longest canonical address accepted. */
export const MAX_ADDRESS_LENGTH = 255;
/** Bech32 strings can be longer than BIP-173's 90 chars for 32-byte addresses; the SDK allows 1023. */
const BECH32_LIMIT = 1023;

/** Canonical contract address (20 bytes) for `(codeId, instanceId, creator)`. */
export function contractAddress(codeId: bigint, instanceId: bigint, creator: Uint8Array): Uint8Array {
  const mixed = (codeId << 32n) + instanceId;
  return ripemd160(sha256(concatBytes(be64(BigInt.asUintN(64, mixed)), creator)));
}

/**
 * Recently encoded addresses (a pure function of prefix + bytes; the same contract and senders recur every
 * tx, and the bech32 checksum costs ~2 µs). Bounded; the oldest entry is evicted. Addresses under the default
 * prefix are keyed by their bytes' latin1 string alone (no per-call string building); other prefixes share a
 * second map keyed by `prefix NUL bytes`.
 */
const BECH32_CACHE_SIZE = 4096;
const defaultPrefixCache = new Map<string, string>();
const otherPrefixCache = new Map<string, string>();

/** Encode canonical bytes as a bech32 address with `prefix` (default `secret`). */
export function toBech32(addr: Uint8Array, prefix: string = BECH32_PREFIX): string {
  const isDefault = prefix === BECH32_PREFIX;
  const cache = isDefault ? defaultPrefixCache : otherPrefixCache;
  const id = isDefault ? keyString(addr) : `${prefix}\u0000${keyString(addr)}`;
  let s = cache.get(id);
  if (s === undefined) {
    s = bech32.encode(prefix, bech32.toWords(addr), BECH32_LIMIT);
    if (cache.size >= BECH32_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(id, s);
  }
  return s;
}

/** Accounts of recently seen secp256k1 keys, by key bytes (pure function; bounded like the bech32 cache). */
const accountCache = new Map<string, Uint8Array>();

/** Cosmos account address of a secp256k1 public key: `RIPEMD160(SHA256(pk))` (a fresh copy each call). */
export function accountAddress(pubkey: Uint8Array): Uint8Array {
  return sharedAccountAddress(pubkey).slice();
}

/** {@link accountAddress} without the copy, for comparisons: the result is shared, never mutate it. */
export function sharedAccountAddress(pubkey: Uint8Array): Uint8Array {
  const id = keyString(pubkey);
  let a = accountCache.get(id);
  if (a === undefined) {
    a = ripemd160(sha256(pubkey));
    if (accountCache.size >= BECH32_CACHE_SIZE) accountCache.delete(accountCache.keys().next().value!);
    accountCache.set(id, a);
  }
  return a;
}

/**
 * Decode and validate a bech32 account address like `sdk.AccAddressFromBech32`; throws `ComputeError`
 * (sdk/7 invalid address) on an empty string, bad checksum, wrong prefix or bad length.
 */
export function fromBech32(addr: string, prefix: string = BECH32_PREFIX): Uint8Array {
  if (addr.trim().length === 0)
    throw computeError(SdkErrors.InvalidAddress, 'empty address string is not allowed');
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32.decode(addr as `${string}1${string}`, BECH32_LIMIT);
  } catch (e) {
    throw computeError(SdkErrors.InvalidAddress, `decoding bech32 failed: ${(e as Error).message}`, e);
  }
  if (decoded.prefix !== prefix) {
    throw computeError(
      SdkErrors.InvalidAddress,
      `invalid Bech32 prefix; expected ${prefix}, got ${decoded.prefix}`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = bech32.fromWords(decoded.words);
  } catch (e) {
    throw computeError(SdkErrors.InvalidAddress, `decoding bech32 failed: ${(e as Error).message}`, e);
  }
  if (bytes.length === 0 || bytes.length > MAX_ADDRESS_LENGTH) {
    throw computeError(
      SdkErrors.InvalidAddress,
      `address length must be 1-${MAX_ADDRESS_LENGTH} bytes, got ${bytes.length}`,
    );
  }
  return bytes;
}

/** Byte equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return equalBytes(a, b);
}
