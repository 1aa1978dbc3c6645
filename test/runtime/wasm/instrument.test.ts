import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { VmError } from '../../../src/runtime/errors.js';
import {
  COSMWASM_GAS_COSTS,
  instrument,
  INSTRUMENT_GLOBALS,
  MAX_FUNCTION_LOCALS,
  parseModule,
  SECRET_GAS_COSTS,
  TrapReason,
} from '../../../src/runtime/wasm/index.js';
import { DIRTY_MARK_GRANULE } from '../../../src/runtime/wasm/limits.js';
import { Metered } from './metered.js';
import { contract, wat } from './wat.js';

const G = 10n ** 9n; // a gas limit no test reaches

/** Sum 1..n with a block/loop, the shape rustc emits. */
const SUM = `(func (export "sum") (param $n i32) (result i32) (local $acc i32)
  (block $out (loop $l
    (br_if $out (i32.eqz (local.get $n)))
    (local.set $acc (i32.add (local.get $acc) (local.get $n)))
    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
    (br $l)))
  (local.get $acc))`;

describe('instrument: gas', () => {
  it('charges exactly 2 per executed instruction: a loop of N iterations costs 24N + 16', () => {
    const m = new Metered(wat(`(module (memory 1) ${SUM})`));
    for (const n of [0, 1, 10, 1000]) {
      const { value, gasUsed } = m.ok('sum', G, n);
      assert.equal(value, (n * (n + 1)) / 2);
      // per iteration: 12 instructions x 2; fixed: block, loop, final end (entry) + loop start check (3 ops)
      // on the exit iteration + block end and local.get after it.
      assert.equal(gasUsed, BigInt(24 * n + 16), `n=${n}`);
    }
  });

  it('charges straight-line code per instruction, including the final end', () => {
    const m = new Metered(
      wat(`(module (memory 1) (func (export "f") (result i32) (i32.add (i32.const 1) (i32.const 2))))`),
    );
    assert.equal(m.ok('f', G).gasUsed, 8n); // const, const, add, end
  });

  it('charges both arms of if/else exactly, with else and end charged when passed through', () => {
    const m = new Metered(
      wat(`(module (memory 1) (func (export "f") (param i32) (result i32) (local i32)
        (if (local.get 0)
          (then (local.set 1 (i32.const 10)))
          (else (local.set 1 (i32.const 20)) (local.set 1 (i32.add (local.get 1) (i32.const 1)))))
        (local.get 1)))`),
    );
    // then: local.get, if, [const, set], end, local.get, final end = 7 instructions
    assert.deepEqual({ ...m.ok('f', G, 1) }, { ok: true, value: 10, gasUsed: 14n });
    // else: local.get, if, else, [const, set, get, const, add, set], end, local.get, final end = 12
    assert.deepEqual({ ...m.ok('f', G, 0) }, { ok: true, value: 21, gasUsed: 24n });
  });

  it('charges if/else ends exactly, whether or not a branch targets the if', () => {
    const m = new Metered(
      wat(`(module (memory 1)
        (func (export "plain") (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.const 5)) (else (i32.const 6))))
        (func (export "targeted") (param i32) (result i32)
          (if (result i32) (local.get 0) (then (br 0 (i32.const 5)) (drop (i32.const 9)) (i32.const 7)) (else (i32.const 6)))))`),
    );
    // get, if, const, end, final end | get, if, else, const, end, final end
    assert.equal(m.ok('plain', G, 1).gasUsed, 10n);
    assert.equal(m.ok('plain', G, 0).gasUsed, 12n);
    // get, if, const, br, end, final end (the dead then-tail is never charged) | as plain's else path
    assert.equal(m.ok('targeted', G, 1).gasUsed, 12n);
    assert.equal(m.ok('targeted', G, 0).gasUsed, 12n);
  });

  it('charges a block end once whether reached by branch or fall through', () => {
    const m = new Metered(
      wat(`(module (memory 1) (func (export "f") (param i32) (result i32)
        (block $b (br_if $b (local.get 0)) (nop))
        (i32.const 7)))`),
    );
    // taken: block, local.get, br_if, end, const, final end = 6
    assert.equal(m.ok('f', G, 1).gasUsed, 12n);
    // not taken: block, local.get, br_if, nop, end, const, final end = 7
    assert.equal(m.ok('f', G, 0).gasUsed, 14n);
  });

  it('reproduces CosmWasm metering (accounting placement, cosmwasm-abi.md §4.3)', () => {
    const m = new Metered(wat(`(module (memory 1) ${SUM})`), { costs: COSMWASM_GAS_COSTS });
    // Checks before: loop (block+loop = 1725), br_if (2 x 115 + 1610 = 1840), br (8 x 115 + 1610 = 2530), final end
    // (local.get + end = 1725). The exit iteration stops at the taken br_if; the checks before both `end`s of the
    // loop and block sit in dead code.
    for (const n of [0, 1, 5, 100]) {
      assert.equal(m.ok('sum', G, n).gasUsed, BigInt(1725 + 4370 * n + 1840 + 1725), `n=${n}`);
    }
    assert.notEqual(COSMWASM_GAS_COSTS.version, SECRET_GAS_COSTS.version);
  });

  it('applies the CosmWasm locals charge of 115 x (L - 29) for L >= 30 declared locals', () => {
    const locals = (n: number) =>
      `(func (export "f${n}") (result i32) ${n > 0 ? `(local ${'i32 '.repeat(n)})` : ''} (i32.const 1))`;
    const m = new Metered(
      wat(
        `(module (memory 1) ${locals(29)} ${locals(30)} ${locals(40)} (func (export "g") (local ${'i64 '.repeat(31)}) (loop)))`,
      ),
      {
        costs: COSMWASM_GAS_COSTS,
      },
    );
    assert.equal(m.ok('f29', G).gasUsed, 1725n); // i32.const + end
    assert.equal(m.ok('f30', G).gasUsed, 1725n + 115n);
    assert.equal(m.ok('f40', G).gasUsed, 1725n + 115n * 11n);
    // First op accounting (loop): the charge joins its check. loop 1610 + 230, then end (loop) 1610, final end 1610.
    assert.equal(m.ok('g', G).gasUsed, 1610n + 230n + 1610n + 1610n);
  });

  it('differs between placements only in how branched-over ends are charged', () => {
    const flat = { op: () => 1, memoryGrowPerPage: 0, version: 'flat' };
    const wasm = wat(`(module (memory 1) ${SUM})`);
    const a = new Metered(wasm, { costs: { ...flat, placement: 'block-start' } });
    const b = new Metered(wasm, { costs: { ...flat, placement: 'accounting' } });
    // Both count executed instructions. The exit `br_if` jumps to the block's end: block-start placement charges
    // that `end` (control passes through it), wasmer's placement does not (its check sits before the `end`).
    assert.equal(a.ok('sum', G, 50).gasUsed, b.ok('sum', G, 50).gasUsed + 1n);
  });

  it('stops an infinite loop with trap_reason 1 and all gas used', () => {
    const m = new Metered(wat(`(module (memory 1) (func (export "spin") (loop (br 0))))`));
    const out = m.call('spin', 5_000_000n);
    assert.equal(out.ok, false);
    assert.ok(!out.ok && out.reason === 'gas');
    assert.equal(out.gasUsed, 5_000_000n);
    assert.equal(m.exports.gas_remaining.value, 0n);
    assert.ok(!out.ok && out.error instanceof WebAssembly.RuntimeError);
  });

  it('stops a loop that calls a function and a recursion that never returns', () => {
    const m = new Metered(
      wat(`(module (memory 1) (func $leaf (result i32) (i32.const 1))
        (func (export "spin") (loop (drop (call $leaf)) (br 0))))`),
    );
    const out = m.call('spin', 1_234_567n);
    assert.ok(!out.ok && out.reason === 'gas' && out.gasUsed === 1_234_567n);
  });

  it('does not deduct gas for a block it cannot pay for (out of gas exactly at the boundary)', () => {
    const m = new Metered(
      wat(`(module (memory 1) (func (export "f") (result i32) (i32.add (i32.const 1) (i32.const 2))))`),
    );
    assert.equal(m.call('f', 8n).ok, true);
    const out = m.call('f', 7n);
    assert.ok(!out.ok && out.reason === 'gas');
  });

  it('is deterministic: same gas across runs and fresh instances', () => {
    const wasm = wat(`(module (memory 1) ${SUM})`);
    const a = new Metered(wasm);
    const b = new Metered(wasm);
    const first = a.ok('sum', G, 321).gasUsed;
    for (let i = 0; i < 5; i++) assert.equal(a.ok('sum', G, 321).gasUsed, first);
    assert.equal(b.ok('sum', G, 321).gasUsed, first);
    assert.deepEqual(
      instrument(wasm, { costs: SECRET_GAS_COSTS, maxStackSlots: 7680, maxMemoryPages: 192 }),
      a.bytes,
    );
  });

  it('lets host imports charge gas through gas_remaining', () => {
    const m = new Metered(
      wat(`(module (import "env" "charge" (func $charge)) (memory 1)
        (func (export "f") (call $charge) (call $charge)))`),
      {
        imports: (self) => ({
          env: {
            charge: () => {
              const g = self().exports.gas_remaining;
              g.value = (g.value as bigint) - 1000n;
            },
          },
        }),
      },
    );
    assert.equal(m.ok('f', G).gasUsed, 2000n + 6n); // call, call, end
  });
});

describe('instrument: memory', () => {
  const GROW = `(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size)))`;

  it('charges 8192 per page before growing', () => {
    const m = new Metered(wat(GROW));
    const { value, gasUsed } = m.ok('grow', G, 3);
    assert.equal(value, 1);
    assert.equal(gasUsed, 3n * 8192n + 6n); // local.get, memory.grow, end
    assert.equal(m.ok('size', G).value, 4);
  });

  it('caps the memory at maxMemoryPages: growing beyond returns -1 deterministically', () => {
    const m = new Metered(wat(GROW), { maxMemoryPages: 10 });
    assert.deepEqual(parseModule(m.bytes).memories, [{ min: 1, max: 10 }]);
    assert.equal(m.ok('grow', G, 9).value, 1);
    const beyond = m.ok('grow', G, 1);
    assert.equal(beyond.value, -1);
    assert.equal(beyond.gasUsed, 8192n + 6n); // charged even though it failed
    assert.equal(m.ok('size', G).value, 10);
  });

  it('runs out of gas on a grow it cannot pay for, without growing', () => {
    const m = new Metered(wat(GROW));
    const out = m.call('grow', 8192n * 2n, 2);
    assert.ok(!out.ok && out.reason === 'gas' && out.gasUsed === 16384n);
    assert.equal(m.ok('size', G).value, 1);
  });

  it('keeps a smaller declared maximum', () => {
    const m = new Metered(
      wat(
        `(module (memory 1 5) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`,
      ),
    );
    assert.deepEqual(parseModule(m.bytes).memories, [{ min: 1, max: 5 }]);
  });

  it('rejects an initial memory above the cap and an imported memory', () => {
    const opts = { costs: SECRET_GAS_COSTS, maxStackSlots: 100, maxMemoryPages: 192 };
    assert.throws(
      () => instrument(wat(`(module (memory 193))`), opts),
      (err: unknown) =>
        err instanceof VmError &&
        err.kind === 'StaticValidation' &&
        err.message === 'failed to initialize wasm memory',
    );
    assert.throws(
      () => instrument(wat(`(module (import "env" "memory" (memory 1)))`), opts),
      (err: unknown) => err instanceof VmError && /own memory/.test(err.message),
    );
  });
});

describe('instrument: module shape', () => {
  it('keeps function indices, exports and tables, and passes WebAssembly.validate', () => {
    const wasm = contract({
      imports: ['db_read'],
      extra:
        '(table 2 funcref) (elem (i32.const 0) 1 2) (global (mut i32) (i32.const 7)) (global i64 (i64.const 1))',
    });
    const out = instrument(wasm, { costs: SECRET_GAS_COSTS, maxStackSlots: 7680, maxMemoryPages: 192 });
    assert.ok(WebAssembly.validate(out));
    const before = parseModule(wasm);
    const after = parseModule(out);
    for (const e of before.exports)
      assert.deepEqual(
        after.exports.find((x) => x.name === e.name),
        e,
      );
    assert.deepEqual(after.funcTypes.slice(0, before.funcTypes.length), before.funcTypes);
    assert.equal(after.funcTypes.length, before.funcTypes.length + 3);
    const names = after.exports.map((e) => e.name);
    assert.ok(names.includes(INSTRUMENT_GLOBALS.gasRemaining));
    assert.ok(names.includes(INSTRUMENT_GLOBALS.trapReason));
    assert.ok(names.includes(INSTRUMENT_GLOBALS.stackUsed));
    // The mutable global (index 0) is re-exported for snapshot/restore; the immutable one is not.
    assert.ok(names.includes(`${INSTRUMENT_GLOBALS.mutableGlobalPrefix}0`));
    assert.ok(!names.includes(`${INSTRUMENT_GLOBALS.mutableGlobalPrefix}1`));
  });

  it('creates the global, export and type sections when the module has none', () => {
    const out = instrument(wat(`(module)`), {
      costs: SECRET_GAS_COSTS,
      maxStackSlots: 10,
      maxMemoryPages: 1,
    });
    assert.ok(WebAssembly.validate(out));
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(out)).map((e) => e.name);
    assert.deepEqual(exports, [
      'gas_remaining',
      'trap_reason',
      'stack_used',
      INSTRUMENT_GLOBALS.dirtyLow,
      INSTRUMENT_GLOBALS.dirtyHigh,
      INSTRUMENT_GLOBALS.dirtyHeapHigh,
    ]);
  });

  it('keeps custom sections', () => {
    const wasm = wat(`(module (memory 1) (func $named (export "f")))`);
    const withName = new Uint8Array([...wasm, 0x00, 0x05, 0x04, ...new TextEncoder().encode('note')]);
    const out = instrument(withName, { costs: SECRET_GAS_COSTS, maxStackSlots: 10, maxMemoryPages: 1 });
    assert.deepEqual(
      parseModule(out).customSections.map((c) => c.name),
      ['note'],
    );
  });

  it('rejects contracts whose exports collide with the instrumentation globals', () => {
    for (const name of ['gas_remaining', 'trap_reason', 'stack_used', '__sc_global_3']) {
      assert.throws(
        () =>
          instrument(wat(`(module (func (export "${name}")))`), {
            costs: SECRET_GAS_COSTS,
            maxStackSlots: 10,
            maxMemoryPages: 1,
          }),
        (err: unknown) =>
          err instanceof VmError && err.kind === 'StaticValidation' && err.message.includes(name),
      );
    }
  });

  it('instruments the compiled fixture contracts into valid modules', () => {
    for (const name of ['token.wasm', 'exerciser-v1.wasm', 'exerciser-v010.wasm']) {
      const wasm = new Uint8Array(readFileSync(new URL(`../../fixtures/contracts/${name}`, import.meta.url)));
      const m = new Metered(wasm, {
        imports: () => ({
          env: new Proxy({}, { get: () => () => 0 }),
        }),
      });
      const { value, gasUsed } = m.ok('allocate', G, 100);
      assert.ok((value as number) > 0, name);
      assert.ok(gasUsed > 0n && gasUsed < 100_000n, `${name}: ${gasUsed}`);
      assert.equal(m.exports.stack_used.value, 0, name);
    }
  });
});

describe('instrument: semantics unchanged', () => {
  const PROGRAM = `(module (memory 1) (table 2 funcref) (elem (i32.const 0) $double $triple)
    (type $un (func (param i32) (result i32)))
    (func $double (type $un) (i32.mul (local.get 0) (i32.const 2)))
    (func $triple (type $un) (i32.mul (local.get 0) (i32.const 3)))
    (func $fib (export "fib") (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
    (func (export "switch") (param i32) (result i32)
      (block $c (block $b (block $a (br_table $a $b $c (local.get 0))) (return (i32.const 100)))
        (br 1 (i32.const 200)))
      (i32.const 300))
    (func (export "dispatch") (param i32 i32) (result i32)
      (call_indirect (type $un) (local.get 1) (i32.and (local.get 0) (i32.const 1))))
    (func $pair (param i32) (result i32 i32) (local.get 0) (i32.add (local.get 0) (i32.const 1)))
    (func (export "multi") (param i32) (result i32)
      (call $pair (local.get 0))
      (block (param i32 i32) (result i32) (i32.mul))
      (drop (br_if 0 (i32.const 5) (i32.eqz (local.get 0))))
      (i32.const 1) (i32.add))
    (func (export "mem") (param i32) (result i64)
      (i64.store (i32.const 16) (i64.extend_i32_s (local.get 0)))
      (memory.fill (i32.const 32) (local.get 0) (i32.const 8))
      (memory.copy (i32.const 40) (i32.const 32) (i32.const 8))
      (i64.add (i64.load (i32.const 16)) (i64.load (i32.const 40))))
    (func (export "early") (param i32) (result i32)
      (loop $l (if (i32.gt_u (local.get 0) (i32.const 50)) (then (return (local.get 0))))
        (local.set 0 (i32.add (local.get 0) (i32.const 7))) (br $l))
      (unreachable))
    (func (export "signext") (param i32) (result i32) (i32.extend8_s (local.get 0))))`;

  const calls: [string, (x: number) => unknown[]][] = [
    ['fib', (x) => [Math.abs(x) % 15]],
    ['switch', (x) => [x % 5]],
    ['dispatch', (x) => [x, x]],
    ['multi', (x) => [x % 3]],
    ['mem', (x) => [x]],
    ['early', (x) => [Math.abs(x) % 100]],
    ['signext', (x) => [x]],
  ];

  it('returns the same results metered and unmetered, and leaves stack_used at 0', () => {
    const wasm = wat(PROGRAM);
    const plain = new WebAssembly.Instance(new WebAssembly.Module(wasm), {}).exports as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    const metered = new Metered(wasm);
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), (x) => {
        for (const [name, args] of calls) {
          const expected = (plain[name] as (...a: unknown[]) => unknown)(...args(x));
          const got = metered.ok(name, G, ...args(x));
          assert.deepEqual(got.value, expected, `${name}(${String(args(x))})`);
          assert.equal(metered.exports.stack_used.value, 0, `${name}: every exit path must pop its frame`);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('counts the trap reason 0 for ordinary traps', () => {
    const m = new Metered(
      wat(
        `(module (memory 1) (func (export "boom") (unreachable)) (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))`,
      ),
    );
    const out = m.call('boom', G);
    assert.ok(!out.ok && out.reason === 'trap');
    const div = m.call('div', G, 0);
    assert.ok(!div.ok && div.reason === 'trap' && div.error instanceof WebAssembly.RuntimeError);
    assert.equal(m.exports.trap_reason.value, TrapReason.None);
  });
});

describe('instrument: dirty memory mark', () => {
  // Every store kind, with offsets (incl. one beyond the first page), f32/f64 stores and the bulk memory ops.
  const m = new Metered(
    wat(`(module (memory (export "memory") 2)
      (func (export "i32") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
      (func (export "i64") (param i32 i64) (i64.store offset=1000 (local.get 0) (local.get 1)))
      (func (export "s8") (param i32 i32) (i32.store8 offset=7 (local.get 0) (local.get 1)))
      (func (export "s16") (param i32 i32) (i32.store16 offset=65541 (local.get 0) (local.get 1)))
      (func (export "l8") (param i32 i64) (i64.store8 offset=1 (local.get 0) (local.get 1)))
      (func (export "l16") (param i32 i64) (i64.store16 offset=2 (local.get 0) (local.get 1)))
      (func (export "l32") (param i32 i64) (i64.store32 offset=3 (local.get 0) (local.get 1)))
      (func (export "f32") (param i32) (f32.store offset=4 (local.get 0) (f32.const 1.5)))
      (func (export "f64") (param i32) (f64.store offset=5 (local.get 0) (f64.const 2.5)))
      (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
      (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2))))`),
  );
  const OFFSET: Record<string, number> = {
    i32: 0,
    i64: 1000,
    s8: 7,
    s16: 65541,
    l8: 1,
    l16: 2,
    l32: 3,
    f32: 4,
    f64: 5,
  };
  const dirty = (): number => (m.exports[INSTRUMENT_GLOBALS.dirtyLow] as WebAssembly.Global).value >>> 0;
  const high = (): number => (m.exports[INSTRUMENT_GLOBALS.dirtyHigh] as WebAssembly.Global).value >>> 0;
  const heapHigh = (): number =>
    (m.exports[INSTRUMENT_GLOBALS.dirtyHeapHigh] as WebAssembly.Global).value >>> 0;

  it('low: the lowest address + offset any store wrote, high: the highest (granule-rounded); bulk ops: all', () => {
    assert.equal(dirty(), 0xffff_ffff);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...Object.keys(OFFSET)), fc.nat(60_000)), {
          minLength: 1,
          maxLength: 20,
        }),
        (ops) => {
          (m.exports[INSTRUMENT_GLOBALS.dirtyLow] as WebAssembly.Global).value = -1;
          (m.exports[INSTRUMENT_GLOBALS.dirtyHigh] as WebAssembly.Global).value = 0;
          let low = 0xffff_ffff;
          let top = 0;
          for (const [fn, addr] of ops) {
            const args =
              fn === 'f32' || fn === 'f64' ? [addr] : [addr, fn.startsWith('l') || fn === 'i64' ? 7n : 7];
            m.ok(fn, 10n ** 9n, ...args);
            const ea = addr + OFFSET[fn]!;
            // rounded to the granule: down for the low mark, up to its last byte for the high one
            low = Math.min(low, ea - (ea % DIRTY_MARK_GRANULE));
            // (a store at 0 leaves the cleared high at 0: the restore still covers [0, 0 + 8))
            if (ea > top) top = ea - (ea % DIRTY_MARK_GRANULE) + DIRTY_MARK_GRANULE - 1;
            assert.equal(dirty(), low);
            // all of this memory is initial (below the split): the heap mark never moves
            assert.deepEqual([high(), heapHigh()], [top, 0]);
          }
        },
      ),
      { numRuns: 50 },
    );
    m.ok('fill', 10n ** 9n, 60_000, 1, 4);
    assert.deepEqual([dirty(), high(), heapHigh()], [0, 0xffff_ffff, 0xffff_ffff]);
    (m.exports[INSTRUMENT_GLOBALS.dirtyLow] as WebAssembly.Global).value = -1;
    m.ok('copy', 10n ** 9n, 60_000, 0, 4);
    assert.equal(dirty(), 0);
  });

  it('is not metered: gas of a store is what the cost table says', () => {
    const plain = m.ok('i32', 10n ** 9n, 100, 1).gasUsed;
    (m.exports[INSTRUMENT_GLOBALS.dirtyLow] as WebAssembly.Global).value = -1;
    assert.equal(m.ok('i32', 10n ** 9n, 50, 1).gasUsed, plain);
    // local.get ×2 + i32.store + end, 2 per instruction on Secret.
    assert.equal(plain, 8n);
  });
});

describe('instrument: dirty memory mark at the locals limit', () => {
  it('a storing function with the most locals allowed still compiles; its stores mark all of memory dirty', () => {
    const declared = MAX_FUNCTION_LOCALS - 1; // + 1 param = V8's limit minus the 2 locals every function gets
    const m = new Metered(
      wat(`(module (memory 1)
        (func (export "big") (param i32) (local ${'i32 '.repeat(declared)})
          (i64.store offset=8 (local.get 0) (i64.const 5)))
        (func (export "small") (param i32) (i32.store8 (local.get 0) (i32.const 1))))`),
      { maxStackSlots: 100_000 }, // the big frame's weight is ~50,000 slots
    );
    const dirty = m.exports[INSTRUMENT_GLOBALS.dirtyLow] as WebAssembly.Global;
    m.ok('small', 10n ** 9n, 4000);
    assert.equal(dirty.value >>> 0, 4000 - (4000 % DIRTY_MARK_GRANULE));
    m.ok('big', 10n ** 9n, 5000);
    assert.equal(dirty.value, 0);
    assert.equal((m.exports[INSTRUMENT_GLOBALS.dirtyHigh] as WebAssembly.Global).value >>> 0, 0xffff_ffff);
  });
});

/** Unsigned LEB128 of `v`, for the modules these tests build byte by byte. */
function leb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

describe('instrument: store tracking never changes whether a module compiles', () => {
  /** `(func (export "f") (param i32) <n × (i32.store8 (local.get 0) (local.get 0))>)` with 1 page, built directly. */
  function manyStores(n: number): Uint8Array {
    const section = (id: number, payload: number[] | Uint8Array): number[] => [
      id,
      ...leb(payload.length),
      ...payload,
    ];
    const body = new Uint8Array(1 + n * 7 + 1);
    body[0] = 0; // no locals
    for (let i = 0; i < n; i++) body.set([0x20, 0, 0x20, 0, 0x3a, 0, 0], 1 + i * 7);
    body[body.length - 1] = 0x0b;
    const code = [1, ...leb(body.length)];
    const head = [
      ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
      ...section(1, [1, 0x60, 1, 0x7f, 0]),
      ...section(3, [1, 0]),
      ...section(5, [1, 0, 1]),
      ...section(7, [2, 1, 0x66, 0, 0, 9, ...new TextEncoder().encode('dirty_low'), 0, 0]),
    ];
    const codeSection = [10, ...leb(code.length + body.length), ...code];
    const out = new Uint8Array(head.length + codeSection.length + body.length);
    out.set(head);
    out.set(codeSection, head.length);
    out.set(body, head.length + codeSection.length);
    return out;
  }
  const opts = { costs: SECRET_GAS_COSTS, maxStackSlots: 7680, maxMemoryPages: 16 };
  const exportsOf = (bytes: Uint8Array): string[] =>
    WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);

  it('a contract may export "dirty_low" itself (the mark lives under the reserved prefix)', () => {
    const names = exportsOf(instrument(manyStores(10), opts));
    assert.ok(names.includes('dirty_low') && names.includes(INSTRUMENT_GLOBALS.dirtyLow));
  });

  it("a module whose export count is at V8's limit after instrumentation is instrumented without the mark", () => {
    // n mutable globals, each re-exported: 3 + n exports (6 + n with the marks); V8 allows 100,000.
    const build = (n: number): Uint8Array => {
      const globals = [...leb(n)];
      for (let i = 0; i < n; i++) globals.push(0x7f, 1, 0x41, 0, 0x0b);
      const body = [0, 0x41, 0, 0x41, 1, 0x3a, 0, 0, 0x0b]; // (i32.store8 (i32.const 0) (i32.const 1))
      const sec = (id: number, p: number[]): number[] => [id, ...leb(p.length), ...p];
      return new Uint8Array([
        ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
        ...sec(1, [1, 0x60, 0, 0]),
        ...sec(3, [1, 0]),
        ...sec(5, [1, 0, 1]),
        ...sec(6, globals),
        ...sec(10, [1, body.length, ...body]),
      ]);
    };
    const at = exportsOf(instrument(build(99_997), opts));
    assert.equal(at.length, 100_000);
    assert.ok(!at.includes(INSTRUMENT_GLOBALS.dirtyLow));
    // the three marks would take 99,995 globals to 100,001 exports; 99,994 reach 100,000 exactly with them
    assert.ok(!exportsOf(instrument(build(99_995), opts)).includes(INSTRUMENT_GLOBALS.dirtyLow));
    const withMarks = exportsOf(instrument(build(99_994), opts));
    assert.equal(withMarks.length, 100_000);
    assert.ok(withMarks.includes(INSTRUMENT_GLOBALS.dirtyHeapHigh));
  });

  it('a function that would exceed V8 body size only with tracking is instrumented without it', () => {
    // 320,000 stores: 7 bytes each untracked (2.2 MB), ~25 with tracking (8 MB > 7,654,321).
    const out = instrument(manyStores(320_000), opts);
    assert.ok(!exportsOf(out).includes(INSTRUMENT_GLOBALS.dirtyLow));
    const inst = new WebAssembly.Instance(new WebAssembly.Module(out), {});
    const e = inst.exports as unknown as MeteredExportsLike;
    e.gas_remaining.value = 10n ** 12n;
    e.f(7);
    assert.ok((e.gas_remaining.value as bigint) < 10n ** 12n);
  });
});

interface MeteredExportsLike {
  gas_remaining: WebAssembly.Global;
  f: (a: number) => void;
}
