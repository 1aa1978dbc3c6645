/**
 * The host import tables, one per contract API. Wire names appear exactly once, here. Secret links every name of
 * a table into every instance (`link_host_functions`); a contract may import any subset.
 */
import type { ApiVersion } from '../backend.js';
import type { Environment } from '../environment.js';
import { ENCLAVE_ERROR, VmError } from '../errors.js';
import {
  addrCanonicalize,
  addrHumanize,
  addrValidate,
  canonicalizeAddress,
  humanizeAddress,
} from './address.js';
import {
  ed25519BatchVerify,
  ed25519Sign,
  ed25519Verify,
  secp256k1RecoverPubkey,
  secp256k1Sign,
  secp256k1Verify,
} from './crypto.js';
import { dbIterationUnsupported, dbRead, dbRemove, dbWrite } from './db.js';
import { abort, debugPrint } from './debug.js';
import { checkGas, gasEvaporate } from './gas.js';
import { queryChain } from './query.js';

type HostFn = (...args: never[]) => number | bigint | void;

function shared(env: Environment): Record<string, HostFn> {
  return {
    db_read: (k: number) => dbRead(env, k),
    db_write: (k: number, v: number) => dbWrite(env, k, v),
    db_remove: (k: number) => dbRemove(env, k),
    db_scan: dbIterationUnsupported,
    db_next: dbIterationUnsupported,
    query_chain: (r: number) => queryChain(env, r),
    secp256k1_verify: (h: number, s: number, p: number) => secp256k1Verify(env, h, s, p),
    secp256k1_recover_pubkey: (h: number, s: number, r: number) => secp256k1RecoverPubkey(env, h, s, r),
    secp256k1_sign: (m: number, k: number) => secp256k1Sign(env, m, k),
    ed25519_verify: (m: number, s: number, p: number) => ed25519Verify(env, m, s, p),
    ed25519_batch_verify: (m: number, s: number, p: number) => ed25519BatchVerify(env, m, s, p),
    ed25519_sign: (m: number, k: number) => ed25519Sign(env, m, k),
  };
}

/** Builds the `{ env: {...} }` import object for one instance. */
export function buildImports(apiVersion: ApiVersion, env: Environment): WebAssembly.Imports {
  if (apiVersion === 'v0.10') {
    return {
      env: {
        ...shared(env),
        canonicalize_address: (h: number, o: number) => canonicalizeAddress(env, h, o),
        humanize_address: (c: number, o: number) => humanizeAddress(env, c, o),
        debug_print: (m: number) => debugPrint(env, m),
      },
    };
  }
  return {
    env: {
      ...shared(env),
      db_next_key: dbIterationUnsupported,
      db_next_value: dbIterationUnsupported,
      addr_validate: (h: number) => addrValidate(env, h),
      addr_canonicalize: (h: number, o: number) => addrCanonicalize(env, h, o),
      addr_humanize: (c: number, o: number) => addrHumanize(env, c, o),
      debug: (m: number) => debugPrint(env, m),
      check_gas: () => checkGas(env),
      gas_evaporate: (a: number) => gasEvaporate(env, a),
      abort: (m: number) => abort(env, m),
      // SGX DCAP quote verification has no meaning outside an enclave (spec §3.5: not needed).
      dcap_quote_verify: (): never => {
        throw new VmError('Runtime', ENCLAVE_ERROR.notImplemented, { detail: 'dcap_quote_verify' });
      },
    },
  };
}

/** Import names linked for each API version (for diagnostics and tests). */
export function supportedImports(apiVersion: ApiVersion): string[] {
  const dummy = {} as Environment;
  return Object.keys(buildImports(apiVersion, dummy).env ?? {}).sort();
}
