import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  BasicGasMeter,
  BranchStore,
  compareBytes,
  GasKVStore,
  type KVStore,
  MemoryCommitStore,
  MemoryStore,
  PrefixStore,
  storeVersion,
} from '../../src/state/index.js';
import { compareKeyStrings, keyString } from '../../src/state/kv-store.js';

const bytes = fc.uint8Array({ maxLength: 8 });

describe('key ordering', () => {
  it('latin1 key strings sort exactly like raw bytes (the index order of every in-memory tree)', () => {
    fc.assert(
      fc.property(bytes, bytes, (a, b) => {
        assert.equal(Math.sign(compareKeyStrings(keyString(a), keyString(b))), Math.sign(compareBytes(a, b)));
        assert.equal(keyString(a) === keyString(b), compareBytes(a, b) === 0);
      }),
      { numRuns: 2000 },
    );
    // The edges: every byte value maps to its own code unit, including 0x80–0xff.
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(
      [...keyString(all)].map((c) => c.charCodeAt(0)),
      [...all],
    );
  });
});

describe('MemoryStore', () => {
  it('clone() is an independent copy', () => {
    const a = new MemoryStore([[Uint8Array.of(1), Uint8Array.of(1)]]);
    const b = a.clone();
    a.set(Uint8Array.of(2), Uint8Array.of(2));
    b.delete(Uint8Array.of(1));
    assert.equal(a.size, 2);
    assert.equal(b.size, 0);
  });

  it('STORE_VERSION: renewed by every write path, never shared, and only known while reads go straight through', () => {
    const m = new MemoryStore([[Uint8Array.of(1), Uint8Array.of(1)]]);
    const v0 = storeVersion(m)!;
    assert.equal(typeof v0, 'number');
    m.get(Uint8Array.of(1));
    m.has(Uint8Array.of(2));
    assert.equal([...m.iterator()].length, 1);
    assert.equal(storeVersion(m), v0, 'reads do not change it');
    const seen = new Set([v0]);
    const renewed = (what: string): void => {
      const v = storeVersion(m)!;
      assert.ok(!seen.has(v), `${what} renews the version`);
      seen.add(v);
    };
    m.set(Uint8Array.of(2), Uint8Array.of(2));
    renewed('set');
    m.delete(Uint8Array.of(2));
    renewed('delete');
    m.delete(Uint8Array.of(9));
    renewed('delete of an absent key');
    const b = m.branch();
    assert.equal(storeVersion(b), storeVersion(m), 'an empty branch reads through');
    b.set(Uint8Array.of(3), Uint8Array.of(3));
    assert.equal(storeVersion(b), undefined, 'buffered writes: unknown');
    assert.equal(storeVersion(b.branch()), undefined);
    b.write();
    renewed('a branch write (WRITE_OWNED)');
    assert.equal(storeVersion(b), storeVersion(m));
    b.delete(Uint8Array.of(3));
    b.discard();
    assert.equal(storeVersion(b), storeVersion(m));
    const c = m.clone();
    assert.ok(!seen.has(storeVersion(c)!), 'a clone has its own version');
    assert.equal(storeVersion(m), [...seen].at(-1));
    const other = new MemoryStore();
    assert.ok(!seen.has(storeVersion(other)!), 'another store never shares one');
    // stores that do not read straight from the tree have none
    class Watching extends MemoryStore {
      override get(k: Uint8Array): Uint8Array | undefined {
        return super.get(k);
      }
    }
    assert.equal(storeVersion(new Watching()), undefined);
    assert.equal(storeVersion(new PrefixStore(m, Uint8Array.of(1))), undefined);
    assert.equal(storeVersion(new GasKVStore(m, new BasicGasMeter(1000))), undefined);
    const commit = new MemoryCommitStore(new MemoryStore());
    const cv = storeVersion(commit)!;
    commit.set(Uint8Array.of(1), Uint8Array.of(1));
    assert.equal(storeVersion(commit), undefined, 'uncommitted writes: unknown');
    commit.commit(1);
    assert.ok(storeVersion(commit)! > cv, 'after commit: the committed state, a new version');
  });

  it('branch() touches nothing in the parent: creation cost does not depend on its size', () => {
    const base = new MemoryStore(
      Array.from({ length: 1000 }, (_, i) => [Uint8Array.of(i >> 8, i & 255), Uint8Array.of(1)] as const),
    );
    let calls = 0;
    const counting: KVStore = {
      get: (k) => (calls++, base.get(k)),
      has: (k) => (calls++, base.has(k)),
      set: (k, v) => (calls++, base.set(k, v)),
      delete: (k) => (calls++, base.delete(k)),
      iterator: (a, b, o) => (calls++, base.iterator(a, b, o)),
      branch: () => new BranchStore(counting),
    };
    let s: KVStore = counting;
    for (let depth = 0; depth < 10; depth++) s = s.branch();
    assert.equal(calls, 0);
    assert.deepEqual(s.get(Uint8Array.of(3, 231)), Uint8Array.of(1));
    assert.equal(calls, 1);
  });
});
