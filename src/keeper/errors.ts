/**
 * Keeper errors: one class with a stable `(codespace, code)` pair taken from SecretNetwork
 * x/compute/internal/types/errors.go (codespace `compute`) and the Cosmos SDK's types/errors (codespace `sdk`),
 * so clients that switch on codes keep working. Messages follow Go's `errorsmod.Wrap` shape: the wrapping
 * context comes first, the registered description last (`encrypted: <b64>: execute contract failed`).
 */

/** A registered error: what Go's `errorsmod.Register(codespace, code, description)` returns. */
export interface RegisteredError {
  readonly codespace: string;
  readonly code: number;
  readonly description: string;
}

/** The codespace of every x/compute error. */
export const COMPUTE_CODESPACE = 'compute';

function reg(codespace: string, code: number, description: string): RegisteredError {
  return Object.freeze({ codespace, code, description });
}

/** x/compute errors (SecretNetwork x/compute/internal/types/errors.go), spec §4.11. */
export const ComputeErrors = Object.freeze({
  InstantiateFailed: reg(COMPUTE_CODESPACE, 2, 'instantiate contract failed'),
  ExecuteFailed: reg(COMPUTE_CODESPACE, 3, 'execute contract failed'),
  QueryFailed: reg(COMPUTE_CODESPACE, 4, 'query contract failed'),
  MigrationFailed: reg(COMPUTE_CODESPACE, 5, 'migrate contract failed'),
  AccountExists: reg(COMPUTE_CODESPACE, 6, 'contract account already exists'),
  GasLimit: reg(COMPUTE_CODESPACE, 7, 'insufficient gas'),
  InvalidGenesis: reg(COMPUTE_CODESPACE, 8, 'invalid genesis'),
  NotFound: reg(COMPUTE_CODESPACE, 9, 'not found'),
  InvalidMsg: reg(COMPUTE_CODESPACE, 10, 'invalid CosmosMsg from the contract'),
  Empty: reg(COMPUTE_CODESPACE, 11, 'empty'),
  Limit: reg(COMPUTE_CODESPACE, 12, 'exceeds limit'),
  Invalid: reg(COMPUTE_CODESPACE, 13, 'invalid'),
  Duplicate: reg(COMPUTE_CODESPACE, 14, 'duplicate'),
  CreateFailed: reg(COMPUTE_CODESPACE, 15, 'create contract failed'),
  SigFailed: reg(COMPUTE_CODESPACE, 16, 'parse signature failed'),
  UnsupportedForContract: reg(COMPUTE_CODESPACE, 17, 'unsupported for this contract'),
  UnknownMsg: reg(COMPUTE_CODESPACE, 18, 'unknown message from the contract'),
  ReplyFailed: reg(COMPUTE_CODESPACE, 19, 'reply to contract failed'),
  InvalidEvent: reg(COMPUTE_CODESPACE, 21, 'invalid event'),
  MaxIBCChannels: reg(COMPUTE_CODESPACE, 22, 'max transfer channels'),
  ExceedMaxCallDepth: reg(COMPUTE_CODESPACE, 30, 'max call depth exceeded'),
  ExceedMaxContractSize: reg(COMPUTE_CODESPACE, 31, 'max contract size exceeded'),
  /**
   * `ErrLastTx`. The spec gives its text but not its code; 32 (the next free code after 31) is this
   * implementation's choice.
   */
  LastTx: reg(COMPUTE_CODESPACE, 32, 'Cannot send messages or submessages after last tx marker was set'),
});

/** The Cosmos SDK errors the keeper raises (cosmos-sdk types/errors/errors.go). */
export const SdkErrors = Object.freeze({
  InvalidAddress: reg('sdk', 7, 'invalid address'),
  InsufficientFunds: reg('sdk', 5, 'insufficient funds'),
  Unauthorized: reg('sdk', 4, 'unauthorized'),
  UnknownAddress: reg('sdk', 9, 'unknown address'),
  InvalidCoins: reg('sdk', 10, 'invalid coins'),
  OutOfGas: reg('sdk', 11, 'out of gas'),
  InvalidRequest: reg('sdk', 18, 'invalid request'),
  UnknownRequest: reg('sdk', 6, 'unknown request'),
  NotSupported: reg('sdk', 37, 'feature not supported'),
});

/**
 * The one error class of the keeper. `codespace`/`code` identify the registered root error and survive
 * wrapping; `message` is the full Go-style text; `cause` keeps the lower-level error (enclave, store, ...).
 */
export class ComputeError extends Error {
  override readonly name = 'ComputeError';
  readonly codespace: string;
  readonly code: number;
  /** The registered description of the root error, e.g. `execute contract failed`. */
  readonly description: string;

  constructor(registered: RegisteredError, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.codespace = registered.codespace;
    this.code = registered.code;
    this.description = registered.description;
  }

  /** The registered error this one derives from. */
  get registered(): RegisteredError {
    return { codespace: this.codespace, code: this.code, description: this.description };
  }
}

/**
 * Go's `errorsmod.Wrap(registered, context)`: message `<context>: <description>` (or just the description
 * when `context` is empty).
 */
export function computeError(registered: RegisteredError, context?: string, cause?: unknown): ComputeError {
  const message =
    context === undefined || context === ''
      ? registered.description
      : `${context}: ${registered.description}`;
  return new ComputeError(registered, message, cause === undefined ? undefined : { cause });
}

/** Go's `errorsmod.Wrap(err, context)` over an existing keeper error: same code, `<context>: <message>`. */
export function wrapError(err: ComputeError, context: string): ComputeError {
  return new ComputeError(err.registered, `${context}: ${err.message}`, { cause: err });
}

/** True if `err` is a keeper error with the given registered root. */
export function isComputeError(err: unknown, registered?: RegisteredError): err is ComputeError {
  if (!(err instanceof ComputeError)) return false;
  return registered === undefined || (err.codespace === registered.codespace && err.code === registered.code);
}
