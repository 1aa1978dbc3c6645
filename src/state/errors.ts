/**
 * Stable machine-readable codes for every failure the state layer reports. Callers switch on `code`, never on
 * the message text.
 */
export type StateErrorCode =
  /** An encrypted value failed authentication: flipped bits, moved to another key, or from another contract. */
  | 'TAMPERED'
  /** A write or delete on a read-only store (Secret: "contract tried to write to storage during a query"). */
  | 'READ_ONLY'
  /** The operation does not exist for this store (iteration over encrypted keys). */
  | 'UNSUPPORTED'
  /** The gas meter's limit was exceeded; see {@link OutOfGasError}. */
  | 'OUT_OF_GAS'
  /** Gas consumption overflowed uint64 (Cosmos SDK `ErrorGasOverflow`). */
  | 'GAS_OVERFLOW'
  /** A malformed argument (wrong type, wrong length, negative gas). */
  | 'INVALID_ARGUMENT'
  /** Bytes on disk or in the backing store do not have the expected layout. */
  | 'CORRUPT'
  /** The store was closed. */
  | 'CLOSED'
  /** The embedded database reported an error. */
  | 'BACKEND'
  /** A key exceeds what the persistent backend can store. */
  | 'KEY_TOO_LARGE';

/** The one error class of the state layer; `code` is stable, `cause` keeps the underlying error. */
export class StateError extends Error {
  override name = 'StateError';
  /** Stable code, see {@link StateErrorCode}. */
  readonly code: StateErrorCode;

  constructor(code: StateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Thrown by a gas meter when consumption passes its limit, mirroring Cosmos SDK `ErrorOutOfGas{Descriptor}`.
 * A subclass so callers can `instanceof` it without inspecting codes.
 */
export class OutOfGasError extends StateError {
  override name = 'OutOfGasError';
  /** What was being charged when the limit was passed (SDK descriptor such as "ReadFlat"). */
  readonly descriptor: string;

  constructor(descriptor: string, message?: string) {
    super('OUT_OF_GAS', message ?? `out of gas in location: ${descriptor}`);
    this.descriptor = descriptor;
  }
}
