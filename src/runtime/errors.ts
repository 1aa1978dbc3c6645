/**
 * Errors raised by the contract runtime. One class with a stable `kind`, mirroring the variants of CosmWasm's
 * `VmError` (packages/vm/src/errors/vm_error.rs) plus Secret's enclave errors; subclasses only where callers
 * need `instanceof`.
 */

/** Stable machine-readable kinds. Never renamed: embedders switch on them. */
export type VmErrorKind =
  /** Wasm failed static validation (store time or instantiate time). */
  | 'StaticValidation'
  /** The engine refused to compile the (instrumented) module. */
  | 'Compile'
  /** Instantiation failed (link error, memory too large, ...). */
  | 'Instantiation'
  /** The instrumented gas counter ran out. */
  | 'GasDepletion'
  /** The instrumented call-depth limit was hit. */
  | 'StackOverflow'
  /** The contract trapped (unreachable, abort, integer overflow, out-of-bounds, ...). */
  | 'Runtime'
  /** A Region or pointer passed between host and guest was invalid. */
  | 'Communication'
  /** A write/remove was attempted in a read-only context (query). */
  | 'WriteAccessDenied'
  /** A backend (storage, querier, api) failed in a way the contract must not observe. */
  | 'Backend'
  /** The contract result could not be parsed. */
  | 'Serialization'
  /** Output or input exceeded a documented size limit. */
  | 'ResultTooLarge'
  /** An entry point the caller asked for is not exported. */
  | 'MissingExport';

/** Options shared by every runtime error. */
export interface VmErrorOptions {
  cause?: unknown;
  /**
   * Diagnostic text beyond the stable message, e.g. the CosmWasm-style reason ("Got a zero Wasm address in the
   * offset") behind Secret's display "failed to read memory", or the panic text of `abort`.
   */
  detail?: string;
}

export class VmError extends Error {
  override readonly name: string = 'VmError';
  /** Extra diagnostics; never part of consensus-relevant output. */
  readonly detail: string | undefined;
  /**
   * Wasm gas consumed up to the failure, set by `ContractRuntime.call` on every error it throws (the full limit for
   * out-of-gas; what was spent before the trap otherwise; 0 when nothing ran). Undefined outside a call.
   */
  gasUsed: bigint | undefined;
  constructor(
    readonly kind: VmErrorKind,
    message: string,
    options?: VmErrorOptions,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.detail = options?.detail;
    this.gasUsed = undefined;
  }
}

/** Raised when metering stops a call; `gasUsed` is the full limit (the call consumed everything it had). */
export class OutOfGasError extends VmError {
  override readonly name = 'OutOfGasError';
  declare gasUsed: bigint;
  constructor(gasUsed: bigint, message = ENCLAVE_ERROR.outOfGas, options?: VmErrorOptions) {
    super('GasDepletion', message, options);
    this.gasUsed = gasUsed;
  }
}

/** An invalid Region or pointer; carries the offending numbers for diagnostics. */
export class CommunicationError extends VmError {
  override readonly name = 'CommunicationError';
  constructor(
    message: string,
    readonly details: { offset?: number; length?: number; maxLength?: number } = {},
    options?: VmErrorOptions,
  ) {
    super('Communication', message, options);
  }
}

/**
 * Secret's `EnclaveError` display strings (SecretNetwork cosmwasm/enclaves/shared/utils/src/errors.rs, spec §4.11),
 * used as the stable messages of runtime errors so the keeper can render `Execution error: Enclave: <msg>`.
 */
export const ENCLAVE_ERROR = Object.freeze({
  invalidWasm: 'tried to load invalid wasm code',
  cannotInitializeWasmMemory: 'failed to initialize wasm memory',
  wasmModuleWithFp: 'found floating point operation in module code',
  gasInjection: 'failed to inject gas metering',
  outOfGas: 'execution ran out of gas',
  failedFunctionCall: 'calling a function in the contract failed for an unexpected reason',
  panicked: 'the contract panicked',
  memoryOutOfBounds: 'the contract tried to access memory out of bounds',
  divisionByZero: 'the contract tried to divide by zero',
  invalidConversionToInt: 'the contract tried to do an invalid conversion to an integer',
  stackOverflow: 'the contract has run out of space on the stack',
  unexpectedSignature: 'the contract tried to call a function but expected an incorrect function signature',
  failedToDeserialize: 'failed to deserialize data',
  failedToSerialize: 'failed to serialize data',
  memoryAllocationError: 'failed to allocate memory',
  memoryReadError: 'failed to read memory',
  memoryWriteError: 'failed to write memory',
  notImplemented: 'function not implemented',
  unauthorizedWrite: 'contract tried to write to storage during a query',
  ocallError: 'failed to execute ocall',
  unknown: 'unknown error',
});

/**
 * Maps an exception thrown out of a guest call to a typed {@link VmError}. Engine traps (V8 `RuntimeError`
 * messages, see cosmwasm-abi §2.5) become Secret's enclave displays; VmErrors pass through unchanged; anything
 * else (a backend bug) becomes kind `Backend`, with the original as `cause`.
 */
export function toVmError(err: unknown): VmError {
  if (err instanceof VmError) return err;
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return new VmError('StackOverflow', ENCLAVE_ERROR.stackOverflow, { cause: err, detail: err.message });
  }
  if (err instanceof WebAssembly.RuntimeError) {
    const m = err.message;
    const display = /unreachable/.test(m)
      ? ENCLAVE_ERROR.panicked
      : /memory access out of bounds/.test(m)
        ? ENCLAVE_ERROR.memoryOutOfBounds
        : /divide by zero|remainder by zero/.test(m)
          ? ENCLAVE_ERROR.divisionByZero
          : /unrepresentable/.test(m) && /float/.test(m)
            ? ENCLAVE_ERROR.invalidConversionToInt
            : /unrepresentable/.test(m)
              ? ENCLAVE_ERROR.panicked // integer overflow (INT_MIN / -1) is a panic in Secret's mapping
              : /signature mismatch|null function/.test(m)
                ? ENCLAVE_ERROR.unexpectedSignature
                : ENCLAVE_ERROR.failedFunctionCall;
    return new VmError('Runtime', display, { cause: err, detail: m });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new VmError('Backend', ENCLAVE_ERROR.ocallError, { cause: err, detail: message });
}
