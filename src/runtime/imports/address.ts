/**
 * Address imports. v0.10: canonicalize_address / humanize_address (input trimmed, lowercase messages);
 * v1: addr_validate / addr_canonicalize / addr_humanize (no trim, capitalised messages). Invalid input is handed
 * back to the contract as an error-string Region pointer; it never traps.
 */
import { ADDRESS_NOT_NORMALIZED } from '../api.js';
import type { AddressFlavor } from '../backend.js';
import type { Environment } from '../environment.js';
import { MAX_LENGTH_CANONICAL_ADDRESS, MAX_LENGTH_HUMAN_ADDRESS } from '../limits.js';
import { utf8, writeRegion } from '../memory.js';
import { enterHostCall, readArg, readArgUtf8, writeErrorString } from './common.js';

const MESSAGES = {
  'v0.10': { empty: 'input is empty', utf8: 'input is not valid UTF-8' },
  v1: { empty: 'Input is empty', utf8: 'Input is not valid UTF-8' },
} as const;

/** Reads a human address argument; returns the string or an error-string pointer (a number). */
function readHuman(env: Environment, ptr: number, flavor: AddressFlavor): string | number {
  let human = readArgUtf8(env, ptr, MAX_LENGTH_HUMAN_ADDRESS);
  if (human === undefined) return writeErrorString(env, MESSAGES[flavor].utf8);
  if (flavor === 'v0.10') human = human.trim();
  if (human.length === 0) return writeErrorString(env, MESSAGES[flavor].empty);
  return human;
}

function canonicalize(env: Environment, humanPtr: number, outPtr: number, flavor: AddressFlavor): number {
  enterHostCall(env);
  env.charge(env.gasConfig.addressCanonicalize);
  const human = readHuman(env, humanPtr, flavor);
  if (typeof human === 'number') return human;
  const api = env.call.backend.api;
  // the view is only copied into guest memory below
  const res =
    api.canonicalizeAddressView === undefined
      ? api.canonicalizeAddress(human, flavor)
      : api.canonicalizeAddressView(human, flavor);
  env.processGasInfo(res.gas);
  if ('userError' in res) return writeErrorString(env, res.userError);
  writeRegion(env.memory, outPtr, res.ok);
  return 0;
}

function humanize(env: Environment, canonPtr: number, outPtr: number, flavor: AddressFlavor): number {
  enterHostCall(env);
  env.charge(env.gasConfig.addressHumanize);
  const canonical = readArg(env, canonPtr, MAX_LENGTH_CANONICAL_ADDRESS);
  const res = env.call.backend.api.humanizeAddress(canonical, flavor);
  env.processGasInfo(res.gas);
  if ('userError' in res) return writeErrorString(env, res.userError);
  writeRegion(env.memory, outPtr, utf8.encode(res.ok));
  return 0;
}

/** v0.10 `canonicalize_address(human, canon_out) -> 0 | error_ptr`; trims its input. */
export function canonicalizeAddress(env: Environment, humanPtr: number, outPtr: number): number {
  return canonicalize(env, humanPtr, outPtr, 'v0.10');
}

/** v0.10 `humanize_address(canon, human_out) -> 0 | error_ptr`. */
export function humanizeAddress(env: Environment, canonPtr: number, outPtr: number): number {
  return humanize(env, canonPtr, outPtr, 'v0.10');
}

/** v1 `addr_canonicalize(human, canon_out) -> 0 | error_ptr`; no trim. */
export function addrCanonicalize(env: Environment, humanPtr: number, outPtr: number): number {
  return canonicalize(env, humanPtr, outPtr, 'v1');
}

/** v1 `addr_humanize(canon, human_out) -> 0 | error_ptr`. */
export function addrHumanize(env: Environment, canonPtr: number, outPtr: number): number {
  return humanize(env, canonPtr, outPtr, 'v1');
}

/**
 * v1 `addr_validate(human) -> 0 | error_ptr`: canonicalize, humanize back and require equality
 * ("Address is not normalized"), so upper-case or other-prefix inputs fail.
 */
export function addrValidate(env: Environment, humanPtr: number): number {
  enterHostCall(env);
  env.charge(env.gasConfig.addressValidate);
  const human = readHuman(env, humanPtr, 'v1');
  if (typeof human === 'number') return human;
  const api = env.call.backend.api;
  if (api.validateAddress !== undefined) {
    // The same answers and gas as the two calls below (Api contract); charged at once, which runs out of gas
    // exactly when charging them one after the other would.
    const res = api.validateAddress(human, 'v1');
    env.processGasInfo(res.gas);
    return 'userError' in res ? writeErrorString(env, res.userError) : 0;
  }
  const canon = api.canonicalizeAddress(human, 'v1');
  env.processGasInfo(canon.gas);
  if ('userError' in canon) return writeErrorString(env, canon.userError);
  const back = api.humanizeAddress(canon.ok, 'v1');
  env.processGasInfo(back.gas);
  if ('userError' in back) return writeErrorString(env, back.userError);
  if (back.ok !== human) return writeErrorString(env, ADDRESS_NOT_NORMALIZED);
  return 0;
}
