// Public surface of the trusted side (src/enclave), exported by name.
export { createEnclave, type EnclaveOptions, SecretEnclave } from './enclave.js';
export { ENCLAVE_ERROR_DISPLAY, EnclaveError, type EnclaveErrorKind, isEnclaveError } from './errors.js';
export type { PrepareOptions } from './prepare.js';
export {
  DEFAULT_PREPARE_WORKERS,
  PREPARED_CACHE_MAX_BYTES,
  PREPARED_CACHE_MAX_ENTRIES,
} from './prepare-limits.js';
export { callbackSignature, fundsJson } from './tx-verification.js';
export type {
  AdminCall,
  Coin,
  ContractApiVersion,
  ContractCode,
  ContractFailure,
  ContractKeyInfo,
  ContractStore,
  Enclave,
  EnclaveCall,
  EnclaveEnv,
  EnclaveFailure,
  EnclaveResult,
  HandleType,
  InitOutput,
  InternalReplyInfo,
  MigrateOutput,
  OutputAttribute,
  OutputEvent,
  OutputSubMsg,
  PrepareReport,
  PrepareStats,
  QuerierResponse,
  QueryOutput,
  SigInfo,
  SignMode,
  TrustedFailure,
  UntrustedQuerier,
  UpdateAdminOutput,
  WasmOutput,
} from './types.js';
