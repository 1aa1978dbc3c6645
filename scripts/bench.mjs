/**
 * `npm run bench`: compiles src/ and bench/ with tsc into .bench-build/ and runs bench/index.js there, so the
 * figures are those of the code users run (`npm run build` output, tsc's ES2022), not of tsx's on-the-fly
 * transform: tsx runs esbuild with `keepNames`, which wraps every named function and closure in a `__name()`
 * call (an Object.defineProperty, ~0.3 µs per closure created on a hot path) that dist/ does not have.
 * Arguments are passed through (`npm run bench -- keeper peers` runs only those areas).
 * The 32 MiB young generation is the setting docs/embedding.md recommends for block throughput.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, '.bench-build');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(out, { recursive: true, force: true });
const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.bench.json')], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

// Data files the compiled modules read next to themselves (fixture loaders resolve against import.meta.url).
for (const rel of ['bench/fixtures', 'test/fixtures/contracts']) {
  const link = join(out, rel);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(relative(dirname(link), join(root, rel)), link, 'dir');
}

const run = spawnSync(
  process.execPath,
  ['--max-semi-space-size=32', join(out, 'bench', 'index.js'), ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root },
);
process.exit(run.status ?? 1);
