import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { LmdbStore, MemoryCommitStore } from '../../src/state/index.js';
import { applyBlock } from './helpers/blocks.js';
import { hex } from './model.js';

const ROUNDS = process.env.SLOW_TESTS === '1' ? 150 : 20;
const CHILD = join(import.meta.dirname, 'helpers', 'commit-loop.ts');

/** Runs the commit loop, kills it with SIGKILL after a pseudo-random number of commits/ms; resolves on exit. */
function runAndKill(dir: string, seed: number): Promise<{ lastPrinted: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let lastPrinted = -1;
    let buffered = '';
    let armed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('ready')) {
          if (!armed) {
            armed = true;
            // Kill somewhere between 0 and ~120 ms into the commit loop (also during large blocks).
            setTimeout(() => child.kill('SIGKILL'), (seed * 37) % 120);
          }
        } else lastPrinted = Number(line);
      }
    });
    child.on('error', reject);
    // 'close' (not 'exit') fires after stdout is drained, so every height the child printed has been seen.
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited on its own: code=${code} signal=${signal}`));
      else resolve({ lastPrinted });
    });
  });
}

/** Expected state after blocks 1..height, rebuilt in memory; heights only grow, so it advances incrementally. */
const model = new MemoryCommitStore();
function expected(height: number): { rows: [string, string][]; hash: Uint8Array } {
  for (let n = Number(model.height) + 1; n <= height; n++) {
    applyBlock(model, n);
    model.commit(n);
  }
  return { rows: [...model.iterator()].map(([k, v]) => [hex(k), hex(v)]), hash: model.commitHash };
}

describe('LmdbStore crash safety (SIGKILL during commit loops)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-crash-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(
    `every reopen after ${ROUNDS} random kills shows exactly the last committed block`,
    { timeout: 120_000 },
    async () => {
      let previous = 0;
      const heights: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const { lastPrinted } = await runAndKill(dir, round);
        const store = LmdbStore.open(dir);
        try {
          const h = Number(store.height);
          heights.push(h);
          // Never behind what the child reported as committed, never ahead by more than the one in flight.
          assert.ok(h >= previous, `height went backwards: ${h} < ${previous}`);
          if (lastPrinted >= 0)
            assert.ok(
              h === lastPrinted || h === lastPrinted + 1,
              `height ${h}, child printed ${lastPrinted}`,
            );
          const want = expected(h);
          const got = [...store.iterator()].map(([k, v]) => [hex(k), hex(v)]);
          assert.equal(got.length, want.rows.length, `round ${round}: key count at height ${h}`);
          assert.deepEqual(got, want.rows, `round ${round}: content at height ${h}`);
          assert.equal(hex(store.commitHash), hex(want.hash), `round ${round}: commitment at height ${h}`);
          previous = h;
        } finally {
          store.close();
        }
      }
      // The test is only meaningful if the loop actually committed blocks between kills.
      assert.ok(previous > ROUNDS, `too few commits overall (${previous}); kills: ${heights.join(',')}`);
    },
  );
});
