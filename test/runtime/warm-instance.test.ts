/**
 * The canonical warmed instance state (consensus rule at ContractInstance.warmUp): real Rust contracts are served
 * by reused instances, both instance modes agree on results, gas and state, and modules whose warm-up fails fall
 * back to the pristine state deterministically.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';

import type { EntryPoint, InstanceMode } from '../../src/runtime/index.js';
import { ContractRuntime } from '../../src/runtime/index.js';
import type { CompiledContract } from '../../src/runtime/instance.js';
import { ContractInstance } from '../../src/runtime/instance.js';
import { WARMUP_GAS_BUDGET } from '../../src/runtime/limits.js';
import { MockApi, mockBackend, mockEnv, mockInfo } from '../../src/testing/index.js';
import { loadFixture } from '../fixtures/index.js';
import { PRELUDE, wat } from './helpers.js';

const api = new MockApi();
const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => api.addrMake(n)) as [string, string, string];
const enc = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));
const PAGE = 65536;

type Step = readonly [EntryPoint, string, unknown];

/** Runs `steps` on a new runtime; returns per-step gas/result/error, final storage and the runtime's stats. */
function scenario(wasm: Uint8Array, mode: InstanceMode, steps: readonly Step[]) {
  const rt = new ContractRuntime({ instanceMode: mode });
  const backend = mockBackend();
  const codeHash = sha256(wasm);
  const out = steps.map(([entry, sender, msg]) => {
    try {
      const r = rt.call({
        codeHash,
        wasm,
        entry,
        env: mockEnv(),
        info: mockInfo(sender),
        msg: enc(msg),
        backend,
        gasLimit: 100_000_000n,
      });
      return { gas: r.gasUsed.toString(), result: Buffer.from(r.resultBytes).toString('hex') };
    } catch (err) {
      const e = err as { name: string; message: string; gasUsed?: bigint };
      return { gas: String(e.gasUsed), error: `${e.name}: ${e.message}` };
    }
  });
  const storage = backend.storage
    .entries()
    .map(([k, v]) => `${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`);
  return { out, storage, stats: rt.cacheStats() };
}

const TOKEN_STEPS: Step[] = [
  [
    'instantiate',
    alice,
    {
      name: 'Tok',
      symbol: 'TOK',
      decimals: 6,
      initial_balances: [{ address: alice, amount: '1000' }],
      minter: alice,
    },
  ],
  ['execute', alice, { transfer: { recipient: bob, amount: '10' } }],
  ['execute', alice, { transfer: { recipient: bob, amount: '10' } }],
  ['execute', bob, { transfer: { recipient: carol, amount: '300' } }],
  ['query', alice, { balance: { address: bob } }],
  ['execute', bob, { transfer: { recipient: carol, amount: '3' } }],
];

const EXERCISER_STEPS: Step[] = [
  ['instantiate', alice, {}],
  ['execute', alice, { set: { key: 'k', value: 'v' } }],
  ['execute', alice, { get: { key: 'k' } }],
  ['execute', alice, { env: {} }],
  ['execute', alice, { fail: { msg: 'boom' } }],
  ['execute', alice, { spin: { iterations: '1000' } }],
  ['query', alice, { get: { key: 'k' } }],
  ['execute', alice, { remove: { key: 'k' } }],
];

describe('canonical warmed instance: real Rust contracts', () => {
  for (const [name, steps] of [
    ['token', TOKEN_STEPS],
    ['exerciser-v1', EXERCISER_STEPS],
    ['exerciser-v010', EXERCISER_STEPS],
  ] as const) {
    it(`${name}: every call after the first reuses the instance; identical to fresh instances`, () => {
      const wasm = loadFixture(name);
      const reuse = scenario(wasm, 'reuse', steps);
      const fresh = scenario(wasm, 'fresh', steps);
      assert.deepEqual(reuse.out, fresh.out);
      assert.deepEqual(reuse.storage, fresh.storage);
      assert.ok(
        reuse.out.some((o) => 'result' in o),
        'the scenario has successful calls',
      );
      assert.equal(reuse.stats.instancesCreated, 1, JSON.stringify(reuse.stats));
      assert.equal(reuse.stats.instancesReused, steps.length - 1);
      assert.equal(reuse.stats.instancesDiscarded, 0);
      assert.equal(fresh.stats.instancesCreated, steps.length);
      assert.equal(fresh.stats.instancesReused, 0);
    });
  }

  it('property: random token op sequences (incl. contract errors) agree across modes on one reused instance', () => {
    const wasm = loadFixture('token');
    const who = fc.constantFrom(alice, bob, carol);
    const amount = fc.oneof(fc.constantFrom('0', '1', '999', '5000', 'x'), fc.nat(2000).map(String));
    const op: fc.Arbitrary<Step> = fc.oneof(
      fc
        .tuple(who, who, amount)
        .map(([s, r, a]): Step => ['execute', s, { transfer: { recipient: r, amount: a } }]),
      fc.tuple(who, amount).map(([s, a]): Step => ['execute', s, { burn: { amount: a } }]),
      fc
        .tuple(who, who, amount)
        .map(([s, r, a]): Step => ['execute', s, { mint: { recipient: r, amount: a } }]),
      who.map((a): Step => ['query', alice, { balance: { address: a } }]),
      fc.constant<Step>(['execute', alice, { nonsense: {} }]),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => {
        const steps = [TOKEN_STEPS[0]!, ...ops];
        const reuse = scenario(wasm, 'reuse', steps);
        const fresh = scenario(wasm, 'fresh', steps);
        assert.deepEqual(reuse.out, fresh.out);
        assert.deepEqual(reuse.storage, fresh.storage);
        assert.equal(reuse.stats.instancesCreated, 1);
      }),
      { numRuns: 12 },
    );
  });

  it('a second token transfer reuses the instance (same gas and bytes as on a fresh instance)', () => {
    const wasm = loadFixture('token');
    const steps = TOKEN_STEPS.slice(0, 3);
    const { out, stats } = scenario(wasm, 'reuse', steps);
    assert.deepEqual([stats.instancesCreated, stats.instancesReused], [1, 2]);
    assert.deepEqual(out, scenario(wasm, 'fresh', steps).out);
  });

  it('the warmed state of token.wasm is 18 pages (17 declared + the allocator’s first grow), budget reset', () => {
    const wasm = loadFixture('token');
    const rt = new ContractRuntime();
    const { compiled } = (
      rt as unknown as { entryFor(h: Uint8Array, w: Uint8Array): { compiled: CompiledContract } }
    ).entryFor(sha256(wasm), wasm);
    const inst = ContractInstance.create(compiled, rt.gasConfig);
    assert.equal(inst.memory.buffer.byteLength, 17 * PAGE);
    assert.equal(inst.warmUp(), true);
    assert.equal(inst.memory.buffer.byteLength, 18 * PAGE);
    assert.equal(inst.env.gasRemaining(), 0n);
    assert.equal(inst.trapReason(), 0);
  });

  it('a call whose memory grows past the warmed snapshot discards the instance; results stay identical', () => {
    const wasm = loadFixture('exerciser-v1');
    const steps: Step[] = [
      ['instantiate', alice, {}],
      ['execute', alice, { alloc: { bytes: 300_000 } }],
      ['execute', alice, { get: { key: 'instantiate_msg' } }],
      ['execute', alice, { get: { key: 'instantiate_msg' } }],
    ];
    const reuse = scenario(wasm, 'reuse', steps);
    assert.deepEqual(reuse.out, scenario(wasm, 'fresh', steps).out);
    assert.deepEqual(
      [reuse.stats.instancesCreated, reuse.stats.instancesReused, reuse.stats.instancesDiscarded],
      [2, 2, 1],
    );
  });
});

describe('canonical warmed instance: warm-up failures fall back to the pristine state', () => {
  // A bump allocator (PRELUDE) wrapped so that the warm-up's allocate(1) sets $w and then misbehaves in a chosen
  // way; other sizes allocate normally (no argument here is 1 byte long). execute answers {"ok":"<$w>"}: "1" when
  // the call started from the warmed state, "0" from the pristine one.
  const contract = (onWarm: string, imports = ''): Uint8Array =>
    wat(`(module ${imports} ${PRELUDE.replace('(export "allocate")', '')}
      (global $w (mut i32) (i32.const 0))
      (global $k (mut i32) (i32.const 0))
      (func (export "interface_version_8"))
      (func (export "allocate") (param $n i32) (result i32)
        (if (i32.eq (local.get $n) (i32.const 1)) (then (global.set $w (i32.const 1)) ${onWarm}))
        (call $allocate (local.get $n)))
      (func (export "execute") (param i32 i32 i32) (result i32) (local $r i32)
        (local.set $r (call $allocate (i32.const 16)))
        (i64.store (i32.load (local.get $r)) (i64.const 0x30223a226b6f227b))
        (i32.store (i32.add (i32.load (local.get $r)) (i32.const 8)) (i32.const 0x7d22))
        (i32.store8 (i32.add (i32.load (local.get $r)) (i32.const 7)) (i32.add (i32.const 48) (global.get $w)))
        (i32.store offset=8 (local.get $r) (i32.const 10))
        (local.get $r)))`);
  const spin = (k: number): string =>
    `(block $d (loop $l (br_if $d (i32.ge_u (global.get $k) (i32.const ${k})))
       (global.set $k (i32.add (global.get $k) (i32.const 1))) (br $l)))`;
  const run = (wasm: Uint8Array, mode: InstanceMode) => {
    const rt = new ContractRuntime({ instanceMode: mode });
    const calls = [0, 1, 2].map(() =>
      rt.call({
        codeHash: sha256(wasm),
        wasm,
        entry: 'execute',
        env: mockEnv(),
        info: mockInfo(alice),
        msg: enc({}),
        backend: mockBackend(),
        gasLimit: 10_000_000n,
      }),
    );
    return { calls: calls.map((c) => [c.result, c.gasUsed]), stats: rt.cacheStats() };
  };

  const cases: [string, string, string][] = [
    ['allocate traps', '(unreachable)', ''],
    ['allocate runs out of the warm-up budget', spin(1_000_000), ''],
    ['allocate returns 0', '(return (i32.const 0))', ''],
    ['allocate loops forever', '(loop $l (br $l))', ''],
    [
      'allocate calls a host import (the warm-up backend refuses it)',
      '(drop (call $db_read (i32.const 0)))',
      '(import "env" "db_read" (func $db_read (param i32) (result i32)))',
    ],
  ];
  for (const [label, onWarm, imports] of cases) {
    it(`${label}: pristine start in both modes, reuse still applies`, () => {
      const wasm = contract(onWarm, imports);
      const reuse = run(wasm, 'reuse');
      const fresh = run(wasm, 'fresh');
      assert.deepEqual(reuse.calls, fresh.calls);
      assert.deepEqual(reuse.calls[0]![0], { ok: '0' });
      // The first instance's warm-up fails and is replaced by a pristine one, once per module.
      assert.equal(reuse.stats.instancesCreated, 2);
      assert.equal(reuse.stats.instancesReused, 2);
      assert.equal(fresh.stats.instancesCreated, 4);
    });
  }

  it('a successful warm-up is used in both modes and is not charged to the caller', () => {
    const cheap = run(contract(spin(1)), 'reuse');
    assert.deepEqual(cheap.calls[0]![0], { ok: '1' });
    assert.equal(cheap.stats.instancesCreated, 1);
    // ~120k more instructions inside the warm-up (within WARMUP_GAS_BUDGET): same gas for every call.
    assert.ok(20_000n * 12n < WARMUP_GAS_BUDGET);
    const costly = contract(spin(20_000));
    assert.deepEqual(run(costly, 'reuse').calls, cheap.calls);
    assert.deepEqual(run(costly, 'fresh').calls, cheap.calls);
  });

  it('a module without allocate fails identically in both modes', () => {
    const wasm = loadFixture('hostile/missing-allocate');
    const calls = (mode: InstanceMode): string[] => {
      const rt = new ContractRuntime({ instanceMode: mode });
      return [0, 1].map(() => {
        try {
          rt.call({
            codeHash: sha256(wasm),
            wasm,
            entry: 'instantiate',
            env: mockEnv(),
            info: mockInfo(alice),
            msg: enc({}),
            backend: mockBackend(),
            gasLimit: 10_000_000n,
          });
          return 'ok';
        } catch (err) {
          const e = err as { name: string; message: string; gasUsed?: bigint };
          return `${e.name}: ${e.message} (${String(e.gasUsed)})`;
        }
      });
    };
    assert.deepEqual(calls('reuse'), calls('fresh'));
  });
});

describe('canonical warmed instance: a call after a call that wrote anywhere starts from identical memory', () => {
  // query → {"ok":"<8 letters>"}: a checksum of all 3 pages at entry (the host-written env/msg of a query are the
  // same every time). execute(msg = addr u32 LE, value u32 LE) stores at addr with several widths and offsets.
  const MEM = 3 * PAGE;
  const scribbler = wat(`(module
    (memory (export "memory") 3)
    (global $heap (mut i32) (i32.const 131072))
    (data (i32.const 1000) "{\\"ok\\":\\"")
    (data (i32.const 1008) "{\\"ok\\":{\\"messages\\":[],\\"attributes\\":[],\\"events\\":[],\\"data\\":null}}")
    (func $allocate (export "allocate") (param $size i32) (result i32) (local $r i32)
      (local.set $r (global.get $heap))
      (i32.store (local.get $r) (i32.add (local.get $r) (i32.const 12)))
      (i32.store offset=4 (local.get $r) (local.get $size))
      (i32.store offset=8 (local.get $r) (i32.const 0))
      (global.set $heap (i32.add (local.get $r) (i32.add (local.get $size) (i32.const 12))))
      (local.get $r))
    (func (export "deallocate") (param i32))
    (func (export "interface_version_8"))
    (func $emit (param $src i32) (param $len i32) (result i32) (local $r i32) (local $i i32)
      (local.set $r (call $allocate (local.get $len)))
      (block $d (loop $l (br_if $d (i32.ge_u (local.get $i) (local.get $len)))
        (i32.store8 (i32.add (i32.load (local.get $r)) (local.get $i)) (i32.load8_u (i32.add (local.get $src) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))
      (i32.store offset=8 (local.get $r) (local.get $len))
      (local.get $r))
    (func (export "query") (param i32 i32) (result i32) (local $h i32) (local $a i32) (local $k i32)
      (block $d (loop $l (br_if $d (i32.ge_u (local.get $a) (i32.const ${MEM})))
        (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (i32.load (local.get $a))))
        (local.set $a (i32.add (local.get $a) (i32.const 4))) (br $l)))
      ;; 8 letters a..p from the nibbles, after the 7-byte prefix at 1000, then a closing quote and brace
      (block $d (loop $l (br_if $d (i32.ge_u (local.get $k) (i32.const 8)))
        (i32.store8 offset=1100 (local.get $k)
          (i32.add (i32.const 97) (i32.and (i32.shr_u (local.get $h) (i32.mul (local.get $k) (i32.const 4))) (i32.const 15))))
        (local.set $k (i32.add (local.get $k) (i32.const 1))) (br $l)))
      (i32.store16 (i32.const 1108) (i32.const 0x7d22))
      (memory.copy (i32.const 1093) (i32.const 1000) (i32.const 7))
      (call $emit (i32.const 1093) (i32.const 17)))
    (func (export "execute") (param i32 i32 i32) (result i32) (local $m i32) (local $addr i32) (local $v i32) (local $r i32)
      (local.set $m (i32.load (local.get 2)))
      (local.set $addr (i32.load (local.get $m)))
      (local.set $v (i32.load offset=4 (local.get $m)))
      (local.set $r (call $emit (i32.const 1008) (i32.const 62)))
      (i32.store8 (local.get $addr) (local.get $v))
      (i64.store offset=1 (i32.and (i32.xor (local.get $addr) (i32.const 0x5555)) (i32.const 0x1fff0))
        (i64.extend_i32_u (i32.or (local.get $v) (i32.const 1))))
      (i32.store16 offset=3 (i32.and (i32.mul (local.get $addr) (i32.const 7)) (i32.const 0x2fff0)) (local.get $v))
      (local.get $r)))`);
  const codeHash = sha256(scribbler);
  const run = (mode: InstanceMode, scribbles: readonly [number, number][]) => {
    const rt = new ContractRuntime({ instanceMode: mode });
    const req = {
      codeHash,
      wasm: scribbler,
      env: mockEnv(),
      info: mockInfo(alice),
      gasLimit: 10_000_000_000n,
    };
    const backend = mockBackend();
    const query = (): string => {
      const out = rt.call({ ...req, entry: 'query', msg: enc({}), backend });
      return Buffer.from(out.resultBytes).toString();
    };
    const results = [query()];
    for (const [addr, v] of scribbles) {
      const msg = new Uint8Array(8);
      new DataView(msg.buffer).setUint32(0, addr, true);
      new DataView(msg.buffer).setUint32(4, v, true);
      try {
        rt.call({ ...req, entry: 'execute', msg, backend });
      } catch {
        // A scribble over its own result Region: a failed call, discarded instance; the next call is fresh.
      }
      results.push(query());
    }
    return { results, stats: rt.cacheStats() };
  };

  it('property: every query after arbitrary scribbles sees the canonical memory, reused or fresh', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(MEM - 8), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }),
        (scribbles) => {
          const reuse = run('reuse', scribbles);
          const fresh = run('fresh', scribbles);
          assert.match(reuse.results[0]!, /^\{"ok":"[a-p]{8}"\}$/);
          assert.deepEqual(new Set(reuse.results).size, 1, reuse.results.join(' '));
          assert.deepEqual(reuse.results, fresh.results);
          assert.ok(reuse.stats.instancesReused >= scribbles.length);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('the scribbles do change memory within a call (the checksum would see them)', () => {
    // Control for the property above: a query that runs after an execute on an instance that was NOT restored.
    const rt = new ContractRuntime({ instanceMode: 'reuse' });
    const req = {
      codeHash,
      wasm: scribbler,
      env: mockEnv(),
      info: mockInfo(alice),
      gasLimit: 10_000_000_000n,
    };
    const before = Buffer.from(
      rt.call({ ...req, entry: 'query', msg: enc({}), backend: mockBackend() }).resultBytes,
    );
    const entry = [
      ...(
        rt as unknown as { cache: { entries: Map<string, { idle: ContractInstance }> } }
      ).cache.entries.values(),
    ][0]!;
    const inst = entry.idle;
    new Uint8Array(inst.memory.buffer)[5] = 7; // what an unrestored scribble at address 5 would leave behind
    const after = Buffer.from(
      rt.call({ ...req, entry: 'query', msg: enc({}), backend: mockBackend() }).resultBytes,
    );
    assert.notDeepEqual(after, before);
  });
});
