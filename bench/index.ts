/**
 * `npm run bench`: runs every area's benchmark in one process, prints one table and writes
 * bench/results.json and docs/benchmarks.md (table, machine, per-area times, the state-size plot
 * docs/state-scaling.svg, and the analysis in bench/analysis.md). `npm run bench -- runtime state` runs only those
 * areas (then docs/ is left alone). An area that throws is reported and the others still run.
 *
 * Each area runs in its own child process (same node flags), so no area's figures depend on which areas ran before
 * it: in one shared process the keeper's block rows came out 35 % lower than alone (4,815 vs 7,442 tx/s), from the
 * heap and the JIT type feedback the earlier areas left behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { type BenchResult, formatTable } from './harness.js';
import { MODULE_EXT, repoUrl } from './paths.js';
import { scalingSvg } from './plot.js';
import type { Series } from './scaling.js';

/**
 * Benchmark areas in the order they run; each file exports `run(): Promise<BenchResult[]>`. `keeper` runs before
 * `peers` and `scaling`, which compare against its figures.
 */
const AREAS = [
  'proto',
  'compute',
  'wasm',
  'runtime',
  'state',
  'enclave',
  'network',
  'keeper',
  'chain',
  'peers',
  'scaling',
] as const;

/** The whole suite must finish within this (issue #9). */
const BUDGET_S = 600;

interface AreaModule {
  run(): Promise<BenchResult[]>;
}

/** What a child process reports for its area. */
interface AreaOutput {
  rows: BenchResult[];
  peerProblems: string[];
  scalingSeries: Series[];
}

/** Child mode (`index.js --area <name> <out.json>`): runs one area and writes its {@link AreaOutput}. */
async function runAreaChild(area: string, out: string): Promise<void> {
  const mod = (await import(new URL(`./${area}${MODULE_EXT}`, import.meta.url).href)) as AreaModule;
  const rows = await mod.run();
  const output: AreaOutput = {
    rows,
    peerProblems: area === 'peers' ? (await import('./peers.js')).peerProblems : [],
    scalingSeries: area === 'scaling' ? (await import('./scaling.js')).scalingSeries : [],
  };
  writeFileSync(out, JSON.stringify(output));
}

/** Runs `area` in a child node with this process's flags; throws with the child's exit status on failure. */
function runAreaInChild(area: string, dir: string): AreaOutput {
  const out = join(dir, `${area}.json`);
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--area', area, out],
    { stdio: 'inherit' },
  );
  if (r.status !== 0 || !existsSync(out))
    throw new Error(`area process exited with ${r.status ?? r.signal ?? 'unknown status'}`);
  return JSON.parse(readFileSync(out, 'utf8')) as AreaOutput;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

function main(): void {
  const only = process.argv.slice(2);
  const selected = AREAS.filter((a) => only.length === 0 || only.includes(a));
  const all: Array<BenchResult & { area: string }> = [];
  const times: { area: string; seconds: number; error?: string }[] = [];
  const loadBefore = load();
  const tAll = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'secret-compute-bench-'));
  const peerProblems: string[] = [];
  const scalingSeries: Series[] = [];
  for (const area of selected) {
    const file = new URL(`./${area}${MODULE_EXT}`, import.meta.url);
    if (!existsSync(file)) continue;
    process.stderr.write(`bench: ${area} ...\n`);
    const t0 = performance.now();
    try {
      const output = runAreaInChild(area, dir);
      for (const r of output.rows) all.push({ area, ...r });
      peerProblems.push(...output.peerProblems);
      scalingSeries.push(...output.scalingSeries);
      times.push({ area, seconds: (performance.now() - t0) / 1000 });
    } catch (e) {
      const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      times.push({ area, seconds: (performance.now() - t0) / 1000, error });
      process.stderr.write(`bench: ${area} FAILED: ${error}\n`);
    }
    process.stderr.write(`bench: ${area} done in ${times[times.length - 1]!.seconds.toFixed(1)} s\n`);
  }
  rmSync(dir, { recursive: true, force: true });
  const totalS = (performance.now() - tAll) / 1000;
  const table = formatTable(all);
  console.log(table);
  console.log(`\ntotal ${totalS.toFixed(0)} s (budget ${BUDGET_S} s)`);
  const cpu = cpus();
  const machine = `${cpu.length} x ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${process.execArgv
    .filter((a) => a.startsWith('--max-semi'))
    .map((a) => ` ${a}`)
    .join('')}, ${process.platform}/${process.arch}`;
  const results = all.map(({ area: _area, goalMet: _met, notes: _notes, ...r }) => r);
  writeFileSync(repoUrl('bench/results.json'), JSON.stringify(results, null, 2) + '\n');
  if (only.length > 0) return;

  mkdirSync(repoUrl('docs/'), { recursive: true });
  let plot = '';
  if (selected.includes('scaling')) {
    if (scalingSeries.length > 0) {
      writeFileSync(
        repoUrl('docs/state-scaling.svg'),
        scalingSvg(scalingSeries, {
          title: 'Cost per call against stored keys (token.wasm)',
          xLabel: 'keys in the contract store (log scale)',
          yLabel: 'µs per call (lower is better)',
        }),
      );
      plot = '![cost per call against stored keys](state-scaling.svg)\n';
    }
  }
  const notes = all.filter((r) => r.notes !== undefined).map((r) => `- ${r.name}: ${r.notes!}`);
  const analysisFile = repoUrl('bench/analysis.md');
  const doc = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    `Machine: ${machine}. Load average (1/5/15 min) ${loadBefore} before the run, ${load()} after: this is a`,
    'shared 2-vCPU VM, so absolute figures move with other work on it; every ratio compares two figures measured',
    'side by side in the same run. Higher is better unless a note says otherwise.',
    '',
    table,
    '',
    notes.length > 0 ? `Notes:\n\n${notes.join('\n')}\n` : '',
    peerProblems.length > 0
      ? `Peers that could not run:\n\n${peerProblems.map((p) => `- ${p}`).join('\n')}\n`
      : '',
    '## Time per area',
    '',
    '| area | seconds | |',
    '|---|---:|---|',
    ...times.map(
      (t) => `| ${t.area} | ${t.seconds.toFixed(1)} | ${t.error === undefined ? '' : `FAILED: ${t.error}`} |`,
    ),
    `| **total** | **${totalS.toFixed(1)}** | budget ${BUDGET_S} s: ${totalS <= BUDGET_S ? 'within' : 'EXCEEDED'} |`,
    '',
    '## Cost against state size',
    '',
    plot,
    existsSync(analysisFile) ? readFileSync(analysisFile, 'utf8') : '',
  ].join('\n');
  writeFileSync(repoUrl('docs/benchmarks.md'), doc);
}

if (process.argv[2] === '--area') await runAreaChild(process.argv[3]!, process.argv[4]!);
else main();
