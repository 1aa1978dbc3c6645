/** The default wasm toolchain: the wasm engineer's validator and instrumenter (src/runtime/wasm/). */
import { DEFAULT_MAX_STACK_SLOTS, MAX_MEMORY_PAGES_RUNTIME } from './limits.js';
import type { WasmToolchain } from './runtime.js';
import { instrument, INSTRUMENT_GLOBALS } from './wasm/index.js';
import { checkWasm } from './wasm/validate.js';

/**
 * Secret's validation (store / instantiate with float rejection / execute) and instrumentation: the costs of the
 * runtime's GasConfig, the deterministic stack limit, and the 192-page memory cap.
 */
export const SECRET_TOOLCHAIN: WasmToolchain = {
  checkWasm: (bytes, phase) => checkWasm(bytes, { phase }),
  instrument: (bytes, gasConfig) => ({
    bytes: instrument(bytes, {
      costs: gasConfig.instructionCosts,
      maxStackSlots: DEFAULT_MAX_STACK_SLOTS,
      maxMemoryPages: MAX_MEMORY_PAGES_RUNTIME,
    }),
    globals: INSTRUMENT_GLOBALS,
  }),
};
