/** Storage imports: db_read, db_write, db_remove (+ the iterator imports Secret does not support). */
import type { Environment } from '../environment.js';
import { ENCLAVE_ERROR, VmError } from '../errors.js';
import { MAX_LENGTH_DB_KEY, MAX_LENGTH_DB_VALUE } from '../limits.js';
import { enterHostCall, readArg, readArgView, regionLength, tooBig } from './common.js';

function denyInQuery(env: Environment): void {
  if (env.call.readonly) throw new VmError('WriteAccessDenied', ENCLAVE_ERROR.unauthorizedWrite);
}

/** `db_read(key) -> value_region | 0`: 0 when absent; an empty value is a non-zero Region of length 0. */
export function dbRead(env: Environment, keyPtr: number): number {
  enterHostCall(env);
  env.charge(env.gasConfig.dbRead);
  const storage = env.call.backend.storage;
  if (storage.getWithoutGas !== undefined) {
    // no copy of the key and no gas to process; the guest does not run before the storage returns
    const found = storage.getWithoutGas(readArgView(env, keyPtr, MAX_LENGTH_DB_KEY));
    return found === undefined ? 0 : env.writeToContract(found);
  }
  const key = readArg(env, keyPtr, MAX_LENGTH_DB_KEY);
  const { value, gas } = storage.get(key);
  env.processGasInfo(gas);
  return value === undefined ? 0 : env.writeToContract(value);
}

/** `db_write(key, value)`: refused in queries; charges the flat cost plus per-byte pseudo-gas. */
export function dbWrite(env: Environment, keyPtr: number, valuePtr: number): void {
  enterHostCall(env);
  denyInQuery(env);
  const keyLen = regionLength(env, keyPtr);
  if (keyLen > MAX_LENGTH_DB_KEY) throw tooBig('Key', keyLen, MAX_LENGTH_DB_KEY);
  const valueLen = regionLength(env, valuePtr);
  if (valueLen > MAX_LENGTH_DB_VALUE) throw tooBig('Value', valueLen, MAX_LENGTH_DB_VALUE);
  const key = readArg(env, keyPtr, MAX_LENGTH_DB_KEY);
  const value = readArg(env, valuePtr, MAX_LENGTH_DB_VALUE);
  const pseudo = env.gasConfig.dbWritePerValueByte * BigInt(value.length);
  env.charge(env.gasConfig.dbWrite + pseudo);
  env.writePseudoGas += pseudo;
  env.processGasInfo(env.call.backend.storage.set(key, value));
}

/** `db_remove(key)`: refused in queries. Not the same as writing an empty value. */
export function dbRemove(env: Environment, keyPtr: number): void {
  enterHostCall(env);
  denyInQuery(env);
  const key = readArg(env, keyPtr, MAX_LENGTH_DB_KEY);
  env.charge(env.gasConfig.dbRemove);
  env.processGasInfo(env.call.backend.storage.remove(key));
}

/**
 * `db_scan` / `db_next`: Secret's enclave does not link iteration (state keys are encrypted; spec §3.5), yet
 * contracts built with the `iterator` feature import them. Linking them as "function not implemented" lets such
 * contracts run everything except iteration, as on Secret.
 */
export function dbIterationUnsupported(): never {
  throw new VmError('Runtime', ENCLAVE_ERROR.notImplemented, {
    detail: 'storage iteration is not supported',
  });
}
