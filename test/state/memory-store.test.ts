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
    const bv = storeVersion(b)!;
    assert.ok(!seen.has(bv), 'buffered writes: a version of the branch its own');
    assert.equal(storeVersion(b), bv, 'stable while nothing changes');
    assert.equal(storeVersion(b.branch()), bv, 'an empty branch of it reads through');
    b.set(Uint8Array.of(4), Uint8Array.of(4));
    const bv2 = storeVersion(b)!;
    assert.ok(bv2 !== bv && !seen.has(bv2), 'the next buffered write renews it');
    m.set(Uint8Array.of(7), Uint8Array.of(7));
    renewed('set under a branch');
    const bv3 = storeVersion(b)!;
    assert.ok(bv3 !== bv2 && !seen.has(bv3), 'a change of the parent renews the branch’s version');
    b.delete(Uint8Array.of(4));
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
    const wv = storeVersion(commit)!;
    assert.ok(wv > cv, 'uncommitted writes: the working state’s own version');
    commit.commit(1);
    assert.ok(storeVersion(commit)! > wv, 'after commit: the committed state, a new version');
  });

  it('STORE_VERSION (property): two moments that report the same version of a store hold the same contents', () => {
    type Step = { at: 0 | 1 | 2; op: 'set' | 'delete' | 'write' | 'discard'; key: number; value: number };
    const step = fc.record({
      at: fc.constantFrom(0 as const, 1 as const, 2 as const),
      op: fc.constantFrom(
        'set' as const,
        'set' as const,
        'delete' as const,
        'write' as const,
        'discard' as const,
      ),
      key: fc.integer({ min: 0, max: 4 }),
      value: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps: Step[]) => {
        const base = new MemoryStore();
        const mid = base.branch();
        const top = mid.branch();
        const stores = [base, mid, top] as const;
        const dump = (st: KVStore): string =>
          [...st.iterator()].map(([k, v]) => `${keyString(k)}=${keyString(v)}`).join(',');
        const seen = new Map<number, string>();
        const check = (): void => {
          for (const st of stores) {
            const v = storeVersion(st);
            if (v === undefined) continue;
            const contents = dump(st);
            const before = seen.get(v);
            if (before !== undefined)
              assert.equal(contents, before, `version ${v} reused for other contents`);
            seen.set(v, contents);
          }
        };
        check();
        for (const s of steps) {
          const st = stores[s.at];
          const key = Uint8Array.of(s.key);
          if (s.op === 'set') st.set(key, Uint8Array.of(s.value));
          else if (s.op === 'delete') st.delete(key);
          else if (s.at > 0 && s.op === 'write') (st as ReturnType<MemoryStore['branch']>).write();
          else if (s.at > 0) (st as ReturnType<MemoryStore['branch']>).discard();
          check();
        }
      }),
      { numRuns: 300 },
    );
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
