import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { BranchStore, MemoryStore, prefixEnd, PrefixStore } from '../../src/state/index.js';
import { hex, range } from './model.js';

const byteArb = fc.constantFrom(0x00, 0x01, 0xfe, 0xff);
const bytesArb = (max: number) => fc.array(byteArb, { maxLength: max }).map((a) => Uint8Array.from(a));

describe('prefixEnd', () => {
  it('increments the last byte below 0xff and truncates, or is unbounded for all-0xff', () => {
    assert.deepEqual(prefixEnd(Uint8Array.of(0x03, 0x10)), Uint8Array.of(0x03, 0x11));
    assert.deepEqual(prefixEnd(Uint8Array.of(0x03, 0xff, 0xff)), Uint8Array.of(0x04));
    assert.equal(prefixEnd(Uint8Array.of(0xff, 0xff)), undefined);
    assert.equal(prefixEnd(new Uint8Array()), undefined);
  });
});

describe('PrefixStore vs model (fast-check)', () => {
  it('sees exactly the prefixed keys, stripped, in both directions and any range', () => {
    fc.assert(
      fc.property(
        bytesArb(2),
        fc.array(fc.tuple(bytesArb(4), bytesArb(2)), { maxLength: 40 }),
        fc.array(fc.tuple(bytesArb(2), fc.option(bytesArb(2), { nil: undefined })), { maxLength: 20 }),
        fc.option(bytesArb(2), { nil: undefined }),
        fc.option(bytesArb(2), { nil: undefined }),
        fc.constantFrom('ascending' as const, 'descending' as const),
        (prefix, rows, ops, start, end, order) => {
          const parent = new MemoryStore(rows);
          const store = new PrefixStore(parent, prefix);
          for (const [k, v] of ops) {
            if (v === undefined) store.delete(k);
            else store.set(k, v);
          }
          const p = hex(prefix);
          const model = new Map<string, string>();
          for (const [k, v] of parent.iterator()) {
            const hk = hex(k);
            if (hk.startsWith(p)) model.set(hk.slice(p.length), hex(v));
          }
          const got = [...store.iterator(start, end, order)].map(([k, v]) => [hex(k), hex(v)]);
          assert.deepEqual(got, range(model, start, end, order));
          for (const [k] of ops)
            assert.equal(store.get(k) === undefined ? undefined : hex(store.get(k)!), model.get(hex(k)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes through a branch only on write()', () => {
    const parent = new MemoryStore();
    const store = new PrefixStore(parent, Uint8Array.of(3, 7));
    const b = store.branch();
    b.set(Uint8Array.of(1), Uint8Array.of(2));
    assert.equal(parent.size, 0);
    b.write();
    assert.deepEqual(
      [...parent.iterator()].map(([k]) => hex(k)),
      ['030701'],
    );
  });

  it('over a branch: keeps its prefixed key without a copy but copies values; subclasses see set/delete', () => {
    const root = new MemoryStore();
    const branch = root.branch();
    const store = new PrefixStore(branch, Uint8Array.of(3));
    const key = Uint8Array.of(1);
    const value = Uint8Array.of(9, 9);
    store.set(key, value);
    key[0] = 2;
    value.fill(0);
    assert.deepEqual(store.get(Uint8Array.of(1)), Uint8Array.of(9, 9));
    store.set(Uint8Array.of(5), Uint8Array.of(5));
    store.delete(Uint8Array.of(5));
    assert.equal(store.get(Uint8Array.of(5)), undefined);
    assert.throws(() => store.set(Uint8Array.of(1), 'x' as unknown as Uint8Array), { name: 'TypeError' });
    branch.write();
    assert.deepEqual(
      [...root.iterator()].map(([k, v]) => `${hex(k)}=${hex(v)}`),
      ['0301=0909'],
    );
    const log: string[] = [];
    class Watched extends BranchStore {
      override set(k: Uint8Array, v: Uint8Array): void {
        log.push(`set ${hex(k)}`);
        super.set(k, v);
      }
      override delete(k: Uint8Array): void {
        log.push(`del ${hex(k)}`);
        super.delete(k);
      }
    }
    const watched = new PrefixStore(new Watched(new MemoryStore()), Uint8Array.of(4));
    watched.set(Uint8Array.of(1), Uint8Array.of(1));
    watched.delete(Uint8Array.of(1));
    assert.deepEqual(log, ['set 0401', 'del 0401']);
  });

  it('nested prefix stores look up the right keys (reads share a scratch buffer)', () => {
    const root = new MemoryStore();
    const outer = new PrefixStore(root, Uint8Array.of(1, 1));
    const inner = new PrefixStore(outer, Uint8Array.of(2, 2, 2));
    const innermost = new PrefixStore(inner, new Uint8Array(300).fill(3));
    inner.set(Uint8Array.of(9), Uint8Array.of(1));
    innermost.set(Uint8Array.of(8), Uint8Array.of(2));
    assert.deepEqual(root.get(Uint8Array.of(1, 1, 2, 2, 2, 9)), Uint8Array.of(1));
    assert.deepEqual(inner.get(Uint8Array.of(9)), Uint8Array.of(1));
    assert.equal(inner.has(Uint8Array.of(9)), true);
    assert.deepEqual(innermost.get(Uint8Array.of(8)), Uint8Array.of(2));
    assert.equal(innermost.has(Uint8Array.of(9)), false);
    assert.deepEqual(
      [...root.iterator()].map(([k]) => k.length),
      [2 + 3 + 300 + 1, 6], // 01 01 02 02 02 03… sorts before 01 01 02 02 02 09
    );
  });
});
