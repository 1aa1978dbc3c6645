/**
 * SDK-side gas accounting of contract calls (SecretNetwork x/compute/internal/keeper/keeper.go, spec §3.6).
 */
import { ComputeError, SdkErrors } from './errors.js';
import type { StoreContext } from './expected-keepers.js';

/** `types.InstanceCost`: SDK gas charged before every instantiate/execute/query/reply/migrate/update-admin. */
export const INSTANCE_COST = 20_000n;
/** `types.GasMultiplier`: wasm gas per SDK gas. */
export const GAS_MULTIPLIER = 1000n;
/** `types.MaxGas` cap on the wasm gas limit handed to the enclave. */
export const MAX_WASM_GAS = 10_000_000_000n;
/** `wasm.contract-query-gas-limit` default: SDK gas limit of a gRPC smart query. */
export const DEFAULT_QUERY_GAS_LIMIT = 10_000_000n;

/** Wasm gas limit for a call: `(limit - consumed) × 1000`, capped at {@link MAX_WASM_GAS}. */
export function wasmGasLimit(ctx: StoreContext): bigint {
  const g = ctx.gasMeter.remaining() * GAS_MULTIPLIER;
  return g > MAX_WASM_GAS ? MAX_WASM_GAS : g;
}

/** SDK gas for `wasmGas` units: `used / 1000 + 1` (keeper.go `consumeGas`). */
export function sdkGasFromWasm(wasmGas: bigint): bigint {
  return wasmGas / GAS_MULTIPLIER + 1n;
}

/** Charges a contract call's wasm gas on the SDK meter (`"wasm contract"`); throws out-of-gas when exhausted. */
export function consumeWasmGas(ctx: StoreContext, wasmGas: bigint): void {
  ctx.gasMeter.consumeGas(sdkGasFromWasm(wasmGas), 'wasm contract');
}

/** The SDK's `ErrorOutOfGas` panic text for `descriptor`. */
export function outOfGasError(ctx: StoreContext, descriptor: string, cause?: unknown): ComputeError {
  return new ComputeError(
    SdkErrors.OutOfGas,
    `out of gas in location: ${descriptor}; gasWanted: ${ctx.gasMeter.limit}, gasUsed: ${ctx.gasMeter.consumed}: out of gas`,
    cause === undefined ? undefined : { cause },
  );
}

/** True for the state layer's or runtime's out-of-gas errors. */
export function isOutOfGas(e: unknown): boolean {
  return (
    e instanceof Error && (e.name === 'OutOfGasError' || (e as { code?: unknown }).code === 'OUT_OF_GAS')
  );
}
