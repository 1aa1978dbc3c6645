/**
 * `ContractRuntime`: the one object an embedder (the enclave) needs. It validates code, compiles and caches
 * instrumented modules, runs entry points with gas, and turns every failure into a typed VmError.
 */
import type { ApiVersion, Backend } from './backend.js';
import type { ContractResult, EntryPoint } from './calls.js';
import { callEntry } from './calls.js';
import type { CallEnv, MessageInfo } from './env.js';
import { ENCLAVE_ERROR, OutOfGasError, toVmError, VmError } from './errors.js';
import type { GasConfig } from './gas.js';
import { SECRET_GAS_CONFIG } from './gas.js';
import type { CompiledContract, InstrumentationGlobals } from './instance.js';
import { ContractInstance } from './instance.js';
import { DEFAULT_MODULE_CACHE_SIZE, MAX_WASM_GAS } from './limits.js';
import type { CacheEntry } from './module-cache.js';
import { ModuleCache } from './module-cache.js';
import { SECRET_TOOLCHAIN } from './toolchain.js';

/** What static checking tells the runtime about a module. */
export interface CodeInfo {
  readonly apiVersion: ApiVersion;
  readonly requiresRandom: boolean;
  readonly hasFloats: boolean;
  readonly requiredFeatures: readonly string[];
}

/** When a check runs: at StoreCode, before instantiate (floats rejected), or before any other call. */
export type CheckPhase = 'store' | 'instantiate' | 'execute';

/** The wasm-level tools the runtime builds on (src/runtime/wasm/ provides the default). */
export interface WasmToolchain {
  /** Static validation; throws VmError('StaticValidation'). */
  checkWasm(bytes: Uint8Array, phase: CheckPhase): CodeInfo;
  /** Gas/stack instrumentation; undefined = metering unavailable. */
  instrument?:
    | ((bytes: Uint8Array, gasConfig: GasConfig) => { bytes: Uint8Array; globals: InstrumentationGlobals })
    | undefined;
}

/** How instances serve calls. */
export type InstanceMode = 'fresh' | 'reuse';

/** Options of {@link ContractRuntime}. */
export interface ContractRuntimeOptions {
  readonly gasConfig?: GasConfig;
  /** Compiled modules kept (LRU). Default {@link DEFAULT_MODULE_CACHE_SIZE}. */
  readonly cacheSize?: number;
  /** Default {@link DEFAULT_INSTANCE_MODE}. */
  readonly instanceMode?: InstanceMode;
  /** Inject gas metering (default true). Off only for benchmarks and trusted tooling: nothing bounds a loop then. */
  readonly metering?: boolean;
  readonly toolchain?: WasmToolchain;
}

/** One contract call. */
export interface CallRequest {
  /** sha256 of `wasm` (the cache key; trusted, not recomputed per call). */
  readonly codeHash: Uint8Array;
  /** The contract's original (un-instrumented) wasm; only compiled on a cache miss. */
  readonly wasm: Uint8Array;
  readonly entry: EntryPoint;
  readonly env: CallEnv;
  /** Sender and funds; required for instantiate/execute. */
  readonly info?: MessageInfo | undefined;
  /** Decrypted message JSON (for reply: the Reply JSON). */
  readonly msg: Uint8Array;
  readonly backend: Backend;
  /** Wasm gas limit (SDK gas × 1000); capped at 10^10. */
  readonly gasLimit: bigint;
  /** `true` collects debug output into `debugLogs`; a function receives each message. */
  readonly debug?: boolean | ((message: string) => void) | undefined;
}

/** What a successful call (contract Ok *or* contract Err) returns. */
export interface CallOutcome {
  readonly result: ContractResult;
  /** The raw result envelope bytes as the contract returned them. */
  readonly resultBytes: Uint8Array;
  /**
   * Wasm gas consumed from the budget, including `gasUsedExternally`; for execute/reply/sudo (Secret's handle
   * types) the db_write pseudo-gas is already refunded (Secret refunds it after handle, not after init/migrate).
   */
  readonly gasUsed: bigint;
  /** Part of `gasUsed` the backends reported as already charged on the SDK meter. */
  readonly gasUsedExternally: bigint;
  /** db_write pseudo-gas charged during the call. */
  readonly writePseudoGas: bigint;
  readonly apiVersion: ApiVersion;
  readonly debugLogs: readonly string[];
}

/**
 * Entry points that run through Secret's `handle` ecall (execute, and reply / sudo / IBC as handle types), after which
 * the enclave refunds the db_write pseudo-gas; init and migrate keep it (spec §3.6).
 */
const REFUNDS_WRITE_PSEUDO_GAS: ReadonlySet<EntryPoint> = new Set<EntryPoint>([
  'execute',
  'reply',
  'sudo',
  'ibc_channel_open',
  'ibc_channel_connect',
  'ibc_channel_close',
  'ibc_packet_receive',
  'ibc_packet_ack',
  'ibc_packet_timeout',
]);

/** `debugLogs` of every call that does not collect debug output. */
const NO_DEBUG_LOGS: string[] = Object.freeze([]) as unknown as string[];

/**
 * Default instance mode: `reuse`. Both modes are observably identical (results, gas and state are tested equal,
 * in-process and across processes): both start every call from the canonical warmed state (consensus rule at
 * `ContractInstance.warmUp`: instantiate, then `deallocate(allocate(1))` off the caller's budget). `fresh` builds
 * and warms a new instance per call; `reuse` keeps one idle instance per cached module and, after a successful
 * call, restores the warmed snapshot's memory and every mutable global (including `__stack_pointer`, re-exported by
 * the instrumentation). An instance that trapped or whose memory grew beyond the snapshot is discarded, because
 * memory cannot shrink and it could never look canonical again. Because the snapshot is taken after the
 * allocator's first `memory.grow`, Rust contracts' ordinary calls fit and are served by the reused instance; the
 * per-call instance cost (instantiation, ~1 MiB of page faults, GC of the old memory) disappears. Restoring happens
 * right after the call, so no plaintext lingers in an idle instance.
 */
export const DEFAULT_INSTANCE_MODE: InstanceMode = 'reuse';

/** Validates, compiles, caches and runs contracts. */
export class ContractRuntime {
  readonly gasConfig: GasConfig;
  readonly instanceMode: InstanceMode;
  readonly metering: boolean;
  private readonly cache: ModuleCache;
  private readonly toolchain: WasmToolchain;
  /** Module cache key = code hash hex + this (gas table and metering), so differently instrumented modules never mix. */
  private readonly cacheKeySuffix: string;
  private instancesCreated = 0;
  private instancesReused = 0;
  private instancesDiscarded = 0;
  /** Copy of the last code hash looked up and its cache key: consecutive calls to one contract skip the hex. */
  private lastHash = new Uint8Array(32);
  private lastKey: string | undefined;

  constructor(options: ContractRuntimeOptions = {}) {
    this.gasConfig = options.gasConfig ?? SECRET_GAS_CONFIG;
    this.instanceMode = options.instanceMode ?? DEFAULT_INSTANCE_MODE;
    this.toolchain = options.toolchain ?? SECRET_TOOLCHAIN;
    this.metering = options.metering ?? true;
    if (this.metering && this.toolchain.instrument === undefined) {
      throw new VmError('Compile', ENCLAVE_ERROR.gasInjection, {
        detail: 'toolchain has no instrumentation',
      });
    }
    this.cache = new ModuleCache(options.cacheSize ?? DEFAULT_MODULE_CACHE_SIZE);
    this.cacheKeySuffix = `:${this.gasConfig.name}:${this.gasConfig.instructionCosts.version}:${this.metering ? 'm' : 'u'}`;
  }

  /** Static checks for a phase; throws VmError('StaticValidation') with Secret's message. */
  checkCode(wasm: Uint8Array, phase: CheckPhase): CodeInfo {
    return this.toolchain.checkWasm(wasm, phase);
  }

  /**
   * Cache statistics (for embedders' metrics). `instancesCreated`: engine instances made (a module whose warm-up
   * fails costs one extra, once); `instancesReused`: calls served by a restored idle instance; `instancesDiscarded`
   * (reuse mode): instances dropped after a call because they trapped or their memory grew beyond the snapshot.
   */
  cacheStats(): {
    size: number;
    capacity: number;
    hits: number;
    misses: number;
    instancesCreated: number;
    instancesReused: number;
    instancesDiscarded: number;
  } {
    const c = this.cache;
    return {
      size: c.size,
      capacity: c.capacity,
      hits: c.hits,
      misses: c.misses,
      instancesCreated: this.instancesCreated,
      instancesReused: this.instancesReused,
      instancesDiscarded: this.instancesDiscarded,
    };
  }

  /** Drops every compiled module and idle instance (e.g. to free memory; the next calls recompile). */
  clearCache(): void {
    this.cache.clear();
  }

  /** Cache key of `codeHash` (32 bytes, validated): hex + {@link cacheKeySuffix}. */
  private keyFor(codeHash: Uint8Array): string {
    const last = this.lastHash;
    if (this.lastKey !== undefined) {
      let same = true;
      for (let i = 0; i < 32; i++) {
        if (last[i] !== codeHash[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.lastKey;
    }
    const hex = Buffer.from(codeHash.buffer, codeHash.byteOffset, codeHash.byteLength).toString('hex');
    last.set(codeHash);
    this.lastKey = hex + this.cacheKeySuffix;
    return this.lastKey;
  }

  /** Compiles (or fetches from cache) the module for `codeHash`. */
  private entryFor(codeHash: Uint8Array, wasm: Uint8Array): CacheEntry {
    const key = this.keyFor(codeHash);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const hex = key.slice(0, 64);
    const info = this.toolchain.checkWasm(wasm, 'execute');
    let bytes = wasm;
    let globals: InstrumentationGlobals | undefined;
    if (this.metering) {
      const out = this.toolchain.instrument!(wasm, this.gasConfig);
      bytes = out.bytes;
      globals = out.globals;
    }
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(bytes);
    } catch (err) {
      throw new VmError('Compile', ENCLAVE_ERROR.invalidWasm, { cause: err, detail: String(err) });
    }
    const compiled: CompiledContract = {
      codeHashHex: hex,
      module,
      apiVersion: info.apiVersion,
      requiresRandom: info.requiresRandom,
      hasFloats: info.hasFloats,
      globals,
      // Only instrumented modules re-export every mutable global (e.g. __stack_pointer); without that an
      // instance cannot be proven reset, so unmetered modules always run on fresh instances.
      reusable: globals?.mutableGlobalPrefix !== undefined,
    };
    return this.cache.set(key, compiled);
  }

  /**
   * A new instance in the canonical state (see the consensus rule at {@link ContractInstance.warmUp}): warmed, or
   * pristine if the module's warm-up fails. The first instance of a module decides which; a later instance whose
   * warm-up disagrees means the engine misbehaved, and the call fails rather than run from another state.
   */
  private newInstance(compiled: CompiledContract): ContractInstance {
    const inst = ContractInstance.create(compiled, this.gasConfig);
    this.instancesCreated++;
    if (compiled.warmState === 'pristine') return inst;
    if (inst.warmUp()) {
      compiled.warmState = 'warm';
      return inst;
    }
    if (compiled.warmState === 'warm') {
      throw new VmError('Instantiation', ENCLAVE_ERROR.failedFunctionCall, {
        detail: 'instance warm-up failed although it succeeded for an earlier instance of the same module',
      });
    }
    compiled.warmState = 'pristine';
    const pristine = ContractInstance.create(compiled, this.gasConfig);
    this.instancesCreated++;
    return pristine;
  }

  private acquire(entry: CacheEntry): ContractInstance {
    if (this.instanceMode === 'reuse' && entry.idle !== undefined) {
      const inst = entry.idle;
      entry.idle = undefined;
      this.instancesReused++;
      return inst;
    }
    const inst = this.newInstance(entry.compiled);
    if (this.instanceMode === 'reuse' && entry.compiled.reusable && entry.compiled.snapshot === undefined) {
      entry.compiled.snapshot = inst.snapshot();
    }
    return inst;
  }

  private release(entry: CacheEntry, inst: ContractInstance): void {
    const snap = entry.compiled.snapshot;
    if (this.instanceMode !== 'reuse' || snap === undefined || entry.idle !== undefined) return;
    if (inst.restore(snap)) entry.idle = inst;
    else this.instancesDiscarded++;
  }

  /**
   * Runs one entry point. Contract errors come back as `result.error`; traps, out-of-gas, invalid memory access,
   * writes during queries and backend failures throw a {@link VmError} (OutOfGasError with `gasUsed` = limit).
   */
  call(req: CallRequest): CallOutcome {
    validateRequest(req);
    let entry: CacheEntry;
    let inst: ContractInstance;
    try {
      entry = this.entryFor(req.codeHash, req.wasm);
      if (req.entry === 'instantiate' && entry.compiled.hasFloats) {
        throw new VmError('StaticValidation', ENCLAVE_ERROR.wasmModuleWithFp);
      }
      inst = this.acquire(entry);
    } catch (err) {
      // Nothing ran: no gas was used.
      const error = toVmError(err);
      error.gasUsed = 0n;
      throw error;
    }
    const compiled = entry.compiled;
    const gasLimit = req.gasLimit > MAX_WASM_GAS ? MAX_WASM_GAS : req.gasLimit < 0n ? 0n : req.gasLimit;
    // Only a collecting call gets its own array; others share the frozen empty one (nothing is ever pushed to it).
    const debugLogs: string[] = req.debug === true ? [] : NO_DEBUG_LOGS;
    const sink =
      typeof req.debug === 'function'
        ? req.debug
        : req.debug === true
          ? (m: string): void => {
              debugLogs.push(m);
            }
          : undefined;
    const env = inst.env;
    env.startCall({
      backend: req.backend,
      readonly: req.entry === 'query',
      queryDepth: req.env.queryDepth ?? 1,
      gasLimit,
      debug: sink,
    });
    try {
      const { result, resultBytes } = callEntry(inst, req.entry, {
        env: req.env,
        info: req.info,
        msg: req.msg,
        codeHashHex: compiled.codeHashHex,
      });
      let gasUsed = env.gasUsed();
      const pseudo = env.writePseudoGas;
      if (REFUNDS_WRITE_PSEUDO_GAS.has(req.entry)) gasUsed = gasUsed > pseudo ? gasUsed - pseudo : 0n;
      const outcome: CallOutcome = {
        result,
        resultBytes,
        gasUsed,
        gasUsedExternally: env.externallyUsed,
        writePseudoGas: pseudo,
        apiVersion: compiled.apiVersion,
        debugLogs,
      };
      env.endCall();
      this.release(entry, inst);
      return outcome;
    } catch (err) {
      inst.poisoned = true;
      if (this.instanceMode === 'reuse') this.instancesDiscarded++;
      const reason = inst.trapReason();
      const spent = env.gasUsed();
      env.endCall();
      let error: VmError;
      if (reason === 1 || env.hostOutOfGas || err instanceof OutOfGasError) {
        error = new OutOfGasError(gasLimit, ENCLAVE_ERROR.outOfGas, { cause: err });
      } else if (reason === 2) {
        error = new VmError('StackOverflow', ENCLAVE_ERROR.stackOverflow, { cause: err });
        error.gasUsed = spent;
      } else {
        error = toVmError(err);
        error.gasUsed = spent;
      }
      throw error;
    }
  }
}

/** Caller bugs are TypeErrors, thrown before anything runs (never dressed up as contract or VM failures). */
function validateRequest(req: CallRequest): void {
  if (!(req.codeHash instanceof Uint8Array) || req.codeHash.length !== 32) {
    throw new TypeError('codeHash expected Uint8Array of length 32');
  }
  if (!(req.wasm instanceof Uint8Array)) throw new TypeError('wasm expected Uint8Array');
  if (!(req.msg instanceof Uint8Array)) throw new TypeError('msg expected Uint8Array');
  if (typeof req.gasLimit !== 'bigint') throw new TypeError('gasLimit expected bigint');
  if ((req.entry === 'instantiate' || req.entry === 'execute') && req.info === undefined) {
    throw new TypeError(`info (sender, funds) is required for ${req.entry}`);
  }
}
