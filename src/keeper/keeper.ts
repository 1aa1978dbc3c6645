/**
 * The compute keeper: the untrusted half of Secret's x/compute (SecretNetwork x/compute/internal/keeper/keeper.go).
 * It stores code and contract metadata, moves funds, meters gas and hands opaque (encrypted) inputs to the
 * enclave; it never sees keys or plaintext. Message dispatch lives in msg-dispatcher.ts, contract queries in
 * query-plugins.ts.
 */
import { gunzipSync } from 'node:zlib';

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

import type {
  ContractCode,
  Enclave,
  EnclaveCall,
  EnclaveEnv,
  EnclaveFailure,
  EnclaveResult,
  InternalReplyInfo,
  PrepareReport,
  QueryOutput,
  SigInfo,
  WasmOutput,
} from '../enclave/index.js';
import {
  type CodeInfo,
  ContractCodeHistoryOperationType,
  type ContractInfo,
} from '../proto/secret/compute/v1beta1/types.js';
import { checkWasm as runtimeCheckWasm } from '../runtime/wasm/index.js';
import {
  BasicGasMeter,
  equalBytes,
  GasKVStore,
  type GasMeter,
  keyString,
  type KVStore,
  meteredGet,
  PrefixStore,
  storeVersion,
} from '../state/index.js';
import { MemoryAccountKeeper } from './account-keeper.js';
import { bytesEqual, contractAddress, fromBech32, sharedAccountAddress, toBech32 } from './address.js';
import { MemoryBankKeeper } from './bank-keeper.js';
import { LocalBlockContext } from './block-context.js';
import { cacheContext, createContext, type KeeperContext, rootContext } from './context.js';
import {
  ComputeError,
  computeError,
  ComputeErrors,
  type RegisteredError,
  SdkErrors,
  wrapError,
} from './errors.js';
import {
  ATTRIBUTE_KEY_CODE_ID,
  ATTRIBUTE_KEY_CONTRACT_ADDR,
  ATTRIBUTE_KEY_NEW_ADMIN,
  contractLogsToEvent,
  customEvents,
  EVENT_TYPE_EXECUTE,
  EVENT_TYPE_INSTANTIATE,
  EVENT_TYPE_MIGRATE,
  EVENT_TYPE_REPLY,
  EVENT_TYPE_UPDATE_CONTRACT_ADMIN,
  newEvent,
} from './events.js';
import type {
  AccountKeeper,
  BankKeeper,
  BlockContext,
  CodeAnalysis,
  CodeAnalyzer,
  Coin,
  MessageRouter,
  SdkEvent,
  TxInfo,
  WasmChecker,
} from './expected-keepers.js';
import {
  consumeWasmGas,
  DEFAULT_QUERY_GAS_LIMIT,
  INSTANCE_COST,
  isOutOfGas,
  outOfGasError,
  sdkGasFromWasm,
  wasmGasLimit,
} from './gas.js';
import { concatBytes, contractLabelKey, contractStorePrefix } from './keys.js';
import { INSTANCE_CACHE_SIZE, MAX_GUNZIP_SIZE, MAX_QUERY_DEPTH } from './limits.js';
import { MessageDispatcher } from './msg-dispatcher.js';
import { compileGas, type ComputeParams, DEFAULT_PARAMS, validateParams } from './params.js';
import { createQuerier, type QueryPlugins } from './query-plugins.js';
import { attachReplyInfo } from './reply-info.js';
import * as st from './store.js';

/** Default SDK gas limit of one transaction run through {@link ComputeKeeper.runTx} (overridable per tx). */
export const DEFAULT_TX_GAS_LIMIT = 5_000_000n;

/** Options of {@link createComputeKeeper}. */
export interface ComputeKeeperOptions {
  /** The application state (root). The compute module uses the §1.6 layout directly in it. */
  readonly store: KVStore;
  /** The trusted component. */
  readonly enclave: Enclave;
  /** Default: {@link MemoryBankKeeper} over the same store (balances under `bank/`). */
  readonly bank?: BankKeeper;
  /** Default: {@link MemoryAccountKeeper} over the same store (`acc/`). */
  readonly account?: AccountKeeper;
  /** Routes staking/distribution/gov/ibc/stargate messages; without it they fail as unrecognized. */
  readonly router?: MessageRouter;
  /** Default: a {@link LocalBlockContext} (deterministic local clock). */
  readonly block?: BlockContext;
  /** Params used while none are stored (default {@link DEFAULT_PARAMS}). */
  readonly params?: ComputeParams;
  /** StoreCode validation; default: the runtime's `checkWasm(wasm, { phase: 'store' })`. */
  readonly checkWasm?: WasmChecker;
  /** IBC entry-point detection for port binding; default: the runtime's `checkWasm(...).ibcEntryPoints`. */
  readonly analyzeCode?: CodeAnalyzer;
  /** Non-wasm contract queries (custom, staking, ...). Bank and wasm are built in. */
  readonly queryPlugins?: QueryPlugins;
  /** Bech32 address allowed to `UpdateParams` (Secret: the gov module account). */
  readonly authority?: string;
  /** SDK gas limit of gRPC smart queries (default 10,000,000). */
  readonly queryGasLimit?: bigint;
  /** Default SDK gas limit of a transaction (default {@link DEFAULT_TX_GAS_LIMIT}). */
  readonly txGasLimit?: bigint;
  /**
   * Redact non-contract errors passed to `reply` to `codespace/code` form (Secret does unless SGX_MODE=SW).
   * Default true.
   */
  readonly redactErrors?: boolean;
  /** Receives contracts' debug output. */
  readonly debug?: (contract: string, message: string) => void;
}

/** Result of a contract call inside the keeper (data plus the enclave's reply bookkeeping). */
export interface ContractCallResult {
  /** Response data (encrypted by the enclave), possibly replaced by a reply's data. */
  readonly data: Uint8Array | null;
  /** Present when this call ran as a submessage whose caller wants a reply (spec §2.7). */
  readonly replyInfo?: InternalReplyInfo;
}

/** What {@link ComputeKeeper.runTx} returns. */
export interface TxResult<T> {
  readonly result: T;
  readonly events: SdkEvent[];
  readonly gasUsed: bigint;
  readonly gasWanted: bigint;
}

/** Options of one transaction. */
export interface TxOptions {
  readonly gasLimit?: bigint;
  readonly tx?: TxInfo;
}

/** Gas used by failed transactions, keyed by the error `runTx` threw. */
const failedTxGas = new WeakMap<object, bigint>();

/** SDK gas a failed {@link ComputeKeeper.runTx} consumed before failing (what the SDK reports as gas used). */
export function txGasUsedOf(err: unknown): bigint | undefined {
  return typeof err === 'object' && err !== null ? failedTxGas.get(err) : undefined;
}

const EMPTY = new Uint8Array(0);
/** Env random of queries: Go passes `[]byte{0}` (spec §2.11). */
const QUERY_RANDOM = Uint8Array.of(0);

/** Sig info of contract-originated calls: only the callback signature matters (spec §2.6). */
export function callbackSigInfo(callbackSig: Uint8Array | undefined): SigInfo {
  return {
    txBytes: EMPTY,
    signBytes: EMPTY,
    signMode: 'SIGN_MODE_UNSPECIFIED',
    signature: EMPTY,
    ...(callbackSig === undefined ? {} : { callbackSig }),
  };
}

/** Removes `cw20:` denominations (Secret passes them in env but never moves them through x/bank). */
function nonCw20(coins: readonly Coin[]): Coin[] {
  return coins.filter((c) => !c.denom.startsWith('cw20:'));
}

/** The compute keeper. Create with {@link createComputeKeeper}. */
export class ComputeKeeper {
  readonly store: KVStore;
  readonly enclave: Enclave;
  readonly bank: BankKeeper;
  readonly account: AccountKeeper;
  readonly router: MessageRouter | undefined;
  readonly block: BlockContext;
  readonly queryPlugins: QueryPlugins;
  readonly authority: string | undefined;
  readonly queryGasLimit: bigint;
  readonly txGasLimit: bigint;
  readonly redactErrors: boolean;
  private readonly defaultParams: ComputeParams;
  private readonly checkWasm: WasmChecker;
  private readonly analyzeCode: CodeAnalyzer;
  /** Analysis results by code hash (hex); deterministic, so caching is safe. */
  private readonly analysisCache = new Map<string, CodeAnalysis>();
  /** See {@link queryEnv}. */
  private lastQueryEnv: EnclaveEnv | undefined;
  /** Last {@link contractInstance} per contract (key: its address bytes as latin1), bounded, oldest first out. */
  private readonly instanceCache = new Map<string, CachedInstance>();
  /** The entry {@link contractInstance} returned last, with the address array it was asked for and its bytes. */
  private lastInstance:
    { readonly array: Uint8Array; readonly address: Uint8Array; readonly entry: CachedInstance } | undefined;
  private readonly dispatcher: MessageDispatcher;
  private readonly debugSink: ((contract: string, message: string) => void) | undefined;

  constructor(opts: ComputeKeeperOptions) {
    this.store = opts.store;
    this.enclave = opts.enclave;
    this.bank = opts.bank ?? new MemoryBankKeeper();
    this.account = opts.account ?? new MemoryAccountKeeper();
    this.router = opts.router;
    this.block = opts.block ?? new LocalBlockContext();
    this.queryPlugins = opts.queryPlugins ?? {};
    this.authority = opts.authority;
    this.queryGasLimit = opts.queryGasLimit ?? DEFAULT_QUERY_GAS_LIMIT;
    this.txGasLimit = opts.txGasLimit ?? DEFAULT_TX_GAS_LIMIT;
    this.redactErrors = opts.redactErrors ?? true;
    this.defaultParams = opts.params ?? DEFAULT_PARAMS;
    validateParams(this.defaultParams);
    this.checkWasm =
      opts.checkWasm ??
      ((wasm: Uint8Array) => {
        runtimeCheckWasm(wasm, { phase: 'store' });
      });
    this.analyzeCode =
      opts.analyzeCode ??
      ((wasm: Uint8Array) => ({
        hasIbcEntryPoints: runtimeCheckWasm(wasm, { phase: 'store' }).ibcEntryPoints,
      }));
    this.debugSink = opts.debug;
    this.dispatcher = new MessageDispatcher(this);
  }

  // ------------------------------------------------------------------ transactions

  /** A root context over a fresh branch of the state (not committed): for custom flows and tests. */
  newContext(opts: TxOptions & { store?: KVStore } = {}): KeeperContext {
    return createContext({
      store: opts.store ?? this.store,
      gasMeter: new BasicGasMeter(opts.gasLimit ?? this.txGasLimit),
      block: this.block.current(),
      ...(opts.tx === undefined ? {} : { tx: opts.tx }),
    });
  }

  /**
   * Runs `fn` as one transaction: in a branch of the state that is written only if `fn` succeeds, with its own
   * SDK gas meter. Any failure (including out of gas) leaves the state exactly as before.
   */
  runTx<T>(opts: TxOptions, fn: (ctx: KeeperContext) => T): TxResult<T> {
    return this.runTxWith(opts.gasLimit, opts.tx, fn);
  }

  /** {@link runTx} without an options object (the Msg service's per-tx path). */
  runTxWith<T>(
    gasLimit: bigint | undefined,
    tx: TxInfo | undefined,
    fn: (ctx: KeeperContext) => T,
  ): TxResult<T> {
    const branch = this.store.branch();
    const gasWanted = gasLimit ?? this.txGasLimit;
    const ctx = rootContext(branch, new BasicGasMeter(gasWanted), this.block.current(), tx);
    let result: T;
    try {
      result = fn(ctx);
    } catch (e) {
      branch.discard();
      const err = isOutOfGas(e) && !(e instanceof ComputeError) ? outOfGasError(ctx, 'wasm contract', e) : e;
      if (typeof err === 'object' && err !== null) failedTxGas.set(err, ctx.gasMeter.consumedToLimit());
      throw err;
    }
    branch.write();
    return { result, events: ctx.eventManager.events, gasUsed: ctx.gasMeter.consumedToLimit(), gasWanted };
  }

  /** BeginBlock: stores the block's random at `0xFF ‖ LE64(height)` (Secret `SetRandomSeed`). */
  beginBlock(): void {
    const b = this.block.current();
    if (b.random !== undefined) st.setRandom(this.store, b.height, b.random);
  }

  /**
   * Hands a block's txs (their SigInfo, as later passed in TxInfo) to the enclave's prepare worker so signature
   * checks and input decryption run on another core ahead of execution (`Enclave.prepare`). Optional: never
   * changes a result; resolves at once with zeros when the enclave has no prepare.
   */
  prepareBlock(txs: readonly SigInfo[]): Promise<PrepareReport> {
    return this.enclave.prepare?.(txs) ?? Promise.resolve({ txs: 0, signatures: 0, inputs: 0 });
  }

  // ------------------------------------------------------------------ params

  getParams(store: KVStore = this.store): ComputeParams {
    return st.getStoredParams(store) ?? this.defaultParams;
  }

  /** `UpdateParams`: only the configured authority. */
  updateParams(ctx: KeeperContext, authority: string, params: ComputeParams): void {
    if (this.authority === undefined || authority !== this.authority) {
      throw computeError(
        SdkErrors.Unauthorized,
        `invalid authority; expected ${this.authority ?? '<none>'}, got ${authority}`,
      );
    }
    validateParams(params);
    st.setParams(ctx.store, params);
  }

  // ------------------------------------------------------------------ store code

  /**
   * `Keeper.Create`: gunzips (2 MiB cap), enforces `max_contract_size`, charges the compile cost, validates
   * statically, stores CodeInfo under a fresh code id. Returns the code id.
   */
  storeCode(
    ctx: KeeperContext,
    creator: Uint8Array,
    wasmUpload: Uint8Array,
    source = '',
    builder = '',
  ): { codeId: bigint; codeHash: Uint8Array } {
    let wasm = wasmUpload;
    if (isGzip(wasmUpload)) {
      try {
        const out = gunzipSync(wasmUpload, { maxOutputLength: MAX_GUNZIP_SIZE + 1 });
        wasm = out.length > MAX_GUNZIP_SIZE ? out.subarray(0, MAX_GUNZIP_SIZE) : out;
      } catch (e) {
        // node refuses output beyond maxOutputLength; Go's LimitReader truncates instead
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          throw computeError(ComputeErrors.ExceedMaxContractSize, undefined, e);
        }
        throw computeError(ComputeErrors.CreateFailed, 'uncompress wasm archive', e);
      }
      wasm = new Uint8Array(wasm);
    }
    const params = this.getParams(ctx.store);
    if (BigInt(wasm.length) > params.maxContractSize) throw computeError(ComputeErrors.ExceedMaxContractSize);
    ctx.gasMeter.consumeGas(compileGas(params, wasm.length), 'Compiling WASM Bytecode');
    try {
      this.checkWasm(wasm);
    } catch (e) {
      throw computeError(ComputeErrors.CreateFailed, (e as Error).message, e);
    }
    const codeHash = sha256(wasm);
    const codeId = st.nextCodeId(ctx.store);
    st.setCodeInfo(ctx.store, codeId, { codeHash, creator, source, builder });
    if (st.getWasm(ctx.store, codeHash) === undefined) st.setWasm(ctx.store, codeHash, wasm);
    return { codeId, codeHash };
  }

  // ------------------------------------------------------------------ instantiate

  /**
   * `Keeper.Instantiate`. `admin` is bech32 or `""`. `callbackSig` is set for contract-originated calls.
   * Returns the new contract's address and the (possibly reply-replaced) data.
   */
  instantiate(
    ctx: KeeperContext,
    codeId: bigint,
    creator: Uint8Array,
    admin: string,
    initMsg: Uint8Array,
    label: string,
    deposit: readonly Coin[],
    callbackSig?: Uint8Array,
  ): ContractCallResult & { address: Uint8Array } {
    ctx.gasMeter.consumeGas(INSTANCE_COST, 'Loading CosmWasm module: init');
    const sigInfo = this.sigInfoFor(ctx, callbackSig, creator);
    if (ctx.store.has(contractLabelKey(label))) {
      throw computeError(ComputeErrors.AccountExists, label);
    }
    const instanceId = st.nextInstanceId(ctx.store);
    const addr = contractAddress(codeId, instanceId, creator);
    const addrStr = toBech32(addr);
    if (this.account.hasAccount(ctx, addrStr)) throw computeError(ComputeErrors.AccountExists, addrStr);
    const creatorStr = toBech32(creator);
    if (deposit.length > 0) {
      if (this.bank.isBlockedAddr(addrStr)) {
        throw computeError(SdkErrors.Unauthorized, `${addrStr} is not allowed to receive funds`);
      }
      this.bank.sendCoins(ctx, creatorStr, addrStr, deposit);
    }
    if (!this.account.hasAccount(ctx, addrStr)) this.account.createAccount(ctx, addrStr);
    const codeInfo = st.getCodeInfo(ctx.store, codeId);
    if (codeInfo === undefined) throw computeError(ComputeErrors.NotFound, 'code');
    const code = this.loadCode(ctx.store, codeInfo);
    if (admin !== '') fromBech32(admin);

    const env = this.env(ctx, creatorStr, deposit, addrStr, undefined, 0);
    const res = this.callEnclave(ctx, (call) => this.enclave.init(call, initMsg, admin), {
      code,
      env,
      addr,
      sigInfo,
    });
    const output = this.finish(ctx, res, ComputeErrors.InstantiateFailed);

    const created = { blockHeight: ctx.block.height, txIndex: BigInt(ctx.tx?.index ?? 0) };
    // v1 contracts exporting the IBC entry points get the port `wasm.<addr>` (Secret binds it at instantiate)
    const ibcPortId =
      output.apiVersion === 'v1' && this.analysis(code).hasIbcEntryPoints ? `wasm.${addrStr}` : '';
    const info: ContractInfo = {
      codeId,
      creator,
      label,
      created,
      ibcPortId,
      admin,
      adminProof: output.adminProof,
      requireGovernance: false,
    };
    st.setContractInfo(ctx.store, addr, info);
    st.appendHistory(ctx.store, addr, {
      operation: ContractCodeHistoryOperationType.CONTRACT_CODE_HISTORY_OPERATION_TYPE_INIT,
      codeId,
      updated: created,
      msg: initMsg,
    });
    ctx.store.set(st.secondaryIndexKey(codeId, info, addr), EMPTY);
    st.setContractKey(ctx.store, addr, {
      ogContractKey: output.contractKey,
      currentContractKey: EMPTY,
      currentContractKeyProof: EMPTY,
    });
    st.setContractLabel(ctx.store, label, addr);
    if (output.apiVersion === 'v1') {
      ctx.emit(
        newEvent(
          EVENT_TYPE_INSTANTIATE,
          [ATTRIBUTE_KEY_CONTRACT_ADDR, addrStr],
          [ATTRIBUTE_KEY_CODE_ID, codeId.toString()],
        ),
      );
    }
    const data = this.handleContractResponse(ctx, addrStr, output, initMsg);
    return { address: addr, data, ...replyInfoField(output) };
  }

  // ------------------------------------------------------------------ execute

  /** `Keeper.Execute`. `caller` is a user or, with `callbackSig`, a contract. */
  execute(
    ctx: KeeperContext,
    contract: Uint8Array,
    caller: Uint8Array,
    msg: Uint8Array,
    coins: readonly Coin[],
    callbackSig?: Uint8Array,
  ): ContractCallResult {
    ctx.gasMeter.consumeGas(INSTANCE_COST, 'Loading CosmWasm module: execute');
    const sigInfo = this.sigInfoFor(ctx, callbackSig, caller);
    const { code, key } = this.contractInstance(ctx.store, contract);
    const addrStr = toBech32(contract);
    const callerStr = toBech32(caller);
    const moved = nonCw20(coins);
    if (moved.length > 0) this.bank.sendCoins(ctx, callerStr, addrStr, moved);
    const env = this.env(ctx, callerStr, moved, addrStr, key, 0);
    // callEnclave written out: no closure and no options object per execute
    const call = this.enclaveCall(ctx, code, env, contract, sigInfo);
    let res: EnclaveResult<WasmOutput>;
    try {
      res = this.enclave.handle(call, msg, 'execute');
    } catch (e) {
      throw this.enclaveThrew(ctx, e);
    }
    if (ctx.gasMeter.isPastLimit()) throw outOfGasError(ctx, 'wasm contract');
    const output = this.finish(ctx, res, ComputeErrors.ExecuteFailed);
    if (output.apiVersion === 'v1')
      ctx.emit(newEvent(EVENT_TYPE_EXECUTE, [ATTRIBUTE_KEY_CONTRACT_ADDR, addrStr]));
    const data = this.handleContractResponse(ctx, addrStr, output, msg);
    return { data, ...replyInfoField(output) };
  }

  // ------------------------------------------------------------------ migrate

  /** `Keeper.Migrate`: admin only; state stays readable (keyed by the og contract key). */
  migrate(
    ctx: KeeperContext,
    contract: Uint8Array,
    caller: Uint8Array,
    newCodeId: bigint,
    msg: Uint8Array,
    callbackSig?: Uint8Array,
  ): ContractCallResult {
    ctx.gasMeter.consumeGas(INSTANCE_COST, 'Loading CosmWasm module: migrate');
    const sigInfo = this.sigInfoFor(ctx, callbackSig, caller);
    const info = st.getContractInfo(ctx.store, contract);
    if (info === undefined) throw computeError(SdkErrors.InvalidRequest, 'unknown contract');
    const newCodeInfo = st.getCodeInfo(ctx.store, newCodeId);
    if (newCodeInfo === undefined) throw computeError(SdkErrors.InvalidRequest, 'unknown code');
    const callerStr = toBech32(caller);
    const addrStr = toBech32(contract);
    // Secret's own keeper tests expect this text also for a cleared admin (spec §4.5, §8.10).
    if (info.admin !== callerStr) throw computeError(SdkErrors.Unauthorized, 'requires migrate from admin');
    if (info.requireGovernance) {
      const authorized = st.getMigrationAuthorization(ctx.store, addrStr);
      if (authorized === undefined) {
        throw computeError(ComputeErrors.MigrationFailed, 'requires governance approval for migration');
      }
      if (authorized !== newCodeId)
        throw computeError(ComputeErrors.MigrationFailed, 'mismatch code id for migration');
    }
    const key = st.getContractKey(ctx.store, contract);
    if (key === undefined) throw computeError(ComputeErrors.NotFound, 'contract key');
    const code = this.loadCode(ctx.store, newCodeInfo);
    const newHasIbc = this.analysis(code).hasIbcEntryPoints;
    if (!newHasIbc && info.ibcPortId !== '')
      throw computeError(ComputeErrors.MigrationFailed, 'requires ibc callbacks');
    const env = this.env(ctx, callerStr, [], addrStr, key, 0);
    const res = this.callEnclave(ctx, (call) => this.enclave.migrate(call, msg, info.adminProof), {
      code,
      env,
      addr: contract,
      sigInfo,
    });
    const output = this.finish(ctx, res, ComputeErrors.MigrationFailed);

    st.setContractKey(ctx.store, contract, {
      ogContractKey: key.ogContractKey,
      currentContractKey: output.newContractKey,
      currentContractKeyProof: output.newContractKeyProof,
    });
    const updated = { blockHeight: ctx.block.height, txIndex: BigInt(ctx.tx?.index ?? 0) };
    st.appendHistory(ctx.store, contract, {
      operation: ContractCodeHistoryOperationType.CONTRACT_CODE_HISTORY_OPERATION_TYPE_MIGRATE,
      codeId: newCodeId,
      updated,
      msg,
    });
    ctx.store.delete(st.secondaryIndexKey(info.codeId, info, contract));
    const newInfo: ContractInfo = {
      ...info,
      codeId: newCodeId,
      ibcPortId: newHasIbc && info.ibcPortId === '' ? `wasm.${addrStr}` : info.ibcPortId,
    };
    st.setContractInfo(ctx.store, contract, newInfo);
    ctx.store.set(st.secondaryIndexKey(newCodeId, newInfo, contract), EMPTY);
    if (st.getMigrationAuthorization(ctx.store, addrStr) !== undefined)
      st.deleteMigrationAuthorization(ctx.store, addrStr);
    ctx.emit(
      newEvent(
        EVENT_TYPE_MIGRATE,
        [ATTRIBUTE_KEY_CODE_ID, newCodeId.toString()],
        [ATTRIBUTE_KEY_CONTRACT_ADDR, addrStr],
      ),
    );
    const data = this.handleContractResponse(ctx, addrStr, output, msg);
    return { data, ...replyInfoField(output) };
  }

  // ------------------------------------------------------------------ admin

  /** `UpdateContractAdmin`: `newAdmin` bech32, or `""` to clear. Caller must be the current admin. */
  updateAdmin(
    ctx: KeeperContext,
    contract: Uint8Array,
    caller: Uint8Array,
    newAdmin: string,
    callbackSig?: Uint8Array,
  ): void {
    ctx.gasMeter.consumeGas(INSTANCE_COST, 'Loading CosmWasm module: update-admin');
    const sigInfo = this.sigInfoFor(ctx, callbackSig, caller);
    const info = st.getContractInfo(ctx.store, contract);
    if (info === undefined) throw computeError(SdkErrors.InvalidRequest, 'unknown contract');
    const callerStr = toBech32(caller);
    const addrStr = toBech32(contract);
    if (info.admin !== callerStr) throw computeError(SdkErrors.Unauthorized, 'caller is not the admin');
    if (newAdmin !== '') fromBech32(newAdmin);
    if (info.requireGovernance) {
      const authorized = st.getAdminUpdateAuthorization(ctx.store, addrStr);
      if (authorized === undefined || authorized !== newAdmin) {
        throw computeError(SdkErrors.Unauthorized, 'requires governance approval for admin update');
      }
    }
    const codeInfo = st.getCodeInfo(ctx.store, info.codeId);
    const key = st.getContractKey(ctx.store, contract);
    if (codeInfo === undefined || key === undefined) throw computeError(ComputeErrors.NotFound, 'contract');
    const env = this.env(ctx, callerStr, [], addrStr, key, 0, false);
    const res = this.enclave.updateAdmin(
      { codeHash: codeInfo.codeHash, env, ...(sigInfo === undefined ? {} : { sigInfo }) },
      newAdmin,
      info.adminProof,
    );
    if (!res.ok) throw failureError(res.error, SdkErrors.Unauthorized);
    st.setContractInfo(ctx.store, contract, { ...info, admin: newAdmin, adminProof: res.output.adminProof });
    if (st.getAdminUpdateAuthorization(ctx.store, addrStr) !== undefined)
      st.deleteAdminUpdateAuthorization(ctx.store, addrStr);
    ctx.emit(
      newEvent(
        EVENT_TYPE_UPDATE_CONTRACT_ADMIN,
        [ATTRIBUTE_KEY_CONTRACT_ADDR, addrStr],
        [ATTRIBUTE_KEY_NEW_ADMIN, newAdmin],
      ),
    );
  }

  // ------------------------------------------------------------------ reply

  /**
   * `Keeper.reply`: runs the caller's `reply` entry point in the parent context with
   * `msg = ogMsg[0..64] (nonce‖pubkey) ‖ replyJson`.
   */
  reply(
    ctx: KeeperContext,
    contract: Uint8Array,
    replyJson: Uint8Array,
    ogMsg: Uint8Array,
    sigInfo: SigInfo,
  ): Uint8Array | null {
    ctx.gasMeter.consumeGas(INSTANCE_COST, 'Loading CosmWasm module: reply');
    const { code, key } = this.contractInstance(ctx.store, contract);
    const addrStr = toBech32(contract);
    const env = this.env(ctx, addrStr, [], addrStr, key, 0);
    const msg = concatBytes(ogMsg.subarray(0, this.enclave.ioHeaderLength ?? 64), replyJson);
    const res = this.callEnclave(ctx, (call) => this.enclave.handle(call, msg, 'reply'), {
      code,
      env,
      addr: contract,
      sigInfo,
    });
    const output = this.finish(ctx, res, ComputeErrors.ReplyFailed);
    // keeper.go charges the reply's gas a second time on success; kept for gas parity (spec §3.6).
    this.chargeWasmGas(ctx, res.gasUsed);
    if (output.apiVersion === 'v1')
      ctx.emit(newEvent(EVENT_TYPE_REPLY, [ATTRIBUTE_KEY_CONTRACT_ADDR, addrStr]));
    return this.handleContractResponse(ctx, addrStr, output, ogMsg);
  }

  // ------------------------------------------------------------------ queries

  /**
   * `QuerySmart` / `querySmartRecursive`: runs the contract's query read-only in a discarded branch.
   * `queryDepth` is 1 for a top-level query. Returns the encrypted result.
   */
  querySmart(ctx: KeeperContext, contract: Uint8Array, msg: Uint8Array, queryDepth = 1): Uint8Array {
    return this.runQuery(ctx, contract, msg, queryDepth, false);
  }

  /** `throwaway`: `ctx` is already a discarded context of its own (a top-level query), so no second branch. */
  private runQuery(
    ctx: KeeperContext,
    contract: Uint8Array,
    msg: Uint8Array,
    queryDepth: number,
    throwaway: boolean,
  ): Uint8Array {
    if (queryDepth > MAX_QUERY_DEPTH) {
      throw computeError(
        ComputeErrors.QueryFailed,
        'Execution error: Enclave: depth of nested contract calls exceeded',
      );
    }
    ctx.gasMeter.consumeGas(INSTANCE_COST, 'Loading CosmWasm module: query');
    const { code, key, storePrefix, address: addrStr } = this.contractInstance(ctx.store, contract, true);
    const qctx = throwaway ? ctx : cacheContext(ctx).ctx; // never committed: a query cannot change state
    const env = this.queryEnv(ctx.block, addrStr, contractKeyInfo(key), queryDepth);
    // callEnclave written out: no closure and no options object per query
    const call: EnclaveCall = {
      code,
      env,
      store: new QueryContractStore(qctx.store, storePrefix, qctx.gasMeter),
      querier: createQuerier(this, qctx, queryDepth),
      gasLimit: wasmGasLimit(qctx),
      sigInfo: undefined,
      debug: this.debugFor(addrStr),
    };
    let res: EnclaveResult<QueryOutput>;
    try {
      res = this.enclave.query(call, msg);
    } catch (e) {
      throw this.enclaveThrew(qctx, e);
    }
    if (qctx.gasMeter.isPastLimit()) throw outOfGasError(qctx, 'wasm contract');
    return this.finish(qctx, res, ComputeErrors.QueryFailed).data;
  }

  /**
   * The env of a query: the previous query's object when every field is the same (consecutive queries to one
   * contract in one block), else a new one. Envs are read-only for everyone.
   */
  private queryEnv(
    block: KeeperContext['block'],
    address: string,
    contractKey: NonNullable<EnclaveEnv['contractKey']>,
    queryDepth: number,
  ): EnclaveEnv {
    const last = this.lastQueryEnv;
    if (
      last !== undefined &&
      last.queryDepth === queryDepth &&
      last.contractKey === contractKey &&
      last.contract.address === address &&
      last.block.height === block.height &&
      last.block.timeNanos === block.timeNanos &&
      last.block.chainId === block.chainId
    ) {
      return last;
    }
    const env: EnclaveEnv = {
      block: {
        height: block.height,
        timeNanos: block.timeNanos,
        chainId: block.chainId,
        random: QUERY_RANDOM,
      },
      message: { sender: '', sentFunds: [] },
      contract: { address },
      contractKey,
      queryDepth,
    };
    this.lastQueryEnv = env;
    return env;
  }

  /** A gRPC smart query at the current state with its own gas meter (`wasm.contract-query-gas-limit`). */
  query(contract: Uint8Array, msg: Uint8Array): Uint8Array {
    const ctx = rootContext(this.store.branch(), new BasicGasMeter(this.queryGasLimit), this.block.current());
    try {
      return this.runQuery(ctx, contract, msg, 1, true);
    } catch (e) {
      if (isOutOfGas(e) && !(e instanceof ComputeError)) throw outOfGasError(ctx, 'wasm contract', e);
      throw e;
    }
  }

  // ------------------------------------------------------------------ read accessors

  getCodeInfo(codeId: bigint, store: KVStore = this.store): CodeInfo | undefined {
    return st.getCodeInfo(store, codeId);
  }

  getContractInfo(addr: Uint8Array, store: KVStore = this.store): ContractInfo | undefined {
    return st.getContractInfo(store, addr);
  }

  /** Uncompressed wasm of a stored code. */
  getWasm(codeId: bigint, store: KVStore = this.store): Uint8Array | undefined {
    const info = st.getCodeInfo(store, codeId);
    return info === undefined ? undefined : st.getWasm(store, info.codeHash);
  }

  // ------------------------------------------------------------------ internals

  /** Data after events and dispatch (`handleContractResponse`). */
  handleContractResponse(
    ctx: KeeperContext,
    contractAddr: string,
    output: WasmOutput,
    ogMsg: Uint8Array,
  ): Uint8Array | null {
    ctx.emit(contractLogsToEvent(output.attributes, contractAddr));
    if (output.events.length > 0) for (const e of customEvents(output.events, contractAddr)) ctx.emit(e);
    let replaced: Uint8Array | null;
    try {
      replaced = this.dispatcher.dispatchSubmessages(
        ctx,
        contractAddr,
        output.apiVersion,
        output.messages,
        ogMsg,
      );
    } catch (e) {
      // wasmd/Secret: errorsmod.Wrap(errorsmod.Wrap(err, "submessages"), "dispatch")
      if (e instanceof ComputeError && !(e.codespace === 'sdk' && e.code === SdkErrors.OutOfGas.code)) {
        throw wrapError(e, 'dispatch: submessages');
      }
      throw e;
    }
    return replaced ?? output.data;
  }

  /** Sig info for a call: the callback signature for contract-originated calls, else the tx's. */
  private sigInfoFor(
    ctx: KeeperContext,
    callbackSig: Uint8Array | undefined,
    sender: Uint8Array,
  ): SigInfo | undefined {
    if (callbackSig !== undefined) return callbackSigInfo(callbackSig);
    const sigInfo = ctx.tx?.sigInfo;
    // GetTxInfo: the message sender must be the tx signer (checked here so the error is Secret's, not the
    // enclave's generic signature failure)
    const pk = sigInfo?.publicKey;
    if (pk !== undefined && pk.length > 0 && !bytesEqual(sharedAccountAddress(pk), sender)) {
      throw computeError(
        ComputeErrors.SigFailed,
        `[Compute] Message sender: ${toBech32(sender)} is not found in the tx signer set`,
      );
    }
    return sigInfo;
  }

  /**
   * Code and keys of a contract for a call; the records are shared decodes (see `st.getContractInfoShared`).
   * While the store reports the version it had when they were last read (nothing written since: a query's fresh
   * branch of an unchanged state), the last result is reused instead of reading and looking up the same records
   * again, after checking that the record arrays the store still holds have the bytes they were decoded from.
   * The reads are not gas-metered either way (a raw branch), so gas is the same; failures are never cached.
   * `reuse`: queries only (see below).
   */
  private contractInstance(store: KVStore, contract: Uint8Array, reuse = false): ContractInstance {
    // only queries reuse: a tx follows other txs' writes, so the store's version has always changed
    const version = reuse ? storeVersion(store) : undefined;
    if (version === undefined) return this.readInstance(store, contract, undefined);
    // a caller querying one contract again usually passes the same address array: checked by bytes, it finds
    // the entry without building the map key
    const last = this.lastInstance;
    let hit: CachedInstance | undefined;
    let id: string | undefined;
    if (last !== undefined && last.array === contract && equalBytes(last.address, contract)) {
      hit = last.entry;
    } else {
      id = keyString(contract);
      hit = this.instanceCache.get(id);
    }
    if (hit !== undefined && hit.version === version && recordsUnchanged(hit)) {
      if (last?.entry !== hit) this.lastInstance = { array: contract, address: contract.slice(), entry: hit };
      return hit.instance;
    }
    const records: Uint8Array[] = [];
    const instance = this.readInstance(store, contract, records);
    const entry: CachedInstance = { version, instance, records, copies: records.map((r) => r.slice()) };
    const cache = this.instanceCache;
    id ??= keyString(contract);
    cache.delete(id);
    if (cache.size >= INSTANCE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(id, entry);
    this.lastInstance = { array: contract, address: contract.slice(), entry };
    return instance;
  }

  /** {@link contractInstance} from the store; appends the record arrays it read to `records` if given. */
  private readInstance(
    store: KVStore,
    contract: Uint8Array,
    records: Uint8Array[] | undefined,
  ): ContractInstance {
    const infoRaw = st.getContractInfoRecord(store, contract);
    if (infoRaw === undefined) throw computeError(ComputeErrors.NotFound, 'contract');
    const info = st.decodeContractInfoShared(infoRaw);
    const codeRaw = st.getCodeInfoRecord(store, info.codeId);
    if (codeRaw === undefined) throw computeError(ComputeErrors.NotFound, 'code');
    const codeInfo = st.decodeCodeInfoShared(codeRaw);
    const keyRaw = st.getContractKeyRecord(store, contract);
    if (keyRaw === undefined) throw computeError(ComputeErrors.NotFound, 'contract key');
    const key = st.decodeContractKeyShared(keyRaw);
    records?.push(infoRaw, codeRaw, keyRaw);
    return {
      code: this.loadCode(store, codeInfo),
      key,
      storePrefix: contractStorePrefix(contract),
      address: toBech32(contract),
    };
  }

  private analysis(code: ContractCode): CodeAnalysis {
    const k = bytesToHex(code.codeHash);
    let a = this.analysisCache.get(k);
    if (a === undefined) {
      try {
        a = this.analyzeCode(code.wasm);
      } catch {
        // code that no longer validates has no usable IBC entry points; the enclave reports the real problem
        a = { hasIbcEntryPoints: false };
      }
      this.analysisCache.set(k, a);
    }
    return a;
  }

  private loadCode(store: KVStore, info: CodeInfo): ContractCode {
    const wasm = st.getWasm(store, info.codeHash);
    if (wasm === undefined)
      throw computeError(ComputeErrors.NotFound, `wasm code ${bytesToHex(info.codeHash)}`);
    return { wasm, codeHash: info.codeHash };
  }

  private env(
    ctx: KeeperContext,
    sender: string,
    funds: readonly Coin[],
    contract: string,
    key: st.StoredContractKey | undefined,
    queryDepth: number,
    withRandom = true,
  ): EnclaveEnv {
    const b = ctx.block;
    const random = withRandom ? (st.getRandom(ctx.store, b.height) ?? b.random) : undefined;
    const tx = ctx.tx;
    // no object spreads: this runs for every contract call
    return {
      block:
        random === undefined
          ? { height: b.height, timeNanos: b.timeNanos, chainId: b.chainId }
          : { height: b.height, timeNanos: b.timeNanos, chainId: b.chainId, random },
      message: {
        sender,
        sentFunds: funds.length === 0 ? [] : funds.map((c) => ({ denom: c.denom, amount: c.amount })),
      },
      contract: { address: contract },
      contractKey: key === undefined ? undefined : contractKeyInfo(key),
      queryDepth,
      transaction: tx === undefined ? undefined : { index: tx.index, hash: tx.hash },
    };
  }

  /**
   * Runs one ecall with the contract's gas-metered prefix store and a querier. Store gas is charged on the SDK
   * meter during the call; if that meter ran out, the call is an out-of-gas failure whatever the enclave says.
   */
  private callEnclave<T>(
    ctx: KeeperContext,
    run: (call: EnclaveCall) => EnclaveResult<T>,
    c: {
      code: ContractCode;
      env: EnclaveEnv;
      addr: Uint8Array;
      sigInfo?: SigInfo | undefined;
    },
  ): EnclaveResult<T> {
    const call = this.enclaveCall(ctx, c.code, c.env, c.addr, c.sigInfo);
    let res: EnclaveResult<T>;
    try {
      res = run(call);
    } catch (e) {
      throw this.enclaveThrew(ctx, e);
    }
    if (ctx.gasMeter.isPastLimit()) throw outOfGasError(ctx, 'wasm contract');
    return res;
  }

  /** The ecall's view of the chain for a tx: the contract's gas-metered prefix store, a querier (see runQuery). */
  private enclaveCall(
    ctx: KeeperContext,
    code: ContractCode,
    env: EnclaveEnv,
    addr: Uint8Array,
    sigInfo: SigInfo | undefined,
  ): EnclaveCall {
    const prefix = new PrefixStore(ctx.store, contractStorePrefix(addr));
    return {
      code,
      env,
      store: new GasKVStore(prefix, ctx.gasMeter),
      querier: createQuerier(this, ctx, env.queryDepth),
      gasLimit: wasmGasLimit(ctx),
      sigInfo,
      debug: this.debugFor(env.contract.address),
    };
  }

  /** The debug sink of calls to `contract`, if the keeper has one. */
  private debugFor(contract: string): ((message: string) => void) | undefined {
    const sink = this.debugSink;
    return sink === undefined ? undefined : (m: string) => sink(contract, m);
  }

  /** What an ecall that threw becomes: out of gas if the SDK meter ran out (or the error says so), else itself. */
  private enclaveThrew(ctx: KeeperContext, e: unknown): unknown {
    if (ctx.gasMeter.isPastLimit() || isOutOfGas(e)) return outOfGasError(ctx, 'wasm contract', e);
    return e;
  }

  /** Charges gas (even for failures, as Go), then turns failures into keeper errors. */
  private finish<T>(ctx: KeeperContext, res: EnclaveResult<T>, registered: RegisteredError): T {
    if (res.ok) {
      this.chargeWasmGas(ctx, res.gasUsed);
      return res.output;
    }
    if (res.error.kind === 'enclave' && res.error.error.kind === 'OutOfGas') {
      this.chargeWasmGas(ctx, res.gasUsed);
      throw outOfGasError(ctx, 'wasm contract', res.error.error);
    }
    // A failed call is charged at most what is left: a trap reported with the whole limit as used must still
    // surface as its own error (e.g. a write during a query), not as out of gas.
    const sdk = sdkGasFromWasm(res.gasUsed);
    const remaining = ctx.gasMeter.remaining();
    ctx.gasMeter.consumeGas(sdk < remaining ? sdk : remaining, 'wasm contract');
    throw failureError(res.error, registered);
  }

  private chargeWasmGas(ctx: KeeperContext, wasmGas: bigint): void {
    try {
      consumeWasmGas(ctx, wasmGas);
    } catch (e) {
      if (isOutOfGas(e)) throw outOfGasError(ctx, 'wasm contract', e);
      throw e;
    }
  }
}

function replyInfoField(output: WasmOutput): { replyInfo?: InternalReplyInfo } {
  return output.replyInfo === undefined ? {} : { replyInfo: output.replyInfo };
}

/**
 * The env's view of a stored contract key, made once per record: the keeper's records are shared decodes that
 * nobody mutates, and the view only holds the record's own arrays.
 */
const contractKeyInfos = new WeakMap<st.StoredContractKey, NonNullable<EnclaveEnv['contractKey']>>();

function contractKeyInfo(key: st.StoredContractKey): NonNullable<EnclaveEnv['contractKey']> {
  let info = contractKeyInfos.get(key);
  if (info === undefined) {
    info = buildContractKeyInfo(key);
    contractKeyInfos.set(key, info);
  }
  return info;
}

function buildContractKeyInfo(key: st.StoredContractKey): NonNullable<EnclaveEnv['contractKey']> {
  return {
    og: key.ogContractKey,
    ...(key.currentContractKey.length > 0 ? { current: key.currentContractKey } : {}),
    ...(key.currentContractKeyProof.length > 0 ? { currentProof: key.currentContractKeyProof } : {}),
  };
}

/** `encrypted: <b64>: execute contract failed` / `Execution error: Enclave: <display>: execute contract failed`. */
export function failureError(failure: EnclaveFailure, registered: RegisteredError): ComputeError {
  const text =
    failure.kind === 'contract' ? failure.message : `Execution error: Enclave: ${failure.error.message}`;
  const err = computeError(registered, text, failure.kind === 'enclave' ? failure.error : undefined);
  if (failure.kind === 'contract' && failure.replyInfo !== undefined) attachReplyInfo(err, failure.replyInfo);
  return err;
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0x1f && b[1] === 0x8b && b[2] === 0x08;
}

/** What a contract call needs from the store besides its own state. */
interface ContractInstance {
  readonly code: ContractCode;
  readonly key: st.StoredContractKey;
  /** `0x03 ‖ address`: the contract's storage prefix (shared, never written). */
  readonly storePrefix: Uint8Array;
  /** The contract's bech32 address. */
  readonly address: string;
}

/** A {@link ContractInstance} read at a store version, with the record arrays read then and copies of them. */
interface CachedInstance {
  readonly version: number;
  readonly instance: ContractInstance;
  readonly records: readonly Uint8Array[];
  readonly copies: readonly Uint8Array[];
}

/** The record arrays still hold the bytes the instance was decoded from (nobody wrote into them in place). */
function recordsUnchanged(c: CachedInstance): boolean {
  const { records, copies } = c;
  for (let i = 0; i < records.length; i++) if (!equalBytes(records[i]!, copies[i]!)) return false;
  return true;
}

/**
 * A query's view of a contract's storage: reads of `prefix ‖ key` from the query's store, charged on its meter
 * exactly as a GasKVStore over a PrefixStore charges them (`meteredGet`), and no writes: queries are read-only
 * whatever the enclave does. One object per query in place of three stacked stores (a class: no closures).
 */
class QueryContractStore {
  constructor(
    private readonly parent: KVStore,
    private readonly prefix: Uint8Array,
    private readonly meter: GasMeter,
  ) {}

  get(key: Uint8Array): Uint8Array | undefined {
    return meteredGet(this.parent, prefixedKey(this.prefix, key), key, this.meter);
  }

  set(): never {
    return denyQueryWrite();
  }

  delete(): never {
    return denyQueryWrite();
  }
}

/**
 * Scratch space for {@link prefixedKey}: stores never keep a key they are asked to read, so the prefixed lookup key
 * of a query read lives here instead of in a new array per read (as PrefixStore does for its reads).
 */
let lookupScratch = new Uint8Array(128);

/** `prefix ‖ key` in {@link lookupScratch}, valid until the next call. */
function prefixedKey(prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const n = prefix.length + key.length;
  if (n > lookupScratch.length) lookupScratch = new Uint8Array(Math.max(n, lookupScratch.length * 2));
  const out = lookupScratch;
  out.set(prefix, 0);
  out.set(key, prefix.length);
  return out.subarray(0, n);
}

function denyQueryWrite(): never {
  throw computeError(
    ComputeErrors.QueryFailed,
    'Execution error: Enclave: contract tried to write to storage during a query',
  );
}

/** Builds a keeper with defaults for everything optional (local bank/accounts/clock, runtime checkWasm). */
export function createComputeKeeper(opts: ComputeKeeperOptions): ComputeKeeper {
  return new ComputeKeeper(opts);
}
