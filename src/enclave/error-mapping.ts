/**
 * Turning whatever went wrong inside a call into one {@link EnclaveError}. Runtime errors already carry Secret's
 * display strings as their message (src/runtime/errors.ts `ENCLAVE_ERROR`), so they map back by display first
 * and by runtime kind second; errors the enclave raised inside a host call (state, querier) are found again in
 * the cause chain. Unknown failures become `InternalError`, keeping the original as `cause` only.
 */
import { CryptoError } from '../compute/errors.js';
import { OutOfGasError, VmError, type VmErrorKind } from '../runtime/errors.js';
import { ENCLAVE_ERROR_DISPLAY, EnclaveError, type EnclaveErrorKind } from './errors.js';

const BY_DISPLAY = new Map<string, EnclaveErrorKind>(
  (Object.entries(ENCLAVE_ERROR_DISPLAY) as [EnclaveErrorKind, string][]).map(([k, d]) => [d, k]),
);

const BY_VM_KIND: Readonly<Record<VmErrorKind, EnclaveErrorKind>> = {
  StaticValidation: 'InvalidWasm',
  Compile: 'InvalidWasm',
  Instantiation: 'InvalidWasm',
  GasDepletion: 'OutOfGas',
  StackOverflow: 'ContractPanicStackOverflow',
  Runtime: 'FailedFunctionCall',
  Communication: 'MemoryReadError',
  WriteAccessDenied: 'UnauthorizedWrite',
  Backend: 'FailedOcall',
  Serialization: 'FailedToDeserialize',
  ResultTooLarge: 'FailedToDeserialize',
  MissingExport: 'FailedFunctionCall',
};

/** The first EnclaveError in `e`'s cause chain (an enclave error raised inside a host import). */
function enclaveCause(e: unknown): EnclaveError | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 8 && cur instanceof Error; depth++) {
    if (cur instanceof EnclaveError) return cur;
    cur = cur.cause;
  }
  return undefined;
}

/** Map any thrown value to an {@link EnclaveError}. */
export function toEnclaveError(e: unknown): EnclaveError {
  const inner = enclaveCause(e);
  if (inner !== undefined) return inner;
  if (e instanceof OutOfGasError) return new EnclaveError('OutOfGas', { cause: e });
  if (e instanceof VmError) {
    const kind = BY_DISPLAY.get(e.message) ?? BY_VM_KIND[e.kind];
    return new EnclaveError(kind, { cause: e });
  }
  if (e instanceof CryptoError) {
    return new EnclaveError(e.code === 'AUTH_FAILED' ? 'DecryptionError' : 'FailedToDeserialize', {
      cause: e,
    });
  }
  return new EnclaveError('InternalError', { cause: e });
}
