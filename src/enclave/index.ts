// Public surface of the trusted side (src/enclave), exported by name.
export { createEnclave, type EnclaveOptions, SecretEnclave } from './enclave.js';
export { ENCLAVE_ERROR_DISPLAY, EnclaveError, type EnclaveErrorKind, isEnclaveError } from './errors.js';
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
  QuerierResponse,
  QueryOutput,
  SigInfo,
  SignMode,
  TrustedFailure,
  UntrustedQuerier,
  UpdateAdminOutput,
  WasmOutput,
} from './types.js';
