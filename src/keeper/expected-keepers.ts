/**
 * The narrow interfaces the compute keeper depends on (the TS form of wasmd/Secret `types/expected_keepers.go`).
 * Each method is documented with the contract the keeper relies on. Every keeper receives the
 * {@link StoreContext} of the current (branched) state so that its writes roll back with the transaction:
 * an implementation that keeps state elsewhere must provide that guarantee itself.
 */
import type { Coin, SigInfo } from '../enclave/index.js';
import type { GasMeter, KVStore } from '../state/index.js';

export type { Coin } from '../enclave/index.js';

/** One SDK event attribute (`abci.EventAttribute`). */
export interface EventAttribute {
  readonly key: string;
  readonly value: string;
}

/** One SDK event (`sdk.Event`). */
export interface SdkEvent {
  readonly type: string;
  readonly attributes: EventAttribute[];
}

/** The slice of an `sdk.Context` the expected keepers need: the current state branch and its gas meter. */
export interface StoreContext {
  /** The application state as seen by this (sub)call; a branch of the tx branch. */
  readonly store: KVStore;
  /** The SDK gas meter of this (sub)call. */
  readonly gasMeter: GasMeter;
  /** Emits SDK events into the current event manager. */
  emit(event: SdkEvent): void;
}

/** Bank operations the keeper performs (deposits, sent funds, `BankMsg::Send`, bank queries). */
export interface BankKeeper {
  /**
   * Moves `amount` from `from` to `to` (bech32). Throws a typed error (`insufficient funds`, `invalid coins`,
   * blocked recipient) without partial effects. An empty `amount` is a no-op.
   */
  sendCoins(ctx: StoreContext, from: string, to: string, amount: readonly Coin[]): void;
  /** Balance of one denom; `{denom, amount: "0"}` when none. */
  getBalance(ctx: StoreContext, addr: string, denom: string): Coin;
  /** All non-zero balances sorted by denom. */
  getAllBalances(ctx: StoreContext, addr: string): Coin[];
  /** True when `addr` may not receive funds (module accounts, `BlockedAddrs`). */
  isBlockedAddr(addr: string): boolean;
}

/** Account existence checks and creation for new contracts. */
export interface AccountKeeper {
  /** True when an account exists at `addr` (bech32). */
  hasAccount(ctx: StoreContext, addr: string): boolean;
  /** Creates an empty base account at `addr`; idempotent. */
  createAccount(ctx: StoreContext, addr: string): void;
}

/** A non-wasm, non-bank SDK message produced from a contract's CosmosMsg (staking, distribution, gov, ibc, stargate). */
export interface RoutedMsg {
  /** The SDK type URL, e.g. `/cosmos.staking.v1beta1.MsgDelegate`. */
  readonly typeUrl: string;
  /** Decoded fields (camelCase, as in cosmjs-types) or, for `stargate`, the raw protobuf bytes. */
  readonly value: Record<string, unknown> | Uint8Array;
  /** The signer: always the dispatching contract (bech32). */
  readonly signer: string;
}

/** What a routed message returned. */
export interface RoutedMsgResult {
  /** The SDK `Result.data` (protobuf `Msg*Response`), if any. */
  readonly data?: Uint8Array;
}

/**
 * Executes SDK messages other than wasm and bank (Secret's `handler_plugin.go` routes them through baseapp's
 * router). Without a router such messages fail with `unrecognized message type`.
 */
export interface MessageRouter {
  /** Runs `msg`; throws on failure (the dispatcher discards the sub-state). Emits events through `ctx`. */
  route(ctx: StoreContext, msg: RoutedMsg): RoutedMsgResult;
}

/** Header facts of the current block. */
export interface BlockInfo {
  readonly height: bigint;
  /** Block time in unix nanoseconds. */
  readonly timeNanos: bigint;
  readonly chainId: string;
  /**
   * The block's 32-byte random (Secret: decrypted by the enclave at BeginBlock). Stored by
   * `keeper.beginBlock` at `0xFF ‖ LE64(height)` and passed to contracts in `env.block.random`.
   */
  readonly random?: Uint8Array;
}

/** Supplies the current block; the chain advances it between blocks. */
export interface BlockContext {
  current(): BlockInfo;
}

/** Facts of the transaction a message belongs to. */
export interface TxInfo {
  /** Position of the tx in its block (`env.transaction.index`). */
  readonly index: number;
  /** UPPERCASE hex sha256(tx_bytes) (`env.transaction.hash`). */
  readonly hash: string;
  /** The outer tx's signature data the enclave verifies (spec §2.4); absent on chains without signed txs. */
  readonly sigInfo?: SigInfo;
}

/** Static wasm validation at StoreCode (the runtime's check); throws with the validation message on failure. */
export type WasmChecker = (wasm: Uint8Array) => void;

/** What the keeper needs to know about stored code (Secret `AnalyzeCode`). */
export interface CodeAnalysis {
  /** All six IBC entry points are exported: the contract gets the IBC port `wasm.<address>`. */
  readonly hasIbcEntryPoints: boolean;
}

/** Analyses code (deterministically); the keeper caches results per code hash. */
export type CodeAnalyzer = (wasm: Uint8Array) => CodeAnalysis;
