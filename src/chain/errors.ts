/**
 * LocalChain errors: one base class with a stable string `code`, a transaction failure that carries the
 * on-chain (ABCI) facts, and a contract failure whose message is the decrypted contract error.
 */

/** Stable codes of {@link ChainError}s raised before anything reaches the chain (misuse, bad options). */
export type ChainErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_ACCOUNT'
  | 'DUPLICATE_ACCOUNT'
  | 'INCOMPATIBLE_DIRECTORY'
  | 'CLOSED'
  /** A query worker thread crashed or exited while it held the query (see `QueryWorkerPool`). */
  | 'QUERY_WORKER_FAILED';

/** Misuse of the LocalChain API (unknown account, bad option, closed chain). Nothing was sent. */
export class ChainError extends Error {
  override readonly name: string = 'ChainError';
  readonly code: string;

  constructor(code: ChainErrorCode | TxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Stable codes of {@link TxError}. Ante-handler failures use the Cosmos SDK's names; a failed message uses its
 * registered error's description in upper snake case (`execute contract failed` → `EXECUTE_CONTRACT_FAILED`,
 * `insufficient funds` → `INSUFFICIENT_FUNDS`, `out of gas` → `OUT_OF_GAS`).
 */
export type TxErrorCode =
  | 'TX_DECODE'
  | 'WRONG_CHAIN_ID'
  | 'WRONG_ACCOUNT_NUMBER'
  | 'WRONG_SEQUENCE'
  | 'UNAUTHORIZED'
  | 'UNKNOWN_ADDRESS'
  | 'INVALID_GAS_LIMIT'
  | 'TX_TOO_LARGE'
  | 'OUT_OF_GAS'
  | (string & {});

/** Facts of a failed transaction as the chain records them. */
export interface TxFailure {
  /** Stable code, see {@link TxErrorCode}. */
  readonly code: TxErrorCode;
  /** ABCI codespace (`sdk`, `compute`). */
  readonly codespace: string;
  /** ABCI code within the codespace. */
  readonly abciCode: number;
  /** The raw log exactly as the chain stores it (contract errors stay encrypted here). */
  readonly log: string;
  /** Hash of the failed tx (UPPERCASE hex), when it was delivered. */
  readonly txHash?: string;
  /** SDK gas consumed before the failure. */
  readonly gasUsed?: bigint;
  /** Height of the block the tx was delivered in. */
  readonly height?: number;
}

/** A transaction the chain rejected or whose message failed. State (except the sender's sequence) is unchanged. */
export class TxError extends ChainError {
  override readonly name: string = 'TxError';
  readonly codespace: string;
  readonly abciCode: number;
  readonly log: string;
  readonly txHash: string | undefined;
  readonly gasUsed: bigint | undefined;
  readonly height: number | undefined;

  constructor(failure: TxFailure, message: string = failure.log, options?: { cause?: unknown }) {
    super(failure.code, message, options);
    this.codespace = failure.codespace;
    this.abciCode = failure.abciCode;
    this.log = failure.log;
    this.txHash = failure.txHash;
    this.gasUsed = failure.gasUsed;
    this.height = failure.height;
  }
}

/**
 * A contract call (instantiate, execute, migrate, query) failed inside the compute module. `message` is what the
 * contract said, decrypted for the sender (or the enclave's plaintext text, e.g. `the contract panicked`);
 * `log` keeps the encrypted form the chain stores.
 */
export class ContractError extends TxError {
  override readonly name: string = 'ContractError';
  /** True when the chain only had the error encrypted (a contract `Err`), false for enclave failures. */
  readonly encrypted: boolean;

  constructor(failure: TxFailure, message: string, encrypted: boolean, options?: { cause?: unknown }) {
    super(failure, message, options);
    this.encrypted = encrypted;
  }
}

/** `execute contract failed` → `EXECUTE_CONTRACT_FAILED`. */
export function codeFromDescription(description: string): string {
  return description
    .trim()
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toUpperCase();
}
