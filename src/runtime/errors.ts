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

export class VmError extends Error {
  override readonly name: string = 'VmError';
  constructor(
    readonly kind: VmErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Raised when metering stops a call; `gasUsed` is the full limit (the call consumed everything it had). */
export class OutOfGasError extends VmError {
  override readonly name = 'OutOfGasError';
  constructor(
    readonly gasUsed: bigint,
    message = 'execution ran out of gas',
    options?: { cause?: unknown },
  ) {
    super('GasDepletion', message, options);
  }
}

/** An invalid Region or pointer; carries the offending numbers for diagnostics. */
export class CommunicationError extends VmError {
  override readonly name = 'CommunicationError';
  constructor(
    message: string,
    readonly details: { offset?: number; length?: number; maxLength?: number } = {},
    options?: { cause?: unknown },
  ) {
    super('Communication', message, options);
  }
}
