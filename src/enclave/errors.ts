/**
 * The enclave's failure type. Kinds and display strings mirror Secret's `EnclaveError` (SecretNetwork:
 * cosmwasm/enclaves/shared/utils/src/errors.rs `#[error(...)]` texts, spec §4.11) so the keeper can render
 * `Execution error: Enclave: <display>: execute contract failed` byte-for-byte. Messages never carry private
 * material (seeds, keys, plaintext input): the display is fixed per kind, and `detail` is only set from
 * non-secret facts (e.g. a wasm trap reason).
 */

/** Stable machine-readable kinds; never renamed. */
export type EnclaveErrorKind =
  | 'FailedOcall'
  | 'ValidationFailure'
  | 'InvalidWasm'
  | 'CannotInitializeWasmMemory'
  | 'WasmModuleWithFP'
  | 'FailedGasMeteringInjection'
  | 'InternalError'
  | 'OutOfGas'
  | 'FailedFunctionCall'
  | 'ContractPanicUnreachable'
  | 'ContractPanicMemoryAccessOutOfBounds'
  | 'ContractPanicDivisionByZero'
  | 'ContractPanicInvalidConversionToInt'
  | 'ContractPanicStackOverflow'
  | 'ContractPanicSignatureMismatch'
  | 'FailedSeal'
  | 'FailedUnseal'
  | 'FailedContractAuthentication'
  | 'FailedToDeserialize'
  | 'FailedToSerialize'
  | 'EncryptionError'
  | 'DecryptionError'
  | 'MemoryAllocationError'
  | 'MemoryReadError'
  | 'MemoryWriteError'
  | 'NotImplemented'
  | 'FailedTxVerification'
  | 'UnauthorizedWrite'
  | 'HostMisbehavior'
  | 'Panic'
  | 'OutOfMemory'
  | 'ExceededRecursionLimit'
  | 'Unknown';

/** Secret's `EnclaveError` display text for each kind (spec §4.11), exact. */
export const ENCLAVE_ERROR_DISPLAY: Readonly<Record<EnclaveErrorKind, string>> = {
  FailedOcall: 'failed to execute ocall',
  ValidationFailure: 'failed to validate transaction',
  InvalidWasm: 'tried to load invalid wasm code',
  CannotInitializeWasmMemory: 'failed to initialize wasm memory',
  WasmModuleWithFP: 'found floating point operation in module code',
  FailedGasMeteringInjection: 'failed to inject gas metering',
  InternalError: 'internal error during execution',
  OutOfGas: 'execution ran out of gas',
  FailedFunctionCall: 'calling a function in the contract failed for an unexpected reason',
  ContractPanicUnreachable: 'the contract panicked',
  ContractPanicMemoryAccessOutOfBounds: 'the contract tried to access memory out of bounds',
  ContractPanicDivisionByZero: 'the contract tried to divide by zero',
  ContractPanicInvalidConversionToInt: 'the contract tried to do an invalid conversion to an integer',
  ContractPanicStackOverflow: 'the contract has run out of space on the stack',
  ContractPanicSignatureMismatch:
    'the contract tried to call a function but expected an incorrect function signature',
  FailedSeal: 'failed to seal data',
  FailedUnseal: 'failed to unseal data',
  FailedContractAuthentication: 'failed to authenticate secret contract',
  FailedToDeserialize: 'failed to deserialize data',
  FailedToSerialize: 'failed to serialize data',
  EncryptionError: 'failed to encrypt data',
  DecryptionError: 'failed to decrypt data',
  MemoryAllocationError: 'failed to allocate memory',
  MemoryReadError: 'failed to read memory',
  MemoryWriteError: 'failed to write memory',
  NotImplemented: 'function not implemented',
  FailedTxVerification: 'failed to verify transaction signature',
  UnauthorizedWrite: 'contract tried to write to storage during a query',
  HostMisbehavior: "communication with the enclave's host failed",
  Panic: 'panicked due to unexpected behavior',
  OutOfMemory: 'enclave ran out of heap memory',
  ExceededRecursionLimit: 'depth of nested contract calls exceeded',
  Unknown: 'unknown error',
};

/**
 * A failure of the trusted side (as opposed to a contract returning `Err`, which is an encrypted value).
 * `message` is exactly Secret's display for `kind`; `cause` may hold the underlying runtime error for local
 * debugging and is never serialised into chain output.
 */
export class EnclaveError extends Error {
  override readonly name = 'EnclaveError';
  constructor(
    readonly kind: EnclaveErrorKind,
    options?: { cause?: unknown },
  ) {
    super(ENCLAVE_ERROR_DISPLAY[kind], options);
  }
}

/** True when `e` is an {@link EnclaveError} (optionally of the given kind). */
export function isEnclaveError(e: unknown, kind?: EnclaveErrorKind): e is EnclaveError {
  return e instanceof EnclaveError && (kind === undefined || e.kind === kind);
}
