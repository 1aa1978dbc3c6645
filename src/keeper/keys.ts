/**
 * KV store layout of the `compute` module, byte for byte as SecretNetwork x/compute/internal/types/keys.go
 * (spec §1.6). Heights and ids are big-endian so that prefix iteration is ordered; the block-random key
 * is little-endian because Secret writes it that way (`SetRandomSeed`).
 */

/** Module and store name. */
export const MODULE_NAME = 'compute';

/** `0x01‖BE64(code_id)` → CodeInfo. */
export const CODE_KEY_PREFIX = 0x01;
/** `0x02‖addr` → ContractInfo. */
export const CONTRACT_KEY_PREFIX = 0x02;
/** `0x03‖addr‖<encrypted key>` → encrypted contract state. */
export const CONTRACT_STORE_PREFIX = 0x03;
/** `0x04‖name` → BE64 next id. */
export const SEQUENCE_KEY_PREFIX = 0x04;
/** `0x06‖addr` → ContractKey. */
export const CONTRACT_ENCLAVE_ID_PREFIX = 0x06;
/** `0x07‖label` → contract address (label uniqueness index). */
export const CONTRACT_LABEL_PREFIX = 0x07;
/** `0x08`: the ante handler's tx counter (not written by the keeper). */
export const TX_COUNTER_PREFIX = 0x08;
/** `0x09‖addr‖BE64(pos)` → ContractCodeHistoryEntry. */
export const CONTRACT_CODE_HISTORY_PREFIX = 0x09;
/** `0x0A‖code‖height‖tx_index‖addr` → empty (contracts by code). */
export const CONTRACT_BY_CODE_ID_SECONDARY_INDEX_PREFIX = 0x0a;
/** `0x0B` → Params. */
export const PARAMS_KEY_PREFIX = 0x0b;
/** `0x0C‖bech32` → governance-authorised migration code id. */
export const CONTRACT_MIGRATION_AUTH_PREFIX = 0x0c;
/** `0x0D‖bech32` → governance-authorised admin. */
export const CONTRACT_ADMIN_UPDATE_AUTH_PREFIX = 0x0d;
/** `0xFF‖LE64(height)` → 32-byte block random. */
export const RANDOM_PREFIX = 0xff;
/**
 * Not part of Secret's layout: Secret keeps wasm blobs in wasmer's file cache keyed by code hash. Keeping them
 * in the module store instead makes StoreCode roll back with the tx and genesis export self-contained.
 */
export const WASM_CODE_PREFIX = 0x20;

const encoder = new TextEncoder();

/** Concatenate byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** 8-byte big-endian encoding of an unsigned 64-bit integer. */
export function be64(n: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), false);
  return out;
}

/** `byte ‖ BE64(n)` in one allocation (same bytes and range errors as `concatBytes(of(byte), be64(n))`). */
function byteBe64(byte: number, n: bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = byte;
  if (n >= 0n && n <= 0xffff_ffffn) {
    // ids are small: four bytes from a number, no DataView
    const v = Number(n);
    out[5] = v >>> 24;
    out[6] = (v >>> 16) & 0xff;
    out[7] = (v >>> 8) & 0xff;
    out[8] = v & 0xff;
  } else {
    new DataView(out.buffer).setBigUint64(1, n, false);
  }
  return out;
}

/** `byte ‖ bytes` in one allocation. */
function byteAnd(byte: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + bytes.length);
  out[0] = byte;
  out.set(bytes, 1);
  return out;
}

/** Decode 8 bytes big-endian (as written by {@link be64}). */
export function readBe64(bytes: Uint8Array): bigint {
  if (bytes.length !== 8)
    throw new RangeError(`be64 expected Uint8Array of length 8, got length=${bytes.length}`);
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, false);
}

/** 8-byte little-endian encoding of an unsigned 64-bit integer. */
export function le64(n: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  return out;
}

/** `0x01 ‖ BE64(code_id)` → CodeInfo. */
export function codeKey(codeId: bigint): Uint8Array {
  return byteBe64(CODE_KEY_PREFIX, codeId);
}

/** `0x02 ‖ addr` → ContractInfo. */
export function contractKey(addr: Uint8Array): Uint8Array {
  return byteAnd(CONTRACT_KEY_PREFIX, addr);
}

/** `0x03 ‖ addr` — prefix of the contract's (encrypted) state. */
export function contractStorePrefix(addr: Uint8Array): Uint8Array {
  return byteAnd(CONTRACT_STORE_PREFIX, addr);
}

/** `0x04 ‖ "lastCodeId"` → BE64 next code id. */
export const KEY_LAST_CODE_ID: Uint8Array = concatBytes(
  Uint8Array.of(SEQUENCE_KEY_PREFIX),
  encoder.encode('lastCodeId'),
);
/** `0x04 ‖ "lastContractId"` → BE64 next instance id. */
export const KEY_LAST_INSTANCE_ID: Uint8Array = concatBytes(
  Uint8Array.of(SEQUENCE_KEY_PREFIX),
  encoder.encode('lastContractId'),
);

/** `0x06 ‖ addr` → ContractKey (enclave keys and proofs). */
export function contractEnclaveKey(addr: Uint8Array): Uint8Array {
  return byteAnd(CONTRACT_ENCLAVE_ID_PREFIX, addr);
}

/** `0x07 ‖ label` → raw contract address. */
export function contractLabelKey(label: string): Uint8Array {
  return concatBytes(Uint8Array.of(CONTRACT_LABEL_PREFIX), encoder.encode(label));
}

/** `0x09 ‖ addr` — prefix of the contract's code history. */
export function contractHistoryPrefix(addr: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(CONTRACT_CODE_HISTORY_PREFIX), addr);
}

/** `0x09 ‖ addr ‖ BE64(pos)` → ContractCodeHistoryEntry. */
export function contractHistoryKey(addr: Uint8Array, pos: bigint): Uint8Array {
  return concatBytes(contractHistoryPrefix(addr), be64(pos));
}

/** `0x0A ‖ BE64(code_id)` — prefix of the secondary index of a code's contracts. */
export function contractByCodeIdPrefix(codeId: bigint): Uint8Array {
  return concatBytes(Uint8Array.of(CONTRACT_BY_CODE_ID_SECONDARY_INDEX_PREFIX), be64(codeId));
}

/** `0x0A ‖ BE64(code_id) ‖ BE64(height) ‖ BE64(tx_index) ‖ addr` → empty marker (value `[]`). */
export function contractByCodeIdKey(
  codeId: bigint,
  height: bigint,
  txIndex: bigint,
  addr: Uint8Array,
): Uint8Array {
  return concatBytes(contractByCodeIdPrefix(codeId), be64(height), be64(txIndex), addr);
}

/** `0x0B` → Params. */
export const PARAMS_KEY: Uint8Array = Uint8Array.of(PARAMS_KEY_PREFIX);

/** `0x0C ‖ bech32` → governance-authorised migration code id (BE64). */
export function migrationAuthKey(contract: string): Uint8Array {
  return concatBytes(Uint8Array.of(CONTRACT_MIGRATION_AUTH_PREFIX), encoder.encode(contract));
}

/** `0x0D ‖ bech32` → governance-authorised new admin (UTF-8 bech32). */
export function adminUpdateAuthKey(contract: string): Uint8Array {
  return concatBytes(Uint8Array.of(CONTRACT_ADMIN_UPDATE_AUTH_PREFIX), encoder.encode(contract));
}

/** `0xFF ‖ LE64(height)` → the block's 32-byte random. */
export function randomKey(height: bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = RANDOM_PREFIX;
  if (typeof height === 'bigint' && height >= 0n && height <= 0xffff_ffffn) {
    // every real height: four bytes from a number, no DataView per call (read for every contract call)
    const v = Number(height);
    out[1] = v & 0xff;
    out[2] = (v >>> 8) & 0xff;
    out[3] = (v >>> 16) & 0xff;
    out[4] = v >>> 24;
  } else {
    new DataView(out.buffer).setBigUint64(1, BigInt(height), true);
  }
  return out;
}

/** `0x20 ‖ code_hash` → uncompressed wasm (this implementation's code store, see {@link WASM_CODE_PREFIX}). */
export function wasmCodeKey(codeHash: Uint8Array): Uint8Array {
  return byteAnd(WASM_CODE_PREFIX, codeHash);
}

/** Smallest key strictly greater than every key with this prefix (`undefined` if none: all 0xFF). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    const b = end[i] ?? 0;
    if (b < 0xff) {
      end[i] = b + 1;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}
