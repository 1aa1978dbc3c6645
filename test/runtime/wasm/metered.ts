/** Test helper: instantiate instrumented modules and run exports under a gas limit. */
import type { GasCostTable } from '../../../src/runtime/wasm/index.js';
import { instrument, SECRET_GAS_COSTS, TrapReason } from '../../../src/runtime/wasm/index.js';

/** The three globals instrumentation adds. */
export interface MeteredExports {
  gas_remaining: WebAssembly.Global;
  trap_reason: WebAssembly.Global;
  stack_used: WebAssembly.Global;
  [name: string]: unknown;
}

/** Outcome of one metered call. */
export type Outcome =
  | { ok: true; value: unknown; gasUsed: bigint }
  | { ok: false; reason: 'gas' | 'stack' | 'trap'; gasUsed: bigint; error: unknown };

/** An instrumented instance plus a `call` that sets the globals the way the host must. */
export class Metered {
  readonly exports: MeteredExports;
  readonly bytes: Uint8Array;

  constructor(
    wasm: Uint8Array,
    options: {
      costs?: GasCostTable;
      maxStackSlots?: number;
      maxMemoryPages?: number;
      imports?: (self: () => Metered) => WebAssembly.Imports;
    } = {},
  ) {
    this.bytes = instrument(wasm, {
      costs: options.costs ?? SECRET_GAS_COSTS,
      maxStackSlots: options.maxStackSlots ?? 7680,
      maxMemoryPages: options.maxMemoryPages ?? 192,
    });
    const instance = new WebAssembly.Instance(
      new WebAssembly.Module(this.bytes),
      options.imports?.(() => this) ?? {},
    );
    this.exports = instance.exports as unknown as MeteredExports;
  }

  call(name: string, gasLimit: bigint, ...args: unknown[]): Outcome {
    const e = this.exports;
    e.gas_remaining.value = gasLimit;
    e.trap_reason.value = TrapReason.None;
    e.stack_used.value = 0;
    const fn = e[name] as (...a: unknown[]) => unknown;
    try {
      const value = fn(...args);
      return { ok: true, value, gasUsed: gasLimit - (e.gas_remaining.value as bigint) };
    } catch (error) {
      const trap = e.trap_reason.value as number;
      const reason = trap === TrapReason.OutOfGas ? 'gas' : trap === TrapReason.StackLimit ? 'stack' : 'trap';
      return { ok: false, reason, gasUsed: gasLimit - (e.gas_remaining.value as bigint), error };
    }
  }

  /** Calls and asserts success, returning the value and gas used. */
  ok(name: string, gasLimit: bigint, ...args: unknown[]): { value: unknown; gasUsed: bigint } {
    const out = this.call(name, gasLimit, ...args);
    if (!out.ok) throw new Error(`call ${name} failed (${out.reason})`, { cause: out.error });
    return out;
  }
}
