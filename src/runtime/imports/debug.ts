/** debug (v1), debug_print (v0.10) and abort (vanilla CosmWasm's panic handler). */
import type { Environment } from '../environment.js';
import { ENCLAVE_ERROR, VmError } from '../errors.js';
import { MAX_LENGTH_DEBUG } from '../limits.js';
import { decodeUtf8Lossy } from '../memory.js';
import { enterHostCall, readArg } from './common.js';

/** `debug(msg)` / `debug_print(msg)`: forwards the (lossily decoded) message to the caller's debug sink. */
export function debugPrint(env: Environment, msgPtr: number): void {
  enterHostCall(env);
  env.charge(env.gasConfig.debug);
  env.debug(decodeUtf8Lossy(readArg(env, msgPtr, MAX_LENGTH_DEBUG)));
}

/** `abort(msg)`: always traps; Secret displays it as "the contract panicked", the text is kept as `detail`. */
export function abort(env: Environment, msgPtr: number): never {
  enterHostCall(env);
  const text = decodeUtf8Lossy(readArg(env, msgPtr, MAX_LENGTH_DEBUG));
  throw new VmError('Runtime', ENCLAVE_ERROR.panicked, { detail: `Aborted: ${text}` });
}
