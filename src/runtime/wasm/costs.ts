/**
 * Gas cost tables for the instrumenter, as data: a function from opcode to cost plus the per-page price of
 * `memory.grow`, so Secret's flat model and CosmWasm's weighted one plug into the same injection.
 */
import { FC_BASE, Op } from './code.js';

/** Costs charged by instrumented code, in wasm gas. */
export interface GasCostTable {
  /**
   * Cost of executing one instruction. `opcode` is the first byte, or `FC_BASE + subopcode` for 0xFC-prefixed
   * instructions. Must return a non-negative integer below 2^31.
   */
  readonly op: (opcode: number) => number;
  /** Charged per page requested by `memory.grow`, before growing (also when the grow then fails). */
  readonly memoryGrowPerPage: number;
  /** Names the table; include it in compiled-module cache keys so a repricing invalidates cached modules. */
  readonly version: string;
  /**
   * Where checks go. `'block-start'` (default, Secret): each straight-line segment is paid for before it runs.
   * `'accounting'`: wasmer's metering middleware as used by cosmwasm-vm (cosmwasm-abi.md §4.3): costs accumulate
   * op by op and a check is placed before every accounting operator (branches, calls, `loop`, `if`, `else`,
   * `end`, `return`), covering the ops since the previous check including that operator.
   */
  readonly placement?: 'block-start' | 'accounting';
  /**
   * CosmWasm 2.2.9 / 2.3.4 / 3.0.9+: a function declaring `L ≥ threshold` locals pays `perLocal × (L − threshold + 1)`
   * at its first operator (only with `placement: 'accounting'`).
   */
  readonly localsCharge?: { readonly threshold: number; readonly perLocal: number };
}

/**
 * Secret's enclave model (spec secret-compute.md §3.6): every instruction costs 2 wasm gas ("all instructions
 * equal"), `memory.grow` costs 8,192 per page, checked before the block.
 */
export const SECRET_GAS_COSTS: GasCostTable = {
  op: () => 2,
  memoryGrowPerPage: 8_192,
  version: 'secret-wasm3-v1',
};

const ACCOUNTING_OPS = new Set<number>([
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
]);

/**
 * CosmWasm 3.0.9+ gas model (cosmwasm-abi.md §4.2-4.3): 115 per operator, 1,610 for the accounting operators,
 * `memory.grow` one plain operator, checks placed as wasmer's metering middleware does, and the locals charge
 * of 115 × (L − 29) for L ≥ 30 declared locals.
 */
export const COSMWASM_GAS_COSTS: GasCostTable = {
  op: (opcode) => (ACCOUNTING_OPS.has(opcode) ? 1_610 : 115),
  memoryGrowPerPage: 0,
  version: 'cosmwasm-3.0.9',
  placement: 'accounting',
  localsCharge: { threshold: 30, perLocal: 115 },
};

/** Number of 0xFC-prefixed opcodes the decoder accepts (trunc_sat 0-7, bulk memory 8-14). */
export const FC_OPCODE_COUNT = 15;

/** Precomputes `table.op` for every opcode into an array indexed by byte (0-255) and 256 + FC subopcode. */
export function costLookup(table: GasCostTable): Uint32Array {
  const out = new Uint32Array(256 + FC_OPCODE_COUNT);
  const check = (c: number, op: number): number => {
    if (!Number.isSafeInteger(c) || c < 0 || c >= 2 ** 31) {
      throw new TypeError(
        `gas cost of opcode 0x${op.toString(16)} must be an integer in [0, 2^31), got ${c}`,
      );
    }
    return c;
  };
  for (let op = 0; op < 256; op++) out[op] = check(table.op(op), op);
  for (let sub = 0; sub < FC_OPCODE_COUNT; sub++)
    out[256 + sub] = check(table.op(FC_BASE + sub), FC_BASE + sub);
  return out;
}
