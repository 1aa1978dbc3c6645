/**
 * The README's TypeScript examples are executed as written (ethereumjs' `examples` script, noble's
 * `jsbt-check readme`), so the first thing a newcomer copies cannot drift from the API.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The ```ts blocks of a markdown file, in order. */
function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/** Points package imports at the sources and bare fixture names at the committed contracts. */
function localize(code: string): string {
  return code
    .replaceAll("'secret-compute/testing'", `'${join(root, 'src/testing/index.ts')}'`)
    .replaceAll("'secret-compute/state'", `'${join(root, 'src/state/index.ts')}'`)
    .replaceAll("'secret-compute'", `'${join(root, 'src/index.ts')}'`)
    .replace(
      /readFileSync\('([\w-]+\.wasm)'\)/g,
      `readFileSync('${join(root, 'test/fixtures/contracts')}/$1')`,
    );
}

function run(code: string, name: string): { status: number | null; stdout: string; stderr: string } {
  const dir = join(root, '.tmp', 'readme');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, localize(code));
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(file, { force: true });
  }
}

describe('README examples', () => {
  const blocks = tsBlocks(readFileSync(join(root, 'README.md'), 'utf8'));

  it('has the examples this test knows about', () => {
    assert.ok(blocks.length >= 3, `expected at least 3 ts blocks, found ${blocks.length}`);
  });

  it('contract-test example runs and prints the recipient balance', () => {
    const r = run(blocks[0] ?? '', 'example-1');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /balance: '250'/);
  });

  it('embedding example builds a keeper and answers a query', () => {
    const r = run(blocks[2] ?? '', 'example-3');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /function 0/);
  });

  it('cosmjs signing example runs', () => {
    const r = run(blocks[1] ?? '', 'example-2');
    assert.equal(r.status, 0, r.stderr);
  });
});
