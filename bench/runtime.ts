/**
 * Contract runtime benchmarks: calls/s for a cheap call (token transfer, real Rust contract) and a CPU-heavy call
 * (a hashing loop), metered and unmetered, side by side with @oraichain/cosmwasm-vm-js running the same wasm;
 * plus metering overhead and fresh vs reused instances.
 *
 * Peer setup: cosmwasm-vm-js is used idiomatically — one VMInstance built once and called repeatedly (it never
 * resets memory between calls, so it does less work per call than either of our modes: ours restores the 18-page
 * warmed snapshot after every call, from the lowest address the call wrote up — ~130 KB for a transfer). Its metering
 * (wasm-json-toolkit) cannot instrument token-big.wasm (RangeError in its encoder), so the Rust CPU-heavy row has no
 * metered peer figure.
 */
import { createRequire } from 'node:module';

import { sha256 } from '@noble/hashes/sha2.js';

import type { CallRequest, InstanceMode } from '../src/runtime/index.js';
import { ContractRuntime } from '../src/runtime/index.js';
import { MockApi, mockBackend, mockEnv, mockInfo } from '../src/testing/index.js';
import { loadFixture } from '../test/fixtures/index.js';
import { type BenchResult, compare, measure, measureAsync, round } from './harness.js';

const require = createRequire(import.meta.url);

interface PeerVm {
  build(wasm: Uint8Array): Promise<void>;
  instantiate(env: object, info: object, msg: object): object;
  execute(env: object, info: object, msg: object): object;
  query(env: object, msg: object): object;
}
interface PeerModule {
  VMInstance: new (backend: object, env?: object) => PeerVm;
  BasicBackendApi: new (prefix: string) => object;
  BasicKVIterStorage: new () => object;
  BasicQuerier: new () => object;
  Environment: new (api: object, gasLimit: number) => object;
}

const enc = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));

/**
 * CPU-heavy vanilla CosmWasm 1.x contract (interface_version_8): execute runs FNV-1a over 64 KiB of memory
 * 32 times (2M iterations of load/xor/mul/and/add/branch) and stores the hash. No imports, no floats.
 */
async function cpuContract(): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const src = `(module
    (memory (export "memory") 17)
    (global $heap (mut i32) (i32.const 1048576))
    (func $allocate (export "allocate") (param $size i32) (result i32) (local $r i32)
      (local.set $r (global.get $heap))
      (i32.store (local.get $r) (i32.add (local.get $r) (i32.const 12)))
      (i32.store offset=4 (local.get $r) (local.get $size))
      (i32.store offset=8 (local.get $r) (i32.const 0))
      (global.set $heap (i32.add (local.get $r) (i32.and (i32.add (local.get $size) (i32.const 15)) (i32.const -4))))
      (if (i32.gt_u (global.get $heap) (i32.const 1089536)) (then (global.set $heap (i32.const 1048576))))
      (local.get $r))
    (func (export "deallocate") (param i32))
    (func (export "interface_version_8"))
    (data (i32.const 1000) "{\\"ok\\":{\\"messages\\":[],\\"attributes\\":[],\\"events\\":[],\\"data\\":null}}")
    (func $ok (result i32) (local $r i32) (local $i i32)
      (local.set $r (call $allocate (i32.const 62)))
      (block $d (loop $l (br_if $d (i32.ge_u (local.get $i) (i32.const 62)))
        (i32.store8 (i32.add (i32.load (local.get $r)) (local.get $i)) (i32.load8_u (i32.add (i32.const 1000) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
      (i32.store offset=8 (local.get $r) (i32.const 62)) (local.get $r))
    (func (export "instantiate") (param i32 i32 i32) (result i32) (call $ok))
    (func (export "execute") (param i32 i32 i32) (result i32) (local $i i32) (local $h i32)
      (local.set $h (i32.const 0x811c9dc5))
      (block $d (loop $l (br_if $d (i32.ge_u (local.get $i) (i32.const 2097152)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (i32.and (local.get $i) (i32.const 65535)))) (i32.const 16777619)))
        (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
      (i32.store (i32.const 2000) (local.get $h))
      (call $ok))
    (func (export "query") (param i32 i32) (result i32) (call $ok)))`;
  const mod = wabt.parseWat('cpu.wat', src, {});
  const bytes = new Uint8Array(mod.toBinary({}).buffer);
  mod.destroy();
  return bytes;
}

const api = new MockApi();
const alice = api.addrMake('alice');
const bob = api.addrMake('bob');
const TOKEN_INIT = {
  name: 'Tok',
  symbol: 'TOK',
  decimals: 6,
  initial_balances: [{ address: alice, amount: '1000000000000000000' }],
  minter: null,
};
const TRANSFER = { transfer: { recipient: bob, amount: '1' } };

/** Our runtime: instantiate once, then a closure doing one `entry` call per invocation. */
function ours(
  wasm: Uint8Array,
  opts: { metering: boolean; mode: InstanceMode },
  entry: 'execute' | 'query',
  msg: unknown,
): () => void {
  const rt = new ContractRuntime({ metering: opts.metering, instanceMode: opts.mode });
  const backend = mockBackend();
  const base = {
    codeHash: sha256(wasm),
    wasm,
    env: mockEnv(),
    info: mockInfo(alice),
    backend,
    gasLimit: 10_000_000_000n,
  };
  rt.call({ ...base, entry: 'instantiate', msg: enc(TOKEN_INIT) });
  const req: CallRequest = { ...base, entry, msg: enc(msg) };
  return () => {
    const out = rt.call(req);
    if (!('ok' in out.result)) throw new Error(`bench call failed: ${JSON.stringify(out.result)}`);
  };
}

/** The peer: one VMInstance (metered or not), instantiated once. */
async function peer(
  m: PeerModule,
  wasm: Uint8Array,
  metered: boolean,
  entry: 'execute' | 'query',
  msg: object,
): Promise<() => void> {
  const backendApi = new m.BasicBackendApi('secret');
  const backend = {
    backend_api: backendApi,
    storage: new m.BasicKVIterStorage(),
    querier: new m.BasicQuerier(),
  };
  const vm = new m.VMInstance(
    backend,
    metered ? new m.Environment(backendApi, Number.MAX_SAFE_INTEGER) : undefined,
  );
  await vm.build(wasm);
  const env = {
    block: { height: 12345, time: '1571797419879305533', chain_id: 'secret-testnet' },
    contract: { address: alice },
    transaction: null,
  };
  const info = { sender: alice, funds: [] };
  vm.instantiate(env, info, TOKEN_INIT);
  return entry === 'execute'
    ? () => {
        const r = vm.execute(env, info, msg) as { ok?: unknown };
        if (r.ok === undefined) throw new Error(`peer call failed: ${JSON.stringify(r)}`);
      }
    : () => {
        vm.query(env, msg);
      };
}

/** The peer with a fresh instance per call (its `build()` reuses the compiled module from its static cache). */
async function peerFresh(m: PeerModule, wasm: Uint8Array, msg: object): Promise<number> {
  const backendApi = new m.BasicBackendApi('secret');
  const backend = {
    backend_api: backendApi,
    storage: new m.BasicKVIterStorage(),
    querier: new m.BasicQuerier(),
  };
  const env = {
    block: { height: 12345, time: '1571797419879305533', chain_id: 'secret-testnet' },
    contract: { address: alice },
    transaction: null,
  };
  const info = { sender: alice, funds: [] };
  const first = new m.VMInstance(backend, new m.Environment(backendApi, Number.MAX_SAFE_INTEGER));
  await first.build(wasm);
  first.instantiate(env, info, TOKEN_INIT);
  const res = await measureAsync(
    async () => {
      const vm = new m.VMInstance(backend, new m.Environment(backendApi, Number.MAX_SAFE_INTEGER));
      await vm.build(wasm);
      const r = vm.execute(env, info, msg) as { ok?: unknown };
      if (r.ok === undefined) throw new Error(`peer call failed: ${JSON.stringify(r)}`);
    },
    { runs: 5, runMs: 300 },
  );
  return res.opsPerSec;
}

/** Runs the runtime benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const peerMod = require('@oraichain/cosmwasm-vm-js') as PeerModule;
  const token = loadFixture('token');
  const tokenBig = loadFixture('token-big');
  const cpu = await cpuContract();
  const rows: BenchResult[] = [];
  const PEER = 'cosmwasm-vm-js 0.2.91';
  const atLeast2x = { text: '≥ 2x peer metered', met: (r: number) => r >= 2 };
  const fast = { runs: 5, runMs: 300 };
  const slow = { runs: 5, runMs: 600, minBatchMs: 20 };

  // Cheap call: a token transfer (real Rust contract: JSON parsing, 2 reads, 2 writes, address checks).
  const tMet = measure(ours(token, { metering: true, mode: 'reuse' }, 'execute', TRANSFER), fast);
  const tPeerMet = measure(await peer(peerMod, token, true, 'execute', TRANSFER), fast);
  rows.push(
    compare(
      'token transfer, metered',
      'calls/s',
      tMet.opsPerSec,
      { name: `${PEER} metered`, value: tPeerMet.opsPerSec },
      atLeast2x,
    ),
  );
  // The contract part of a private balance query (issue #9): validate + canonicalize the address, one db_read,
  // the answer's JSON; the runtime's share of the keeper's query, without the enclave's crypto.
  const BALANCE = { balance: { address: alice } };
  const qMet = measure(ours(token, { metering: true, mode: 'reuse' }, 'query', BALANCE), fast);
  const qPeerMet = measure(await peer(peerMod, token, true, 'query', BALANCE), fast);
  const qRow = compare(
    'token balance query, metered',
    'calls/s',
    qMet.opsPerSec,
    { name: `${PEER} metered`, value: qPeerMet.opsPerSec },
    atLeast2x,
  );
  qRow.notes = `${round(qMet.usPerOp, 1)} µs per query (mock storage)`;
  rows.push(qRow);
  // Same semantics as ours (a fresh instance per call): the peer rebuilds its VMInstance (cached module) per call.
  const tFreshPeer = await peerFresh(peerMod, token, TRANSFER);
  const tFreshOurs = measure(ours(token, { metering: true, mode: 'fresh' }, 'execute', TRANSFER), fast);
  rows.push(
    compare(
      'token transfer, metered, fresh instance per call',
      'calls/s',
      tFreshOurs.opsPerSec,
      { name: `${PEER} metered, build() per call`, value: tFreshPeer },
      atLeast2x,
    ),
  );
  const tRaw = measure(ours(token, { metering: false, mode: 'fresh' }, 'execute', TRANSFER), fast);
  const tPeerRaw = measure(await peer(peerMod, token, false, 'execute', TRANSFER), fast);
  rows.push(
    compare('token transfer, unmetered', 'calls/s', tRaw.opsPerSec, {
      name: `${PEER} unmetered`,
      value: tPeerRaw.opsPerSec,
    }),
  );

  // CPU-heavy call: 2M-iteration hashing loop.
  const cMet = measure(ours(cpu, { metering: true, mode: 'reuse' }, 'execute', {}), slow);
  const cPeerMet = measure(await peer(peerMod, cpu, true, 'execute', {}), slow);
  rows.push(
    compare(
      'cpu loop (2M iter), metered',
      'calls/s',
      cMet.opsPerSec,
      { name: `${PEER} metered`, value: cPeerMet.opsPerSec },
      atLeast2x,
    ),
  );
  const cRaw = measure(ours(cpu, { metering: false, mode: 'fresh' }, 'execute', {}), slow);
  const cPeerRaw = measure(await peer(peerMod, cpu, false, 'execute', {}), slow);
  rows.push(
    compare('cpu loop (2M iter), unmetered', 'calls/s', cRaw.opsPerSec, {
      name: `${PEER} unmetered`,
      value: cPeerRaw.opsPerSec,
    }),
  );
  rows.push(
    compare(
      'metering overhead, cpu loop (metered vs unmetered)',
      'calls/s',
      cMet.opsPerSec,
      { name: 'ours unmetered', value: cRaw.opsPerSec },
      {
        text: 'metered ≤ 1.5x slower (ratio ≥ 0.67)',
        met: (r) => r >= 1 / 1.5,
      },
    ),
  );

  // CPU-heavy Rust code: token-big folds a 1.15 MB data blob in its `blob` query.
  const bMet = measure(ours(tokenBig, { metering: true, mode: 'reuse' }, 'query', { blob: {} }), slow);
  const bRaw = measure(ours(tokenBig, { metering: false, mode: 'fresh' }, 'query', { blob: {} }), slow);
  rows.push(
    compare(
      'metering overhead, token-big blob fold (Rust)',
      'calls/s',
      bMet.opsPerSec,
      { name: 'ours unmetered', value: bRaw.opsPerSec },
      {
        text: 'metered ≤ 1.5x slower (ratio ≥ 0.67)',
        met: (r) => r >= 1 / 1.5,
      },
    ),
  );

  // Instance strategy: fresh instance per call vs reset-and-reuse. Both start from the canonical warmed state
  // (instantiate + deallocate(allocate(1)), see ContractInstance.warmUp), so Rust's allocator has already grown
  // memory once and an ordinary call fits: reuse restores the snapshot instead of instantiating.
  const tFresh = measure(ours(token, { metering: true, mode: 'fresh' }, 'execute', TRANSFER), fast);
  rows.push(
    compare('token transfer: reuse mode vs fresh instances', 'calls/s', tMet.opsPerSec, {
      name: 'fresh instances',
      value: tFresh.opsPerSec,
    }),
  );
  const qReuse = measure(ours(cpu, { metering: true, mode: 'reuse' }, 'query', {}), fast);
  const qFresh = measure(ours(cpu, { metering: true, mode: 'fresh' }, 'query', {}), fast);
  rows.push(
    compare('no-growth contract query: reused vs fresh instances', 'calls/s', qReuse.opsPerSec, {
      name: 'fresh instances',
      value: qFresh.opsPerSec,
    }),
  );
  return rows;
}

if (process.argv[1]?.endsWith('runtime.ts')) {
  const { formatTable } = await import('./harness.js');
  console.log(formatTable(await run()));
}
