/** Secret's gas imports: check_gas and gas_evaporate (v1 only). */
import type { Environment } from '../environment.js';
import { GAS_MULTIPLIER } from '../limits.js';
import { enterHostCall } from './common.js';

/** `check_gas() -> i64`: wasm gas consumed so far this call, in SDK units (`(limit − remaining) / 1000`). */
export function checkGas(env: Environment): bigint {
  enterHostCall(env);
  env.charge(env.gasConfig.checkGas);
  return env.gasUsed() / GAS_MULTIPLIER;
}

/** `gas_evaporate(amount_sdk_gas) -> 0`: burns max(amount × 1000, 8000) wasm gas. */
export function gasEvaporate(env: Environment, amount: number): number {
  enterHostCall(env);
  const cfg = env.gasConfig;
  const wanted = BigInt(amount >>> 0) * cfg.evaporateMultiplier;
  env.charge(wanted > cfg.evaporateMinimum ? wanted : cfg.evaporateMinimum);
  return 0;
}
