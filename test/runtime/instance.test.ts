import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { SECRET_GAS_CONFIG } from '../../src/runtime/gas.js';
import type { CompiledContract } from '../../src/runtime/instance.js';
import { ContractInstance } from '../../src/runtime/instance.js';
import { writeRegion } from '../../src/runtime/memory.js';
import { instrument, INSTRUMENT_GLOBALS } from '../../src/runtime/wasm/index.js';
import { DIRTY_MARK_GRANULE } from '../../src/runtime/wasm/limits.js';
import { mockBackend } from '../../src/testing/index.js';
import { wat } from './helpers.js';

// Data in chunks 0, 2 and 9 (4 KiB chunks), zeros elsewhere; two mutable globals exported like the instrumentation does.
const bytes = wat(`(module
  (memory (export "memory") 3)
  (global $a (export "__sc_global_0") (mut i32) (i32.const 11))
  (global $b (export "__sc_global_1") (mut i64) (i64.const 22))
  (data (i32.const 100) "head")
  (data (i32.const 9000) "middle")
  (data (i32.const 40000) "tail")
  (func (export "allocate") (param i32) (result i32) (i32.const 0))
  (func (export "deallocate") (param i32)))`);

const compiled: CompiledContract = {
  codeHashHex: '00',
  module: new WebAssembly.Module(bytes),
  apiVersion: 'v1',
  requiresRandom: false,
  hasFloats: false,
  globals: {
    gasRemaining: 'none',
    trapReason: 'none',
    stackUsed: 'none',
    mutableGlobalPrefix: INSTRUMENT_GLOBALS.mutableGlobalPrefix,
  },
  reusable: true,
};

describe('ContractInstance snapshot / restore', () => {
  const pristine = ContractInstance.create(compiled, SECRET_GAS_CONFIG);
  const image = new Uint8Array(pristine.memory.buffer).slice();

  it('property: after arbitrary writes and global changes, restore equals a fresh instance', () => {
    const inst = ContractInstance.create(compiled, SECRET_GAS_CONFIG);
    const snap = inst.snapshot();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(3 * 65536 - 1), fc.integer({ min: 1, max: 255 })), { maxLength: 200 }),
        fc.integer(),
        (writes, g) => {
          const mem = new Uint8Array(inst.memory.buffer);
          for (const [at, v] of writes) mem[at] = v;
          (inst as unknown as { stateGlobals: WebAssembly.Global[] }).stateGlobals.forEach((gl, i) => {
            gl.value = i === 0 ? g : BigInt(g);
          });
          assert.equal(inst.restore(snap), true);
          assert.deepEqual(new Uint8Array(inst.memory.buffer), image);
          const exports = (inst as unknown as { exportsObj: Record<string, WebAssembly.Global> }).exportsObj;
          assert.equal(exports['__sc_global_0']!.value, 11);
          assert.equal(exports['__sc_global_1']!.value, 22n);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses to restore after memory growth or a trap', () => {
    const inst = ContractInstance.create(compiled, SECRET_GAS_CONFIG);
    const snap = inst.snapshot();
    inst.memory.grow(1);
    assert.equal(inst.restore(snap), false);
    const other = ContractInstance.create(compiled, SECRET_GAS_CONFIG);
    other.poisoned = true;
    assert.equal(other.restore(snap), false);
  });

  it('stores only non-zero chunks', () => {
    const snap = pristine.snapshot();
    assert.deepEqual(
      snap.segments.map((s) => [s.offset, s.bytes.length]),
      [
        [0, 4096],
        [8192, 4096],
        [36864, 4096],
      ],
    );
  });
});

describe('ContractInstance restore from the dirty mark (instrumented modules)', () => {
  // Data near the bottom, middle and top; a guest that can write anywhere (all store widths, memory.fill) and
  // build Region structs anywhere, so the host can be made to write below every guest store.
  const src = `(module
    (memory (export "memory") 4)
    (global $heap (mut i32) (i32.const 200000))
    (data (i32.const 8) "low")
    (data (i32.const 70000) "middle")
    (data (i32.const 250000) "high")
    (func (export "allocate") (param $n i32) (result i32) (local $r i32)
      (local.set $r (global.get $heap))
      (i32.store (local.get $r) (i32.add (local.get $r) (i32.const 12)))
      (i32.store offset=4 (local.get $r) (local.get $n))
      (i32.store offset=8 (local.get $r) (i32.const 0))
      (global.set $heap (i32.add (global.get $heap) (i32.add (local.get $n) (i32.const 12))))
      (local.get $r))
    (func (export "deallocate") (param i32))
    (func (export "poke8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
    (func (export "poke64") (param i32 i64) (i64.store offset=3 (local.get 0) (local.get 1)))
    (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
    (func (export "region") (param $at i32) (param $offset i32) (param $cap i32)
      (i32.store (local.get $at) (local.get $offset))
      (i32.store offset=4 (local.get $at) (local.get $cap))
      (i32.store offset=8 (local.get $at) (i32.const 0))))`;
  const compile = (text: string): CompiledContract => ({
    ...compiled,
    module: new WebAssembly.Module(
      instrument(wat(text), {
        costs: SECRET_GAS_CONFIG.instructionCosts,
        maxStackSlots: 7680,
        maxMemoryPages: 16,
      }),
    ),
    globals: INSTRUMENT_GLOBALS,
  });
  const dirtyCompiled = compile(src);
  // The same guest with Rust's layout: 2 initial pages (the split of the dirty marks), and the first allocation
  // (the warm-up's) grows 2 more, where the heap lives.
  const growing = compile(
    src
      .replace('(memory (export "memory") 4)', '(memory (export "memory") 2)')
      .replace('(data (i32.const 250000) "high")', '(data (i32.const 131000) "high")')
      .replace(
        '(local.set $r (global.get $heap))',
        '(if (i32.eq (memory.size) (i32.const 2)) (then (drop (memory.grow (i32.const 2))))) (local.set $r (global.get $heap))',
      ),
  );
  const SIZE = 4 * 65536;
  type Op =
    | { kind: 'poke8'; at: number; v: number }
    | { kind: 'poke64'; at: number; v: bigint }
    | { kind: 'fill'; at: number; v: number; n: number }
    | { kind: 'host'; offset: number; data: Uint8Array };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('poke8' as const),
      at: fc.nat(SIZE - 1),
      v: fc.integer({ min: 1, max: 255 }),
    }),
    fc.record({
      kind: fc.constant('poke64' as const),
      at: fc.nat(SIZE - 11),
      v: fc.bigInt({ min: 1n, max: 2n ** 63n }),
    }),
    fc.record({
      kind: fc.constant('fill' as const),
      at: fc.nat(SIZE - 100),
      v: fc.integer({ min: 1, max: 255 }),
      n: fc.nat(99),
    }),
    fc.record({
      kind: fc.constant('host' as const),
      offset: fc.integer({ min: 1, max: SIZE - 64 }),
      data: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
  );

  for (const [label, module] of [
    ['all of memory initial', dirtyCompiled],
    ['heap in grown pages', growing],
  ] as const) {
    it(`property (${label}): after any guest stores, bulk fills and host Region writes, restore equals the warmed state`, () => {
      const inst = ContractInstance.create(module, SECRET_GAS_CONFIG);
      assert.equal(inst.warmUp(), true);
      assert.equal(inst.memory.buffer.byteLength, SIZE);
      const snap = inst.snapshot();
      const image = new Uint8Array(inst.memory.buffer).slice();
      const heap = (inst as unknown as { stateGlobals: WebAssembly.Global[] }).stateGlobals[0]!
        .value as number;
      const mark = (): number =>
        ((inst as unknown as { dirtyGlobal: WebAssembly.Global }).dirtyGlobal.value as number) >>> 0;
      const backend = mockBackend();
      const call = (name: string, ...args: (number | bigint)[]): void => {
        inst.clearTrapState();
        (inst.fn(name) as (...a: (number | bigint)[]) => unknown)(...args);
      };
      fc.assert(
        fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
          inst.env.startCall({ backend, readonly: false, queryDepth: 1, gasLimit: 10n ** 12n });
          assert.equal(mark(), 0xffff_ffff);
          for (const o of ops) {
            if (o.kind === 'poke8') call('poke8', o.at, o.v);
            else if (o.kind === 'poke64') call('poke64', o.at, o.v);
            else if (o.kind === 'fill') call('fill', o.at, o.v, o.n);
            else {
              // The guest builds the Region struct high up; only the host writes at `offset`.
              const before = mark();
              call('region', SIZE - 12, o.offset, o.data.length);
              writeRegion(inst.memory, SIZE - 12, o.data);
              // guest stores and host writes both lower the mark to their address rounded down to the granule
              const down = (a: number): number => a - (a % DIRTY_MARK_GRANULE);
              assert.equal(mark(), Math.min(before, down(o.offset), down(SIZE - 12)));
            }
          }
          inst.env.allocate(10); // moves the heap global, writes a Region struct
          inst.env.endCall();
          assert.equal(inst.restore(snap), true);
          assert.equal(mark(), 0xffff_ffff);
          assert.deepEqual(new Uint8Array(inst.memory.buffer), image);
          assert.equal(
            (inst as unknown as { stateGlobals: WebAssembly.Global[] }).stateGlobals[0]!.value,
            heap,
          );
        }),
        { numRuns: 150 },
      );
    });
  }

  it('the high marks bound the stores below and above the split; restore clears them', () => {
    const inst = ContractInstance.create(growing, SECRET_GAS_CONFIG);
    assert.equal(inst.warmUp(), true);
    const snap = inst.snapshot();
    const g = (name: string): number =>
      ((inst as unknown as Record<string, WebAssembly.Global>)[name]!.value as number) >>> 0;
    const marks = (): number[] => [g('dirtyGlobal'), g('dirtyHighGlobal'), g('dirtyHeapGlobal')];
    const call = (name: string, ...args: number[]): void => {
      inst.clearTrapState();
      (inst.fn(name) as (...a: number[]) => unknown)(...args);
    };
    inst.env.startCall({ backend: mockBackend(), readonly: false, queryDepth: 1, gasLimit: 10n ** 12n });
    assert.deepEqual(marks(), [0xffff_ffff, 0, 0]);
    call('poke8', 5000, 1);
    call('poke8', 100_000, 1);
    const G = DIRTY_MARK_GRANULE;
    const down = (a: number): number => a - (a % G);
    assert.deepEqual(marks(), [down(5000), down(100_000) + G - 1, 0]);
    call('poke8', 140_000, 1);
    call('poke8', 131_072, 1);
    assert.deepEqual(marks(), [down(5000), down(100_000) + G - 1, down(140_000) + G - 1]);
    call('fill', 0, 0, 0);
    assert.deepEqual(marks(), [0, 0xffff_ffff, 0xffff_ffff]);
    inst.env.endCall();
    assert.equal(inst.restore(snap), true);
    assert.deepEqual(marks(), [0xffff_ffff, 0, 0]);
  });

  it('a second instance warmed from scratch has the same memory as the restored one', () => {
    const a = ContractInstance.create(dirtyCompiled, SECRET_GAS_CONFIG);
    assert.equal(a.warmUp(), true);
    const snap = a.snapshot();
    a.env.startCall({ backend: mockBackend(), readonly: false, queryDepth: 1, gasLimit: 10n ** 12n });
    a.clearTrapState();
    (a.fn('poke8') as (x: number, y: number) => void)(0, 9);
    a.env.endCall();
    assert.equal(a.restore(snap), true);
    const b = ContractInstance.create(dirtyCompiled, SECRET_GAS_CONFIG);
    assert.equal(b.warmUp(), true);
    assert.deepEqual(new Uint8Array(a.memory.buffer), new Uint8Array(b.memory.buffer));
  });
});
