import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { BranchStore, compareBytes, type KVStore, MemoryStore } from '../../src/state/index.js';
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
