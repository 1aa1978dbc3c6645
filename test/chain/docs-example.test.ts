/**
 * docs/testing-your-contract.md must not rot: its complete node:test example is extracted, pointed at this
 * checkout (instead of the published `secret-compute/testing`) and the token fixture, and run as a user would.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { pathToFileURL } from 'node:url';

it('the node:test example in docs/testing-your-contract.md passes', () => {
  const root = join(import.meta.dirname, '../..');
  const doc = readFileSync(join(root, 'docs/testing-your-contract.md'), 'utf8');
  const block = /```ts\n(import assert[\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(block !== undefined, 'example not found');
  const code = block
    .replace(
      "'secret-compute/testing'",
      JSON.stringify(pathToFileURL(join(root, 'src/testing/index.ts')).href),
    )
    .replace("'artifacts/token.wasm'", JSON.stringify(join(root, 'test/fixtures/contracts/token.wasm')));
  assert.notEqual(code, block);
  const dir = mkdtempSync(join(tmpdir(), 'secret-compute-doc-'));
  try {
    const file = join(dir, 'token.test.mts'); // ESM, like the package (no package.json up there)
    writeFileSync(file, code);
    // a nested runner would report to ours through NODE_TEST_CONTEXT instead of printing TAP
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', file], {
      encoding: 'utf8',
      cwd: root,
      env,
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /# pass 3/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
