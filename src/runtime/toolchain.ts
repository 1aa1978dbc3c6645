/** The default wasm toolchain: the wasm engineer's validator and instrumenter (src/runtime/wasm/). */
import { VmError } from './errors.js';
import type { CheckPhase, CodeInfo, WasmToolchain } from './runtime.js';
import { checkWasm, ENCLAVE_FLOATS } from './wasm/validate.js';

function check(bytes: Uint8Array, phase: CheckPhase): CodeInfo {
  if (phase !== 'execute') return checkWasm(bytes, { phase });
  try {
    return checkWasm(bytes, { phase: 'instantiate' });
  } catch (err) {
    // Floats are rejected only on Init (spec §3.1); other calls of such code proceed.
    if (!(err instanceof VmError) || err.message !== ENCLAVE_FLOATS) throw err;
    return { ...checkWasm(bytes, { phase: 'store' }), hasFloats: true };
  }
}

/** Secret's validation + instrumentation. */
export const SECRET_TOOLCHAIN: WasmToolchain = {
  checkWasm: check,
  instrument: undefined,
};
