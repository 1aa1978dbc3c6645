/**
 * The `secret.compute.v1beta1.Query` service (SecretNetwork x/compute/internal/keeper/querier.go). The 11 classic
 * RPCs plus the two governance-authorisation lookups are answered from the committed state; the HEAD-only
 * non-SGX-sync RPCs reject with a typed "not supported" error.
 */
import { bytesToHex } from '@noble/hashes/utils.js';

import type { Empty } from '../proto/google/protobuf/empty.js';
import type {
  CodeInfoResponse,
  ContractInfoWithAddress,
  ParamsRequest,
  ParamsResponse,
  Query,
  QueryAnalyzeCodeRequest,
  QueryAnalyzeCodeResponse,
  QueryAuthorizedAdminUpdateRequest,
  QueryAuthorizedAdminUpdateResponse,
  QueryAuthorizedMigrationRequest,
  QueryAuthorizedMigrationResponse,
  QueryBlockCreateResultsRequest,
  QueryBlockCreateResultsResponse,
  QueryBlockTracesRequest,
  QueryBlockTracesResponse,
  QueryByCodeIdRequest,
  QueryByContractAddressRequest,
  QueryByLabelRequest,
  QueryCodeHashResponse,
  QueryCodeResponse,
  QueryCodesResponse,
  QueryContractAddressResponse,
  QueryContractHistoryRequest,
  QueryContractHistoryResponse,
  QueryContractInfoResponse,
  QueryContractLabelResponse,
  QueryContractsByCodeIdResponse,
  QueryEcallRecordRequest,
  QueryEcallRecordResponse,
  QueryEcallRecordsRequest,
  QueryEcallRecordsResponse,
  QueryEncryptedSeedRequest,
  QueryEncryptedSeedResponse,
  QueryMachineIDProofRequest,
  QueryMachineIDProofResponse,
  QueryNetworkPubkeyRequest,
  QueryNetworkPubkeyResponse,
  QuerySecretContractRequest,
  QuerySecretContractResponse,
} from '../proto/secret/compute/v1beta1/query.js';
import type { CodeInfo, ContractInfo } from '../proto/secret/compute/v1beta1/types.js';
import type { KVStore } from '../state/index.js';
import { fromBech32, toBech32 } from './address.js';
import { computeError, ComputeErrors, SdkErrors } from './errors.js';
import type { ComputeKeeper } from './keeper.js';
import { CODE_KEY_PREFIX, contractByCodeIdPrefix, prefixEnd, readBe64 } from './keys.js';
import { decToAtomics } from './params.js';
import * as st from './store.js';

function codeInfoResponse(codeId: bigint, info: CodeInfo): CodeInfoResponse {
  return {
    codeId,
    creator: toBech32(info.creator),
    codeHash: bytesToHex(info.codeHash),
    source: info.source,
    builder: info.builder,
  };
}

/** ContractInfo as returned to clients: the enclave's admin proof is never exposed (Go nils it). */
function publicContractInfo(info: ContractInfo): ContractInfo {
  return { ...info, adminProof: new Uint8Array(0) };
}

/** The Query service over a keeper's committed state. */
export class QueryServer implements Query {
  constructor(readonly keeper: ComputeKeeper) {}

  private get store(): KVStore {
    return this.keeper.store;
  }

  private contract(addr: string): { addr: Uint8Array; info: ContractInfo } {
    const raw = fromBech32(addr);
    const info = st.getContractInfo(this.store, raw);
    if (info === undefined) throw computeError(ComputeErrors.NotFound, `contract ${addr}`);
    return { addr: raw, info };
  }

  ContractInfo(req: QueryByContractAddressRequest): Promise<QueryContractInfoResponse> {
    return attempt(() => {
      const { info } = this.contract(req.contractAddress);
      return { contractAddress: req.contractAddress, contractInfo: publicContractInfo(info) };
    });
  }

  ContractsByCodeId(req: QueryByCodeIdRequest): Promise<QueryContractsByCodeIdResponse> {
    return attempt(() => {
      const prefix = contractByCodeIdPrefix(req.codeId);
      const out: ContractInfoWithAddress[] = [];
      // the index key orders by (height, tx index) = `created`, as Go sorts; `created` is then omitted
      for (const [k] of this.store.iterator(prefix, prefixEnd(prefix))) {
        const addr = k.subarray(prefix.length + 16);
        const info = st.getContractInfo(this.store, addr);
        if (info === undefined) continue;
        out.push({
          contractAddress: toBech32(addr),
          contractInfo: { ...publicContractInfo(info), created: undefined },
        });
      }
      return { contractInfos: out };
    });
  }

  QuerySecretContract(req: QuerySecretContractRequest): Promise<QuerySecretContractResponse> {
    return attempt(() => {
      const addr = fromBech32(req.contractAddress);
      return { data: this.keeper.query(addr, req.query) };
    });
  }

  Code(req: QueryByCodeIdRequest): Promise<QueryCodeResponse> {
    return attempt(() => {
      if (req.codeId === 0n) throw computeError(ComputeErrors.Invalid, 'code id');
      const info = st.getCodeInfo(this.store, req.codeId);
      if (info === undefined) throw computeError(ComputeErrors.NotFound);
      return {
        codeInfo: codeInfoResponse(req.codeId, info),
        wasm: st.getWasm(this.store, info.codeHash) ?? new Uint8Array(0),
      };
    });
  }

  Codes(_req: Empty): Promise<QueryCodesResponse> {
    return attempt(() => {
      const prefix = Uint8Array.of(CODE_KEY_PREFIX);
      const codeInfos: CodeInfoResponse[] = [];
      for (const [k] of this.store.iterator(prefix, prefixEnd(prefix))) {
        const codeId = readBe64(k.subarray(1));
        const info = st.getCodeInfo(this.store, codeId);
        if (info !== undefined) codeInfos.push(codeInfoResponse(codeId, info));
      }
      return { codeInfos };
    });
  }

  CodeHashByContractAddress(req: QueryByContractAddressRequest): Promise<QueryCodeHashResponse> {
    return attempt(() => {
      const { info } = this.contract(req.contractAddress);
      const code = st.getCodeInfo(this.store, info.codeId);
      if (code === undefined) throw computeError(ComputeErrors.NotFound, 'code');
      return { codeHash: bytesToHex(code.codeHash) };
    });
  }

  CodeHashByCodeId(req: QueryByCodeIdRequest): Promise<QueryCodeHashResponse> {
    return attempt(() => {
      const code = st.getCodeInfo(this.store, req.codeId);
      if (code === undefined) throw computeError(ComputeErrors.NotFound, 'code');
      return { codeHash: bytesToHex(code.codeHash) };
    });
  }

  LabelByAddress(req: QueryByContractAddressRequest): Promise<QueryContractLabelResponse> {
    return attempt(() => ({ label: this.contract(req.contractAddress).info.label }));
  }

  AddressByLabel(req: QueryByLabelRequest): Promise<QueryContractAddressResponse> {
    return attempt(() => {
      const addr = st.getContractAddressByLabel(this.store, req.label);
      if (addr === undefined)
        throw computeError(SdkErrors.UnknownAddress, `no contract with label ${req.label}`);
      return { contractAddress: toBech32(addr) };
    });
  }

  ContractHistory(req: QueryContractHistoryRequest): Promise<QueryContractHistoryResponse> {
    return attempt(() => ({ entries: st.getHistory(this.store, this.contract(req.contractAddress).addr) }));
  }

  Params(_req: ParamsRequest): Promise<ParamsResponse> {
    return attempt(() => {
      const p = this.keeper.getParams();
      return {
        params: { compileCost: decToAtomics(p.compileCost).toString(), maxContractSize: p.maxContractSize },
      };
    });
  }

  AuthorizedMigration(req: QueryAuthorizedMigrationRequest): Promise<QueryAuthorizedMigrationResponse> {
    return attempt(() => ({
      newCodeId: st.getMigrationAuthorization(this.store, req.contractAddress) ?? 0n,
    }));
  }

  AuthorizedAdminUpdate(req: QueryAuthorizedAdminUpdateRequest): Promise<QueryAuthorizedAdminUpdateResponse> {
    return attempt(() => ({
      newAdmin: st.getAdminUpdateAuthorization(this.store, req.contractAddress) ?? '',
    }));
  }

  EcallRecord(_req: QueryEcallRecordRequest): Promise<QueryEcallRecordResponse> {
    return unimplemented('EcallRecord');
  }

  EcallRecords(_req: QueryEcallRecordsRequest): Promise<QueryEcallRecordsResponse> {
    return unimplemented('EcallRecords');
  }

  NetworkPubkey(_req: QueryNetworkPubkeyRequest): Promise<QueryNetworkPubkeyResponse> {
    return unimplemented('NetworkPubkey');
  }

  EncryptedSeed(_req: QueryEncryptedSeedRequest): Promise<QueryEncryptedSeedResponse> {
    return unimplemented('EncryptedSeed');
  }

  BlockTraces(_req: QueryBlockTracesRequest): Promise<QueryBlockTracesResponse> {
    return unimplemented('BlockTraces');
  }

  MachineIDProof(_req: QueryMachineIDProofRequest): Promise<QueryMachineIDProofResponse> {
    return unimplemented('MachineIDProof');
  }

  AnalyzeCode(_req: QueryAnalyzeCodeRequest): Promise<QueryAnalyzeCodeResponse> {
    return unimplemented('AnalyzeCode');
  }

  BlockCreateResults(_req: QueryBlockCreateResultsRequest): Promise<QueryBlockCreateResultsResponse> {
    return unimplemented('BlockCreateResults');
  }
}

function attempt<T>(fn: () => T): Promise<T> {
  return Promise.resolve().then(fn);
}

/** The non-SGX node-sync RPCs (Secret HEAD) need ecall records this implementation does not keep. */
function unimplemented(rpc: string): Promise<never> {
  return Promise.reject(
    computeError(
      SdkErrors.NotSupported,
      `Query/${rpc} is not supported by this implementation (no ecall records)`,
    ),
  );
}

/** Creates the Query service over `keeper`. */
export function createQueryServer(keeper: ComputeKeeper): QueryServer {
  return new QueryServer(keeper);
}
