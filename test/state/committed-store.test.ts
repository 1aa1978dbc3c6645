import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import fc from 'fast-check';

import { type CommitStore, LmdbStore, MemoryCommitStore } from '../../src/state/index.js';
import { hex } from './model.js';

const root = mkdtempSync(join(tmpdir(), 'state-commit-'));
let dirs = 0;
after(() => rmSync(root, { recursive: true, force: true }));

const keyArb = fc.uint8Array({ minLength: 1, maxLength: 3 });
const blockArb = fc.array(fc.tuple(keyArb, fc.option(fc.uint8Array({ maxLength: 4 }), { nil: undefined })), {
  maxLength: 12,
});

function apply(store: CommitStore, block: [Uint8Array, Uint8Array | undefined][]): void {
  // Through a tx branch, as the keeper does.
  const tx = store.branch();
  for (const [k, v] of block) {
    if (v === undefined) tx.delete(k);
    else tx.set(k, v);
  }
  tx.write();
}

describe('CommitStore backends', () => {
  it('MemoryCommitStore and LmdbStore reach identical state and commitments for the same blocks', () => {
    fc.assert(
      fc.property(fc.array(blockArb, { minLength: 1, maxLength: 8 }), (blocks) => {
        const mem = new MemoryCommitStore();
        const lmdb = LmdbStore.open(join(root, String(dirs++)), { durable: false });
        try {
          blocks.forEach((block, i) => {
            apply(mem, block);
            apply(lmdb, block);
            const a = mem.commit(i + 1);
            const b = lmdb.commit(i + 1);
            assert.equal(hex(a.hash), hex(b.hash));
            assert.equal(a.changes, b.changes);
          });
          const dump = (s: CommitStore) => [...s.iterator()].map(([k, v]) => hex(k) + '=' + hex(v));
          assert.deepEqual(dump(mem), dump(lmdb));
          assert.deepEqual(mem.commitHash, lmdb.commitHash);
        } finally {
          lmdb.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  const backends: [string, () => CommitStore][] = [
    ['MemoryCommitStore', () => new MemoryCommitStore()],
    ['LmdbStore', () => LmdbStore.open(join(root, String(dirs++)))],
  ];
  for (const [name, make] of backends) {
    it(`committed() hides uncommitted writes and refuses writes (${name})`, () => {
      const store: CommitStore = make();
      try {
        store.set(Uint8Array.of(1), Uint8Array.of(1));
        store.commit(1);
        store.set(Uint8Array.of(1), Uint8Array.of(2));
        store.set(Uint8Array.of(2), Uint8Array.of(2));
        const view = store.committed();
        assert.deepEqual(view.get(Uint8Array.of(1)), Uint8Array.of(1));
        assert.equal(view.has(Uint8Array.of(2)), false);
        assert.deepEqual([...view.iterator()].length, 1);
        assert.throws(() => view.set(Uint8Array.of(3), Uint8Array.of(3)), {
          name: 'StateError',
          code: 'READ_ONLY',
        });
        assert.equal(store.pendingWrites, 2);
        store.discardUncommitted();
        assert.deepEqual(store.get(Uint8Array.of(1)), Uint8Array.of(1));
        assert.throws(() => store.commit(1), { name: 'StateError', code: 'INVALID_ARGUMENT' });
        assert.throws(() => store.commit(1.5), { name: 'StateError', code: 'INVALID_ARGUMENT' });
      } finally {
        if (store instanceof LmdbStore) store.close();
      }
    });
  }
});
