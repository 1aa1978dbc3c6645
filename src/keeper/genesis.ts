/**
 * Genesis import/export (SecretNetwork x/compute/internal/keeper/genesis.go). Export walks the §1.6 layout;
 * import validates (code hashes, duplicates, sequences) before writing anything, so a bad genesis leaves the
 * store untouched.
 */
import { sha256 } from '@noble/hashes/sha2.js';

import type { Code, Contract, GenesisState, Sequence } from '../proto/secret/compute/v1beta1/genesis.js';
import { ContractCodeHistoryOperationType, type Model } from '../proto/secret/compute/v1beta1/types.js';
import type { KVStore } from '../state/index.js';
import { bytesEqual, toBech32 } from './address.js';
import { computeError, ComputeErrors } from './errors.js';
import {
  be64,
  CODE_KEY_PREFIX,
  concatBytes,
  CONTRACT_KEY_PREFIX,
  contractStorePrefix,
  KEY_LAST_CODE_ID,
  KEY_LAST_INSTANCE_ID,
  prefixEnd,
  readBe64,
} from './keys.js';
import { atomicsToDec, type ComputeParams, decToAtomics, DEFAULT_PARAMS, validateParams } from './params.js';
import * as st from './store.js';

/**
 * Exports the module state of `store`. Params are always exported (the stored ones, else `defaults`), as Go's
 * `ExportGenesis` does with `GetParams`.
 */
export function exportGenesis(store: KVStore, defaults: ComputeParams = DEFAULT_PARAMS): GenesisState {
  const params = st.getStoredParams(store) ?? defaults;
  const codes: Code[] = [];
  const codePrefix = Uint8Array.of(CODE_KEY_PREFIX);
  for (const [k] of store.iterator(codePrefix, prefixEnd(codePrefix))) {
    const codeId = readBe64(k.subarray(1));
    const codeInfo = st.getCodeInfo(store, codeId);
    if (codeInfo === undefined) continue;
    codes.push({ codeId, codeInfo, codeBytes: st.getWasm(store, codeInfo.codeHash) ?? new Uint8Array(0) });
  }
  const contracts: Contract[] = [];
  const contractPrefix = Uint8Array.of(CONTRACT_KEY_PREFIX);
  for (const [k] of store.iterator(contractPrefix, prefixEnd(contractPrefix))) {
    const addr = k.slice(1);
    const contractInfo = st.getContractInfo(store, addr);
    if (contractInfo === undefined) continue;
    const statePrefix = contractStorePrefix(addr);
    const contractState: Model[] = [];
    for (const [sk, sv] of store.iterator(statePrefix, prefixEnd(statePrefix))) {
      contractState.push({ Key: sk.slice(statePrefix.length), Value: sv.slice() });
    }
    contracts.push({
      contractAddress: addr,
      contractInfo,
      contractState,
      contractCustomInfo: { enclaveKey: st.getContractKey(store, addr), label: contractInfo.label },
    });
  }
  const sequences: Sequence[] = [
    { idKey: KEY_LAST_CODE_ID, value: st.peekAutoIncrementId(store, KEY_LAST_CODE_ID) },
    { idKey: KEY_LAST_INSTANCE_ID, value: st.peekAutoIncrementId(store, KEY_LAST_INSTANCE_ID) },
  ];
  return {
    codes,
    contracts,
    sequences,
    params: {
      compileCost: decToAtomics(params.compileCost).toString(),
      maxContractSize: params.maxContractSize,
    },
  };
}

function invalid(msg: string): never {
  throw computeError(ComputeErrors.InvalidGenesis, msg);
}

/** Imports `state` into `store` (normally empty). Throws `ComputeError` (invalid genesis, 8) without writing on bad input. */
export function initGenesis(store: KVStore, state: GenesisState): void {
  // validate everything first
  let params;
  if (state.params !== undefined) {
    try {
      params = {
        compileCost: atomicsToDec(BigInt(state.params.compileCost)),
        maxContractSize: state.params.maxContractSize,
      };
      validateParams(params);
    } catch (e) {
      return invalid(`params: ${(e as Error).message}`);
    }
  }
  const codeIds = new Set<bigint>();
  let maxCodeId = 0n;
  for (const c of state.codes) {
    if (c.codeInfo === undefined) invalid(`code ${c.codeId}: code info missing`);
    if (c.codeId === 0n || codeIds.has(c.codeId)) invalid(`code ${c.codeId}: duplicate or zero code id`);
    if (!bytesEqual(sha256(c.codeBytes), c.codeInfo.codeHash))
      invalid(`code ${c.codeId}: code hash mismatch`);
    codeIds.add(c.codeId);
    if (c.codeId > maxCodeId) maxCodeId = c.codeId;
  }
  const addrs = new Set<string>();
  const labels = new Set<string>();
  for (const c of state.contracts) {
    const info = c.contractInfo;
    if (info === undefined) invalid('contract info missing');
    const addr = toBech32(c.contractAddress);
    if (addrs.has(addr)) invalid(`contract ${addr}: duplicate`);
    if (labels.has(info.label)) invalid(`contract ${addr}: duplicate label ${info.label}`);
    if (!codeIds.has(info.codeId)) invalid(`contract ${addr}: unknown code id ${info.codeId}`);
    if (c.contractCustomInfo?.enclaveKey === undefined) invalid(`contract ${addr}: enclave key missing`);
    addrs.add(addr);
    labels.add(info.label);
  }
  const seq = new Map<string, bigint>();
  for (const s of state.sequences) {
    if (!bytesEqual(s.idKey, KEY_LAST_CODE_ID) && !bytesEqual(s.idKey, KEY_LAST_INSTANCE_ID)) {
      invalid(`unknown sequence key ${Buffer.from(s.idKey).toString('hex')}`);
    }
    seq.set(Buffer.from(s.idKey).toString('hex'), s.value);
  }
  const lastCode = seq.get(Buffer.from(KEY_LAST_CODE_ID).toString('hex')) ?? maxCodeId + 1n;
  if (lastCode <= maxCodeId)
    invalid(`sequence lastCodeId ${lastCode} must be greater than max code id ${maxCodeId}`);

  // then write
  if (params !== undefined) st.setParams(store, params);
  for (const c of state.codes) {
    const info = c.codeInfo!;
    st.setCodeInfo(store, c.codeId, info);
    st.setWasm(store, info.codeHash, c.codeBytes);
  }
  for (const c of state.contracts) {
    const info = c.contractInfo!;
    const addr = c.contractAddress;
    st.setContractInfo(store, addr, info);
    st.setContractKey(store, addr, c.contractCustomInfo!.enclaveKey!);
    st.setContractLabel(store, info.label, addr);
    store.set(st.secondaryIndexKey(info.codeId, info, addr), new Uint8Array(0));
    st.appendHistory(store, addr, {
      operation: ContractCodeHistoryOperationType.CONTRACT_CODE_HISTORY_OPERATION_TYPE_GENESIS,
      codeId: info.codeId,
      updated: info.created,
      msg: new Uint8Array(0),
    });
    const prefix = contractStorePrefix(addr);
    for (const m of c.contractState) store.set(concatBytes(prefix, m.Key), m.Value);
  }
  for (const s of state.sequences) store.set(s.idKey, be64(s.value));
}
