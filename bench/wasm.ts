/**
 * Wasm layer benchmarks: instrumentation and validation throughput on a 2 MB module (goal: instrument in well
 * under 100 ms), and the run-time cost of metering on CPU-heavy contract code (goal: metered ≤ 1.5x unmetered).
 */
import { readFileSync } from 'node:fs';

import { checkWasm, instrument, SECRET_GAS_COSTS } from '../src/runtime/wasm/index.js';
import { Writer } from '../src/runtime/wasm/writer.js';
import { type BenchResult, compare, measure, round } from './harness.js';
import { repoUrl } from './paths.js';

const OPTIONS = { costs: SECRET_GAS_COSTS, maxStackSlots: 7680, maxMemoryPages: 192 };

/**
 * A synthetic contract-like module of about `targetBytes`: v1 interface exports, one memory, and many functions
 * whose bodies mix loops, branches, calls, loads/stores and arithmetic, the way rustc output does.
 */
export function syntheticModule(targetBytes: number): Uint8Array {
  const body = (i: number): number[] => {
    const callPrev = i > 0 ? [0x20, 0x00, 0x10, ...uleb(i - 1), 0x1a] : []; // (drop (call $prev (local.get 0)))
    const core = [
      0x02,
      0x40,
      0x03,
      0x40, // block loop
      0x20,
      0x00,
      0x45,
      0x0d,
      0x01, // br_if 1 (i32.eqz n)
      0x20,
      0x01,
      0x20,
      0x00,
      0x6c,
      0x41,
      0x07,
      0x73,
      0x21,
      0x01, // acc = (acc * n) ^ 7
      0x20,
      0x00,
      0x28,
      0x02,
      0x00,
      0x20,
      0x01,
      0x6a,
      0x21,
      0x01, // acc += load(n)
      0x20,
      0x00,
      0x20,
      0x01,
      0x36,
      0x02,
      0x04, // store(n + 4, acc)
      0x20,
      0x00,
      0x41,
      0x01,
      0x6b,
      0x21,
      0x00, // n -= 1
      0x0c,
      0x00,
      0x0b,
      0x0b, // br 0, end, end
    ];
    const code = [0x01, 0x01, 0x7f, ...callPrev, ...core, ...core, ...core, 0x20, 0x01, 0x0b];
    return [...uleb(code.length), ...code];
  };
  const bodies: number[][] = [];
  let size = 0;
  for (let i = 0; size < targetBytes - 200; i++) {
    const b = body(i);
    bodies.push(b);
    size += b.length + 1;
  }
  const n = bodies.length;
  const w = new Writer(targetBytes + 1024);
  w.bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  const section = (id: number, payload: number[] | Uint8Array): void => {
    w.u8(id);
    w.u32(payload.length);
    w.bytes(payload instanceof Uint8Array ? payload : new Uint8Array(payload));
  };
  section(1, [0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x00]); // (i32)->i32, ()->()
  const funcs = new Writer(n * 2 + 16);
  funcs.u32(n + 1);
  for (let i = 0; i < n; i++) funcs.u8(0);
  funcs.u8(1);
  section(3, funcs.result());
  section(5, [0x01, 0x00, 0x11]); // memory 17
  const exports = new Writer(64);
  const name = (s: string): number[] => [...uleb(s.length), ...new TextEncoder().encode(s)];
  exports.u32(5);
  exports.bytes(new Uint8Array([...name('interface_version_8'), 0x00, ...uleb(n)]));
  exports.bytes(new Uint8Array([...name('work'), 0x00, ...uleb(n - 1)]));
  // Signatures are not checked statically; these only satisfy the v1 interface check.
  for (const e of ['allocate', 'deallocate', 'instantiate'])
    exports.bytes(new Uint8Array([...name(e), 0x00, 0x00]));
  section(7, exports.result());
  const code = new Writer(targetBytes + 64);
  code.u32(n + 1);
  for (const b of bodies) code.bytes(new Uint8Array(b));
  code.bytes(new Uint8Array([0x02, 0x00, 0x0b]));
  section(10, code.result());
  return w.result().slice();
}

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/**
 * CPU-bound kernels: `mix` = FNV-style hash over a 4 KiB buffer (the shape of hashing in a contract),
 * `tight` = a 3-operation loop (worst case for per-block checks), `fib` = naive recursion (worst case for
 * per-call stack and gas bookkeeping).
 */
const KERNEL_WAT = `(module (memory (export "memory") 1)
  (func (export "mix") (param $rounds i32) (result i32) (local $i i32) (local $h i32)
    (local.set $h (i32.const 0x811c9dc5))
    (loop $r
      (local.set $i (i32.const 0))
      (loop $l
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $i))) (i32.const 16777619)))
        (local.set $h (i32.add (local.get $h) (i32.rotl (local.get $h) (i32.const 5))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 4096))))
      (br_if $r (local.tee $rounds (i32.sub (local.get $rounds) (i32.const 1)))))
    (local.get $h))
  (func (export "tight") (param $n i32) (result i32) (local $a i32)
    (loop $l (local.set $a (i32.add (local.get $a) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $a))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2))))))))`;

async function kernel(): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const m = wabt.parseWat('kernel.wat', KERNEL_WAT);
  try {
    return m.toBinary({}).buffer;
  } finally {
    m.destroy();
  }
}

/** Interleaves timed runs of two functions and returns the medians and the median per-round ratio a/b. */
function paired(a: () => unknown, b: () => unknown, rounds = 7): { a: number; b: number; ratio: number } {
  const opts = { runs: 1, runMs: 150, warmupMs: 50 };
  const xs: number[] = [];
  const ys: number[] = [];
  const rs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const x = measure(a, opts).opsPerSec;
    const y = measure(b, opts).opsPerSec;
    xs.push(x);
    ys.push(y);
    rs.push(x / y);
  }
  const med = (v: number[]): number => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)] ?? 0;
  return { a: med(xs), b: med(ys), ratio: med(rs) };
}

export async function run(): Promise<BenchResult[]> {
  const KERNEL = await kernel();
  const rows: BenchResult[] = [];

  // Instrumentation throughput on a 2 MB module, next to V8's own validation of the same bytes.
  const big = syntheticModule(2 * 1024 * 1024);
  const mb = big.length / 2 ** 20;
  const inst = measure(() => instrument(big, OPTIONS), { runs: 5, runMs: 600, warmupMs: 300 });
  const validate = measure(() => WebAssembly.validate(big), { runs: 5, runMs: 600, warmupMs: 300 });
  const instRow = compare(
    `instrument ${mb.toFixed(1)} MB synthetic module`,
    'modules/s',
    inst.opsPerSec,
    { name: 'WebAssembly.validate same bytes', value: validate.opsPerSec },
    { text: '< 100 ms per 2 MB module (≥ 10/s)', met: (_r, v) => v >= 10 },
  );
  instRow.notes = `${round(inst.usPerOp / 1000)} ms per module; on a loaded 2-vCPU VM both columns slow down together, the ratio is the stable figure`;
  rows.push(instRow);
  const store = measure(() => checkWasm(big, { phase: 'store' }), { runs: 5, runMs: 600, warmupMs: 300 });
  rows.push(
    compare(`checkWasm store ${mb.toFixed(1)} MB (decode + engine validate)`, 'checks/s', store.opsPerSec, {
      name: 'WebAssembly.validate same bytes',
      value: validate.opsPerSec,
    }),
  );

  // A real 1.9 MB contract fixture, if present.
  try {
    const token = new Uint8Array(readFileSync(repoUrl('test/fixtures/contracts/token-big.wasm')));
    const t = measure(() => instrument(token, OPTIONS), { runs: 5, runMs: 300, warmupMs: 100 });
    const row = compare(
      `instrument token-big.wasm (${(token.length / 2 ** 20).toFixed(1)} MB fixture)`,
      'modules/s',
      t.opsPerSec,
      undefined,
      { text: '< 100 ms per module (≥ 10/s)', met: (_r, v) => v >= 10 },
    );
    row.notes = `${round(t.usPerOp / 1000)} ms per module`;
    rows.push(row);
  } catch {
    // fixture not built in this checkout
  }

  // Metering overhead on CPU-bound kernels, metered and unmetered interleaved.
  type Kernel = Record<'mix' | 'tight' | 'fib', (x: number) => number>;
  const plain = new WebAssembly.Instance(new WebAssembly.Module(KERNEL), {}).exports as unknown as Kernel;
  const meteredExports = new WebAssembly.Instance(new WebAssembly.Module(instrument(KERNEL, OPTIONS)), {})
    .exports as unknown as Kernel & { gas_remaining: WebAssembly.Global; stack_used: WebAssembly.Global };
  const cases: [keyof Kernel, number, string][] = [
    ['mix', 16, 'hash kernel (65k-iteration loop over memory)'],
    ['tight', 100_000, 'tight loop (100k iterations of 3 ops)'],
    ['fib', 20, 'recursive fib(20) (22k calls)'],
  ];
  for (const [name, arg, label] of cases) {
    const metered = (): number => {
      meteredExports.gas_remaining.value = 10_000_000_000n;
      meteredExports.stack_used.value = 0;
      return meteredExports[name](arg);
    };
    if (plain[name](arg) !== metered()) throw new Error(`metered ${name} disagrees with the unmetered one`);
    const m = paired(metered, () => plain[name](arg));
    const row = compare(`${label}, metered`, 'calls/s', m.a, { name: 'same kernel unmetered', value: m.b });
    row.ratio = round(m.ratio, 2);
    row.goal = 'metering ≤ 1.5x (ratio ≥ 0.67)';
    row.goalMet = m.ratio >= 1 / 1.5;
    row.notes = 'interleaved rounds; ratio = median of per-round ratios';
    if (name === 'fib') {
      // Session 3 analysis (scratch A/B of hand-written variants, CPU time): the metered fib does 4 global stores
      // per call (stack_used in/out, gas_remaining at exit and before each call); one store per call alone costs
      // ~1 ns (ratio ~0.68), while extra loads are free, so >= 0.67 needs fewer than ~1 store per call: only
      // reachable by passing gas/depth in registers (new function signatures) or weaker per-call checks. The
      // fastest variant tried (loop-free functions charging gas_remaining directly, one merged stack+gas entry
      // branch) reached ~0.65, but it is not an option: after an ordinary trap gas_remaining would include the
      // charges since the last sync point, so a failed call's gasUsed would change.
      row.notes += '; bound by the per-call global stores of gas/stack sync (see bench/wasm.ts)';
    }
    rows.push(row);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const { formatTable } = await import('./harness.js');
  console.log(formatTable(await run()));
}
