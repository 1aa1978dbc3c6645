/**
 * The synchronous interfaces the runtime depends on. WebAssembly imports cannot await on Node 20 (no JSPI), so
 * storage, address API and querier must answer synchronously; persistence belongs at tx/block boundaries.
 * Mirrors CosmWasm packages/vm/src/backend.rs (`Storage`, `BackendApi`, `Querier`, `GasInfo`).
 */

/**
 * Gas reported by a backend call, in wasm gas units. `cost` is charged only to the contract's wasm budget;
 * `externallyUsed` was already charged on the SDK gas meter by the backend and is deducted from the wasm budget
 * too (so a contract cannot outspend its limit) but reported separately so the keeper does not charge it twice.
 */
export interface GasInfo {
  readonly cost: bigint;
  readonly externallyUsed: bigint;
}

/** A zero {@link GasInfo}. */
export const NO_GAS: GasInfo = Object.freeze({ cost: 0n, externallyUsed: 0n });

/** Contract key-value storage as seen by one contract call (the enclave passes an encrypting implementation). */
export interface Storage {
  /** Value or `undefined` when absent. An empty value is distinct from absent. */
  get(key: Uint8Array): { value: Uint8Array | undefined; gas: GasInfo };
  /**
   * Optional fast path of {@link get} for a storage whose reads report no gas (`NO_GAS`): the value alone. `key` is
   * a view into the contract's memory, valid only during this call: read it, never keep it or write to it.
   */
  getWithoutGas?(key: Uint8Array): Uint8Array | undefined;
  set(key: Uint8Array, value: Uint8Array): GasInfo;
  remove(key: Uint8Array): GasInfo;
}

/**
 * Result of an address operation: either a value or a *user error* string that is handed back to the contract
 * (CosmWasm `BackendError::UserErr`). Any thrown exception is a host failure and aborts the call.
 */
export type BackendResult<T> = { ok: T; gas: GasInfo } | { userError: string; gas: GasInfo };

/** Address operations. Error strings are what the contract sees; see runtime/api.ts for Secret's. */
export interface Api {
  /**
   * Human → canonical. `flavor` selects Secret's two error vocabularies: `'v0.10'` (`input is empty`, trimmed
   * input) and `'v1'` (`Input is empty`, no trim).
   */
  canonicalizeAddress(human: string, flavor: AddressFlavor): BackendResult<Uint8Array>;
  /** Canonical → human. */
  humanizeAddress(canonical: Uint8Array, flavor: AddressFlavor): BackendResult<string>;
  /**
   * Optional fast path of v1 `addr_validate`. Must answer exactly what {@link canonicalizeAddress} then
   * {@link humanizeAddress} of the result answer, compared with the input: the first user error on that way, else
   * `Address is not normalized` when the round trip differs from `human`, else `ok: true`; `gas` = the sum of both
   * calls' gas (only the calls made). Without it the runtime makes the two calls itself.
   */
  validateAddress?(human: string, flavor: AddressFlavor): BackendResult<true>;
  /**
   * Optional fast path of {@link canonicalizeAddress}: the same answer and gas, but `ok` may be an array the Api
   * keeps (no copy per call). The runtime only copies it into guest memory, right away, and never writes to it.
   */
  canonicalizeAddressView?(human: string, flavor: AddressFlavor): BackendResult<Uint8Array>;
}

/** Contract API generation, from the marker export: `cosmwasm_vm_version_3` → v0.10, `interface_version_8` → v1. */
export type ApiVersion = 'v0.10' | 'v1';

/** Which contract API's address semantics apply. */
export type AddressFlavor = ApiVersion;

/** The JSON StdError object of v0.10 contracts, e.g. `{"generic_err":{"msg":"…"}}`. */
export type StdErrorJson = Record<string, unknown>;

/**
 * `SystemError` JSON (cosmwasm-std system_error.rs), e.g. `{"no_such_contract":{"addr":"…"}}`,
 * `{"invalid_request":{"error":"…","request":"<b64>"}}`, `{"exceeded_recursion_limit":{}}`.
 */
export type SystemErrorJson = Record<string, unknown>;

/**
 * What a query answered, as a value. The runtime serializes it for the calling contract's ABI:
 * v0.10 `{"Ok":{"Ok":"<b64>"}}` / `{"Ok":{"Err":{StdError}}}` / `{"Err":{SystemError}}`,
 * v1 `{"ok":{"ok":"<b64>"}}` / `{"ok":{"error":"…"}}` / `{"error":{SystemError}}`.
 */
export type QuerierResult =
  { ok: { ok: Uint8Array } } | { ok: { error: string | StdErrorJson } } | { error: SystemErrorJson };

/** Answers `query_chain` requests. */
export interface Querier {
  /**
   * @param request raw `QueryRequest` JSON bytes as the contract sent them (already checked to be JSON)
   * @param gasLimit wasm gas the query may use (what the calling contract has left)
   * @param queryDepth depth the *queried* contract must run at (caller's depth + 1)
   */
  query(request: Uint8Array, gasLimit: bigint, queryDepth: number): { result: QuerierResult; gas: GasInfo };
}

/** Everything a call needs from its host. */
export interface Backend {
  readonly storage: Storage;
  readonly api: Api;
  readonly querier: Querier;
}
