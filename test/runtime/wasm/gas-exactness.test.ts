/**
 * Cross-checks metering against an independent reference: random structured programs are rendered twice, once
 * plain (then instrumented with 1 gas per instruction) and once with an explicit counter increment placed where
 * the documented semantics say each instruction is paid for. Both must agree on every input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import type { GasCostTable } from '../../../src/runtime/wasm/index.js';
import { Metered } from './metered.js';
import { wat } from './wat.js';

/** A program node; `depth` bookkeeping decides which labels a branch may target. */
type Node =
  | { t: 'arith'; k: number }
  | { t: 'block'; body: Node[] }
  | { t: 'loop'; n: number; body: Node[] }
  | { t: 'if'; then: Node[]; else?: Node[] }
  | { t: 'br'; up: number }
  | { t: 'brIf'; up: number }
  | { t: 'brTable'; ups: number[] }
  | { t: 'return' }
  | { t: 'call' };

const MAX_LOOPS = 3;

function nodeArb(depth: number): fc.Arbitrary<Node> {
  const leaf = fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 9 }).map((k): Node => ({ t: 'arith', k })) },
    { weight: 1, arbitrary: fc.nat(3).map((up): Node => ({ t: 'br', up })) },
    { weight: 2, arbitrary: fc.nat(3).map((up): Node => ({ t: 'brIf', up })) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.nat(3), { minLength: 1, maxLength: 3 })
        .map((ups): Node => ({ t: 'brTable', ups })),
    },
    { weight: 1, arbitrary: fc.constant<Node>({ t: 'return' }) },
    { weight: 1, arbitrary: fc.constant<Node>({ t: 'call' }) },
  );
  if (depth >= 3) return leaf;
  const body = fc.array(nodeArb(depth + 1), { maxLength: 4 });
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 2, arbitrary: body.map((b): Node => ({ t: 'block', body: b })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: 4 }), body)
        .map(([n, b]): Node => ({ t: 'loop', n, body: b })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(body, fc.option(body, { nil: undefined }))
        .map(([a, b]): Node => (b === undefined ? { t: 'if', then: a } : { t: 'if', then: a, else: b })),
    },
  );
}

/**
 * Renders the function body. Labels: for each enclosing construct, 'b' (block/if: branch target at its end) or 'l'
 * (loop: branches to it are not generated, they could spin forever). `count` inserts the reference counter.
 */
function render(nodes: Node[], count: boolean, placement: 'block-start' | 'accounting'): string {
  const post = placement === 'block-start';
  const inc = count ? ' global.get $n i64.const 1 i64.add global.set $n' : '';
  let loops = 0;
  const out: string[] = [];
  const op = (s: string): void => {
    out.push(inc, ` ${s}`);
  };
  // A branch `up` levels out, redirected to the nearest non-loop label at or above it (the function label if none).
  const target = (labels: string[], up: number): number => {
    for (let d = Math.min(up, labels.length); d <= labels.length; d++) {
      if (d === labels.length || labels[labels.length - 1 - d] === 'b') return d;
    }
    return labels.length;
  };
  const walk = (list: Node[], labels: string[]): void => {
    for (const n of list) {
      switch (n.t) {
        case 'arith':
          op('local.get $x');
          op(`i32.const ${n.k}`);
          op('i32.add');
          op('local.set $x');
          break;
        case 'block':
          op('block');
          walk(n.body, [...labels, 'b']);
          // block-start: paid when control passes the end (fall-through or branch); accounting: paid by the
          // check in front of it, i.e. on fall-through only
          out.push(...(post ? [' end', inc] : [inc, ' end']));
          break;
        case 'loop': {
          if (loops >= MAX_LOOPS) break;
          const c = `$c${loops++}`;
          op(`i32.const ${n.n}`);
          op(`local.set ${c}`);
          op('loop');
          walk(n.body, [...labels, 'l']);
          op(`local.get ${c}`);
          op('i32.const 1');
          op('i32.sub');
          op(`local.tee ${c}`);
          op('br_if 0');
          out.push(...(post ? [' end', inc] : [inc, ' end']));
          break;
        }
        case 'if':
          op('local.get $x');
          op('i32.const 1');
          op('i32.and');
          op('if');
          walk(n.then, [...labels, 'b']);
          // wabt drops an empty else from the binary, so only a non-empty one exists to be paid for.
          if (n.else !== undefined) {
            const mark = out.length;
            walk(n.else, [...labels, 'b']);
            if (out.length > mark) out.splice(mark, 0, ...(post ? [' else', inc] : [inc, ' else']));
          }
          out.push(...(post ? [' end', inc] : [inc, ' end']));
          break;
        case 'br':
          op(`br ${target(labels, n.up)}`);
          break;
        case 'brIf':
          op('local.get $x');
          op('i32.const 2');
          op('i32.and');
          op(`br_if ${target(labels, n.up)}`);
          break;
        case 'brTable':
          op('local.get $x');
          op(`br_table ${n.ups.map((u) => target(labels, u)).join(' ')}`);
          break;
        case 'return':
          op('return');
          break;
        case 'call':
          op('call $leaf');
          break;
      }
    }
  };
  walk(nodes, []);
  // block-start pays the function's final `end` once per call, on entry; accounting in front of it.
  return post ? `${inc} ${out.join('')}` : `${out.join('')} ${inc}`;
}

function program(
  nodes: Node[],
  count: boolean,
  placement: 'block-start' | 'accounting' = 'block-start',
): string {
  const leafInc = count ? 'global.get $n i64.const 3 i64.add global.set $n' : '';
  return `(module (memory 1) (global $n (export "n") (mut i64) (i64.const 0))
    (func $leaf ${leafInc} i32.const 1 drop)
    (func (export "run") (param $x i32) (local $c0 i32) (local $c1 i32) (local $c2 i32)
      ${render(nodes, count, placement)}))`;
}

const ONE: GasCostTable = { op: () => 1, memoryGrowPerPage: 0, version: 'one' };

describe('gas exactness against a reference counter', () => {
  it('accounting placement pays for exactly the instructions before each reached check', () => {
    const acct: GasCostTable = { ...ONE, placement: 'accounting' };
    fc.assert(
      fc.property(
        fc.array(nodeArb(0), { maxLength: 6 }),
        fc.array(fc.nat(7), { minLength: 1, maxLength: 4 }),
        (nodes, inputs) => {
          const metered = new Metered(wat(program(nodes, false)), { costs: acct });
          const reference = new WebAssembly.Instance(
            new WebAssembly.Module(wat(program(nodes, true, 'accounting'))),
            {},
          ).exports as { run: (x: number) => void; n: WebAssembly.Global };
          for (const x of inputs) {
            reference.n.value = 0n;
            reference.run(x);
            assert.equal(
              metered.ok('run', 10n ** 9n, x).gasUsed,
              reference.n.value as bigint,
              `x=${x}\n${program(nodes, false)}`,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('metered gas equals the number of instructions paid for, on random programs and inputs', () => {
    fc.assert(
      fc.property(
        fc.array(nodeArb(0), { maxLength: 6 }),
        fc.array(fc.nat(7), { minLength: 1, maxLength: 4 }),
        (nodes, inputs) => {
          const metered = new Metered(wat(program(nodes, false)), { costs: ONE });
          const reference = new WebAssembly.Instance(new WebAssembly.Module(wat(program(nodes, true))), {})
            .exports as {
            run: (x: number) => void;
            n: WebAssembly.Global;
          };
          for (const x of inputs) {
            reference.n.value = 0n;
            reference.run(x);
            const { gasUsed } = metered.ok('run', 10n ** 9n, x);
            // the leaf is 1 const + 1 drop + its end = 3, plus the `call` itself counted at the call site
            assert.equal(gasUsed, reference.n.value as bigint, `x=${x}\n${program(nodes, false)}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
