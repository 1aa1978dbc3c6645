import type { GasCostTable } from './wasm/costs.js';
import { COSMWASM_GAS_COSTS, SECRET_GAS_COSTS } from './wasm/costs.js';

/**
 * Gas cost tables as data. All numbers are in *wasm gas* units (1000 wasm gas = 1 SDK gas on Secret).
 * Per-instruction and per-page costs are applied by the wasm instrumentation (src/runtime/wasm/); everything else
 * is charged by the host imports from this table.
 */

/** Host-side and instrumentation costs for one runtime flavour. */
export interface GasConfig {
  /** Short name, part of the module-cache key so modules instrumented under another table are never reused. */
  readonly name: string;
  /** Per-instruction and per-page costs injected by the instrumentation (src/runtime/wasm/costs.ts). */
  readonly instructionCosts: GasCostTable;
  /** Charged at the start of every host call (CosmWasm CWA-2025-002 `host_call_cost`; 0 on Secret). */
  readonly hostCall: bigint;
  /** Region read: base + per byte (CosmWasm `read_region`; 0 on Secret). */
  readonly readRegionBase: bigint;
  readonly readRegionPerByte: bigint;
  /** `db_read` flat cost before the backend's storage gas (Secret `READ_BASE_GAS`). */
  readonly dbRead: bigint;
  /** `db_write` flat cost (Secret `WRITE_BASE_GAS`). */
  readonly dbWrite: bigint;
  /** `db_write` pseudo-gas per value byte (Secret `PSEUDO_GAS_STORE_PER_BYTE`), refunded after handle. */
  readonly dbWritePerValueByte: bigint;
  /** `db_remove` flat cost (Secret: only the Go delete gas, reported by the backend). */
  readonly dbRemove: bigint;
  /** canonicalize/humanize/validate address. */
  readonly addressCanonicalize: bigint;
  readonly addressHumanize: bigint;
  readonly addressValidate: bigint;
  readonly secp256k1Verify: bigint;
  readonly secp256k1RecoverPubkey: bigint;
  readonly secp256k1Sign: bigint;
  readonly ed25519Verify: bigint;
  readonly ed25519Sign: bigint;
  /** Batch verify: base + per signature, charged after the shape check. */
  readonly ed25519BatchVerifyBase: bigint;
  readonly ed25519BatchVerifyPerSig: bigint;
  /** `check_gas` cost. */
  readonly checkGas: bigint;
  /** `gas_evaporate`: charge max(amount × multiplier, minimum). */
  readonly evaporateMultiplier: bigint;
  readonly evaporateMinimum: bigint;
  /** Charged when query_chain receives a request that is not JSON (Secret: 500, before answering InvalidRequest). */
  readonly queryInvalidRequest: bigint;
  /** Debug print cost. */
  readonly debug: bigint;
}

/**
 * Secret Network's enclave costs (spec §3.5/§3.6; SecretNetwork cosmwasm/enclaves/shared/contract-engine/src/gas.rs
 * and wasm3/mod.rs). Secret has no host-call or region-read surcharge.
 */
export const SECRET_GAS_CONFIG: GasConfig = Object.freeze({
  name: 'secret-v1.x',
  instructionCosts: SECRET_GAS_COSTS, // 2 per instruction, 8,192 per memory.grow page, pre-checked per block
  hostCall: 0n,
  readRegionBase: 0n,
  readRegionPerByte: 0n,
  dbRead: 1000n, // READ_BASE_GAS; Go store gas comes back as externally used
  dbWrite: 2000n, // WRITE_BASE_GAS
  dbWritePerValueByte: 5000n, // PSEUDO_GAS_STORE_PER_BYTE
  dbRemove: 0n, // Go delete gas only
  addressCanonicalize: 8192n,
  addressHumanize: 8192n,
  addressValidate: 8192n,
  secp256k1Verify: 98_304n,
  secp256k1RecoverPubkey: 98_304n,
  secp256k1Sign: 100_000n,
  ed25519Verify: 73_728n,
  ed25519Sign: 75_000n,
  ed25519BatchVerifyBase: 5000n,
  ed25519BatchVerifyPerSig: 70_000n,
  checkGas: 8192n,
  evaporateMultiplier: 1000n, // amount is in SDK gas
  evaporateMinimum: 8000n,
  queryInvalidRequest: 500n,
  debug: 0n,
});

/**
 * Vanilla CosmWasm 2.1+/3.x host costs (cosmwasm packages/vm/src/environment.rs `GasConfig::default()`,
 * GAS_PER_US = 1,000,000), for running vanilla contracts with wasmd-like pricing. Per-op costs (115 / 1610
 * accounting ops) come from the matching instrumentation table.
 */
export const COSMWASM_GAS_CONFIG: GasConfig = Object.freeze({
  name: 'cosmwasm-2.1',
  instructionCosts: COSMWASM_GAS_COSTS, // 115 per op, 1,610 per accounting op
  hostCall: 18_000n, // CWA-2025-002
  readRegionBase: 200_000n,
  readRegionPerByte: 115n,
  dbRead: 0n, // storage gas comes from the backend
  dbWrite: 0n,
  dbWritePerValueByte: 0n,
  dbRemove: 0n,
  addressCanonicalize: 4n * 140_000n, // wasmd api.go: 4 SDK gas × multiplier 140,000
  addressHumanize: 5n * 140_000n,
  addressValidate: 9n * 140_000n,
  secp256k1Verify: 96_000_000n, // 96 µs
  secp256k1RecoverPubkey: 194_000_000n, // 194 µs
  secp256k1Sign: 0n, // not a CosmWasm import
  ed25519Verify: 35_000_000n, // 35 µs
  ed25519Sign: 0n,
  ed25519BatchVerifyBase: 24_000_000n, // 24 + 21·n µs
  ed25519BatchVerifyPerSig: 21_000_000n,
  checkGas: 0n,
  evaporateMultiplier: 140_000n,
  evaporateMinimum: 0n,
  queryInvalidRequest: 0n,
  debug: 0n,
});

/** SDK gas the keeper charges for a call that used `wasmGas`: `used / 1000 + 1` (x/compute keeper.go). */
export function sdkGasFromWasm(wasmGas: bigint): bigint {
  return wasmGas / 1000n + 1n;
}
