/**
 * Typed accessors over the module store (layout in keys.ts). Records are the generated protobuf types, encoded
 * exactly as Secret stores them, so raw state can be compared with a Go node's.
 */
import { Params as ParamsProto } from '../proto/secret/compute/v1beta1/params.js';
import {
  CodeInfo,
  ContractCodeHistoryEntry,
  ContractInfo,
  ContractKey,
} from '../proto/secret/compute/v1beta1/types.js';
import { equalBytes, keyString, type KVStore } from '../state/index.js';
import {
  adminUpdateAuthKey,
  be64,
  codeKey,
  contractByCodeIdKey,
  contractEnclaveKey,
  contractHistoryKey,
  contractHistoryPrefix,
  contractKey,
  contractLabelKey,
  KEY_LAST_CODE_ID,
  KEY_LAST_INSTANCE_ID,
  migrationAuthKey,
  PARAMS_KEY,
  prefixEnd,
  randomKey,
  readBe64,
  wasmCodeKey,
} from './keys.js';
import { DECODED_RECORD_CACHE_SIZE } from './limits.js';
import { atomicsToDec, type ComputeParams, decToAtomics } from './params.js';

/** `autoIncrementID`: returns the stored next id (1 when unset) and stores id+1. */
export function autoIncrementId(store: KVStore, key: Uint8Array): bigint {
  const raw = store.get(key);
  const id = raw === undefined ? 1n : readBe64(raw);
  store.set(key, be64(id + 1n));
  return id;
}

/** `PeekAutoIncrementID`: the id the next `autoIncrementId` would return. */
export function peekAutoIncrementId(store: KVStore, key: Uint8Array): bigint {
  const raw = store.get(key);
  return raw === undefined ? 1n : readBe64(raw);
}

/** Allocates the next code id (`lastCodeId` sequence). */
export function nextCodeId(store: KVStore): bigint {
  return autoIncrementId(store, KEY_LAST_CODE_ID);
}

/** Allocates the next instance id (`lastContractId` sequence, global across codes). */
export function nextInstanceId(store: KVStore): bigint {
  return autoIncrementId(store, KEY_LAST_INSTANCE_ID);
}

/**
 * Decoded records, so a busy contract's ContractInfo/CodeInfo/ContractKey are not decoded again on every call.
 * Two levels, both bound to every byte: the array a store hands out (in-memory stores return the same array until
 * the record is rewritten) checked against a private copy of the bytes it was decoded from, then the bytes
 * themselves (stores that return a fresh array per read, e.g. LMDB). The decoded object is shared: keeper
 * internals only, never handed to users, never mutated.
 */
class DecodedRecords<T> {
  readonly #byArray = new WeakMap<Uint8Array, { readonly bytes: Uint8Array; readonly value: T }>();
  readonly #byBytes = new Map<string, T>();

  constructor(private readonly decode: (bytes: Uint8Array) => T) {}

  get(raw: Uint8Array): T {
    const hit = this.#byArray.get(raw);
    if (hit !== undefined && equalBytes(hit.bytes, raw)) return hit.value;
    const id = keyString(raw);
    const known = this.#byBytes.get(id);
    // a fresh array with known bytes: served without remembering the array (no churn for per-read copies)
    if (known !== undefined) return known;
    const bytes = raw.slice();
    const value = this.decode(bytes);
    if (this.#byBytes.size >= DECODED_RECORD_CACHE_SIZE)
      this.#byBytes.delete(this.#byBytes.keys().next().value!);
    this.#byBytes.set(id, value);
    this.#byArray.set(raw, { bytes, value });
    return value;
  }
}

const contractInfos = new DecodedRecords((b) => ContractInfo.decode(b));
const codeInfos = new DecodedRecords((b) => CodeInfo.decode(b));
const contractKeys = new DecodedRecords((b) => ContractKey.decode(b));

/** Like {@link getContractInfo}, but the result may be shared with other calls: read it, never mutate it. */
export function getContractInfoShared(store: KVStore, addr: Uint8Array): ContractInfo | undefined {
  const raw = store.get(contractKey(addr));
  return raw === undefined ? undefined : contractInfos.get(raw);
}

/** The stored ContractInfo bytes of a contract (the store's own array: read it, never mutate it). */
export function getContractInfoRecord(store: KVStore, addr: Uint8Array): Uint8Array | undefined {
  return store.get(contractKey(addr));
}

/** The stored CodeInfo bytes of `codeId` (the store's own array: read it, never mutate it). */
export function getCodeInfoRecord(store: KVStore, codeId: bigint): Uint8Array | undefined {
  return store.get(codeKey(codeId));
}

/** The stored ContractKey bytes of a contract (the store's own array: read it, never mutate it). */
export function getContractKeyRecord(store: KVStore, addr: Uint8Array): Uint8Array | undefined {
  return store.get(contractEnclaveKey(addr));
}

/** The shared decode of ContractInfo bytes (see {@link getContractInfoShared}). */
export function decodeContractInfoShared(raw: Uint8Array): ContractInfo {
  return contractInfos.get(raw);
}

/** The shared decode of CodeInfo bytes (see {@link getCodeInfoShared}). */
export function decodeCodeInfoShared(raw: Uint8Array): CodeInfo {
  return codeInfos.get(raw);
}

/** The shared decode of ContractKey bytes (see {@link getContractKeyShared}). */
export function decodeContractKeyShared(raw: Uint8Array): ContractKey {
  return contractKeys.get(raw);
}

/** Like {@link getCodeInfo}, but the result may be shared with other calls: read it, never mutate it. */
export function getCodeInfoShared(store: KVStore, codeId: bigint): CodeInfo | undefined {
  const raw = store.get(codeKey(codeId));
  return raw === undefined ? undefined : codeInfos.get(raw);
}

/** Like {@link getContractKey}, but the result may be shared with other calls: read it, never mutate it. */
export function getContractKeyShared(store: KVStore, addr: Uint8Array): ContractKey | undefined {
  const raw = store.get(contractEnclaveKey(addr));
  return raw === undefined ? undefined : contractKeys.get(raw);
}

/** CodeInfo of `codeId`, if stored. */
export function getCodeInfo(store: KVStore, codeId: bigint): CodeInfo | undefined {
  const raw = store.get(codeKey(codeId));
  return raw === undefined ? undefined : CodeInfo.decode(raw);
}

/** Stores CodeInfo of `codeId`. */
export function setCodeInfo(store: KVStore, codeId: bigint, info: CodeInfo): void {
  store.set(codeKey(codeId), CodeInfo.encode(info).finish());
}

/** Uncompressed wasm by code hash. */
export function getWasm(store: KVStore, codeHash: Uint8Array): Uint8Array | undefined {
  return store.get(wasmCodeKey(codeHash));
}

/** Stores uncompressed wasm by code hash. */
export function setWasm(store: KVStore, codeHash: Uint8Array, wasm: Uint8Array): void {
  store.set(wasmCodeKey(codeHash), wasm);
}

/** ContractInfo of a contract, if any. */
export function getContractInfo(store: KVStore, addr: Uint8Array): ContractInfo | undefined {
  const raw = store.get(contractKey(addr));
  return raw === undefined ? undefined : ContractInfo.decode(raw);
}

/** Stores ContractInfo of a contract. */
export function setContractInfo(store: KVStore, addr: Uint8Array, info: ContractInfo): void {
  store.set(contractKey(addr), ContractInfo.encode(info).finish());
}

/** The stored enclave key record of a contract. */
export type StoredContractKey = ContractKey;

/** ContractKey (enclave keys and proof) of a contract. */
export function getContractKey(store: KVStore, addr: Uint8Array): ContractKey | undefined {
  const raw = store.get(contractEnclaveKey(addr));
  return raw === undefined ? undefined : ContractKey.decode(raw);
}

/** Stores the ContractKey of a contract. */
export function setContractKey(store: KVStore, addr: Uint8Array, key: ContractKey): void {
  store.set(contractEnclaveKey(addr), ContractKey.encode(key).finish());
}

/** Contract address registered under `label`. */
export function getContractAddressByLabel(store: KVStore, label: string): Uint8Array | undefined {
  return store.get(contractLabelKey(label));
}

/** Registers `label` → contract address. */
export function setContractLabel(store: KVStore, label: string, addr: Uint8Array): void {
  store.set(contractLabelKey(label), addr);
}

/** Appends a history entry at the next position (`0x09‖addr‖BE64(pos)`). */
export function appendHistory(store: KVStore, addr: Uint8Array, entry: ContractCodeHistoryEntry): void {
  const prefix = contractHistoryPrefix(addr);
  let pos = 0n;
  const it = store.iterator(prefix, prefixEnd(prefix), 'descending');
  const last = it.next();
  it.close();
  if (last.done !== true) pos = readBe64(last.value[0].subarray(prefix.length)) + 1n;
  store.set(contractHistoryKey(addr, pos), ContractCodeHistoryEntry.encode(entry).finish());
}

/** The contract's code history in order. */
export function getHistory(store: KVStore, addr: Uint8Array): ContractCodeHistoryEntry[] {
  const prefix = contractHistoryPrefix(addr);
  const out: ContractCodeHistoryEntry[] = [];
  for (const [, v] of store.iterator(prefix, prefixEnd(prefix))) out.push(ContractCodeHistoryEntry.decode(v));
  return out;
}

/** Secondary index `0x0A‖code‖height‖txIndex‖addr` from the contract's `created` position. */
export function secondaryIndexKey(codeId: bigint, info: ContractInfo, addr: Uint8Array): Uint8Array {
  return contractByCodeIdKey(codeId, info.created?.blockHeight ?? 0n, info.created?.txIndex ?? 0n, addr);
}

/** The stored params, or `undefined` before any were set. */
export function getStoredParams(store: KVStore): ComputeParams | undefined {
  const raw = store.get(PARAMS_KEY);
  if (raw === undefined) return undefined;
  const p = ParamsProto.decode(raw);
  return {
    compileCost: atomicsToDec(BigInt(p.compileCost === '' ? '0' : p.compileCost)),
    maxContractSize: p.maxContractSize,
  };
}

/** Stores params (compile cost as LegacyDec atomics). */
export function setParams(store: KVStore, params: ComputeParams): void {
  const proto: ParamsProto = {
    compileCost: decToAtomics(params.compileCost).toString(),
    maxContractSize: params.maxContractSize,
  };
  store.set(PARAMS_KEY, ParamsProto.encode(proto).finish());
}

/** The stored random of block `height`. */
export function getRandom(store: KVStore, height: bigint): Uint8Array | undefined {
  return store.get(randomKey(height));
}

/** Stores the random of block `height`. */
export function setRandom(store: KVStore, height: bigint, random: Uint8Array): void {
  store.set(randomKey(height), random);
}

/** Governance-authorised migration target (`0x0C‖bech32` → BE64 code id). */
export function getMigrationAuthorization(store: KVStore, contract: string): bigint | undefined {
  const raw = store.get(migrationAuthKey(contract));
  return raw === undefined ? undefined : readBe64(raw);
}

/** Authorises a migration of `contract` to `codeId` (governance). */
export function setMigrationAuthorization(store: KVStore, contract: string, codeId: bigint): void {
  store.set(migrationAuthKey(contract), be64(codeId));
}

/** Removes a migration authorisation. */
export function deleteMigrationAuthorization(store: KVStore, contract: string): void {
  store.delete(migrationAuthKey(contract));
}

/** Governance-authorised new admin (`0x0D‖bech32` → UTF-8 bech32, `""` = clear). */
export function getAdminUpdateAuthorization(store: KVStore, contract: string): string | undefined {
  const raw = store.get(adminUpdateAuthKey(contract));
  return raw === undefined ? undefined : new TextDecoder().decode(raw);
}

/** Authorises an admin update of `contract` (governance). */
export function setAdminUpdateAuthorization(store: KVStore, contract: string, admin: string): void {
  store.set(adminUpdateAuthKey(contract), new TextEncoder().encode(admin));
}

/** Removes an admin-update authorisation. */
export function deleteAdminUpdateAuthorization(store: KVStore, contract: string): void {
  store.delete(adminUpdateAuthKey(contract));
}
