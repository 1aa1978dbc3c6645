/** Public surface of the contract runtime (`secret-compute/runtime`). */
export { Bech32Api, decodeBech32, encodeBech32, SECRET_BECH32_PREFIX } from './api.js';
export type {
  AddressFlavor,
  Api,
  ApiVersion,
  Backend,
  BackendResult,
  GasInfo,
  Querier,
  QuerierResult,
  StdErrorJson,
  Storage,
  SystemErrorJson,
} from './backend.js';
export { NO_GAS } from './backend.js';
export type { CallArgument, ContractResult, EntryPoint, IbcEntryPoint, TypedCallInput } from './calls.js';
export {
  callEntry,
  callExecute,
  callInstantiate,
  callMigrate,
  callQuery,
  callRaw,
  callReply,
  callSudo,
  ENTRY_POINT_EXPORTS,
  parseContractResult,
} from './calls.js';
export type { CallEnv, Coin, MessageInfo } from './env.js';
export { envJsonV1, envJsonV010, infoJsonV1 } from './env.js';
export type { CallContext, GuestHandles } from './environment.js';
export { Environment } from './environment.js';
export type { VmErrorKind, VmErrorOptions } from './errors.js';
export { CommunicationError, ENCLAVE_ERROR, OutOfGasError, toVmError, VmError } from './errors.js';
export type { GasConfig } from './gas.js';
export { COSMWASM_GAS_CONFIG, sdkGasFromWasm, SECRET_GAS_CONFIG } from './gas.js';
export { CryptoCode, decodeSections, encodeSections } from './imports/crypto.js';
export { buildImports, supportedImports } from './imports/index.js';
export type { CompiledContract, InstanceSnapshot, InstrumentationGlobals, WarmState } from './instance.js';
export { ContractInstance } from './instance.js';
export { parseJson, stringifyJson } from './json.js';
export * as limits from './limits.js';
export type { Region } from './memory.js';
export { readRegion, readRegionStruct, REGION_SIZE, writeRegion } from './memory.js';
export { serializeQuerierResult, stdErrorDisplay } from './querier-result.js';
export type {
  CallOutcome,
  CallRequest,
  CheckPhase,
  CodeInfo,
  ContractRuntimeOptions,
  InstanceMode,
  WasmToolchain,
} from './runtime.js';
export { ContractRuntime, DEFAULT_INSTANCE_MODE } from './runtime.js';
export { SECRET_TOOLCHAIN } from './toolchain.js';
// The wasm layer (src/runtime/wasm/, the wasm engineer's) is part of the same public subpath.
export type { GasCostTable, InstrumentOptions, ModuleInfo } from './wasm/index.js';
export {
  checkWasm,
  COSMWASM_GAS_COSTS,
  instrument,
  INSTRUMENT_GLOBALS,
  SECRET_GAS_COSTS,
  TrapReason,
} from './wasm/index.js';
