import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DEFAULT_MAX_STACK_SLOTS,
  FRAME_OVERHEAD_SLOTS,
  MAX_NESTED_CONTRACT_CALLS,
} from '../../../src/runtime/wasm/limits.js';
import { Metered } from './metered.js';
import { wat } from './wat.js';

const G = 10n ** 15n;
const L = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

/**
 * Unbounded recursions of very different frame shapes. Each stores its depth at address 0 before recursing, so
 * the depth reached can be read back after the trap.
 */
const SHAPES: Record<string, string> = {
  'empty frame': `(func $f (export "f") (param i32) (result i32)
      (i32.store (i32.const 0) (local.get 0)) (call $f (i32.add (local.get 0) (i32.const 1))))`,
  'no params, no locals': `(global $d (mut i32) (i32.const 0))
    (func $v (global.set $d (i32.add (global.get $d) (i32.const 1))) (i32.store (i32.const 0) (global.get $d)) (call $v))
    (func (export "f") (param i32) (result i32) (call $v) (i32.const 0))`,
  call_indirect: `(table 1 funcref) (elem (i32.const 0) $f) (type $t (func (param i32) (result i32)))
    (func $f (export "f") (param i32) (result i32) (i32.store (i32.const 0) (local.get 0))
      (call_indirect (type $t) (i32.add (local.get 0) (i32.const 1)) (i32.const 0)))`,
  'mutual recursion': `(func $f (export "f") (param i32) (result i32) (i32.store (i32.const 0) (local.get 0)) (call $g (i32.add (local.get 0) (i32.const 1))))
    (func $g (param i32) (result i32) (i32.store (i32.const 0) (local.get 0)) (call $f (i32.add (local.get 0) (i32.const 1))))`,
  '1000 live i64 locals': `(func $f (export "f") (param i32) (result i32) ${L(1000, (i) => `(local $l${i} i64)`)}
      (i32.store (i32.const 0) (local.get 0))
      ${L(1000, (i) => `(local.set $l${i} (i64.extend_i32_u (local.get 0)))`)}
      (drop (call $f (i32.add (local.get 0) (i32.const 1))))
      ${L(1000, (i) => `(local.set 0 (i32.add (local.get 0) (i32.wrap_i64 (local.get $l${i}))))`)} (local.get 0))`,
  '50 i64 params': `(type $p (func ${'(param i64) '.repeat(50)} (result i64)))
    (func (export "f") (param i32) (result i32) (drop (call $h ${'(i64.const 0) '.repeat(50)})) (i32.const 0))
    (func $h (type $p) (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
      (call $h (i64.add (local.get 0) (i64.const 1)) ${L(49, (i) => `(local.get ${i + 1})`)}))`,
  // The dirty-memory tracking adds unweighted scratch locals (an address and one per stored value type) to
  // functions that store: the smallest frame storing every value type is the worst case for the margin.
  'stores of every value type': `(func $f (export "f") (param i32) (result i32)
      (i64.store (i32.const 8) (i64.extend_i32_u (local.get 0))) (f32.store (i32.const 16) (f32.const 1))
      (f64.store (i32.const 24) (f64.const 1)) (i32.store (i32.const 0) (local.get 0))
      (call $f (i32.add (local.get 0) (i32.const 1))))`,
  '100-deep operand stack': `(func $f (export "f") (param i32) (result i32) (i32.store (i32.const 0) (local.get 0))
      ${'(i64.extend_i32_u (local.get 0)) '.repeat(100)} (drop (call $f (i32.add (local.get 0) (i32.const 1))))
      ${'(drop) '.repeat(100)} (local.get 0))`,
};

function run(shape: string, maxStackSlots: number) {
  const m = new Metered(wat(`(module (memory 1) ${SHAPES[shape] ?? ''})`), { maxStackSlots });
  return { m, out: m.call('f', G, 0) };
}

describe('instrument: deterministic stack limit', () => {
  for (const shape of Object.keys(SHAPES)) {
    it(`${shape}: unbounded recursion hits our limit (trap_reason 2), never a RangeError`, () => {
      const { m, out } = run(shape, DEFAULT_MAX_STACK_SLOTS);
      assert.equal(out.ok, false);
      assert.ok(
        !out.ok && out.error instanceof WebAssembly.RuntimeError,
        `got ${!out.ok ? String(out.error) : ''}`,
      );
      assert.ok(!out.ok && out.reason === 'stack');
      assert.ok((m.exports.stack_used.value as number) <= DEFAULT_MAX_STACK_SLOTS);
    });
  }

  for (const shape of Object.keys(SHAPES)) {
    it(`${shape}: ${MAX_NESTED_CONTRACT_CALLS} nested calls' worth of budget still stops before V8's stack overflow`, () => {
      const { out } = run(shape, DEFAULT_MAX_STACK_SLOTS * MAX_NESTED_CONTRACT_CALLS);
      assert.ok(
        !out.ok && out.error instanceof WebAssembly.RuntimeError && out.reason === 'stack',
        `got ${!out.ok ? String(out.error) : 'ok'}`,
      );
    });
  }

  it('stops at exactly floor(limit / weight) frames, every run', () => {
    // $f has 1 param, no locals and an operand stack of 2: weight = overhead + 2 x 1 + 0 + 2.
    const weight = FRAME_OVERHEAD_SLOTS + 2 + 2;
    const limit = 1000;
    const m = new Metered(
      wat(`(module (memory (export "memory") 1) (func $f (export "f") (param i32) (result i32)
        (i32.store (i32.const 0) (local.get 0)) (call $f (i32.add (local.get 0) (i32.const 1)))))`),
      { maxStackSlots: limit },
    );
    for (let i = 0; i < 3; i++) {
      const out = m.call('f', G, 1);
      assert.ok(!out.ok && out.reason === 'stack');
      const depth = new DataView((m.exports.memory as WebAssembly.Memory).buffer).getInt32(0, true);
      assert.equal(depth, Math.floor(limit / weight));
    }
  });

  it(`survives ${MAX_NESTED_CONTRACT_CALLS} nested instances each recursing to its full budget, through host calls`, () => {
    // $g recurses `depth` times, then asks the host to run the next nested contract call (the shape of a query
    // from deep inside a contract), and at the last level recurses without bound.
    const wasm = wat(`(module (import "env" "nest" (func $nest (param i32))) (memory (export "memory") 1)
      (func $g (param $depth i32) (param $level i32) (local i64 i64 i64 i64)
        (i32.store (i32.const 0) (local.get $depth))
        (if (i32.eqz (local.get $depth)) (then (call $nest (local.get $level)) (return)))
        (call $g (i32.sub (local.get $depth) (i32.const 1)) (local.get $level)))
      (func (export "f") (param $depth i32) (param $level i32) (call $g (local.get $depth) (local.get $level))))`);
    const instances: Metered[] = [];
    let depth = 0;
    const nest = (level: number): void => {
      if (level + 1 === MAX_NESTED_CONTRACT_CALLS - 1) {
        const last = instances[level + 1] as Metered;
        const out = last.call('f', G, 1_000_000_000, level + 1);
        assert.ok(!out.ok && out.reason === 'stack', `innermost: ${!out.ok ? String(out.error) : 'ok'}`);
        return;
      }
      const next = instances[level + 1] as Metered;
      const out = next.call('f', G, depth, level + 1);
      if (!out.ok) throw out.error;
    };
    for (let i = 0; i < MAX_NESTED_CONTRACT_CALLS; i++)
      instances.push(new Metered(wasm, { imports: () => ({ env: { nest } }) }));
    // Calibrate: the deepest recursion that fits the budget, from a probe that never nests.
    const probe = new Metered(wasm, { imports: () => ({ env: { nest: () => undefined } }) });
    const deep = probe.call('f', G, 1_000_000_000, 0);
    assert.ok(!deep.ok && deep.reason === 'stack');
    const reached = new DataView((probe.exports.memory as WebAssembly.Memory).buffer).getInt32(0, true);
    depth = 1_000_000_000 - reached - 2; // frames that fit, minus room for the nesting call
    assert.ok(depth > 100, `depth ${depth}`);
    const top = (instances[0] as Metered).call('f', G, depth, 0);
    assert.ok(top.ok, `outer call: ${!top.ok ? String(top.error) : ''}`);
  });

  it('allows recursion within the budget and unwinds stack_used to 0', () => {
    const m = new Metered(
      wat(`(module (memory 1) (func $down (export "down") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))`),
    );
    assert.equal(m.ok('down', G, 300).value, 300);
    assert.equal(m.exports.stack_used.value, 0);
    const out = m.call('down', G, 100_000);
    assert.ok(!out.ok && out.reason === 'stack');
  });

  it('rejects a single frame larger than the budget at entry', () => {
    const m = new Metered(wat(`(module (memory 1) (func (export "f") (local ${'i64 '.repeat(200)})))`), {
      maxStackSlots: 100,
    });
    const out = m.call('f', G);
    assert.ok(!out.ok && out.reason === 'stack');
  });
});
