/**
 * Module parameters (SecretNetwork x/compute/internal/types/params.go). `compileCost` is a cosmos `LegacyDec`:
 * here a decimal string (`"0.8"`); its protobuf form is the 18-decimal atomic integer string, converted by
 * {@link decToAtomics}/{@link atomicsToDec}.
 */
import { computeError, ComputeErrors } from './errors.js';

/** Keeper-level params. */
export interface ComputeParams {
  /** SDK gas per byte of uncompressed wasm at StoreCode, decimal string (default `"0.8"`). */
  readonly compileCost: string;
  /** Largest uncompressed contract, bytes (default 2 MiB). */
  readonly maxContractSize: bigint;
}

/** `DefaultParams()`. */
export const DEFAULT_PARAMS: ComputeParams = Object.freeze({
  compileCost: '0.8',
  maxContractSize: 2n * 1024n * 1024n,
});

/** LegacyDec precision. */
const DEC_PRECISION = 18;
const DEC_ONE = 10n ** BigInt(DEC_PRECISION);
const DEC_RE = /^(\d+)(?:\.(\d{1,18}))?$/;

/** Parses a non-negative decimal string into 18-decimal atomics; throws `ComputeError` (invalid) otherwise. */
export function decToAtomics(dec: string): bigint {
  const m = DEC_RE.exec(dec);
  if (m === null) throw computeError(ComputeErrors.Invalid, `invalid decimal ${JSON.stringify(dec)}`);
  const frac = (m[2] ?? '').padEnd(DEC_PRECISION, '0');
  return BigInt(m[1] ?? '0') * DEC_ONE + BigInt(frac);
}

/** Renders atomics as a canonical decimal string with 18 fractional digits (Go `LegacyDec.String()`). */
export function atomicsToDec(atomics: bigint): string {
  const int = atomics / DEC_ONE;
  const frac = (atomics % DEC_ONE).toString().padStart(DEC_PRECISION, '0');
  return `${int}.${frac}`;
}

/** Compile cost in SDK gas: `compile_cost × len`, truncated (Go `MulInt64(len).TruncateInt()`). */
export function compileGas(params: ComputeParams, wasmLength: number): bigint {
  return (decToAtomics(params.compileCost) * BigInt(wasmLength)) / DEC_ONE;
}

/** `Params.Validate()`: compile cost a valid non-negative decimal, max size positive. */
export function validateParams(params: ComputeParams): void {
  decToAtomics(params.compileCost);
  if (params.maxContractSize <= 0n) {
    throw computeError(
      ComputeErrors.Invalid,
      `max contract size must be positive: ${params.maxContractSize}`,
    );
  }
}
