/** Test harness: a keeper over a MemoryStore with the fake enclave, funded users, and JSON helpers. */
import assert from 'node:assert/strict';

import { base64 } from '@scure/base';

import type { SigInfo } from '../../../src/enclave/types.js';
import { toBech32 } from '../../../src/keeper/address.js';
import { MemoryBankKeeper } from '../../../src/keeper/bank-keeper.js';
import type { KeeperContext } from '../../../src/keeper/context.js';
import type { TxInfo } from '../../../src/keeper/expected-keepers.js';
import {
  type ComputeKeeper,
  type ComputeKeeperOptions,
  createComputeKeeper,
  type TxResult,
} from '../../../src/keeper/keeper.js';
import { MemoryStore } from '../../../src/state/index.js';
import { FakeEnclave, fakeWasm } from './fake-enclave.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

export const json = (v: unknown): Uint8Array => enc.encode(JSON.stringify(v));
export const text = (b: Uint8Array | null | undefined): string | null =>
  b === null || b === undefined ? null : dec.decode(b);

/** A user address (20 bytes of `n`). */
export function user(n: number): Uint8Array {
  return new Uint8Array(20).fill(n);
}

const DUMMY_SIG: SigInfo = {
  txBytes: new Uint8Array(1),
  signBytes: new Uint8Array(1),
  signMode: 'SIGN_MODE_DIRECT',
  signature: new Uint8Array(64),
};

/** Every key/value of the store, hex-encoded, for byte-exact before/after comparisons. */
export function snapshot(store: MemoryStore): string[] {
  const out: string[] = [];
  for (const [k, v] of store.iterator())
    out.push(`${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`);
  return out;
}

/** What the fake contract's `reply` logged. */
export interface ReplyLog {
  id: string;
  result: { ok: { events: unknown[]; data: string | null } } | { error: string };
}

export interface Harness {
  store: MemoryStore;
  enclave: FakeEnclave;
  bank: MemoryBankKeeper;
  keeper: ComputeKeeper;
  alice: Uint8Array;
  tx: TxInfo;
  run<T>(fn: (ctx: KeeperContext) => T, gasLimit?: bigint): TxResult<T>;
  store_(name?: string): bigint;
  instantiate(codeId: bigint, label: string, msg?: unknown, admin?: string): Uint8Array;
  execute(contract: Uint8Array, msg: unknown, gasLimit?: bigint): TxResult<{ data: Uint8Array | null }>;
  get(contract: Uint8Array, key: string): string | null;
  replies(contract: Uint8Array): ReplyLog[];
}

export function setup(extra: Partial<ComputeKeeperOptions> = {}): Harness {
  const store = new MemoryStore();
  const enclave = new FakeEnclave();
  const bank = new MemoryBankKeeper();
  const keeper = createComputeKeeper({
    store,
    enclave,
    bank,
    checkWasm: (w) => {
      if (!dec.decode(w).startsWith('fake:'))
        throw new Error('Error during static Wasm validation: not a fake contract');
    },
    authority: toBech32(user(99)),
    ...extra,
  });
  const alice = user(1);
  const tx: TxInfo = { index: 0, hash: 'AA'.repeat(32), sigInfo: DUMMY_SIG };
  const h: Harness = {
    store,
    enclave,
    bank,
    keeper,
    alice,
    tx,
    run: (fn, gasLimit) => keeper.runTx({ tx, ...(gasLimit === undefined ? {} : { gasLimit }) }, fn),
    store_: (name = 'exerciser') =>
      h.run((ctx) => keeper.storeCode(ctx, alice, fakeWasm(name))).result.codeId,
    instantiate: (codeId, label, msg = {}, admin = '') =>
      h.run((ctx) => keeper.instantiate(ctx, codeId, alice, admin, json(msg), label, [])).result.address,
    execute: (contract, msg, gasLimit) =>
      h.run((ctx) => keeper.execute(ctx, contract, alice, json(msg), []), gasLimit),
    get: (contract, key) => {
      const v = text(keeper.query(contract, json({ get: { key } })));
      return v === '' ? null : v;
    },
    replies: (contract) => JSON.parse(h.get(contract, '__replies') ?? '[]') as ReplyLog[],
  };
  bank.mint({ store, gasMeter: keeper.newContext().gasMeter, emit: () => {} }, toBech32(alice), [
    { denom: 'uscrt', amount: '1000000' },
  ]);
  return h;
}

/** `{wasm:{execute:…}}` SubMsg for the fake enclave (inner msg as JSON; the fake serializes and signs it). */
export function execMsg(
  contract: Uint8Array,
  msg: unknown,
  replyOn = 'never',
  id = 0,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    reply_on: replyOn,
    msg: { wasm: { execute: { contract_addr: toBech32(contract), code_hash: '', msg, send: [], ...extra } } },
  };
}

/** Decodes the data the fake enclave returns for `get`. */
export function b64text(s: string): string {
  return dec.decode(base64.decode(s));
}

export { assert };
