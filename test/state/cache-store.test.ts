import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { BranchStore, type CacheStore, type KVStore, MemoryStore } from '../../src/state/index.js';
import { hex, range, unhex, view } from './model.js';

const byteArb = fc.constantFrom(0x00, 0x01, 0x02, 0x7f, 0x80, 0xff);
const keyArb = fc.array(byteArb, { minLength: 0, maxLength: 3 }).map((a) => Uint8Array.from(a));
const valueArb = fc
  .array(fc.integer({ min: 0, max: 255 }), { minLength: 0, maxLength: 4 })
  .map((a) => Uint8Array.from(a));
const boundArb = fc.option(keyArb, { nil: undefined });
const orderArb = fc.constantFrom('ascending' as const, 'descending' as const);

type Op =
  | { op: 'set'; at: number; key: Uint8Array; value: Uint8Array }
  | { op: 'delete'; at: number; key: Uint8Array }
  | { op: 'get'; at: number; key: Uint8Array }
  | { op: 'branch' }
  | { op: 'write'; at: number; pop: boolean }
  | { op: 'discard'; at: number; pop: boolean }
  | {
      op: 'iterate';
      at: number;
      start: Uint8Array | undefined;
      end: Uint8Array | undefined;
      order: 'ascending' | 'descending';
    };

const at = fc.nat({ max: 7 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), at, key: keyArb, value: valueArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), at, key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('get' as const), at, key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('branch' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('write' as const), at, pop: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('discard' as const), at, pop: fc.boolean() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('iterate' as const),
      at,
      start: boundArb,
      end: boundArb,
      order: orderArb,
    }),
  },
);

function collect(
  store: KVStore,
  start: Uint8Array | undefined,
  end: Uint8Array | undefined,
  order: 'ascending' | 'descending',
) {
  return [...store.iterator(start, end, order)].map(([k, v]) => [hex(k), hex(v)] as [string, string]);
}

describe('BranchStore vs model (fast-check)', () => {
  it('random set/delete/get/branch/write/discard/iterate sequences over nested branches agree with the model', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const base = new MemoryStore();
        const stores: KVStore[] = [base];
        const layers: Map<string, string | null>[] = [new Map()];
        for (const o of ops) {
          const top = stores.length - 1;
          if (o.op === 'branch') {
            stores.push(stores[top]!.branch());
            layers.push(new Map());
            continue;
          }
          const i = o.at % stores.length;
          const store = stores[i]!;
          switch (o.op) {
            case 'set':
              store.set(o.key, o.value);
              layers[i]!.set(hex(o.key), hex(o.value));
              break;
            case 'delete':
              store.delete(o.key);
              if (i === 0) layers[0]!.delete(hex(o.key));
              else layers[i]!.set(hex(o.key), null);
              break;
            case 'get': {
              const got = store.get(o.key);
              const want = view(layers, i).get(hex(o.key));
              assert.equal(got === undefined ? undefined : hex(got), want);
              assert.equal(store.has(o.key), want !== undefined);
              break;
            }
            case 'write':
            case 'discard': {
              if (i === 0) break;
              if (o.op === 'write') {
                (store as CacheStore).write();
                for (const [k, v] of layers[i]!) {
                  if (i - 1 === 0 && v === null) layers[0]!.delete(k);
                  else layers[i - 1]!.set(k, v);
                }
              } else {
                (store as CacheStore).discard();
              }
              layers[i]!.clear();
              // Popping only the top keeps the stack a chain of parents.
              if (o.pop && i === top) {
                stores.pop();
                layers.pop();
              }
              break;
            }
            case 'iterate':
              assert.deepEqual(
                collect(store, o.start, o.end, o.order),
                range(view(layers, i), o.start, o.end, o.order),
              );
              break;
          }
        }
        // Final full scans in both directions at every level.
        for (let i = 0; i < stores.length; i++) {
          for (const order of ['ascending', 'descending'] as const) {
            assert.deepEqual(
              collect(stores[i]!, undefined, undefined, order),
              range(view(layers, i), undefined, undefined, order),
            );
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('partially consumed iterators interleaved in both directions agree with the model', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(keyArb, valueArb), { maxLength: 30 }),
        fc.array(fc.tuple(keyArb, fc.option(valueArb, { nil: undefined })), { maxLength: 30 }),
        boundArb,
        boundArb,
        (baseRows, overlayRows, start, end) => {
          const base = new MemoryStore(baseRows);
          const branch = base.branch();
          const model = new Map(baseRows.map(([k, v]) => [hex(k), hex(v)]));
          for (const [k, v] of overlayRows) {
            if (v === undefined) {
              branch.delete(k);
              model.delete(hex(k));
            } else {
              branch.set(k, v);
              model.set(hex(k), hex(v));
            }
          }
          const asc = branch.iterator(start, end, 'ascending');
          const desc = branch.iterator(start, end, 'descending');
          const wantAsc = range(model, start, end, 'ascending');
          const wantDesc = range(model, start, end, 'descending');
          const gotAsc: [string, string][] = [];
          const gotDesc: [string, string][] = [];
          for (let n = 0; n < Math.max(wantAsc.length, wantDesc.length) + 1; n++) {
            const a = asc.next();
            if (a.done !== true) gotAsc.push([hex(a.value[0]), hex(a.value[1])]);
            const d = desc.next();
            if (d.done !== true) gotDesc.push([hex(d.value[0]), hex(d.value[1])]);
          }
          assert.deepEqual(gotAsc, wantAsc);
          assert.deepEqual(gotDesc, wantDesc);
          assert.equal(asc.next().done, true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('BranchStore', () => {
  it('copies keys and values on set, so callers may reuse their buffers', () => {
    const store = new MemoryStore().branch();
    const buf = Uint8Array.of(1, 2, 3);
    store.set(buf, buf);
    buf[0] = 9;
    assert.deepEqual(store.get(Uint8Array.of(1, 2, 3)), Uint8Array.of(1, 2, 3));
    assert.equal(store.get(buf), undefined);
  });

  it('keeps writes out of the parent until write(), drops them on discard(), and stays usable after both', () => {
    const base = new MemoryStore([[unhex('01'), unhex('aa')]]);
    const b = base.branch();
    b.set(unhex('02'), unhex('bb'));
    b.delete(unhex('01'));
    assert.equal(base.get(unhex('02')), undefined);
    assert.deepEqual(base.get(unhex('01')), unhex('aa'));
    assert.equal(b.has(unhex('01')), false);
    b.write();
    assert.equal(base.has(unhex('01')), false);
    assert.deepEqual(base.get(unhex('02')), unhex('bb'));
    b.set(unhex('03'), unhex('cc'));
    b.discard();
    assert.equal(b.get(unhex('03')), undefined);
    assert.equal(base.get(unhex('03')), undefined);
    assert.deepEqual(b.get(unhex('02')), unhex('bb'));
  });

  it('flushes into its parent in ascending key order', () => {
    const seen: string[] = [];
    const parent = new MemoryStore();
    const spy: KVStore = {
      get: (k) => parent.get(k),
      has: (k) => parent.has(k),
      set: (k, v) => {
        seen.push(`set ${hex(k)}`);
        parent.set(k, v);
      },
      delete: (k) => {
        seen.push(`del ${hex(k)}`);
        parent.delete(k);
      },
      iterator: (s, e, o) => parent.iterator(s, e, o),
      branch: () => new BranchStore(spy),
    };
    const b = spy.branch();
    b.set(unhex('ff'), unhex(''));
    b.delete(unhex('10'));
    b.set(unhex('00'), unhex('01'));
    b.set(unhex('10ff'), unhex('01'));
    b.write();
    assert.deepEqual(seen, ['set 00', 'del 10', 'set 10ff', 'set ff']);
  });

  it('hands its entries to an in-memory parent without copies, yet a subclass parent still sees each write', () => {
    const parent = new MemoryStore([[unhex('01'), unhex('aa')]]);
    const b = parent.branch();
    const value = unhex('bbbb');
    b.set(unhex('02'), value);
    b.delete(unhex('01'));
    const buffered = b.get(unhex('02'));
    b.write();
    // the parent holds the branch's own copy (not the caller's array), and the tombstone deleted
    assert.equal(parent.get(unhex('02')), buffered);
    value.fill(0);
    assert.deepEqual(parent.get(unhex('02')), unhex('bbbb'));
    assert.equal(parent.has(unhex('01')), false);
    // the branch stays usable and independent of what it handed over
    b.set(unhex('02'), unhex('cc'));
    assert.deepEqual(parent.get(unhex('02')), unhex('bbbb'));
    b.discard();
    assert.deepEqual(b.get(unhex('02')), unhex('bbbb'));
    // nested: inner → outer branch → store
    const outer = parent.branch();
    const inner = outer.branch();
    inner.set(unhex('03'), unhex('03'));
    inner.write();
    assert.equal(parent.get(unhex('03')), undefined);
    outer.write();
    assert.deepEqual(parent.get(unhex('03')), unhex('03'));

    const log: string[] = [];
    class Watched extends MemoryStore {
      override set(k: Uint8Array, v: Uint8Array): void {
        log.push(`set ${hex(k)}=${hex(v)}`);
        super.set(k, v);
      }
      override delete(k: Uint8Array): void {
        log.push(`del ${hex(k)}`);
        super.delete(k);
      }
    }
    class WatchedBranch extends BranchStore {
      override set(k: Uint8Array, v: Uint8Array): void {
        log.push(`branch set ${hex(k)}`);
        super.set(k, v);
      }
    }
    const w = new Watched();
    const wb = w.branch();
    wb.set(unhex('05'), unhex('55'));
    wb.delete(unhex('06'));
    wb.write();
    assert.deepEqual(log, ['set 05=55', 'del 06']);
    const mid = new WatchedBranch(w);
    const leaf = mid.branch();
    leaf.set(unhex('07'), unhex('77'));
    leaf.write();
    assert.deepEqual(log.slice(2), ['branch set 07']);
    mid.write();
    assert.deepEqual(log.slice(3), ['set 07=77']);
    assert.deepEqual(w.get(unhex('07')), unhex('77'));
  });

  it('reads through stacked branches to a subclass parent via its own get', () => {
    const reads: string[] = [];
    class Watched extends MemoryStore {
      override get(k: Uint8Array): Uint8Array | undefined {
        reads.push(hex(k));
        return super.get(k);
      }
    }
    const base = new Watched([[unhex('01'), unhex('aa')]]);
    const top = base.branch().branch();
    assert.deepEqual(top.get(unhex('01')), unhex('aa'));
    assert.equal(top.get(unhex('02')), undefined);
    assert.deepEqual(reads, ['01', '02']);
    class WatchedBranch extends BranchStore {
      override get(k: Uint8Array): Uint8Array | undefined {
        reads.push(`branch ${hex(k)}`);
        return super.get(k);
      }
    }
    const mid = new WatchedBranch(new MemoryStore([[unhex('03'), unhex('cc')]]));
    assert.deepEqual(mid.branch().get(unhex('03')), unhex('cc'));
    assert.deepEqual(reads.slice(2), ['branch 03']);
  });

  it('survives writes and deletes made while an iterator is open', () => {
    const base = new MemoryStore([1, 2, 3, 4, 5].map((i) => [Uint8Array.of(i), Uint8Array.of(i)] as const));
    const b = base.branch();
    b.set(Uint8Array.of(6), Uint8Array.of(6));
    const keys: number[] = [];
    for (const [k] of b.iterator()) {
      keys.push(k[0]!);
      b.delete(Uint8Array.of(k[0]! + 1));
      base.delete(Uint8Array.of(k[0]! + 1));
    }
    // Exact visibility is unspecified; the walk must stay ordered, unique and end.
    assert.ok(keys.length >= 3 && keys.every((k, i) => i === 0 || k > keys[i - 1]!), String(keys));
  });

  it('treats an empty value as present and start >= end as an empty range', () => {
    const b = new MemoryStore().branch();
    b.set(unhex('01'), new Uint8Array());
    assert.equal(b.has(unhex('01')), true);
    assert.deepEqual(b.get(unhex('01')), new Uint8Array());
    assert.deepEqual([...b.iterator(unhex('02'), unhex('01'), 'descending')], []);
    assert.deepEqual([...b.iterator(unhex('01'), unhex('01'))], []);
  });

  it('rejects non-byte keys and bad orders with typed errors', () => {
    const b = new MemoryStore().branch();
    assert.throws(() => b.set('a' as unknown as Uint8Array, unhex('')), { name: 'TypeError' });
    assert.throws(() => b.get(undefined as unknown as Uint8Array), { name: 'TypeError' });
    assert.throws(() => b.iterator(undefined, undefined, 'up' as 'ascending'), {
      name: 'StateError',
      code: 'INVALID_ARGUMENT',
    });
  });
});
