/**
 * LocalChain: a complete in-process Secret chain around the compute keeper, for testing real compiled contracts.
 * Every call takes the path a real client's transaction takes: the sender's client encrypts the input to the
 * network key, signs a SIGN_MODE_DIRECT tx with cosmjs, the chain decodes and verifies it (ante checks), the
 * keeper hands the encrypted input to the enclave, and the sender's client decrypts what comes back.
 */
import { createHmac } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { EncodeObject, Registry } from '@cosmjs/proto-signing';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';

import {
  COMPUTE_TYPE_URLS,
  type EncryptionScheme,
  EncryptionUtils,
  openInputCiphertext,
  parseEncryptionScheme,
  parseInputWire,
  splitInputPlaintext,
} from '../compute/index.js';
import { createEnclave, type SecretEnclave } from '../enclave/index.js';
import { NetworkKeys } from '../enclave/keys.js';
import {
  BECH32_PREFIX,
  type Coin,
  ComputeError,
  type ComputeKeeper,
  createComputeKeeper,
  createMsgServer,
  createQueryServer,
  fromBech32,
  keys as computeKeys,
  type QueryServer,
  type SdkEvent,
  toBech32,
  txGasUsedOf,
  type TxInfo,
  type TxResult as KeeperTxResult,
  validateCoins,
} from '../keeper/index.js';
import * as computeMsgs from '../proto/secret/compute/v1beta1/msg.js';
import { type CommitStore, LmdbStore, MemoryCommitStore, prefixEnd } from '../state/index.js';
import { AuthModule } from './auth.js';
import { ChainBank } from './bank.js';
import { type BlockView, ChainClock } from './clock.js';
import { ChainError, codeFromDescription, ContractError, TxError, type TxFailure } from './errors.js';
import { type Account, type KeyEntry, Keyring, publicAccount } from './keyring.js';
import {
  BLOCK_INLINE_HEAD_TXS,
  BLOCK_PREPARE_CHUNK_TXS,
  DEFAULT_BLOCK_SECONDS,
  DEFAULT_CHAIN_ID,
  DEFAULT_GENESIS_TIME_MS,
  DEFAULT_TX_GAS_LIMIT,
} from './limits.js';
import { decodeTxMessage, encryptedInputOf, signerOf, type TxMessage } from './messages.js';
import { QueryWorkerPool } from './query-pool.js';
import { type ChainSigner, LocalDirectSigner } from './signer.js';
import {
  createRegistry,
  encodeSignedTx,
  makeTxSignDoc,
  MSG_SEND_TYPE_URL,
  prospectiveSigInfo,
  type SignRequest,
  verifyTx,
} from './tx.js';
import { getTx, putTx, recentTxs, type TxRecord } from './tx-log.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const LAST_BLOCK_KEY = encoder.encode('chain/last-block');
const CONFIG_FILE = 'chain.json';
const KEYRING_FILE = 'keyring.json';
const DATA_DIR = 'data';
const LOCK_FILE = 'LOCK';

/**
 * Takes the directory's lock (a file holding our pid). Two processes working on one chain would each commit
 * their own view of a block; a lock left by a process that no longer exists is taken over.
 */
function acquireLock(dir: string): string {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isSafeInteger(pid) && pid > 0 && processAlive(pid)) {
      throw new ChainError(
        'LOCKED',
        `${dir} is in use by process ${pid}${pid === process.pid ? ' (this one)' : ''}`,
      );
    }
    rmSync(file, { force: true }); // stale
  }
  throw new ChainError('LOCKED', `could not lock ${dir}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Options of {@link LocalChain.create}. */
export interface LocalChainOptions {
  /** Default `secret-local-1`. */
  readonly chainId?: string;
  /** Account address prefix; only `secret` is supported by the keeper today. */
  readonly bech32Prefix?: string;
  /** Keep the chain in this directory (state in LMDB, keys in `keyring.json`); reopening continues it. */
  readonly dir?: string;
  /** Contract I/O encryption: `aes-256-gcm` (default) or `aes-siv` (Secret mainnet / secret.js wire format). */
  readonly scheme?: EncryptionScheme;
  /** Makes network key, account keys and encryption nonces reproducible (any string or bytes). */
  readonly seed?: Uint8Array | string;
  /** Default SDK gas limit of every tx (default 10,000,000). */
  readonly gasLimit?: bigint | number;
  /** Where contract `debug` output goes (besides each result's `debug`); `false` = nowhere. Default: stderr. */
  readonly onDebug?: ((contract: string, message: string) => void) | false;
  /** Time of block 1 (default 2024-01-01T00:00:00Z, for reproducible runs). */
  readonly genesisTime?: Date;
  /** fsync every block commit of a persistent chain (default true). */
  readonly durable?: boolean;
}

/** Options of every tx. */
export interface TxOptions {
  /** SDK gas limit of this tx (default: the chain's). */
  readonly gasLimit?: bigint | number;
  readonly memo?: string;
}

/** Options of {@link LocalChain.instantiate}. */
export interface InstantiateOptions extends TxOptions {
  /** Unique contract label. */
  readonly label: string;
  /** Funds sent to the new contract. */
  readonly funds?: readonly Coin[];
  /** Admin allowed to migrate the contract (address or account); none by default. */
  readonly admin?: string | Account;
}

/** Options of {@link LocalChain.execute}. */
export interface ExecuteOptions extends TxOptions {
  readonly funds?: readonly Coin[];
}

/** An event as the sender sees it (contract attributes decrypted). */
export interface ChainEvent {
  readonly type: string;
  readonly attributes: { readonly key: string; readonly value: string }[];
}

/** What every successful tx returns. */
export interface TxResult {
  /** UPPERCASE hex tx hash. */
  readonly txHash: string;
  readonly height: number;
  /** SDK gas used: ante (tx size, signature) plus the message. */
  readonly gasUsed: bigint;
  readonly gasWanted: bigint;
  /** Events with contract attributes decrypted for the sender. */
  readonly events: ChainEvent[];
  /** Decrypted response data of a contract call; undefined when the contract returned none. */
  readonly data: Uint8Array | undefined;
  /** Contract `debug` output during this tx. */
  readonly debug: string[];
  /** What the chain stored and emitted: encrypted input and data, events with encrypted attributes. */
  readonly raw: {
    readonly txBytes: Uint8Array;
    readonly input: Uint8Array | undefined;
    readonly data: Uint8Array | undefined;
    readonly events: SdkEvent[];
  };
}

/** Result of {@link LocalChain.storeCode}. */
export interface StoreCodeResult extends TxResult {
  readonly codeId: number;
  /** Lowercase hex sha256 of the (uncompressed) wasm. */
  readonly codeHash: string;
}

/** Result of {@link LocalChain.instantiate}. */
export interface InstantiateResult extends TxResult {
  readonly address: string;
}

/** A delivered tx before the sender's decryption (what {@link LocalChain.broadcastTx} returns). */
export interface DeliveredTx {
  readonly txHash: string;
  readonly height: number;
  readonly index: number;
  readonly gasUsed: bigint;
  readonly gasWanted: bigint;
  readonly events: SdkEvent[];
  /** Encrypted response data (empty when none). */
  readonly data: Uint8Array;
  /** The decoded message response (`MsgStoreCodeResponse` etc.). */
  readonly response: Record<string, unknown>;
  readonly debug: string[];
}

/** What happened to one tx of {@link LocalChain.broadcastBlock}. */
export type BlockTxOutcome =
  { readonly ok: true; readonly tx: DeliveredTx } | { readonly ok: false; readonly error: TxError };

/** An account with its on-chain facts. */
export interface AccountInfo extends Account {
  readonly accountNumber: bigint;
  readonly sequence: bigint;
}

/** Public facts of a deployed contract. */
export interface ContractInfoView {
  readonly address: string;
  readonly codeId: number;
  readonly codeHash: string;
  readonly creator: string;
  readonly label: string;
  readonly admin: string | undefined;
}

/** A tx as its sender decrypts it (for inspection tools). */
export interface DecryptedTx {
  /** The contract message the sender sent (JSON), if the tx had one. */
  readonly input: unknown;
  readonly data: Uint8Array | undefined;
  readonly events: ChainEvent[];
  /** The decrypted contract error of a failed tx. */
  readonly error: string | undefined;
}

interface ChainConfig {
  version: 1;
  chainId: string;
  bech32Prefix: string;
  scheme: EncryptionScheme;
  /** hex; the network's master seed. A local dev chain keeps it on disk; a real node seals it. */
  networkSeed: string;
  /** hex master seed of `seed`, or null. */
  seed: string | null;
  genesisTimeMs: number;
}

function masterSeed(seed: Uint8Array | string | undefined): Uint8Array | undefined {
  if (seed === undefined) return undefined;
  if (typeof seed === 'string') return sha256(encoder.encode(`secret-compute/local-chain/${seed}`));
  return seed.length === 32 ? Uint8Array.from(seed) : sha256(seed);
}

function newConfig(opts: LocalChainOptions): ChainConfig {
  const master = masterSeed(opts.seed);
  const networkSeed =
    master === undefined ? randomBytes(32) : hmac(sha256, master, encoder.encode('network'));
  return {
    version: 1,
    chainId: opts.chainId ?? DEFAULT_CHAIN_ID,
    bech32Prefix: opts.bech32Prefix ?? BECH32_PREFIX,
    scheme: parseEncryptionScheme(opts.scheme ?? 'aes-256-gcm'),
    networkSeed: bytesToHex(networkSeed),
    seed: master === undefined ? null : bytesToHex(master),
    genesisTimeMs: opts.genesisTime?.getTime() ?? DEFAULT_GENESIS_TIME_MS,
  };
}

function loadOrInitConfig(dir: string, opts: LocalChainOptions): ChainConfig {
  const file = join(dir, CONFIG_FILE);
  if (!existsSync(file)) {
    const config = newConfig(opts);
    writeFileSync(file, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
    return config;
  }
  let config: ChainConfig;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as ChainConfig;
  } catch (cause) {
    throw new ChainError('INCOMPATIBLE_DIRECTORY', `${file} is not a LocalChain config`, { cause });
  }
  if (config.version !== 1) {
    throw new ChainError(
      'INCOMPATIBLE_DIRECTORY',
      `${file}: unsupported config version ${String(config.version)}`,
    );
  }
  const mismatch = (what: string, want: unknown, have: unknown): never => {
    throw new ChainError(
      'INCOMPATIBLE_DIRECTORY',
      `${dir} holds a chain with ${what} ${JSON.stringify(have)}, not ${JSON.stringify(want)}`,
    );
  };
  if (opts.chainId !== undefined && opts.chainId !== config.chainId)
    mismatch('chain id', opts.chainId, config.chainId);
  if (opts.scheme !== undefined && opts.scheme !== config.scheme)
    mismatch('scheme', opts.scheme, config.scheme);
  if (opts.bech32Prefix !== undefined && opts.bech32Prefix !== config.bech32Prefix) {
    mismatch('bech32 prefix', opts.bech32Prefix, config.bech32Prefix);
  }
  const master = masterSeed(opts.seed);
  if (master !== undefined && bytesToHex(master) !== config.seed)
    mismatch('seed', '<given seed>', '<another seed>');
  return config;
}

function toBigGas(v: bigint | number | undefined, fallback: bigint): bigint {
  if (v === undefined) return fallback;
  if (typeof v === 'number' && !Number.isSafeInteger(v)) {
    throw new ChainError('INVALID_ARGUMENT', `gas limit must be an integer, got ${v}`);
  }
  const g = BigInt(v);
  if (g <= 0n) throw new ChainError('INVALID_ARGUMENT', `gas limit must be positive, got ${g}`);
  return g;
}

function toCodeId(codeId: number | bigint): bigint {
  if (typeof codeId === 'number' && (!Number.isSafeInteger(codeId) || codeId <= 0)) {
    throw new ChainError('INVALID_ARGUMENT', `code id must be a positive integer, got ${codeId}`);
  }
  return BigInt(codeId);
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function fromB64(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'base64'));
}

/**
 * compute-codespace codes that mean "the contract (or what it returned) failed", reported as ContractError:
 * instantiate/execute/query/migrate/reply failed, invalid or unknown CosmosMsg, invalid event, call depth, last-tx
 * marker. Others (duplicate label, code not found, wasm too large) are plain TxErrors.
 */
const CONTRACT_FAILURE_CODES: ReadonlySet<number> = new Set([2, 3, 4, 5, 10, 18, 19, 21, 30, 32]);

function isContractFailure(f: { codespace: string; abciCode: number; log: string }): boolean {
  return (
    f.codespace === 'compute' && (CONTRACT_FAILURE_CODES.has(f.abciCode) || f.log.includes('encrypted: '))
  );
}

/** The SDK failure facts of an error thrown while delivering a message, or undefined for internal errors. */
function failureOf(e: unknown): TxFailure | undefined {
  if (e instanceof TxError) {
    return { code: e.code, codespace: e.codespace, abciCode: e.abciCode, log: e.log };
  }
  if (e instanceof ComputeError) {
    return {
      code: codeFromDescription(e.description),
      codespace: e.codespace,
      abciCode: e.code,
      log: e.message,
    };
  }
  return undefined;
}

/**
 * Secret v1 contracts' errors reach the sender as serialized `StdError` JSON (`{"generic_err":{"msg":"…"}}`);
 * a test author wants the text.
 */
function contractErrorText(decrypted: string): string {
  try {
    const parsed = JSON.parse(decrypted) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const inner = Object.values(parsed)[0] as { msg?: unknown } | undefined;
      if (Object.keys(parsed).length === 1 && typeof inner?.msg === 'string') return inner.msg;
    }
  } catch {
    // plain text error
  }
  return decrypted;
}

/** A local Secret chain in this process. Create with {@link LocalChain.create}. */
export class LocalChain {
  readonly chainId: string;
  readonly bech32Prefix: string;
  readonly scheme: EncryptionScheme;
  /** The network's I/O public key (what `Query/TxKey` returns). */
  readonly ioPubkey: Uint8Array;
  /** The directory of a persistent chain. */
  readonly dir: string | undefined;
  /** The compute keeper (untrusted side), for advanced use. */
  readonly keeper: ComputeKeeper;
  /** The trusted component. */
  readonly enclave: SecretEnclave;
  /** The gRPC query service of the compute module. */
  readonly queries: QueryServer;

  private readonly store: CommitStore;
  private readonly auth = new AuthModule();
  private readonly bank = new ChainBank();
  private readonly keyring: Keyring;
  private readonly clock: ChainClock;
  private readonly registry: Registry = createRegistry();
  private readonly master: Uint8Array | undefined;
  private readonly gasLimit: bigint;
  private readonly onDebug: ((contract: string, message: string) => void) | undefined;
  /** Each account's signer, created on its first tx (key import is not repeated per tx). */
  private readonly signers = new Map<string, ChainSigner>();
  private readonly ioClients = new Map<string, EncryptionUtils>();
  private readonly queryIo: EncryptionUtils;
  private queryCounter = 0;
  private txIndex = 0;
  private debugLog: string[] | undefined;
  private closed = false;
  /** Whether the current block changed state beyond its own bookkeeping (so close() must commit it). */
  private dirty = false;
  /** The directory lock of a persistent chain, released by close(). */
  private lockFile: string | undefined;
  /** Tail of the queue that serializes txs, blocks and close. */
  private queue: Promise<void> = Promise.resolve();
  /** The network seed (a local dev chain keeps it; query worker pools build their enclaves from it). */
  private readonly networkSeed: Uint8Array;
  /** Query worker pools made by {@link queryPool}, closed by {@link close}. */
  private readonly pools = new Set<QueryWorkerPool>();

  private constructor(
    config: ChainConfig,
    store: CommitStore,
    dir: string | undefined,
    opts: LocalChainOptions,
  ) {
    this.chainId = config.chainId;
    this.bech32Prefix = config.bech32Prefix;
    this.scheme = config.scheme;
    this.dir = dir;
    this.store = store;
    this.master = config.seed === null ? undefined : Uint8Array.from(Buffer.from(config.seed, 'hex'));
    this.gasLimit = toBigGas(opts.gasLimit, DEFAULT_TX_GAS_LIMIT);
    const sink = opts.onDebug;
    this.onDebug =
      sink === false
        ? undefined
        : (sink ?? ((contract: string, message: string) => console.error(`[debug ${contract}] ${message}`)));
    const networkSeed = Uint8Array.from(Buffer.from(config.networkSeed, 'hex'));
    this.networkSeed = networkSeed;
    this.enclave = createEnclave({
      keys: NetworkKeys.fromSeeds([networkSeed]),
      ioScheme: this.scheme,
      bech32Prefix: this.bech32Prefix,
    });
    this.ioPubkey = this.enclave.ioPubkey;

    let height = 1n;
    let timeNanos = BigInt(config.genesisTimeMs) * 1_000_000n;
    const last = store.get(LAST_BLOCK_KEY);
    if (store.height > 0n && last !== undefined) {
      const b = JSON.parse(decoder.decode(last)) as { height: string; timeNanos: string };
      height = BigInt(b.height) + 1n;
      timeNanos = BigInt(b.timeNanos) + BigInt(DEFAULT_BLOCK_SECONDS) * 1_000_000_000n;
    }
    this.clock = new ChainClock(
      this.chainId,
      hmac(sha256, networkSeed, encoder.encode('block-random')),
      height,
      timeNanos,
    );
    this.keeper = createComputeKeeper({
      store,
      enclave: this.enclave,
      bank: this.bank,
      account: this.auth,
      block: this.clock,
      txGasLimit: this.gasLimit,
      debug: (contract, message) => {
        this.debugLog?.push(message);
        this.onDebug?.(contract, message);
      },
    });
    this.queries = createQueryServer(this.keeper);
    this.keyring = new Keyring(
      this.bech32Prefix,
      this.master,
      dir === undefined ? undefined : join(dir, KEYRING_FILE),
    );
    this.keyring.load();
    this.queryIo = new EncryptionUtils({
      ioPubkey: this.ioPubkey,
      scheme: this.scheme,
      ...(this.master === undefined ? {} : { seed: hmac(sha256, this.master, encoder.encode('query-io')) }),
    });
    this.keeper.beginBlock();
  }

  /**
   * Starts a chain: in memory, or in `dir` (created if needed; an existing chain there is reopened at the block
   * after the last committed one, with its accounts, codes and contracts).
   */
  static create(opts: LocalChainOptions = {}): Promise<LocalChain> {
    return Promise.resolve().then(() => {
      const prefix = opts.bech32Prefix ?? BECH32_PREFIX;
      if (prefix !== BECH32_PREFIX) {
        // the keeper formats every address with its BECH32_PREFIX constant
        throw new ChainError(
          'INVALID_ARGUMENT',
          `bech32Prefix ${JSON.stringify(prefix)}: only "secret" is supported`,
        );
      }
      if (opts.dir === undefined)
        return new LocalChain(newConfig(opts), new MemoryCommitStore(), undefined, opts);
      mkdirSync(opts.dir, { recursive: true });
      const config = loadOrInitConfig(opts.dir, opts);
      const lock = acquireLock(opts.dir);
      try {
        const store = LmdbStore.open(join(opts.dir, DATA_DIR), { durable: opts.durable ?? true });
        const chain = new LocalChain(config, store, opts.dir, opts);
        chain.lockFile = lock;
        return chain;
      } catch (e) {
        rmSync(lock, { force: true });
        throw e;
      }
    });
  }

  // ------------------------------------------------------------------ blocks

  /** The current block. */
  get block(): BlockView {
    return this.clock.view();
  }

  /** Hex state commitment of the last committed block (zeros before the first). */
  get appHash(): string {
    return bytesToHex(this.store.commitHash);
  }

  /** Ends the current block (commits it; to disk for a persistent chain) and starts the next, `seconds` later. */
  nextBlock(opts: { seconds?: number } = {}): Promise<BlockView> {
    return this.serial(() => {
      this.assertOpen();
      const seconds = opts.seconds ?? DEFAULT_BLOCK_SECONDS;
      if (!Number.isFinite(seconds) || seconds < 0) {
        throw new ChainError('INVALID_ARGUMENT', `seconds must be a non-negative number, got ${seconds}`);
      }
      this.commitBlock();
      this.clock.advance(seconds);
      this.txIndex = 0;
      this.keeper.beginBlock();
      return this.clock.view();
    });
  }

  /** Commits the current block if it changed anything and releases the store. The chain cannot be used after. */
  close(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      if (this.dirty) this.commitBlock();
      else this.store.discardUncommitted(); // only the block's own random: recreated on reopen
      this.closed = true;
      const pools = [...this.pools];
      this.pools.clear();
      await Promise.all(pools.map((p) => p.close())); // before the store: their workers read its directory
      if (this.store instanceof LmdbStore) this.store.close();
      if (this.lockFile !== undefined) rmSync(this.lockFile, { force: true });
      await this.enclave.close(); // the prepare worker of broadcastBlock, if it was started
    });
  }

  /**
   * A pool of worker threads answering encrypted smart queries at the last COMMITTED block of this persistent
   * chain (`dir`): the state as of the last {@link nextBlock} (txs of the current block are invisible to it),
   * in the current block's env, as `keeper.query` would on that state; see {@link QueryWorkerPool}.
   * `pool.query(contract, wire)` takes the contract's canonical address and a client-encrypted query. The
   * chain closes its pools on {@link close}.
   */
  queryPool(opts: { readonly size?: number } = {}): QueryWorkerPool {
    this.assertOpen();
    if (!(this.store instanceof LmdbStore) || this.dir === undefined) {
      throw new ChainError('INVALID_ARGUMENT', 'a query worker pool needs a persistent chain (dir)');
    }
    const pool = new QueryWorkerPool({
      store: this.store,
      dir: join(this.dir, DATA_DIR),
      keeper: this.keeper,
      enclave: { seeds: [this.networkSeed], ioScheme: this.scheme, bech32Prefix: this.bech32Prefix },
      ...(opts.size === undefined ? {} : { size: opts.size }),
    });
    this.pools.add(pool);
    return pool;
  }

  private commitBlock(): void {
    const b = this.clock.current();
    this.store.set(
      LAST_BLOCK_KEY,
      encoder.encode(JSON.stringify({ height: b.height.toString(), timeNanos: b.timeNanos.toString() })),
    );
    this.store.commit(b.height);
    this.dirty = false;
  }

  private assertOpen(): void {
    if (this.closed) throw new ChainError('CLOSED', 'this LocalChain is closed');
  }

  // ------------------------------------------------------------------ accounts and bank

  /** Creates an account with a new key (in the chain's keyring) and optional starting balance. */
  createAccount(opts: { name?: string; balance?: readonly Coin[] } = {}): Account {
    this.assertOpen();
    if (opts.balance !== undefined) this.checkCoins(opts.balance);
    const key = this.keyring.create(opts.name);
    this.dirty = true;
    this.auth.ensure(this.store, key.address, key.pubkey);
    if (opts.balance !== undefined) this.bank.setBalances(this.store, key.address, opts.balance);
    return publicAccount(key);
  }

  /** Every account this chain holds keys for, in creation order. */
  accounts(): Account[] {
    return this.keyring.list().map(publicAccount);
  }

  /** An account by name or address, with its account number and sequence. */
  getAccount(nameOrAddress: string): AccountInfo {
    const key = this.keyring.find(nameOrAddress);
    const address = key?.address ?? nameOrAddress;
    const acc = this.auth.get(this.store, address);
    if (acc === undefined)
      throw new ChainError('UNKNOWN_ACCOUNT', `no account ${JSON.stringify(nameOrAddress)} on chain`);
    return {
      name: key?.name ?? '',
      address,
      pubkey: key?.pubkey ?? acc.pubkey ?? new Uint8Array(0),
      accountNumber: acc.accountNumber,
      sequence: acc.sequence,
    };
  }

  /** Balance of `address` in `denom` (`"0"` when none). */
  getBalance(address: string | Account, denom: string): Coin {
    return this.bank.balance(this.store, this.addressOf(address), denom);
  }

  /** All non-zero balances of `address`, sorted by denom. */
  getBalances(address: string | Account): Coin[] {
    return this.bank.balances(this.store, this.addressOf(address));
  }

  /** Sets the balances of `address` to exactly `coins` (a faucet for tests; not a transaction). */
  setBalance(address: string | Account, coins: readonly Coin[]): void {
    this.assertOpen();
    const addr = this.addressOf(address);
    try {
      fromBech32(addr);
    } catch (cause) {
      throw new ChainError('INVALID_ARGUMENT', `${JSON.stringify(addr)} is not an address`, { cause });
    }
    this.checkCoins(coins);
    this.auth.ensure(this.store, addr);
    this.bank.setBalances(this.store, addr, coins);
    this.dirty = true;
  }

  private checkCoins(coins: readonly Coin[]): void {
    try {
      ChainBank.checkBalances(coins);
    } catch (cause) {
      throw new ChainError('INVALID_ARGUMENT', `invalid balance ${JSON.stringify(coins)}`, { cause });
    }
  }

  private addressOf(a: string | Account): string {
    if (typeof a !== 'string') return a.address;
    return this.keyring.find(a)?.address ?? a;
  }

  private keyOf(sender: string | Account): KeyEntry {
    return this.keyring.require(typeof sender === 'string' ? sender : sender.address);
  }

  /** The sender's client-side encryption (its X25519 key derives from its keyring entry). */
  encryptionFor(sender: string | Account): EncryptionUtils {
    const key = this.keyOf(sender);
    let io = this.ioClients.get(key.address);
    if (io === undefined) {
      io = new EncryptionUtils({
        ioPubkey: this.ioPubkey,
        seed: key.ioSeed,
        scheme: this.scheme,
        chainId: this.chainId,
      });
      this.ioClients.set(key.address, io);
    }
    return io;
  }

  // ------------------------------------------------------------------ transactions

  /** Bank send through the same tx path (`/cosmos.bank.v1beta1.MsgSend`). */
  async send(
    from: string | Account,
    to: string | Account,
    coins: readonly Coin[],
    opts: TxOptions = {},
  ): Promise<TxResult> {
    const key = this.keyOf(from);
    const msg = MsgSend.fromPartial({
      fromAddress: key.address,
      toAddress: this.addressOf(to),
      amount: [...coins],
    });
    return (await this.transact(key, { typeUrl: MSG_SEND_TYPE_URL, value: msg }, opts, undefined)).result;
  }

  /** Uploads wasm (raw or gzip). */
  async storeCode(
    sender: string | Account,
    wasm: Uint8Array,
    opts: TxOptions & { source?: string; builder?: string } = {},
  ): Promise<StoreCodeResult> {
    const key = this.keyOf(sender);
    const value = computeMsgs.MsgStoreCode.fromPartial({
      sender: fromBech32(key.address),
      wasmByteCode: wasm,
      source: opts.source ?? '',
      builder: opts.builder ?? '',
    });
    const r = await this.transact(key, { typeUrl: COMPUTE_TYPE_URLS.MsgStoreCode, value }, opts, undefined);
    const codeId = r.response.codeId as bigint;
    const info = this.keeper.getCodeInfo(codeId);
    if (info === undefined) throw new ChainError('INVALID_ARGUMENT', `code ${codeId} missing after store`);
    return { ...r.result, codeId: Number(codeId), codeHash: bytesToHex(info.codeHash) };
  }

  /** Instantiates code `codeId` with `msg` (encrypted for the enclave by the sender's client). */
  async instantiate(
    sender: string | Account,
    codeId: number | bigint,
    msg: object,
    opts: InstantiateOptions,
  ): Promise<InstantiateResult> {
    const key = this.keyOf(sender);
    const id = toCodeId(codeId);
    const admin = opts.admin === undefined ? '' : this.addressOf(opts.admin);
    const r = await this.transactEncrypted(key, opts, () => {
      const wire = this.encrypt(key, this.codeHashOfCode(id), msg);
      const value = computeMsgs.MsgInstantiateContract.fromPartial({
        sender: fromBech32(key.address),
        codeId: id,
        label: opts.label,
        initMsg: wire,
        initFunds: [...(opts.funds ?? [])],
        admin,
      });
      return { message: { typeUrl: COMPUTE_TYPE_URLS.MsgInstantiateContract, value }, wire };
    });
    return { ...r.result, address: r.response.address as string };
  }

  /** Executes `msg` on `contract`. */
  async execute(
    sender: string | Account,
    contract: string,
    msg: object,
    opts: ExecuteOptions = {},
  ): Promise<TxResult> {
    const key = this.keyOf(sender);
    const r = await this.transactEncrypted(key, opts, () => {
      const wire = this.encrypt(key, this.codeHashOfContract(contract), msg);
      const value = computeMsgs.MsgExecuteContract.fromPartial({
        sender: fromBech32(key.address),
        contract: fromBech32(contract),
        msg: wire,
        sentFunds: [...(opts.funds ?? [])],
      });
      return { message: { typeUrl: COMPUTE_TYPE_URLS.MsgExecuteContract, value }, wire };
    });
    return r.result;
  }

  /** Migrates `contract` to `newCodeId` (sender must be the admin). */
  async migrate(
    sender: string | Account,
    contract: string,
    newCodeId: number | bigint,
    msg: object,
    opts: TxOptions = {},
  ): Promise<TxResult> {
    const key = this.keyOf(sender);
    const id = toCodeId(newCodeId);
    const r = await this.transactEncrypted(key, opts, () => {
      const wire = this.encrypt(key, this.codeHashOfCode(id), msg);
      const value = computeMsgs.MsgMigrateContract.fromPartial({
        sender: key.address,
        contract,
        codeId: id,
        msg: wire,
      });
      return { message: { typeUrl: COMPUTE_TYPE_URLS.MsgMigrateContract, value }, wire };
    });
    return r.result;
  }

  /** Sets a new admin (sender must be the current admin). */
  async updateAdmin(
    sender: string | Account,
    contract: string,
    newAdmin: string | Account,
    opts: TxOptions = {},
  ): Promise<TxResult> {
    const key = this.keyOf(sender);
    const value = computeMsgs.MsgUpdateAdmin.fromPartial({
      sender: key.address,
      contract,
      newAdmin: this.addressOf(newAdmin),
    });
    return (await this.transact(key, { typeUrl: COMPUTE_TYPE_URLS.MsgUpdateAdmin, value }, opts, undefined))
      .result;
  }

  /** Removes the admin (sender must be the current admin); the contract can no longer be migrated. */
  async clearAdmin(sender: string | Account, contract: string, opts: TxOptions = {}): Promise<TxResult> {
    const key = this.keyOf(sender);
    const value = computeMsgs.MsgClearAdmin.fromPartial({ sender: key.address, contract });
    return (await this.transact(key, { typeUrl: COMPUTE_TYPE_URLS.MsgClearAdmin, value }, opts, undefined))
      .result;
  }

  /** Smart query: encrypted by a query client, answered by the enclave, decrypted and parsed as JSON. */
  async query<T = unknown>(contract: string, msg: object): Promise<T> {
    this.assertOpen();
    const nonce = this.seededNonce(`query-nonce/${this.queryCounter++}`);
    const wire = this.queryIo.encryptSync(this.codeHashOfContract(contract), msg, nonce);
    const n = this.queryIo.nonceOf(wire);
    let data: Uint8Array;
    try {
      data = (await this.queries.QuerySecretContract({ contractAddress: contract, query: wire })).data;
    } catch (e) {
      const failure = failureOf(e);
      if (failure === undefined) throw e;
      if (!isContractFailure(failure)) throw new TxError(failure, failure.log, { cause: e });
      throw this.contractError(failure, this.queryIo, n, e);
    }
    return JSON.parse(decoder.decode(this.queryIo.decryptQueryResult(data, n))) as T;
  }

  /**
   * Delivers already signed txs (TxRaw bytes, SIGN_MODE_DIRECT) as a block does — in order, in the current block,
   * each exactly as {@link broadcastTx} would, one tx's failure not stopping the next — but with their signature
   * checks and input decryption handed to the enclave's prepare worker thread first, so that work runs on another
   * core while earlier txs execute. Results are identical to delivering the txs one by one.
   */
  broadcastBlock(txs: readonly Uint8Array[]): Promise<BlockTxOutcome[]> {
    return this.serial(async () => {
      this.assertOpen();
      const ctx = { chainId: this.chainId, prefix: this.bech32Prefix, store: this.store, auth: this.auth };
      const head = Math.min(BLOCK_INLINE_HEAD_TXS, txs.length);
      const batches: Promise<unknown>[] = [];
      for (let i = head; i < txs.length; i += BLOCK_PREPARE_CHUNK_TXS) {
        const sigInfos = txs
          .slice(i, i + BLOCK_PREPARE_CHUNK_TXS)
          .flatMap((tx) => prospectiveSigInfo(tx, ctx) ?? []);
        batches.push(this.keeper.prepareBlock(sigInfos));
      }
      const out: BlockTxOutcome[] = [];
      for (let i = 0; i < txs.length; i++) {
        // yielding here lets the worker's finished batches reach the enclave's caches
        if (i >= head && (i - head) % BLOCK_PREPARE_CHUNK_TXS === 0)
          await batches[(i - head) / BLOCK_PREPARE_CHUNK_TXS];
        try {
          out.push({ ok: true, tx: (await this.deliver(txs[i]!)).delivered });
        } catch (e) {
          if (!(e instanceof TxError)) throw e;
          out.push({ ok: false, error: e });
        }
      }
      return out;
    });
  }

  /**
   * Delivers an already signed tx (TxRaw bytes, SIGN_MODE_DIRECT) — e.g. one made by your own cosmjs client —
   * and returns the chain's raw result. @throws TxError when the tx is rejected or its message fails.
   */
  broadcastTx(txBytes: Uint8Array): Promise<DeliveredTx> {
    return this.serial(async () => (await this.deliver(txBytes)).delivered);
  }

  private encrypt(key: KeyEntry, codeHash: string, msg: object): Uint8Array {
    const io = this.encryptionFor(key.address);
    const nonce =
      this.master === undefined
        ? undefined
        : this.seededNonce(`nonce/${key.address}/${this.auth.get(this.store, key.address)?.sequence ?? 0n}`);
    return io.encryptSync(codeHash, msg, nonce);
  }

  /**
   * A seeded chain's encryption nonce for `label` (HMAC-SHA256 under the chain seed, via node: it runs on every
   * tx and query); undefined (= random nonce) on an unseeded chain.
   */
  private seededNonce(label: string): Uint8Array | undefined {
    return this.master === undefined ? undefined : createHmac('sha256', this.master).update(label).digest();
  }

  private codeHashOfCode(codeId: bigint): string {
    const info = this.keeper.getCodeInfo(codeId);
    if (info === undefined) throw new ChainError('INVALID_ARGUMENT', `no code with id ${codeId}`);
    return bytesToHex(info.codeHash);
  }

  private codeHashOfContract(contract: string): string {
    let addr: Uint8Array;
    try {
      addr = fromBech32(contract);
    } catch (cause) {
      throw new ChainError('INVALID_ARGUMENT', `${JSON.stringify(contract)} is not a contract address`, {
        cause,
      });
    }
    const info = this.keeper.getContractInfo(addr);
    if (info === undefined) throw new ChainError('INVALID_ARGUMENT', `no contract at ${contract}`);
    return this.codeHashOfCode(info.codeId);
  }

  private async signer(key: KeyEntry): Promise<ChainSigner> {
    let w = this.signers.get(key.address);
    if (w === undefined) {
      w = await LocalDirectSigner.create(key.privkey, key.pubkey, key.address, this.bech32Prefix);
      this.signers.set(key.address, w);
    }
    return w;
  }

  /** Signs on the client side; synchronously when the signer allows (no promise per tx). */
  private async sign(key: KeyEntry, doc: Omit<SignRequest, 'signer'>): Promise<Uint8Array> {
    const signer = this.signers.get(key.address) ?? (await this.signer(key));
    const signDoc = makeTxSignDoc(doc);
    return encodeSignedTx(
      signer.signDirectSync !== undefined
        ? signer.signDirectSync(key.address, signDoc)
        : await signer.signDirect(key.address, signDoc),
    );
  }

  /** Client side, one tx at a time: concurrent calls (e.g. `Promise.all`) queue so each signs the next sequence. */
  private transact(
    key: KeyEntry,
    message: EncodeObject,
    opts: TxOptions,
    wire: Uint8Array | undefined,
  ): Promise<{ result: TxResult; response: Record<string, unknown> }> {
    return this.serial(() => this.transactNow(key, message, opts, wire));
  }

  /**
   * Like {@link transact} for a message with an encrypted input: the input is encrypted when the tx's turn in
   * the queue comes, so the sender's sequence (which a seeded chain's nonce derives from) already counts every
   * earlier queued tx — concurrent calls never share a nonce, and may target a contract queued before them.
   */
  private transactEncrypted(
    key: KeyEntry,
    opts: TxOptions,
    build: () => { message: EncodeObject; wire: Uint8Array },
  ): Promise<{ result: TxResult; response: Record<string, unknown> }> {
    return this.serial(() => {
      const { message, wire } = build();
      return this.transactNow(key, message, opts, wire);
    });
  }

  /** Runs `fn` after every earlier queued tx/block operation settled. */
  private serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async transactNow(
    key: KeyEntry,
    message: EncodeObject,
    opts: TxOptions,
    wire: Uint8Array | undefined,
  ): Promise<{ result: TxResult; response: Record<string, unknown> }> {
    this.assertOpen();
    const acc = this.auth.get(this.store, key.address);
    if (acc === undefined)
      throw new ChainError('UNKNOWN_ACCOUNT', `account ${key.address} not found on chain`);
    const txBytes = await this.sign(key, {
      address: key.address,
      pubkey: key.pubkey,
      registry: this.registry,
      messages: [message],
      chainId: this.chainId,
      accountNumber: acc.accountNumber,
      sequence: acc.sequence,
      gasLimit: toBigGas(opts.gasLimit, this.gasLimit),
      ...(opts.memo === undefined ? {} : { memo: opts.memo }),
    });
    const io = wire === undefined ? undefined : this.encryptionFor(key.address);
    const nonce = wire === undefined || io === undefined ? undefined : io.nonceOf(wire);
    let d: DeliveredTx;
    try {
      d = (await this.deliver(txBytes)).delivered;
    } catch (e) {
      if (e instanceof TxError && io !== undefined && nonce !== undefined && isContractFailure(e)) {
        throw this.contractError(e, io, nonce, e);
      }
      throw e;
    }
    const data =
      io !== undefined && nonce !== undefined && d.data.length > 0
        ? io.decryptData(d.data, nonce)
        : undefined;
    const events =
      io !== undefined && nonce !== undefined ? io.decryptEvents(d.events, nonce) : d.events.map(copyEvent);
    return {
      response: d.response,
      result: {
        txHash: d.txHash,
        height: d.height,
        gasUsed: d.gasUsed,
        gasWanted: d.gasWanted,
        events,
        data: data === undefined || data.length === 0 ? undefined : data,
        debug: d.debug,
        raw: {
          txBytes,
          input: wire,
          data: d.data.length > 0 ? d.data : undefined,
          events: d.events,
        },
      },
    };
  }

  private contractError(
    failure: TxFailure & {
      txHash?: string | undefined;
      gasUsed?: bigint | undefined;
      height?: number | undefined;
    },
    io: EncryptionUtils,
    nonce: Uint8Array,
    cause: unknown,
  ): ContractError {
    let message = failure.log;
    let encrypted = false;
    try {
      const m = io.decryptErrorMessage(failure.log, nonce);
      if (m !== undefined) {
        message = contractErrorText(m);
        encrypted = true;
      }
    } catch {
      // an error encrypted for someone else stays as the chain shows it
    }
    const full: TxFailure = {
      code: failure.code,
      codespace: failure.codespace,
      abciCode: failure.abciCode,
      log: failure.log,
      ...(failure.txHash === undefined ? {} : { txHash: failure.txHash }),
      ...(failure.gasUsed === undefined ? {} : { gasUsed: failure.gasUsed }),
      ...(failure.height === undefined ? {} : { height: failure.height }),
    };
    return new ContractError(full, message, encrypted, { cause });
  }

  /** Chain side: ante checks, then the message in its own branch; records the outcome in the tx index. */
  private async deliver(txBytes: Uint8Array): Promise<{ delivered: DeliveredTx; message: TxMessage }> {
    this.assertOpen();
    let message: TxMessage | undefined;
    const verified = verifyTx(
      txBytes,
      {
        chainId: this.chainId,
        prefix: this.bech32Prefix,
        store: this.store,
        auth: this.auth,
        preverified: (sigInfo) => this.enclave.preparedSignatureValid(sigInfo),
      },
      (any) => {
        message = decodeTxMessage(any);
        return signerOf(message, this.bech32Prefix);
      },
    );
    const msg = message!;
    this.dirty = true; // the sequence increment is a state change whatever the message does
    const block = this.clock.current();
    const tx: TxInfo = { index: this.txIndex++, hash: verified.hash, sigInfo: verified.sigInfo };
    const gasLimit = verified.gasLimit - verified.anteGas;
    const debug: string[] = [];
    this.debugLog = debug;
    const input = encryptedInputOf(msg);
    const base = {
      hash: verified.hash,
      height: Number(block.height),
      index: tx.index,
      time: Number(block.timeNanos / 1_000_000n),
      sender: verified.signer,
      typeUrl: verified.message.typeUrl,
      gasWanted: verified.gasLimit.toString(),
      txBytes: b64(txBytes),
      ...(input === undefined ? {} : { input: b64(input) }),
      ...contractFields(msg),
    };
    let outcome: { response: Record<string, unknown>; tx: KeeperTxResult<unknown> };
    try {
      outcome = await this.run(msg, tx, gasLimit);
    } catch (e) {
      const failure = failureOf(e);
      if (failure === undefined) throw e;
      // out of gas consumed the whole limit; other failures: ante gas + what the message consumed (keeper)
      const msgGas = txGasUsedOf(e);
      const gasUsed =
        failure.code === 'OUT_OF_GAS'
          ? verified.gasLimit
          : msgGas === undefined
            ? undefined
            : verified.anteGas + msgGas;
      putTx(this.store, {
        ...base,
        code: failure.abciCode,
        codespace: failure.codespace,
        log: failure.log,
        gasUsed: gasUsed === undefined ? '' : gasUsed.toString(),
        events: [],
      });
      throw new TxError(
        {
          ...failure,
          txHash: verified.hash,
          height: Number(block.height),
          ...(gasUsed === undefined ? {} : { gasUsed }),
        },
        failure.log,
        { cause: e },
      );
    } finally {
      this.debugLog = undefined;
    }
    const gasUsed = verified.anteGas + outcome.tx.gasUsed;
    const data = outcome.response.data instanceof Uint8Array ? outcome.response.data : new Uint8Array(0);
    const address =
      typeof outcome.response.address === 'string' ? { contract: outcome.response.address } : {};
    const codeId =
      typeof outcome.response.codeId === 'bigint' ? { codeId: outcome.response.codeId.toString() } : {};
    const record: TxRecord = {
      ...base,
      ...address,
      ...codeId,
      code: 0,
      codespace: '',
      log: '',
      gasUsed: gasUsed.toString(),
      events: outcome.tx.events,
      ...(data.length > 0 ? { data: b64(data) } : {}),
    };
    putTx(this.store, record);
    return {
      message: msg,
      delivered: {
        txHash: verified.hash,
        height: Number(block.height),
        index: tx.index,
        gasUsed,
        gasWanted: verified.gasLimit,
        events: outcome.tx.events,
        data,
        response: outcome.response,
        debug,
      },
    };
  }

  /** Routes the message: compute messages through the keeper's Msg service, bank sends through the bank. */
  private async run(
    msg: TxMessage,
    tx: TxInfo,
    gasLimit: bigint,
  ): Promise<{ response: Record<string, unknown>; tx: KeeperTxResult<unknown> }> {
    let captured: KeeperTxResult<unknown> | undefined;
    const server = createMsgServer(this.keeper, {
      tx: () => tx,
      gasLimit,
      onResult: (_rpc, r) => {
        captured = r;
      },
    });
    let response: object;
    switch (msg.kind) {
      case 'store-code':
        response = await server.StoreCode(msg.value);
        break;
      case 'instantiate':
        response = await server.InstantiateContract(msg.value);
        break;
      case 'execute':
        response = await server.ExecuteContract(msg.value);
        break;
      case 'migrate':
        response = await server.MigrateContract(msg.value);
        break;
      case 'update-admin':
        response = await server.UpdateAdmin(msg.value);
        break;
      case 'clear-admin':
        response = await server.ClearAdmin(msg.value);
        break;
      case 'send': {
        const { fromAddress, toAddress, amount } = msg.value;
        fromBech32(fromAddress);
        fromBech32(toAddress);
        if (amount.length === 0) validateCoins([{ denom: '', amount: '0' }]);
        validateCoins(amount);
        captured = this.keeper.runTx({ gasLimit, tx }, (ctx) => {
          ctx.emit({
            type: 'message',
            attributes: [
              { key: 'action', value: MSG_SEND_TYPE_URL },
              { key: 'sender', value: fromAddress },
              { key: 'module', value: 'bank' },
            ],
          });
          this.bank.sendCoins(ctx, fromAddress, toAddress, amount);
          return {};
        });
        response = {};
        break;
      }
    }
    if (captured === undefined) throw new ChainError('INVALID_ARGUMENT', 'message produced no result');
    return { response: { ...response }, tx: captured };
  }

  // ------------------------------------------------------------------ inspection

  /** The recorded tx `hash`, as the chain stores it (encrypted), or undefined. */
  getTx(hash: string): TxRecord | undefined {
    return getTx(this.store, hash);
  }

  /** The last `limit` txs, newest first. */
  recentTxs(limit = 20): TxRecord[] {
    return recentTxs(this.store, limit);
  }

  /**
   * What the sender of `record` decrypts (needs the sender's key in this chain's keyring; undefined otherwise):
   * its input message, response data, events and error.
   */
  decryptTx(record: TxRecord): DecryptedTx | undefined {
    const key = this.keyring.find(record.sender);
    if (key === undefined) return undefined;
    const io = this.encryptionFor(key.address);
    if (record.input === undefined) {
      return { input: undefined, data: undefined, events: record.events.map(copyEvent), error: undefined };
    }
    const wire = fromB64(record.input);
    const nonce = io.nonceOf(wire);
    const parsed = parseInputWire(this.scheme, wire);
    const plaintext = openInputCiphertext(this.scheme, io.getTxEncryptionKeySync(nonce), parsed.ciphertext);
    const input = JSON.parse(decoder.decode(splitInputPlaintext(plaintext).msg)) as unknown;
    let error: string | undefined;
    if (record.code !== 0) {
      try {
        const m = io.decryptErrorMessage(record.log, nonce);
        error = m === undefined ? record.log : contractErrorText(m);
      } catch {
        error = record.log;
      }
    }
    const data = record.data === undefined ? undefined : io.decryptData(fromB64(record.data), nonce);
    return { input, data, events: io.decryptEvents(record.events, nonce), error };
  }

  /** Public facts of a contract, or undefined. */
  contractInfo(address: string): ContractInfoView | undefined {
    let addr: Uint8Array;
    try {
      addr = fromBech32(address);
    } catch {
      return undefined;
    }
    const info = this.keeper.getContractInfo(addr);
    if (info === undefined) return undefined;
    return {
      address,
      codeId: Number(info.codeId),
      codeHash: this.codeHashOfCode(info.codeId),
      creator: toBech32(info.creator),
      label: info.label,
      admin: info.admin === '' ? undefined : info.admin,
    };
  }

  /** Every contract, in instantiation order of code ids. */
  contracts(): ContractInfoView[] {
    const out: ContractInfoView[] = [];
    const prefix = Uint8Array.of(computeKeys.CONTRACT_KEY_PREFIX); // ‖ addr20 → ContractInfo (spec §1.6)
    for (const [k] of this.store.iterator(prefix, prefixEnd(prefix))) {
      if (k.length !== 21) continue;
      const view = this.contractInfo(toBech32(k.subarray(1)));
      if (view !== undefined) out.push(view);
    }
    return out;
  }

  /** The contract's storage exactly as the chain holds it: encrypted keys and values. */
  contractState(address: string): { key: Uint8Array; value: Uint8Array }[] {
    const prefix = computeKeys.contractStorePrefix(fromBech32(address));
    const out: { key: Uint8Array; value: Uint8Array }[] = [];
    for (const [k, v] of this.store.iterator(prefix, prefixEnd(prefix))) {
      out.push({ key: k.slice(prefix.length), value: v.slice() });
    }
    return out;
  }
}

function copyEvent(e: SdkEvent): ChainEvent {
  return { type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })) };
}

function contractFields(msg: TxMessage): { contract?: string; codeId?: string } {
  switch (msg.kind) {
    case 'execute':
      return { contract: toBech32(msg.value.contract) };
    case 'migrate':
      return { contract: msg.value.contract, codeId: msg.value.codeId.toString() };
    case 'update-admin':
    case 'clear-admin':
      return { contract: msg.value.contract };
    case 'instantiate':
      return { codeId: msg.value.codeId.toString() };
    default:
      return {};
  }
}
