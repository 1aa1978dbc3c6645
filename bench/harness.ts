/**
 * Shared benchmark harness. This machine is noisy (2 vCPU VM), so every figure is a median of several timed
 * runs after calibration and warm-up, and every comparison is measured side by side in the same process run.
 */

/** One row of `bench/results.json`; higher `value` is better. */
export interface BenchResult {
  name: string;
  unit: string;
  value: number;
  peer?: string;
  peerValue?: number;
  /** value / peerValue (or value / goal figure when the peer is a limit). */
  ratio?: number;
  /** The figure an issue names, in words, e.g. ">= 2,500 tx/s". */
  goal?: string;
  /** Whether the goal was met, when there is one. */
  goalMet?: boolean;
  notes?: string;
}

export interface MeasureOptions {
  /** Minimum wall time of one timed batch, ms (default 50). */
  minBatchMs?: number;
  /** Warm-up time before timing, ms (default 150). */
  warmupMs?: number;
  /** Number of timed runs; the median is reported (default 5). */
  runs?: number;
  /** Wall time per timed run, ms (default 200). */
  runMs?: number;
}

export interface Measurement {
  /** Operations per second (median of runs). */
  opsPerSec: number;
  /** Microseconds per operation (median). */
  usPerOp: number;
  min: number;
  max: number;
}

const now = (): number => performance.now();

/** Measures a synchronous operation; `fn` may do one op per call. */
export function measure(fn: () => unknown, options: MeasureOptions = {}): Measurement {
  const { minBatchMs = 50, warmupMs = 150, runs = 5, runMs = 200 } = options;
  let batch = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < batch; i++) fn();
    const dt = now() - t0;
    if (dt >= minBatchMs || batch >= 1 << 24) break;
    batch = dt < 1 ? batch * 10 : Math.ceil((batch * minBatchMs) / dt);
  }
  const warmEnd = now() + warmupMs;
  while (now() < warmEnd) for (let i = 0; i < batch; i++) fn();
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    let ops = 0;
    const t0 = now();
    let t = t0;
    while (t - t0 < runMs) {
      for (let i = 0; i < batch; i++) fn();
      ops += batch;
      t = now();
    }
    rates.push((ops * 1000) / (t - t0));
  }
  return summarize(rates);
}

/** Measures an async operation, awaiting one at a time. */
export async function measureAsync(
  fn: () => Promise<unknown>,
  options: MeasureOptions = {},
): Promise<Measurement> {
  const { warmupMs = 150, runs = 5, runMs = 200 } = options;
  const warmEnd = now() + warmupMs;
  while (now() < warmEnd) await fn();
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    let ops = 0;
    const t0 = now();
    let t = t0;
    while (t - t0 < runMs) {
      await fn();
      ops++;
      t = now();
    }
    rates.push((ops * 1000) / (t - t0));
  }
  return summarize(rates);
}

function summarize(rates: number[]): Measurement {
  const sorted = [...rates].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return {
    opsPerSec: median,
    usPerOp: 1e6 / median,
    min: sorted[0] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/** Builds a result row comparing ours with a peer measured in the same run. */
export function compare(
  name: string,
  unit: string,
  ours: number,
  peer?: { name: string; value: number },
  goal?: { text: string; met: (ratio: number, value: number) => boolean },
): BenchResult {
  const row: BenchResult = { name, unit, value: round(ours) };
  if (peer) {
    row.peer = peer.name;
    row.peerValue = round(peer.value);
    row.ratio = round(ours / peer.value);
  }
  if (goal) {
    row.goal = goal.text;
    // judged on the exact ratio: the table's rounded one (2 significant digits) would call 1.95 "2"
    row.goalMet = goal.met(peer ? ours / peer.value : ours, ours);
  }
  return row;
}

/** Rounds to a few significant digits for readable tables; never used on consensus paths. */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  const factor = 10 ** Math.max(digits - 1 - magnitude, 0);
  return Math.round(x * factor) / factor;
}

/** Formats result rows as a markdown table. */
export function formatTable(rows: readonly BenchResult[]): string {
  const head = '| benchmark | ours | unit | peer / limit | peer value | ratio | goal | met |';
  const sep = '|---|---:|---|---|---:|---:|---|---|';
  const fmt = (n: number | undefined): string => (n === undefined ? '' : n.toLocaleString('en-US'));
  const lines = rows.map(
    (r) =>
      `| ${r.name} | ${fmt(r.value)} | ${r.unit} | ${r.peer ?? ''} | ${fmt(r.peerValue)} | ${r.ratio ?? ''} | ${r.goal ?? ''} | ${r.goalMet === undefined ? '' : r.goalMet ? 'yes' : 'no'} |`,
  );
  return [head, sep, ...lines].join('\n');
}
