/**
 * The keeper's answer to a contract's `query_chain` (SecretNetwork x/compute/internal/keeper/query_plugins.go,
 * spec §2.8 / §4.9). Every query runs in a store branch that is discarded and with its own SDK gas meter limited
 * to the caller's remaining wasm gas / 1000; the gas used is reported back to the enclave in wasm units. Results
 * use Go's casing: `{"Ok":{"Ok":"<b64>"}}`, `{"Ok":{"Err":{…StdError}}}`, `{"Err":{…SystemError}}`.
 */
import { base64 } from '@scure/base';

import type { QuerierResponse, UntrustedQuerier } from '../enclave/index.js';
import type { ContractInfo } from '../proto/secret/compute/v1beta1/types.js';
import { BasicGasMeter } from '../state/index.js';
import { fromBech32, toBech32 } from './address.js';
import { cacheContext, type KeeperContext, withGasMeter } from './context.js';
import { isComputeError, SdkErrors } from './errors.js';
import type { BankKeeper } from './expected-keepers.js';
import { GAS_MULTIPLIER, isOutOfGas } from './gas.js';
import { contractStorePrefix } from './keys.js';
import { MAX_QUERY_DEPTH } from './limits.js';

/** A handler for one top-level query kind (`custom`, `staking`, `distribution`, `mint`, `gov`, `ibc`, `stargate`). */
export type QueryPlugin = (ctx: KeeperContext, request: unknown) => unknown;

/**
 * Non-wasm, non-bank contract queries. Each returns the JSON value the contract receives (serialized and
 * base64'd by the keeper), or throws to return `generic_err` to the contract. Unset kinds answer
 * `unsupported_request`.
 */
export type QueryPlugins = Readonly<
  Partial<Record<'custom' | 'staking' | 'distribution' | 'mint' | 'gov' | 'ibc' | 'stargate', QueryPlugin>>
>;

/** The keeper operations queries use. */
export interface QueryKeeper {
  readonly bank: BankKeeper;
  readonly queryPlugins: QueryPlugins;
  querySmart(ctx: KeeperContext, contract: Uint8Array, msg: Uint8Array, queryDepth: number): Uint8Array;
  getContractInfo(addr: Uint8Array, store: KeeperContext['store']): ContractInfo | undefined;
}

type Json = Record<string, unknown>;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function ok(value: unknown): Json {
  return { Ok: { Ok: base64.encode(encoder.encode(JSON.stringify(value))) } };
}

function okBytes(bytes: Uint8Array): Json {
  return { Ok: { Ok: base64.encode(bytes) } };
}

function stdErr(msg: string): Json {
  return { Ok: { Err: { generic_err: { msg } } } };
}

function sysErr(err: Json): Json {
  return { Err: err };
}

function unsupported(kind: string): Json {
  return sysErr({ unsupported_request: { kind } });
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function single(v: unknown): [string, unknown] | undefined {
  if (!isObj(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0] as string;
  return [k, v[k]];
}

/** The querier handed to the enclave for one contract call. */
export function createQuerier(
  keeper: QueryKeeper,
  ctx: KeeperContext,
  _callerDepth: number,
): UntrustedQuerier {
  return new KeeperQuerier(keeper, ctx);
}

type QuerierOptions = Parameters<UntrustedQuerier['query']>[1];

/** A class rather than an object literal with a method: nothing allocated per call beyond the object. */
class KeeperQuerier implements UntrustedQuerier {
  constructor(
    private readonly keeper: QueryKeeper,
    private readonly ctx: KeeperContext,
  ) {}

  query(request: Uint8Array, options: QuerierOptions): QuerierResponse {
    const { gasLimit, queryDepth } = options;
    const meter = new BasicGasMeter(gasLimit / GAS_MULTIPLIER);
    const { ctx: sub } = cacheContext(withGasMeter(this.ctx, meter));
    let response: Json;
    try {
      response = handleQuery(this.keeper, sub, request, queryDepth);
    } catch (e) {
      if (!isOutOfGas(e) && !isComputeError(e, SdkErrors.OutOfGas) && !meter.isPastLimit()) throw e;
      // the sub-query ran out of the caller's remaining gas: report everything as used
      return { response: encoder.encode(JSON.stringify(sysErr({ unknown: {} }))), gasUsed: gasLimit };
    }
    const used = meter.consumedToLimit() * GAS_MULTIPLIER;
    return {
      response: encoder.encode(JSON.stringify(response)),
      gasUsed: used > gasLimit ? gasLimit : used,
    };
  }
}

/** Parses and answers one `QueryRequest`. */
export function handleQuery(
  keeper: QueryKeeper,
  ctx: KeeperContext,
  request: Uint8Array,
  queryDepth: number,
): Json {
  let req: unknown;
  try {
    req = JSON.parse(decoder.decode(request));
  } catch (e) {
    return sysErr({ invalid_request: { error: (e as Error).message, request: base64.encode(request) } });
  }
  const top = single(req);
  if (top === undefined) {
    return sysErr({
      invalid_request: { error: 'expected exactly one query kind', request: base64.encode(request) },
    });
  }
  const [kind, body] = top;
  try {
    switch (kind) {
      case 'bank':
        return bankQuery(keeper, ctx, body);
      case 'wasm':
        return wasmQuery(keeper, ctx, body, queryDepth, request);
      case 'custom':
      case 'staking':
      case 'distribution':
      case 'mint':
      case 'gov':
      case 'ibc':
      case 'stargate': {
        const plugin = keeper.queryPlugins[kind];
        if (plugin === undefined) return unsupported(kind);
        return ok(plugin(ctx, body));
      }
      default:
        return unsupported(kind);
    }
  } catch (e) {
    if (isOutOfGas(e) || isComputeError(e, SdkErrors.OutOfGas)) throw e;
    return stdErr(e instanceof Error ? e.message : String(e));
  }
}

function bankQuery(keeper: QueryKeeper, ctx: KeeperContext, body: unknown): Json {
  const q = single(body);
  if (q === undefined || !isObj(q[1])) return unsupported('bank');
  const [k, b] = q;
  if (k === 'balance' && typeof b.address === 'string' && typeof b.denom === 'string') {
    return ok({ amount: keeper.bank.getBalance(ctx, toBech32(fromBech32(b.address)), b.denom) });
  }
  if (k === 'all_balances' && typeof b.address === 'string') {
    return ok({ amount: keeper.bank.getAllBalances(ctx, toBech32(fromBech32(b.address))) });
  }
  return unsupported(`bank.${k}`);
}

function wasmQuery(
  keeper: QueryKeeper,
  ctx: KeeperContext,
  body: unknown,
  queryDepth: number,
  request: Uint8Array,
): Json {
  const q = single(body);
  if (q === undefined || !isObj(q[1]) || typeof q[1].contract_addr !== 'string') {
    return sysErr({ invalid_request: { error: 'unknown wasm query', request: base64.encode(request) } });
  }
  const [k, b] = q;
  const addrStr = b.contract_addr as string;
  let addr: Uint8Array;
  try {
    addr = fromBech32(addrStr);
  } catch {
    return sysErr({ no_such_contract: { addr: addrStr } });
  }
  const info = keeper.getContractInfo(addr, ctx.store);
  if (info === undefined) return sysErr({ no_such_contract: { addr: addrStr } });
  switch (k) {
    case 'smart': {
      // the runtime passes the depth the queried contract runs at (caller's depth + 1)
      if (queryDepth > MAX_QUERY_DEPTH) return sysErr({ unknown: {} });
      const msg = typeof b.msg === 'string' ? base64.decode(b.msg) : new Uint8Array(0);
      try {
        return okBytes(keeper.querySmart(ctx, addr, msg, queryDepth));
      } catch (e) {
        if (isOutOfGas(e) || isComputeError(e, SdkErrors.OutOfGas)) throw e;
        return stdErr(e instanceof Error ? e.message : String(e));
      }
    }
    case 'contract_info':
      // Secret never reveals the admin here (spec §4.4)
      return ok({
        code_id: Number(info.codeId),
        creator: toBech32(info.creator),
        admin: '',
        pinned: false,
        ...(info.ibcPortId === '' ? {} : { ibc_port: info.ibcPortId }),
      });
    case 'raw': {
      // keys in the store are encrypted: a raw read returns the stored (encrypted) record, if any
      const key = typeof b.key === 'string' ? base64.decode(b.key) : new Uint8Array(0);
      const full = new Uint8Array(contractStorePrefix(addr).length + key.length);
      full.set(contractStorePrefix(addr));
      full.set(key, contractStorePrefix(addr).length);
      const value = ctx.store.get(full);
      return ok(
        value === undefined
          ? []
          : [{ key: Buffer.from(key).toString('hex').toUpperCase(), value: base64.encode(value) }],
      );
    }
    default:
      return unsupported(`wasm.${k}`);
  }
}
