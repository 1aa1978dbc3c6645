/**
 * One live contract instance: the engine instance, its Environment (imports), the instrumentation globals, and
 * the machinery to reset a used instance to its pristine state so it can serve another call.
 */
import type { ApiVersion, Backend } from './backend.js';
import { Environment } from './environment.js';
import { ENCLAVE_ERROR, toVmError, VmError } from './errors.js';
import type { GasConfig } from './gas.js';
import { buildImports } from './imports/index.js';
import { WARMUP_GAS_BUDGET, WASM_PAGE_SIZE } from './limits.js';
import { DirtyMarks, trackHostWrites } from './memory.js';
import { dirtySplit } from './wasm/instrument.js';

/** Export names of the globals the instrumentation adds (see src/runtime/wasm/ INSTRUMENT_GLOBALS). */
export interface InstrumentationGlobals {
  /** i64 wasm gas left; set before a call, read after. */
  readonly gasRemaining: string;
  /** i32: 0 no instrumentation trap, 1 out of gas, 2 stack limit. */
  readonly trapReason: string;
  /** i32 stack slots in use; 0 before every top-level export call. */
  readonly stackUsed: string;
  /**
   * i32 (as u32) lowest memory address written since the host last set it to 0xFFFFFFFF (every guest store and
   * bulk memory op lowers it). With it, {@link ContractInstance.restore} rewrites memory only from there up.
   */
  readonly dirtyLow?: string | undefined;
  /**
   * i32 (as u32) highest address written below the split ({@link dirtySplit} of the initial memory) and at or above
   * it, since the host last set them to 0 (0xFFFFFFFF after a bulk memory op). With them, restore rewrites only
   * `[dirtyLow, dirtyHigh + 8)` and `[split, dirtyHeapHigh + 8)`; without them, everything from `dirtyLow` up.
   */
  readonly dirtyHigh?: string | undefined;
  readonly dirtyHeapHigh?: string | undefined;
  /**
   * Prefix under which every other mutable global (e.g. Rust's `__stack_pointer`) is re-exported. Without it an
   * instance cannot be proven reset, so reuse is disabled for the module.
   */
  readonly mutableGlobalPrefix?: string | undefined;
}

/** A compiled, cached contract module and what the runtime knows about it. */
export interface CompiledContract {
  readonly codeHashHex: string;
  readonly module: WebAssembly.Module;
  readonly apiVersion: ApiVersion;
  readonly requiresRandom: boolean;
  readonly hasFloats: boolean;
  /** Instrumentation globals, or undefined when the module runs unmetered. */
  readonly globals: InstrumentationGlobals | undefined;
  /** Whether a used instance can be restored to pristine (all mutable globals reachable). */
  readonly reusable: boolean;
  /**
   * Outcome of the canonical warm-up for this module ({@link ContractInstance.warmUp}), learned from its first
   * instance: `'warm'` = every instance is warmed, `'pristine'` = warm-up failed, instances start un-warmed.
   */
  warmState?: WarmState | undefined;
  /** Canonical (warmed or pristine) state, captured from the first instance (reuse mode). */
  snapshot?: InstanceSnapshot | undefined;
}

/** How a module's instances start: after the canonical warm-up, or (warm-up failed) right after instantiation. */
export type WarmState = 'warm' | 'pristine';

function refuse(): never {
  throw new VmError('Backend', ENCLAVE_ERROR.ocallError, {
    detail: 'no backend during the instance warm-up',
  });
}

/** The warm-up's backend: every storage, address and query request fails (the warm-up must not see chain state). */
const WARMUP_BACKEND: Backend = Object.freeze({
  storage: { get: refuse, set: refuse, remove: refuse },
  api: { canonicalizeAddress: refuse, humanizeAddress: refuse },
  querier: { query: refuse },
});

/**
 * Memory and mutable global values of the canonical state. Memory is stored as its length plus a copy of its bytes
 * from the first non-zero chunk up (`image`): everything below is zero, and for a Rust contract that is its 1 MiB
 * stack region, so the copy is the data and heap pages only. Restoring a range is then one zero fill below
 * `imageStart` and one copy from the image above it. `segments` (views into the image) and `zeroRanges` describe
 * the same bytes chunk by chunk.
 */
export interface InstanceSnapshot {
  readonly memoryBytes: number;
  readonly segments: readonly { readonly offset: number; readonly bytes: Uint8Array }[];
  /** `[start, end)` byte ranges that are zero in the snapshot: the complement of `segments`. */
  readonly zeroRanges: readonly (readonly [number, number])[];
  /** Offset of the first non-zero chunk (`memoryBytes` if none): every byte below it is zero. */
  readonly imageStart: number;
  /** The snapshot's bytes `[imageStart, memoryBytes)`. */
  readonly image: Uint8Array;
  readonly globals: readonly (number | bigint)[];
}

/** Granularity of the non-zero scan of a snapshot. */
const SNAPSHOT_CHUNK = 4096;

function nonZeroSegments(mem: Uint8Array): { offset: number; bytes: Uint8Array }[] {
  const out: { offset: number; bytes: Uint8Array }[] = [];
  const words = new Uint32Array(mem.buffer, mem.byteOffset, mem.byteLength >>> 2);
  let start = -1;
  for (let chunk = 0; chunk * SNAPSHOT_CHUNK < mem.byteLength; chunk++) {
    let zero = true;
    const end = Math.min(((chunk + 1) * SNAPSHOT_CHUNK) >>> 2, words.length);
    for (let w = (chunk * SNAPSHOT_CHUNK) >>> 2; w < end; w++) {
      if (words[w] !== 0) {
        zero = false;
        break;
      }
    }
    if (!zero && start < 0) start = chunk * SNAPSHOT_CHUNK;
    if (zero && start >= 0) {
      out.push({ offset: start, bytes: mem.slice(start, chunk * SNAPSHOT_CHUNK) });
      start = -1;
    }
  }
  if (start >= 0) out.push({ offset: start, bytes: mem.slice(start) });
  return out;
}

function zeroGaps(
  segments: readonly { readonly offset: number; readonly bytes: Uint8Array }[],
  memoryBytes: number,
): [number, number][] {
  const gaps: [number, number][] = [];
  let at = 0;
  for (const seg of segments) {
    if (seg.offset > at) gaps.push([at, seg.offset]);
    at = seg.offset + seg.bytes.length;
  }
  if (at < memoryBytes) gaps.push([at, memoryBytes]);
  return gaps;
}

type Fn = (...args: number[]) => unknown;

/** A live instance bound to its own Environment. */
export class ContractInstance {
  readonly env: Environment;
  readonly memory: WebAssembly.Memory;
  private readonly exportsObj: WebAssembly.Exports;
  private readonly gasGlobal: WebAssembly.Global | undefined;
  private readonly trapGlobal: WebAssembly.Global | undefined;
  private readonly stackGlobal: WebAssembly.Global | undefined;
  private readonly dirtyGlobal: WebAssembly.Global | undefined;
  private readonly dirtyHighGlobal: WebAssembly.Global | undefined;
  private readonly dirtyHeapGlobal: WebAssembly.Global | undefined;
  /** {@link dirtySplit} of this instance's initial memory. */
  private readonly dirtySplitBytes: number;
  /** The marks as host writes see them (memory.ts), when the module tracks stores. */
  private readonly dirtyMarks: DirtyMarks | undefined;
  private readonly stateGlobals: WebAssembly.Global[];
  /** A view of `memory.buffer` for {@link restore}, made again only after memory grew (detaching the old buffer). */
  private bytes: Uint8Array;
  /** Set after a trap or any failed call: the instance must not serve another call. */
  poisoned = false;

  private constructor(
    readonly compiled: CompiledContract,
    instance: WebAssembly.Instance,
    env: Environment,
  ) {
    this.env = env;
    this.exportsObj = instance.exports;
    const memory = this.exportsObj['memory'];
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new VmError('Instantiation', ENCLAVE_ERROR.cannotInitializeWasmMemory, {
        detail: "Could not get memory 'memory'",
      });
    }
    this.memory = memory;
    this.bytes = new Uint8Array(memory.buffer);
    const g = compiled.globals;
    const global = (name: string | undefined): WebAssembly.Global | undefined => {
      const v = name === undefined ? undefined : this.exportsObj[name];
      return v instanceof WebAssembly.Global ? v : undefined;
    };
    this.gasGlobal = global(g?.gasRemaining);
    this.trapGlobal = global(g?.trapReason);
    this.stackGlobal = global(g?.stackUsed);
    this.dirtyGlobal = global(g?.dirtyLow);
    this.dirtyHighGlobal = global(g?.dirtyHigh);
    this.dirtyHeapGlobal = global(g?.dirtyHeapHigh);
    // Right after instantiation the memory has its initial size, the instrumenter's split (no start function).
    this.dirtySplitBytes = dirtySplit(memory.buffer.byteLength / WASM_PAGE_SIZE);
    if (this.dirtyGlobal !== undefined) {
      this.dirtyMarks = new DirtyMarks(
        this.dirtyGlobal,
        this.dirtyHighGlobal,
        this.dirtyHeapGlobal,
        this.dirtySplitBytes,
      );
      trackHostWrites(memory, this.dirtyMarks);
    }
    const marks = new Set([g?.dirtyLow, g?.dirtyHigh, g?.dirtyHeapHigh]);
    const prefix = g?.mutableGlobalPrefix;
    this.stateGlobals =
      prefix === undefined
        ? []
        : Object.keys(this.exportsObj)
            .filter((k) => k.startsWith(prefix) && !marks.has(k))
            .sort()
            .map((k) => this.exportsObj[k])
            .filter((v): v is WebAssembly.Global => v instanceof WebAssembly.Global);
    const alloc = this.fn('allocate');
    const dealloc = this.fn('deallocate');
    env.bind({
      memory,
      allocate: (size) => Number(alloc?.(size) ?? missing('allocate')),
      deallocate: (ptr) => {
        (dealloc ?? missing('deallocate'))(ptr);
      },
      gasRemaining: this.gasGlobal,
    });
  }

  /** Instantiates `compiled` with a fresh Environment and import table. */
  static create(compiled: CompiledContract, gasConfig: GasConfig): ContractInstance {
    const env = new Environment(compiled.apiVersion, gasConfig);
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(compiled.module, buildImports(compiled.apiVersion, env));
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const display = /memory/i.test(msg)
        ? ENCLAVE_ERROR.cannotInitializeWasmMemory
        : ENCLAVE_ERROR.invalidWasm;
      throw new VmError('Instantiation', display, {
        cause: err,
        detail: `Error instantiating module: ${msg}`,
      });
    }
    return new ContractInstance(compiled, instance, env);
  }

  /** An exported function, or undefined. */
  fn(name: string): Fn | undefined {
    const f = this.exportsObj[name];
    return typeof f === 'function' ? (f as Fn) : undefined;
  }

  /** Whether the instance is metered by instrumentation. */
  get metered(): boolean {
    return this.gasGlobal !== undefined;
  }

  /** Clears the instrumentation's per-call trap/stack state (before a top-level call). */
  clearTrapState(): void {
    if (this.trapGlobal !== undefined) this.trapGlobal.value = 0;
    if (this.stackGlobal !== undefined) this.stackGlobal.value = 0;
  }

  /** 0 none, 1 out of gas, 2 stack limit. */
  trapReason(): number {
    return this.trapGlobal === undefined ? 0 : (this.trapGlobal.value as number);
  }

  /**
   * CONSENSUS RULE — the canonical instance state. Every instance, in both instance modes and on every node, starts
   * a call from the state reached by: instantiate; run `deallocate(allocate(1))` with a fixed budget of
   * {@link WARMUP_GAS_BUDGET} wasm gas that is charged to no caller, as a read-only call whose backend refuses every
   * storage / address / query request; then reset the instrumentation globals (gas_remaining 0, trap_reason 0,
   * stack_used 0). Rust's dlmalloc grows memory on its first allocation; doing that once here means a call's own
   * allocations normally fit, so a used instance can be reset from a snapshot instead of replaced (spec
   * performance-limits.md, "Do not create a fresh instance per tx"). Gas of a call therefore excludes the
   * allocator's first `memory.grow`.
   *
   * If the warm-up fails — no `allocate`/`deallocate` export, `allocate` returns 0, a trap, out of the budget, a
   * host import that fails — the module's instances start pristine instead (the caller creates a new instance;
   * this one is poisoned). The outcome depends only on the module, so every node decides it alike.
   *
   * @returns true if warmed; false on a deterministic failure (instance poisoned).
   * @throws VmError for failures of the engine itself (e.g. JS stack exhaustion), which must not decide the rule.
   */
  warmUp(): boolean {
    const alloc = this.fn('allocate');
    const dealloc = this.fn('deallocate');
    if (alloc === undefined || dealloc === undefined || alloc.length !== 1 || dealloc.length !== 1) {
      this.poisoned = true;
      return false;
    }
    const env = this.env;
    env.startCall({ backend: WARMUP_BACKEND, readonly: true, queryDepth: 1, gasLimit: WARMUP_GAS_BUDGET });
    try {
      this.clearTrapState();
      const ptr = env.allocate(1);
      this.clearTrapState();
      env.deallocate(ptr);
    } catch (err) {
      this.poisoned = true;
      if (err instanceof VmError || err instanceof WebAssembly.RuntimeError) return false;
      throw toVmError(err);
    } finally {
      env.endCall();
    }
    env.setGasRemaining(0n);
    this.clearTrapState();
    // Memory is now canonical: nothing is dirty with respect to the snapshot.
    this.clearDirty();
    return true;
  }

  /** Marks all of memory as matching the canonical state (dirty low back to 0xFFFFFFFF, highs to 0). */
  private clearDirty(): void {
    this.dirtyMarks?.clear();
  }

  /** Captures memory and mutable globals (call right after instantiation and warm-up). */
  snapshot(): InstanceSnapshot {
    const mem = new Uint8Array(this.memory.buffer);
    const chunks = nonZeroSegments(mem);
    const imageStart = chunks[0]?.offset ?? mem.byteLength;
    const image = mem.slice(imageStart);
    const segments = chunks.map(({ offset, bytes }) => ({
      offset,
      bytes: image.subarray(offset - imageStart, offset - imageStart + bytes.length),
    }));
    this.clearDirty();
    return {
      memoryBytes: mem.byteLength,
      segments,
      zeroRanges: zeroGaps(segments, mem.byteLength),
      imageStart,
      image,
      globals: this.stateGlobals.map((g) => g.value as number | bigint),
    };
  }

  /**
   * Restores a pristine snapshot. Returns false (and the caller must discard the instance) when the instance is
   * poisoned or its memory grew beyond the snapshot: memory cannot shrink, so it could never look fresh again.
   *
   * With the instrumentation's dirty marks only `[dirty_low, dirty_high + 8)` and `[split, dirty_heap_high + 8)`
   * are rewritten: for a Rust contract the stack just below the data, the data, and the first grown pages the
   * allocator used (otherwise a 1 MiB memset per call, and ~130 KiB with the low mark alone). Exact: the instance
   * matched the snapshot when the marks were last cleared (warm-up, snapshot, previous restore), and since then
   * every guest store moved them over its address (a store writes at most 8 bytes from it), every bulk memory op
   * set them to "all of memory", and every host Region write (memory.ts) over the bytes it wrote; `memory.grow`
   * makes the size check above fail. Whoever writes into `memory.buffer` by other means must restore another way.
   * Without the marks (modules not instrumented for them) all of memory is rewritten.
   */
  restore(snap: InstanceSnapshot): boolean {
    if (this.poisoned || !this.compiled.reusable) return false;
    let mem = this.bytes;
    // growing memory detaches the old buffer: an empty view is stale (and the size check below then fails)
    if (mem.length === 0) {
      mem = new Uint8Array(this.memory.buffer);
      this.bytes = mem;
    }
    const size = mem.length;
    if (size !== snap.memoryBytes) return false;
    if (this.dirtyGlobal === undefined) {
      restoreRange(mem, snap, 0, size, LOW_VIEWS);
    } else {
      const low = (this.dirtyGlobal.value as number) >>> 0;
      const hi = this.dirtyHighGlobal;
      const heap = this.dirtyHeapGlobal;
      if (hi === undefined || heap === undefined) {
        restoreRange(mem, snap, low, size, LOW_VIEWS);
      } else {
        // A store writes at most 8 bytes from its address: each high mark bounds its part up to mark + 8.
        const split = this.dirtySplitBytes;
        const high = ((hi.value as number) >>> 0) + 8;
        const heapHigh = ((heap.value as number) >>> 0) + 8;
        restoreRange(mem, snap, low, high < size ? high : size, LOW_VIEWS);
        restoreRange(mem, snap, low > split ? low : split, heapHigh < size ? heapHigh : size, HEAP_VIEWS);
      }
    }
    for (let i = 0; i < this.stateGlobals.length; i++) this.stateGlobals[i]!.value = snap.globals[i]!;
    // trap_reason and stack_used need no reset here: callRaw clears them before every call.
    this.clearDirty();
    return true;
  }
}

/**
 * Rewrites bytes `[from, to)` of `mem` (same size as the snapshot) with the snapshot's: zeros below its image, the
 * image's bytes from there. Empty when `from >= to`.
 */
function restoreRange(
  mem: Uint8Array,
  snap: InstanceSnapshot,
  from: number,
  to: number,
  slot: ImageViews,
): void {
  if (from >= to) return;
  const start = snap.imageStart;
  if (from < start) mem.fill(0, from, to < start ? to : start);
  if (to > start) {
    const a = from > start ? from : start;
    mem.set(slot.view(snap.image, a - start, to - start), a);
  }
}

/**
 * The last view of a snapshot image one of restore's two ranges used: consecutive calls of a contract mostly dirty
 * the same ranges, and the image never changes, so the view is reused instead of made again per restore.
 */
class ImageViews {
  private image: Uint8Array | undefined;
  private from = 0;
  private to = 0;
  private last: Uint8Array = new Uint8Array(0);

  view(image: Uint8Array, from: number, to: number): Uint8Array {
    if (image !== this.image || from !== this.from || to !== this.to) {
      this.image = image;
      this.from = from;
      this.to = to;
      this.last = image.subarray(from, to);
    }
    return this.last;
  }
}

/** One per range restore rewrites (below and above the split). */
const LOW_VIEWS = new ImageViews();
const HEAP_VIEWS = new ImageViews();

function missing(name: string): never {
  throw new VmError('MissingExport', ENCLAVE_ERROR.failedFunctionCall, { detail: `Missing export ${name}` });
}
