/** Helpers shared by the host imports: argument reads with their gas, and result writes. */
import type { Environment } from '../environment.js';
import { CommunicationError, ENCLAVE_ERROR } from '../errors.js';
import { readRegion, readRegionStruct, readRegionUtf8, readRegionView, utf8 } from '../memory.js';

/** Charges the flat per-host-call cost (0 on Secret, 18,000 on CosmWasm ≥ 1.5.10). */
export function enterHostCall(env: Environment): void {
  env.charge(env.gasConfig.hostCall);
}

/**
 * Reads an argument Region, charging the configured region-read gas *before* the length check (CosmWasm charges
 * even when the check then fails), and refusing lengths above `maxLength`.
 */
export function readArg(env: Environment, ptr: number, maxLength: number): Uint8Array {
  chargeRegionRead(env, ptr);
  return readRegion(env.memory, ptr, maxLength);
}

/**
 * {@link readArg} without the copy: a view into guest memory, valid only until the guest runs again (for backends
 * that only read the argument, e.g. `Storage.getWithoutGas`).
 */
export function readArgView(env: Environment, ptr: number, maxLength: number): Uint8Array {
  chargeRegionRead(env, ptr);
  return readRegionView(env.memory, ptr, maxLength);
}

/** {@link readArg} for text: the same gas and checks, strict UTF-8 decoded (`undefined` if invalid), no byte copy. */
export function readArgUtf8(env: Environment, ptr: number, maxLength: number): string | undefined {
  chargeRegionRead(env, ptr);
  return readRegionUtf8(env.memory, ptr, maxLength);
}

function chargeRegionRead(env: Environment, ptr: number): void {
  const cfg = env.gasConfig;
  if (cfg.readRegionBase !== 0n || cfg.readRegionPerByte !== 0n) {
    const { length } = readRegionStruct(env.memory, ptr);
    env.charge(cfg.readRegionBase + cfg.readRegionPerByte * BigInt(length));
  }
}

/** Length of a Region without copying it (for limit checks with custom messages). */
export function regionLength(env: Environment, ptr: number): number {
  return readRegionStruct(env.memory, ptr).length;
}

/** Writes a UTF-8 error message into a freshly allocated Region and returns its pointer (the contract frees it). */
export function writeErrorString(env: Environment, message: string): number {
  return env.writeToContract(utf8.encode(message));
}

/** A trap with a CosmWasm-style reason behind Secret's "failed to read memory". */
export function tooBig(what: string, length: number, limit: number): CommunicationError {
  return new CommunicationError(
    ENCLAVE_ERROR.memoryReadError,
    { length, maxLength: limit },
    {
      detail: `Generic error: ${what} too big. Tried to write ${length} bytes to storage, limit is ${limit}.`,
    },
  );
}
