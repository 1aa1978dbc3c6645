/**
 * Bytecode instrumentation for deterministic execution on the JS engine's WebAssembly: gas metering per basic
 * block, a memory.grow price and cap, and a deterministic call-stack limit. Function indices never change: the
 * module gains only globals, exports, types and helper functions appended after the existing ones.
 *
 * Gas (spec secret-compute.md §3.6): the body of every function is cut into straight-line segments; code
 * injected at the start of a segment subtracts the segment's whole cost from `gas_remaining` before it runs and,
 * if that went negative, sets `gas_remaining = 0`, `trap_reason = 1` and traps. A segment starts at function entry
 * and after `loop`, `if`, `else`, `br`, `br_if`, `br_table`, `return`, `unreachable`, and after the `end` of an
 * `if` or of a `block` that some branch targets (an untargeted if/else instead charges its `end` in the last
 * segment of each arm, and the segment holding an `if` prepays the cheaper of its two arms' first segments).
 * Every executed instruction is charged exactly once, including `else`/`end` reached by a
 * branch; the function's final `end` is charged once per call, at entry (cross-checked against an independent
 * counter in test/runtime/wasm/gas-exactness.test.ts). With a cost
 * table whose `placement` is `'accounting'`, checks are instead placed exactly as wasmer's metering middleware
 * places them for cosmwasm-vm (cosmwasm-abi.md §4.3), so CosmWasm gas figures are reproduced.
 *
 * Stack (cosmwasm-abi.md §8 "Deep recursion"): every function has a weight in 8-byte slots,
 * `FRAME_OVERHEAD_SLOTS + 2 × params + locals + max operand stack height` (params twice: V8 keeps them both in
 * the caller's outgoing-argument area and in the callee's spill slots). Entry adds it to `stack_used` after
 * checking it fits in `maxStackSlots` (else `trap_reason = 2` and trap); every exit restores the entry value
 * (saved in a local): the original body is wrapped in a block so branches to the function label fall into the
 * epilogue, and `return` gets the restore in front of it. The host sets `stack_used = 0` before each export call (a trap leaves it dirty).
 * Leaf functions (no calls) of weight ≤ `LEAF_FREE_SLOTS` are not counted: they cannot recurse.
 *
 * Dirty memory (for instance reuse): every store to effective address `ea = addr + offset` first does
 * `if (ea <u dirty_low) dirty_low = ea & -G`, then, with `split` = the module's initial memory size
 * ({@link dirtySplit}), `if (ea <u split) { if (ea >u dirty_high) dirty_high = ea | (G - 1) } else if
 * (ea >u dirty_heap_high) dirty_heap_high = ea | (G - 1)`, G = DIRTY_MARK_GRANULE (so the marks move rarely);
 * every memory.fill / memory.copy / memory.init sets `dirty_low = 0` and both highs to 0xFFFFFFFF. So since the
 * host last cleared the marks (low 0xFFFFFFFF, highs 0) the guest wrote only inside
 * `[dirty_low, dirty_high + 8) ∪ [split, dirty_heap_high + 8)` (a store writes at most 8 bytes from `ea`), and a host
 * reusing an instance restores only that: with Rust's layout, the stack just below the data, the data, and the
 * start of the pages the allocator grew, not the untouched rest of the initial memory or of the heap. (A wrapping
 * `addr + offset` is out of bounds: the store traps and the instance is discarded.) This code is not metered, and
 * the scratch locals it needs (an i32 address and one per stored value type) are not part of the stack weight (the
 * V8 headroom this costs is measured in limits.ts). A function too close to V8's locals limit for them gets
 * all of memory marked dirty (as by a bulk operation) before each store instead, and a module where the tracking would push a function body, or the
 * global or export count, past V8's limits is instrumented without it (no `dirty_low` export), so every module that
 * compiled before still does.
 *
 * Gas is cached in an extra i64 local per function: loaded from `gas_remaining` at entry and after every call,
 * stored back before every call, `return` and the function's end, so checks are register arithmetic. An
 * ordinary trap (not out of gas) therefore leaves `gas_remaining` at its value from the last such sync point;
 * deterministic, and contract panics go through the `abort` import (a call) first.
 */
import { VmError } from '../errors.js';
import { FC_BASE, Op } from './code.js';
import { CodeReader } from './code.js';
import type { GasCostTable } from './costs.js';
import { costLookup, FC_OPCODE_COUNT } from './costs.js';
import {
  DIRTY_MARK_GRANULE,
  FRAME_OVERHEAD_SLOTS,
  LEAF_FREE_SLOTS,
  V8_MAX_EXPORTS,
  V8_MAX_FUNCTION_SIZE,
  V8_MAX_GLOBALS,
} from './limits.js';
import type { ParsedModule, SectionRange } from './parse.js';
import { MAX_FUNCTION_LOCALS, parseModule, SectionId, toVmError } from './parse.js';
import { Reader } from './reader.js';
import { ENCLAVE_MEMORY_INIT } from './validate.js';
import { Writer, writeSleb } from './writer.js';

/** Export names of the globals added by {@link instrument}. */
export const INSTRUMENT_GLOBALS = {
  /** i64: wasm gas left. The host sets it before a call and reads it after; host imports subtract from it. */
  gasRemaining: 'gas_remaining',
  /** i32: why the last trap happened, see {@link TrapReason}. The host sets 0 before a call. */
  trapReason: 'trap_reason',
  /** i32: stack slots in use by the stack limiter. The host sets 0 before each export call. */
  stackUsed: 'stack_used',
  /**
   * i32 (read as u32): lowest memory address the guest may have written since the host last set it to
   * 0xFFFFFFFF (its initial value); 0 after a bulk memory operation. A host reusing an instance restores only
   * memory from this address up. Named under {@link mutableGlobalPrefix}, which contracts may not export, so it
   * can only come from the instrumenter; absent when the module is instrumented without store tracking.
   */
  dirtyLow: '__sc_global_dirty_low',
  /**
   * i32 (read as u32): highest effective address below {@link dirtySplit} a guest store used since the host last
   * set it to 0 (its initial value); 0xFFFFFFFF after a bulk memory operation. Present exactly when
   * {@link dirtyLow} is.
   */
  dirtyHigh: '__sc_global_dirty_high',
  /** Like {@link dirtyHigh}, for stores at or above {@link dirtySplit} (the pages `memory.grow` added). */
  dirtyHeapHigh: '__sc_global_dirty_heap_high',
  /**
   * Every mutable global the module defines is also exported as `<prefix><global index>` (e.g. Rust's internal
   * `__stack_pointer` as `__sc_global_0`), so a host reusing an instance can snapshot and restore them
   * ({@link dirtyLow} also carries the prefix but is not module state).
   */
  mutableGlobalPrefix: '__sc_global_',
} as const;

/**
 * Where the store tracking splits memory between `dirty_high` and `dirty_heap_high`: the initial memory size in
 * bytes, for a module whose memory starts with `initialPages` pages (capped below 2^32; any split is exact, this
 * one separates a Rust contract's stack and data from its allocator's grown pages).
 */
export function dirtySplit(initialPages: number): number {
  return Math.min(initialPages, 65_535) * 65_536;
}

/** Values of the `trap_reason` global. */
export const TrapReason = {
  /** No instrumentation trap (an ordinary trap, or no trap). */
  None: 0,
  /** A gas check failed; `gas_remaining` was set to 0. */
  OutOfGas: 1,
  /** A call would have exceeded `maxStackSlots`. */
  StackLimit: 2,
} as const;

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  readonly costs: GasCostTable;
  /** Stack budget per export call, in slots (see limits.ts DEFAULT_MAX_STACK_SLOTS). */
  readonly maxStackSlots: number;
  /** The memory's maximum becomes min(declared maximum, this); initial sizes above it are rejected. */
  readonly maxMemoryPages: number;
}

/**
 * Returns an instrumented copy of `bytes`. Throws `VmError('StaticValidation')` for malformed or unsupported
 * modules, an imported memory, an initial memory above `maxMemoryPages` (`failed to initialize wasm memory`),
 * or exports that collide with {@link INSTRUMENT_GLOBALS}.
 */
export function instrument(bytes: Uint8Array, options: InstrumentOptions): Uint8Array {
  const { maxStackSlots, maxMemoryPages } = options;
  if (!Number.isSafeInteger(maxStackSlots) || maxStackSlots < 1 || maxStackSlots >= 2 ** 31) {
    throw new TypeError(`maxStackSlots must be an integer in [1, 2^31), got ${maxStackSlots}`);
  }
  if (!Number.isSafeInteger(maxMemoryPages) || maxMemoryPages < 0 || maxMemoryPages > 65_536) {
    throw new TypeError(`maxMemoryPages must be an integer in [0, 65536], got ${maxMemoryPages}`);
  }
  const perPage = options.costs.memoryGrowPerPage;
  if (!Number.isSafeInteger(perPage) || perPage < 0 || perPage >= 2 ** 31) {
    throw new TypeError(`memoryGrowPerPage must be an integer in [0, 2^31), got ${perPage}`);
  }
  const costs = costLookup(options.costs);
  const m = parseModule(bytes, { decodeBodies: false });
  try {
    return new Instrumenter(m, costs, maxStackSlots, maxMemoryPages, perPage, options.costs).run();
  } catch (err) {
    throw toVmError(err);
  }
}

// Event kinds recorded while scanning a body, replayed while emitting it.
const EV_GAS = 0;
const EV_RETURN = 1;
const EV_GROW = 2;
const EV_DEAD = 3;
const EV_CALL = 4;
const EV_STORE = 5;
const EV_BULK = 6;

/** Thrown inside {@link Instrumenter} to redo a module without store tracking (never escapes). */
const FUNCTION_TOO_BIG = new Error('function body too large with store tracking');

// Control frame kinds.
const K_BLOCK = 0;
const K_LOOP = 1;
const K_IF = 2;

/** wasmer metering's `is_accounting` operators among those the decoder accepts (cosmwasm-abi.md §4.2). */
const ACCOUNTING = new Uint8Array(256);
for (const op of [
  Op.loop,
  Op.end,
  Op.if,
  Op.else,
  Op.br,
  Op.brIf,
  Op.brTable,
  Op.call,
  Op.callIndirect,
  Op.return,
]) {
  ACCOUNTING[op] = 1;
}

/** Value type stored by opcodes 0x36-0x3e (i32.store … i64.store32), indexed by opcode - 0x36. */
const STORE_VALUE_TYPE = new Uint8Array([0x7f, 0x7e, 0x7d, 0x7c, 0x7f, 0x7f, 0x7e, 0x7e, 0x7e]);

/** Operand stack effect of instructions with a fixed arity: pops and pushes, indexed like the cost lookup. */
const POPS = new Uint8Array(256 + FC_OPCODE_COUNT);
const PUSHES = new Uint8Array(256 + FC_OPCODE_COUNT);
function arity(from: number, to: number, pops: number, pushes: number): void {
  for (let op = from; op <= to; op++) {
    POPS[op] = pops;
    PUSHES[op] = pushes;
  }
}
arity(Op.drop, Op.drop, 1, 0);
arity(Op.select, Op.select, 3, 1);
arity(Op.localGet, Op.localGet, 0, 1);
arity(Op.localSet, Op.localSet, 1, 0);
arity(Op.localTee, Op.localTee, 1, 1);
arity(Op.globalGet, Op.globalGet, 0, 1);
arity(Op.globalSet, Op.globalSet, 1, 0);
arity(0x28, 0x35, 1, 1); // loads
arity(0x36, 0x3e, 2, 0); // stores
arity(Op.memorySize, Op.memorySize, 0, 1);
arity(Op.memoryGrow, Op.memoryGrow, 1, 1);
arity(0x41, 0x44, 0, 1); // consts
arity(0x45, 0x45, 1, 1); // i32.eqz
arity(0x46, 0x4f, 2, 1); // i32 comparisons
arity(0x50, 0x50, 1, 1); // i64.eqz
arity(0x51, 0x66, 2, 1); // i64/f32/f64 comparisons
arity(0x67, 0x69, 1, 1); // i32 clz ctz popcnt
arity(0x6a, 0x78, 2, 1); // i32 binary
arity(0x79, 0x7b, 1, 1); // i64 clz ctz popcnt
arity(0x7c, 0x8a, 2, 1); // i64 binary
arity(0x8b, 0x91, 1, 1); // f32 unary
arity(0x92, 0x98, 2, 1); // f32 binary
arity(0x99, 0x9f, 1, 1); // f64 unary
arity(0xa0, 0xa6, 2, 1); // f64 binary
arity(0xa7, 0xc4, 1, 1); // conversions, reinterpretations, sign extension
arity(256, 256 + 7, 1, 1); // trunc_sat
arity(256 + 8, 256 + 8, 3, 0); // memory.init
arity(256 + 10, 256 + 12, 3, 0); // memory.copy, memory.fill, table.init
arity(256 + 14, 256 + 14, 3, 0); // table.copy

/** Position of a non-custom section id in the binary order (data count sits between element and code). */
function sectionRank(id: number): number {
  return id === SectionId.dataCount ? 9.5 : id;
}

/** Emits `i32.const off; i32.add` (nothing for offset 0): the store's effective address from its base. */
function addOffset(out: Writer, off: number): void {
  if (off === 0) return;
  out.u8(Op.i32Const);
  out.sleb(off);
  out.u8(Op.i32Add);
}

class Instrumenter {
  private readonly bytes: Uint8Array;
  private readonly nParams: Int32Array;
  private readonly nResults: Int32Array;
  private readonly newTypes: Uint8Array[] = [];
  private readonly wrapperTypeIndex = new Map<number, number>();
  private readonly gGas: number;
  private readonly gTrap: number;
  private readonly gStack: number;
  private readonly gDirty: number;
  private readonly gDirtyHigh: number;
  private readonly gDirtyHeap: number;
  /** {@link dirtySplit} of the module's memory (0 without memory: then no store validates anyway). */
  private readonly split: number;
  private readonly fOog: number;
  private readonly fStackOverflow: number;
  private readonly fGrow: number;
  private readonly tVoid: number;
  private readonly tGrow: number;
  private readonly growChargeTail: Uint8Array;
  // Scratch state reused across function bodies.
  private evPos = new Int32Array(1024);
  private evKind = new Uint8Array(1024);
  private evVal = new Float64Array(1024);
  private evCount = 0;
  private ctrlKind = new Uint8Array(64);
  private ctrlBase = new Int32Array(64);
  private ctrlResults = new Int32Array(64);
  private ctrlTargeted = new Uint8Array(64);
  private ctrlParams = new Int32Array(64);
  /** For an `if` whose `else` was seen: the event of the then-arm's last segment; -1 otherwise. */
  private ctrlThenEv = new Int32Array(64);
  /** For an `if`: the segment holding the `if` and the first segments of its then and else arms. */
  private ctrlPreEv = new Int32Array(64);
  private ctrlThenFirst = new Int32Array(64);
  private ctrlElseFirst = new Int32Array(64);
  /** Index of the i64 local caching `gas_remaining` in the function being emitted. */
  private gasLocal = 0;
  /** Value types stored by the function being emitted: bit `0x7f - type` (i32 0, i64 1, f32 2, f64 3). */
  private storedTypes = 0;
  /** Local index of the store tracking's scratch value local per value type (same bit order); -1 if none. */
  private readonly storeValueLocal = new Int32Array(4);
  /**
   * The function being emitted is too close to V8's locals limit for the scratch locals: its stores set
   * all marks to "everything dirty" instead (exact, only a full restore for such a module), so it still compiles as before.
   */
  private storesMarkAll = false;
  /** Whether stores are tracked at all (false only for modules where it would exceed V8's function size). */
  private trackStores = true;

  constructor(
    private readonly m: ParsedModule,
    private readonly costs: Uint32Array,
    private readonly maxStackSlots: number,
    private readonly maxMemoryPages: number,
    private readonly growPerPage: number,
    private readonly table: GasCostTable,
  ) {
    this.bytes = m.bytes;
    const nTypes = m.types.length;
    this.nParams = new Int32Array(nTypes);
    this.nResults = new Int32Array(nTypes);
    m.types.forEach((t, i) => {
      this.nParams[i] = t.params.length;
      this.nResults[i] = t.results.length;
    });
    this.gGas = m.globalCount;
    this.gTrap = m.globalCount + 1;
    this.gStack = m.globalCount + 2;
    this.gDirty = m.globalCount + 3;
    this.gDirtyHigh = m.globalCount + 4;
    this.gDirtyHeap = m.globalCount + 5;
    this.split = dirtySplit(m.memories[0]?.min ?? 0);
    const nFuncs = m.funcTypes.length;
    this.fOog = nFuncs;
    this.fStackOverflow = nFuncs + 1;
    this.fGrow = nFuncs + 2;
    this.tVoid = this.addType(new Uint8Array([0x60, 0, 0]));
    this.tGrow = this.addType(new Uint8Array([0x60, 1, 0x7f, 1, 0x7f]));
    // Multi-value functions need a `() -> results` type for their wrapper block; add them before any section
    // is written, so the code section can be emitted in place.
    for (let f = m.importedFuncCount; f < nFuncs; f++) {
      const t = m.funcTypes[f] as number;
      if ((this.nResults[t] as number) > 1) this.resultsOnlyType(t);
    }
    // Tail of the global-based charge used by the memory.grow helper: `gas -= <top of stack>; if gas < 0 oog`.
    const s = new Writer(32);
    s.u8(Op.i64Sub);
    s.u8(Op.globalSet);
    s.u32(this.gGas);
    s.u8(Op.globalGet);
    s.u32(this.gGas);
    s.u8(Op.i64Const);
    s.u8(0);
    s.u8(0x53); // i64.lt_s
    s.u8(Op.if);
    s.u8(0x40);
    s.u8(Op.call);
    s.u32(this.fOog);
    s.u8(Op.end);
    this.growChargeTail = s.result().slice();
  }

  private get accounting(): boolean {
    return this.table.placement === 'accounting';
  }

  /** CosmWasm's charge for many declared locals (2.2.9 / 2.3.4 / 3.0.9+), 0 when the table has none. */
  private localsCharge(localCount: number): number {
    const lc = this.table.localsCharge;
    if (lc === undefined || localCount < lc.threshold) return 0;
    return lc.perLocal * (localCount - lc.threshold + 1);
  }

  private addType(encoded: Uint8Array): number {
    this.newTypes.push(encoded);
    return this.m.types.length + this.newTypes.length - 1;
  }

  run(): Uint8Array {
    const m = this.m;
    const r = new Reader(this.bytes);
    if (m.importedMemoryCount > 0) r.fail('instrumentation requires the module to define its own memory', 0);
    const memory = m.memories[0];
    if (memory !== undefined && memory.min > this.maxMemoryPages) {
      throw new VmError('StaticValidation', ENCLAVE_MEMORY_INIT, {
        cause: new Error(`initial memory ${memory.min} pages exceeds ${this.maxMemoryPages}`),
      });
    }
    for (const e of m.exports) {
      const reserved =
        e.name === INSTRUMENT_GLOBALS.gasRemaining ||
        e.name === INSTRUMENT_GLOBALS.trapReason ||
        e.name === INSTRUMENT_GLOBALS.stackUsed ||
        e.name.startsWith(INSTRUMENT_GLOBALS.mutableGlobalPrefix);
      if (reserved) r.fail(`contract export "${e.name}" collides with instrumentation`, 0);
    }
    // The mark is one more global and export: never let it cross V8's count limits where the module fit before.
    const exportsAfter = m.exports.length + 6 + m.definedGlobalMutable.filter((x) => x).length;
    this.trackStores = exportsAfter <= V8_MAX_EXPORTS && m.globalCount + 6 <= V8_MAX_GLOBALS;
    try {
      return this.emitModule();
    } catch (err) {
      if (err !== FUNCTION_TOO_BIG) throw err;
    }
    // Store tracking would push a function past V8's body size limit where the module compiled without it:
    // instrument without it (no `dirty_low`, so hosts restore all of memory) rather than change the verdict.
    this.trackStores = false;
    return this.emitModule();
  }

  private emitModule(): Uint8Array {
    const m = this.m;
    // Instrumented code is typically 1.5-1.8x the input; size for 2x so the buffer never regrows.
    const out = new Writer(2 * this.bytes.length + 4096);
    out.copy(this.bytes, 0, 8);
    const present = new Set(m.sections.map((s) => s.id));
    // Sections this pass must emit even when the input lacks them, listed in binary order.
    const missing = [
      SectionId.type,
      SectionId.function,
      SectionId.global,
      SectionId.export,
      SectionId.code,
    ].filter((id) => !present.has(id));
    const emitMissingBefore = (rank: number): void => {
      while (missing.length > 0 && sectionRank(missing[0] as number) < rank) {
        this.emitSection(out, missing.shift() as number, undefined);
      }
    };
    for (const s of m.sections) {
      if (s.id !== SectionId.custom) emitMissingBefore(sectionRank(s.id));
      this.emitSection(out, s.id, s);
    }
    emitMissingBefore(Infinity);
    // Return the buffer itself when little of it is unused: saves copying megabytes per module.
    return out.pos >= out.buf.length * 0.75 ? out.result() : out.result().slice();
  }

  /** Emits one section: rewritten if instrumentation touches it, else copied verbatim. */
  private emitSection(out: Writer, id: number, s: SectionRange | undefined): void {
    const bytes = this.bytes;
    const appendVec = (extra: number, writeExtra: (w: Writer) => void): void => {
      out.u8(id);
      const sizeAt = out.reserveU32();
      const start = out.pos;
      let count = 0;
      let rest = 0;
      let end = 0;
      if (s !== undefined) {
        const r = new Reader(bytes, s.start, s.end);
        count = r.u32();
        rest = r.pos;
        end = s.end;
      }
      out.u32(count + extra);
      if (s !== undefined) out.copy(bytes, rest, end);
      writeExtra(out);
      out.patchU32(sizeAt, out.pos - start);
    };
    switch (id) {
      case SectionId.type:
        appendVec(this.newTypes.length, (w) => {
          for (const t of this.newTypes) w.bytes(t);
        });
        return;
      case SectionId.function:
        appendVec(3, (w) => {
          w.u32(this.tVoid);
          w.u32(this.tVoid);
          w.u32(this.tGrow);
        });
        return;
      case SectionId.global:
        appendVec(this.trackStores ? 6 : 3, (w) => {
          w.bytes(new Uint8Array([0x7e, 0x01, Op.i64Const, 0x00, Op.end]));
          w.bytes(new Uint8Array([0x7f, 0x01, Op.i32Const, 0x00, Op.end]));
          w.bytes(new Uint8Array([0x7f, 0x01, Op.i32Const, 0x00, Op.end]));
          if (this.trackStores) {
            w.bytes(new Uint8Array([0x7f, 0x01, Op.i32Const, 0x7f, Op.end])); // dirty_low = -1
            w.bytes(new Uint8Array([0x7f, 0x01, Op.i32Const, 0x00, Op.end])); // dirty_high = 0
            w.bytes(new Uint8Array([0x7f, 0x01, Op.i32Const, 0x00, Op.end])); // dirty_heap_high = 0
          }
        });
        return;
      case SectionId.export: {
        const entries: [string, number][] = [
          [INSTRUMENT_GLOBALS.gasRemaining, this.gGas],
          [INSTRUMENT_GLOBALS.trapReason, this.gTrap],
          [INSTRUMENT_GLOBALS.stackUsed, this.gStack],
        ];
        if (this.trackStores) {
          entries.push([INSTRUMENT_GLOBALS.dirtyLow, this.gDirty]);
          entries.push([INSTRUMENT_GLOBALS.dirtyHigh, this.gDirtyHigh]);
          entries.push([INSTRUMENT_GLOBALS.dirtyHeapHigh, this.gDirtyHeap]);
        }
        this.m.definedGlobalMutable.forEach((mutable, i) => {
          const index = this.m.importedGlobalCount + i;
          if (mutable) entries.push([INSTRUMENT_GLOBALS.mutableGlobalPrefix + String(index), index]);
        });
        appendVec(entries.length, (w) => {
          for (const [name, index] of entries) {
            const encoded = new TextEncoder().encode(name);
            w.u32(encoded.length);
            w.bytes(encoded);
            w.u8(3); // global
            w.u32(index);
          }
        });
        return;
      }
      case SectionId.memory: {
        out.u8(id);
        const sizeAt = out.reserveU32();
        const start = out.pos;
        out.u32(this.m.memories.length);
        for (const mem of this.m.memories) {
          out.u8(1);
          out.u32(mem.min);
          out.u32(Math.min(mem.max ?? this.maxMemoryPages, this.maxMemoryPages));
        }
        out.patchU32(sizeAt, out.pos - start);
        return;
      }
      case SectionId.code: {
        out.u8(id);
        const sizeAt = out.reserveU32();
        const start = out.pos;
        this.codeSection(out);
        out.patchU32(sizeAt, out.pos - start);
        return;
      }
      default:
        if (s !== undefined) out.copy(bytes, s.headerStart, s.end);
    }
  }

  /** Writes the payload of the new code section: rewritten bodies followed by the helper functions. */
  private codeSection(out: Writer): void {
    const m = this.m;
    out.u32(m.bodies.length + 3);
    const reader = new CodeReader(this.bytes, 0, 0, m.types.length);
    for (let i = 0; i < m.bodies.length; i++) {
      this.body(reader, i, out);
    }
    this.helpers(out);
  }

  private helpers(out: Writer): void {
    const body = (emit: (w: Writer) => void): void => {
      const w = new Writer(64);
      emit(w);
      out.u32(w.pos);
      out.bytes(w.result());
    };
    // out_of_gas: gas_remaining = 0; trap_reason = 1; unreachable
    body((w) => {
      w.u8(0); // no locals
      w.u8(Op.i64Const);
      w.u8(0);
      w.u8(Op.globalSet);
      w.u32(this.gGas);
      w.u8(Op.i32Const);
      w.u8(1);
      w.u8(Op.globalSet);
      w.u32(this.gTrap);
      w.u8(Op.unreachable);
      w.u8(Op.end);
    });
    // stack_overflow: trap_reason = 2; unreachable
    body((w) => {
      w.u8(0);
      w.u8(Op.i32Const);
      w.u8(2);
      w.u8(Op.globalSet);
      w.u32(this.gTrap);
      w.u8(Op.unreachable);
      w.u8(Op.end);
    });
    // grow(pages): charge pages * perPage first, then memory.grow
    body((w) => {
      w.u8(0);
      if (this.growPerPage > 0) {
        w.u8(Op.globalGet);
        w.u32(this.gGas);
        w.u8(Op.localGet);
        w.u8(0);
        w.u8(Op.i64ExtendI32U);
        w.u8(Op.i64Const);
        w.sleb(this.growPerPage);
        w.u8(Op.i64Mul);
        w.bytes(this.growChargeTail);
      }
      if (this.m.memories.length === 0) {
        // No memory, so no memory.grow to replace: the helper is never called but must still validate.
        w.u8(Op.unreachable);
      } else {
        w.u8(Op.localGet);
        w.u8(0);
        w.u8(Op.memoryGrow);
        w.u8(0);
      }
      w.u8(Op.end);
    });
  }

  private pushEvent(pos: number, kind: number, val: number): number {
    const i = this.evCount;
    if (i === this.evPos.length) {
      const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.evPos = grow(this.evPos, (n) => new Int32Array(n));
      this.evKind = grow(this.evKind, (n) => new Uint8Array(n));
      this.evVal = grow(this.evVal, (n) => new Float64Array(n));
    }
    this.evPos[i] = pos;
    this.evKind[i] = kind;
    this.evVal[i] = val;
    this.evCount = i + 1;
    return i;
  }

  private growCtrl(): void {
    const n = this.ctrlKind.length * 2;
    const k = new Uint8Array(n);
    k.set(this.ctrlKind);
    this.ctrlKind = k;
    const b = new Int32Array(n);
    b.set(this.ctrlBase);
    this.ctrlBase = b;
    const res = new Int32Array(n);
    res.set(this.ctrlResults);
    this.ctrlResults = res;
    const t = new Uint8Array(n);
    t.set(this.ctrlTargeted);
    this.ctrlTargeted = t;
    const p = new Int32Array(n);
    p.set(this.ctrlParams);
    this.ctrlParams = p;
    const e = new Int32Array(n);
    e.set(this.ctrlThenEv);
    this.ctrlThenEv = e;
    const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.ctrlPreEv = grow(this.ctrlPreEv);
    this.ctrlThenFirst = grow(this.ctrlThenFirst);
    this.ctrlElseFirst = grow(this.ctrlElseFirst);
  }

  /** Scans one body (recording injection points and its stack weight), then emits the rewritten body. */
  private body(c: CodeReader, index: number, out: Writer): void {
    const m = this.m;
    const fb = m.bodies[index];
    if (fb === undefined) return;
    const funcType = m.funcTypes[m.importedFuncCount + index] as number;
    const costs = this.costs;
    const nParams = this.nParams;
    const nResults = this.nResults;
    const funcTypes = m.funcTypes;
    const typeCount = m.types.length;

    c.pos = fb.codeStart;
    c.end = fb.end;
    this.evCount = 0;
    // Block-start placement records its segments as EV_GAS; accounting placement records them as EV_DEAD
    // (never emitted) and puts its own checks in front of accounting operators instead.
    const acct = this.accounting;
    const segKind = acct ? EV_DEAD : EV_GAS;
    let acc = 0;
    let first = true;
    let curEv = this.pushEvent(fb.codeStart, segKind, 0);
    let segCost = costs[Op.end] as number; // the final `end`, charged once per call at entry
    let depth = 0; // index of the innermost control frame; frame 0 is the function itself
    this.ctrlKind[0] = K_BLOCK;
    this.ctrlBase[0] = 0;
    this.ctrlResults[0] = nResults[funcType] as number;
    let base = 0;
    let height = 0;
    let maxHeight = 0;
    let done = false;
    let hasCalls = false;
    let storedTypes = 0;

    while (!done) {
      const op = c.next();
      const cost = (op < 256 ? costs[op] : costs[256 + op - FC_BASE]) as number;
      if (acct) {
        // cosmwasm-abi.md §4.3: the op's own cost first, then a check before every accounting op.
        if (first) {
          first = false;
          const charge = this.localsCharge(fb.localCount);
          if (charge > 0) {
            if (op < 256 && ACCOUNTING[op] === 1) acc += charge;
            else this.pushEvent(fb.codeStart, EV_GAS, charge);
          }
        }
        acc += cost;
        if (op < 256 && ACCOUNTING[op] === 1) {
          if (acc > 0) this.pushEvent(c.opStart, EV_GAS, acc);
          acc = 0;
        }
      }
      switch (op) {
        case Op.block:
        case Op.loop:
        case Op.if: {
          segCost += cost;
          if (op === Op.if) height = height - 1 < base ? base : height - 1;
          const bt = c.blockType;
          const np = bt >= 0 ? (nParams[bt] as number) : 0;
          const nr = bt >= 0 ? (nResults[bt] as number) : bt === -64 ? 0 : 1;
          height = height - np < base ? base : height - np;
          if (++depth === this.ctrlKind.length) this.growCtrl();
          this.ctrlKind[depth] = op === Op.block ? K_BLOCK : op === Op.loop ? K_LOOP : K_IF;
          this.ctrlBase[depth] = height;
          this.ctrlResults[depth] = nr;
          this.ctrlTargeted[depth] = 0;
          this.ctrlParams[depth] = np;
          this.ctrlThenEv[depth] = -1;
          base = height;
          height += np;
          if (height > maxHeight) maxHeight = height;
          if (op !== Op.block) {
            // Loop starts are branch targets and if-arms are conditional: both begin a segment.
            this.evVal[curEv] = segCost;
            this.ctrlPreEv[depth] = curEv;
            curEv = this.pushEvent(c.pos, segKind, 0);
            this.ctrlThenFirst[depth] = curEv;
            segCost = 0;
          }
          break;
        }
        case Op.else: {
          height = base + (this.ctrlParams[depth] as number);
          this.ctrlThenEv[depth] = curEv;
          this.evVal[curEv] = segCost;
          curEv = this.pushEvent(c.pos, segKind, 0);
          this.ctrlElseFirst[depth] = curEv;
          segCost = cost;
          break;
        }
        case Op.end: {
          if (depth === 0) {
            if (c.pos !== fb.end) c.fail('operators remaining after the end of the function');
            this.evVal[curEv] = segCost;
            done = true;
            break;
          }
          const kind = this.ctrlKind[depth];
          const targeted = this.ctrlTargeted[depth];
          height = base + (this.ctrlResults[depth] as number);
          depth--;
          base = this.ctrlBase[depth] as number;
          const thenEv = this.ctrlThenEv[depth + 1] as number;
          if (kind === K_IF && targeted === 0 && thenEv >= 0) {
            // An untargeted if/else: its end is reached only from the end of either arm, so each arm pays for
            // the `end` in its last segment, and what follows starts a fresh segment at no cost.
            this.evVal[thenEv] = (this.evVal[thenEv] as number) + cost;
            this.evVal[curEv] = segCost + cost;
            curEv = this.pushEvent(c.pos, segKind, 0);
            segCost = 0;
          } else if (kind === K_IF || targeted === 1) {
            this.evVal[curEv] = segCost;
            curEv = this.pushEvent(c.pos, segKind, 0);
            segCost = cost;
          } else {
            segCost += cost;
          }
          if (kind === K_IF && thenEv >= 0 && !acct) {
            // Exactly one arm's first segment follows the `if`, so the cheaper of the two can be paid by the
            // segment holding the `if`; that arm's own check then often disappears (cost 0).
            const evVal = this.evVal;
            const thenFirst = this.ctrlThenFirst[depth + 1] as number;
            const elseFirst = this.ctrlElseFirst[depth + 1] as number;
            const m = Math.min(evVal[thenFirst] as number, evVal[elseFirst] as number);
            if (m > 0) {
              const pre = this.ctrlPreEv[depth + 1] as number;
              evVal[pre] = (evVal[pre] as number) + m;
              evVal[thenFirst] = (evVal[thenFirst] as number) - m;
              evVal[elseFirst] = (evVal[elseFirst] as number) - m;
            }
          }
          if (height > maxHeight) maxHeight = height;
          break;
        }
        case Op.br:
        case Op.brIf:
        case Op.brTable:
        case Op.return:
        case Op.unreachable: {
          segCost += cost;
          if (op === Op.br || op === Op.brIf) {
            this.markTarget(c, depth, c.imm);
          } else if (op === Op.brTable) {
            const targets = c.brTable;
            for (let i = 0; i < c.brTableCount; i++) this.markTarget(c, depth, targets[i] as number);
          } else if (op === Op.return) {
            this.pushEvent(c.opStart, EV_RETURN, 0);
          }
          this.evVal[curEv] = segCost;
          if (op === Op.brIf) {
            height = height - 1 < base ? base : height - 1;
            curEv = this.pushEvent(c.pos, segKind, 0);
          } else {
            height = base; // the rest of the frame is unreachable: the stack is polymorphic
            // Code up to the next segment start is dead (merged `end`s are reached only by fall-through), so
            // its charge is never injected: the event's cost stays 0.
            curEv = this.pushEvent(c.pos, EV_DEAD, 0);
          }
          segCost = 0;
          break;
        }
        case Op.call:
        case Op.callIndirect: {
          segCost += cost;
          hasCalls = true;
          this.pushEvent(c.opStart, EV_CALL, c.pos - c.opStart);
          let t: number;
          if (op === Op.call) {
            if (c.imm >= funcTypes.length) c.fail(`call to unknown function ${c.imm}`, c.opStart);
            t = funcTypes[c.imm] as number;
          } else {
            if (c.imm >= typeCount) c.fail(`call_indirect with unknown type ${c.imm}`, c.opStart);
            t = c.imm;
            height = height - 1 < base ? base : height - 1;
          }
          const np = nParams[t] as number;
          height = height - np < base ? base : height - np;
          height += nResults[t] as number;
          if (height > maxHeight) maxHeight = height;
          break;
        }
        case Op.memoryGrow:
          segCost += cost;
          this.pushEvent(c.opStart, EV_GROW, c.pos - c.opStart);
          break;
        default: {
          if (op >= 0x36 && op <= 0x3e) {
            // A store: track its address (event value = the memarg offset).
            this.pushEvent(c.opStart, EV_STORE, c.imm >>> 0);
            storedTypes |= 1 << (0x7f - (STORE_VALUE_TYPE[op - 0x36] as number));
          } else if (op === FC_BASE + 8 || op === FC_BASE + 10 || op === FC_BASE + 11) {
            this.pushEvent(c.opStart, EV_BULK, 0); // memory.init / memory.copy / memory.fill
          }
          segCost += cost;
          const idx = op < 256 ? op : 256 + op - FC_BASE;
          const pops = POPS[idx] as number;
          height = height - pops < base ? base : height - pops;
          height += PUSHES[idx] as number;
          if (height > maxHeight) maxHeight = height;
        }
      }
    }

    const weight = FRAME_OVERHEAD_SLOTS + 2 * (nParams[funcType] as number) + fb.localCount + maxHeight;
    this.gasLocal = (nParams[funcType] as number) + fb.localCount;
    this.storedTypes = storedTypes;
    // A small leaf cannot recurse: it adds at most LEAF_FREE_SLOTS on top of the budget, so it is not counted.
    this.emitBody(
      out,
      fb.start,
      fb.codeStart,
      fb.end,
      funcType,
      !hasCalls && weight <= LEAF_FREE_SLOTS ? 0 : weight,
    );
  }

  private markTarget(c: CodeReader, depth: number, label: number): void {
    if (label > depth) c.fail(`branch depth ${label} out of range`, c.opStart);
    const frame = depth - label;
    if (frame > 0 && this.ctrlKind[frame] !== K_LOOP) this.ctrlTargeted[frame] = 1;
  }

  private emitBody(
    out: Writer,
    start: number,
    codeStart: number,
    end: number,
    funcType: number,
    weight: number,
  ): void {
    const bytes = this.bytes;
    const sizeAt = out.reserveU32();
    const bodyStart = out.pos;
    // Locals: the original groups plus an i64 caching gas_remaining and an i32 saving stack_used at entry; a
    // function that stores also gets an i32 for the store address and one local per stored value type.
    const locals = new Reader(bytes, start, codeStart);
    const groups = locals.u32();
    let stored = this.trackStores ? this.storedTypes : 0;
    let extraGroups = 2;
    this.storesMarkAll = false;
    if (stored !== 0) {
      let scratch = 1;
      for (let t = 0; t < 4; t++) if ((stored & (1 << t)) !== 0) scratch++;
      // V8 counts params + locals against its limit, MAX_FUNCTION_LOCALS + 2 (the 2 are the locals above).
      this.storesMarkAll = this.gasLocal + 2 + scratch > MAX_FUNCTION_LOCALS + 2;
      if (this.storesMarkAll) stored = 0;
      else extraGroups += scratch;
    }
    out.u32(groups + extraGroups);
    out.copy(bytes, locals.pos, codeStart);
    out.u8(1);
    out.u8(0x7e);
    out.u8(1);
    out.u8(0x7f);
    if (stored !== 0) {
      out.u8(1);
      out.u8(0x7f); // store address: gasLocal + 2
      let next = this.gasLocal + 3;
      for (let t = 0; t < 4; t++) {
        if ((stored & (1 << t)) === 0) {
          this.storeValueLocal[t] = -1;
          continue;
        }
        this.storeValueLocal[t] = next++;
        out.u8(1);
        out.u8(0x7f - t);
      }
    }

    // Prologue: stack check and increment (weight 0: an uncounted leaf). The entry value of stack_used is kept
    // in a local so every exit restores it with one store.
    const gStack = this.gStack;
    const saved = this.gasLocal + 1;
    if (weight !== 0) {
      out.u8(Op.globalGet);
      out.u32(gStack);
      if (weight > this.maxStackSlots) {
        out.u8(Op.localSet);
        out.u32(saved);
        out.u8(Op.call);
        out.u32(this.fStackOverflow);
      } else {
        out.u8(Op.localTee);
        out.u32(saved);
        out.u8(Op.i32Const);
        out.sleb(this.maxStackSlots - weight);
        out.u8(Op.i32GtU);
        out.u8(Op.if);
        out.u8(0x40);
        out.u8(Op.i32Const);
        out.u8(TrapReason.StackLimit);
        out.u8(Op.globalSet);
        out.u32(this.gTrap);
        out.u8(Op.unreachable);
        out.u8(Op.end);
      }
      out.u8(Op.localGet);
      out.u32(saved);
      out.u8(Op.i32Const);
      out.sleb(weight);
      out.u8(Op.i32Add);
      out.u8(Op.globalSet);
      out.u32(gStack);
    }

    out.u8(Op.globalGet);
    out.u32(this.gGas);
    out.u8(Op.localSet);
    out.u32(this.gasLocal);

    // The original body runs inside a block with the function's results, so branches to the function label
    // land on the epilogue below. The original final `end` closes this block.
    const nr = this.nResults[funcType] as number;
    out.u8(Op.block);
    if (nr === 0) out.u8(0x40);
    else if (nr === 1) out.u8((this.m.types[funcType] as { results: Uint8Array }).results[0] as number);
    else out.sleb(this.resultsOnlyType(funcType));

    let from = codeStart;
    const n = this.evCount;
    const evPos = this.evPos;
    const evKind = this.evKind;
    const evVal = this.evVal;
    for (let i = 0; i < n; i++) {
      const pos = evPos[i] as number;
      const kind = evKind[i];
      const val = evVal[i] as number;
      if ((kind === EV_GAS && val === 0) || kind === EV_DEAD) continue;
      if ((kind === EV_STORE || kind === EV_BULK) && !this.trackStores) continue;
      out.copy(bytes, from, pos);
      from = pos;
      if (kind === EV_GAS) {
        this.emitGasCheck(out, val);
      } else if (kind === EV_RETURN) {
        this.stackDecrement(out, weight);
        this.gasStore(out);
      } else if (kind === EV_STORE && !this.storesMarkAll) {
        // The store itself is copied with the next chunk.
        this.emitStoreTracking(out, bytes[pos] as number, val);
      } else if (kind === EV_BULK || kind === EV_STORE) {
        this.emitMarkAll(out);
      } else if (kind === EV_CALL) {
        // The callee (or host import) works on the global: store before, reload after.
        this.gasStore(out);
        out.copy(bytes, pos, pos + val);
        this.gasLoad(out);
        from = pos + val;
      } else {
        this.gasStore(out);
        out.u8(Op.call);
        out.u32(this.fGrow);
        this.gasLoad(out);
        from = pos + val;
      }
    }
    out.copy(bytes, from, end);
    this.stackDecrement(out, weight);
    this.gasStore(out);
    out.u8(Op.end);
    if (this.trackStores && out.pos - bodyStart > V8_MAX_FUNCTION_SIZE) throw FUNCTION_TOO_BIG;
    out.patchU32(sizeAt, out.pos - bodyStart);
  }

  /**
   * Writes the segment check on the cached gas local (the hottest emission, so straight into the buffer):
   * `local.get g; i64.const cost; i64.sub; local.tee g; i64.const 0; i64.lt_s; if; <store g>; call oog; end`.
   */
  private emitGasCheck(out: Writer, cost: number): void {
    out.ensure(48);
    const buf = out.buf;
    const g = this.gasLocal;
    let pos = out.pos;
    buf[pos++] = Op.localGet;
    pos = Writer.putU32(buf, pos, g);
    buf[pos++] = Op.i64Const;
    pos = writeSleb(buf, pos, cost);
    buf[pos++] = Op.i64Sub;
    buf[pos++] = Op.localTee;
    pos = Writer.putU32(buf, pos, g);
    buf[pos++] = Op.i64Const;
    buf[pos++] = 0;
    buf[pos++] = 0x53; // i64.lt_s
    buf[pos++] = Op.if;
    buf[pos++] = 0x40;
    // Inline rather than `call $out_of_gas`: a call inside a loop body makes TurboFan spill live values.
    buf[pos++] = Op.i64Const;
    buf[pos++] = 0;
    buf[pos++] = Op.globalSet;
    pos = Writer.putU32(buf, pos, this.gGas);
    buf[pos++] = Op.i32Const;
    buf[pos++] = TrapReason.OutOfGas;
    buf[pos++] = Op.globalSet;
    pos = Writer.putU32(buf, pos, this.gTrap);
    buf[pos++] = Op.unreachable;
    buf[pos++] = Op.end;
    out.pos = pos;
  }

  /**
   * Before a store (operands `addr value` on the stack): lowers `dirty_low` to `ea = addr + offset` (i32
   * arithmetic) rounded down to the granule if `ea` is below it, raises `dirty_high` (ea below the split) or
   * `dirty_heap_high` (ea at or above it) to `ea` rounded up to the granule's last byte if `ea` is above it, and
   * puts the operands back (`ea - offset` is `addr` again, mod 2^32):
   * `local.set v; [i32.const off; i32.add;] local.tee a; global.get low; i32.lt_u; if; local.get a; i32.const -G;
   * i32.and; global.set low; end; local.get a; i32.const split; i32.lt_u; if; <raise high>; else; <raise heap_high>;
   * end; local.get a; [i32.const off; i32.sub;] local.get v`.
   */
  private emitStoreTracking(out: Writer, op: number, offset: number): void {
    const v = this.storeValueLocal[0x7f - (STORE_VALUE_TYPE[op - 0x36] as number)] as number;
    const a = this.gasLocal + 2;
    const off = offset | 0;
    out.u8(Op.localSet);
    out.u32(v);
    addOffset(out, off);
    out.u8(Op.localTee);
    out.u32(a);
    out.u8(Op.globalGet);
    out.u32(this.gDirty);
    out.u8(Op.i32LtU);
    out.u8(Op.if);
    out.u8(0x40);
    out.u8(Op.localGet);
    out.u32(a);
    out.u8(Op.i32Const);
    out.sleb(-DIRTY_MARK_GRANULE);
    out.u8(Op.i32And);
    out.u8(Op.globalSet);
    out.u32(this.gDirty);
    out.u8(Op.end);
    out.u8(Op.localGet);
    out.u32(a);
    out.u8(Op.i32Const);
    out.sleb(this.split | 0);
    out.u8(Op.i32LtU);
    out.u8(Op.if);
    out.u8(0x40);
    this.raiseMark(out, a, this.gDirtyHigh);
    out.u8(Op.else);
    this.raiseMark(out, a, this.gDirtyHeap);
    out.u8(Op.end);
    out.u8(Op.localGet);
    out.u32(a);
    if (off !== 0) {
      out.u8(Op.i32Const);
      out.sleb(off);
      out.u8(Op.i32Sub);
    }
    out.u8(Op.localGet);
    out.u32(v);
  }

  /** `if (local a >u global g) g = a | (DIRTY_MARK_GRANULE - 1)`. */
  private raiseMark(out: Writer, a: number, g: number): void {
    out.u8(Op.localGet);
    out.u32(a);
    out.u8(Op.globalGet);
    out.u32(g);
    out.u8(Op.i32GtU);
    out.u8(Op.if);
    out.u8(0x40);
    out.u8(Op.localGet);
    out.u32(a);
    out.u8(Op.i32Const);
    out.sleb(DIRTY_MARK_GRANULE - 1);
    out.u8(Op.i32Or);
    out.u8(Op.globalSet);
    out.u32(g);
    out.u8(Op.end);
  }

  /** All of memory dirty: `dirty_low = 0; dirty_high = dirty_heap_high = 0xFFFFFFFF`. */
  private emitMarkAll(out: Writer): void {
    out.u8(Op.i32Const);
    out.u8(0);
    out.u8(Op.globalSet);
    out.u32(this.gDirty);
    out.u8(Op.i32Const);
    out.u8(0x7f);
    out.u8(Op.globalSet);
    out.u32(this.gDirtyHigh);
    out.u8(Op.i32Const);
    out.u8(0x7f);
    out.u8(Op.globalSet);
    out.u32(this.gDirtyHeap);
  }

  private gasStore(out: Writer): void {
    out.u8(Op.localGet);
    out.u32(this.gasLocal);
    out.u8(Op.globalSet);
    out.u32(this.gGas);
  }

  private gasLoad(out: Writer): void {
    out.u8(Op.globalGet);
    out.u32(this.gGas);
    out.u8(Op.localSet);
    out.u32(this.gasLocal);
  }

  /** Restores `stack_used` to its value at entry (kept in the local after the gas local). */
  private stackDecrement(out: Writer, weight: number): void {
    if (weight === 0) return;
    out.u8(Op.localGet);
    out.u32(this.gasLocal + 1);
    out.u8(Op.globalSet);
    out.u32(this.gStack);
  }

  /** Type index of `() -> results(funcType)`, appended once per distinct function type. */
  private resultsOnlyType(funcType: number): number {
    let idx = this.wrapperTypeIndex.get(funcType);
    if (idx === undefined) {
      const results = (this.m.types[funcType] as { results: Uint8Array }).results;
      const w = new Writer(8 + results.length);
      w.u8(0x60);
      w.u32(0);
      w.u32(results.length);
      w.bytes(results);
      idx = this.addType(w.result().slice());
      this.wrapperTypeIndex.set(funcType, idx);
    }
    return idx;
  }
}
