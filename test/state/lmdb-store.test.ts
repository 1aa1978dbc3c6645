import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import fc from 'fast-check';

import {
  computeCommitment,
  GENESIS_COMMITMENT,
  LMDB_MAX_KEY_SIZE,
  LmdbStore,
  storeVersion,
} from '../../src/state/index.js';
import { hex, range } from './model.js';

const root = mkdtempSync(join(tmpdir(), 'state-lmdb-'));
let dirs = 0;
const freshDir = () => join(root, String(dirs++));
after(() => rmSync(root, { recursive: true, force: true }));

const byteArb = fc.constantFrom(0x00, 0x01, 0x7f, 0xff);
const keyArb = fc.array(byteArb, { minLength: 1, maxLength: 3 }).map((a) => Uint8Array.from(a));
const valueArb = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 }).map((a) => Uint8Array.from(a));
const boundArb = fc.option(
  fc.array(byteArb, { maxLength: 3 }).map((a) => Uint8Array.from(a)),
  { nil: undefined },
);

type Op =
  | { op: 'set'; key: Uint8Array; value: Uint8Array }
  | { op: 'delete'; key: Uint8Array }
  | { op: 'commit' }
  | { op: 'reopen' }
  | { op: 'iterate'; start: Uint8Array | undefined; end: Uint8Array | undefined; desc: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key: keyArb, value: valueArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('commit' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reopen' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('iterate' as const),
      start: boundArb,
      end: boundArb,
      desc: fc.boolean(),
    }),
  },
);

describe('LmdbStore vs model (fast-check)', () => {
  it('working state, commits and reopen (uncommitted writes lost) agree with the model', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const dir = freshDir();
        let store = LmdbStore.open(dir, { durable: false });
        let committed = new Map<string, string>();
        let working = new Map<string, string>();
        let height = 0;
        try {
          for (const o of ops) {
            switch (o.op) {
              case 'set':
                store.set(o.key, o.value);
                working.set(hex(o.key), hex(o.value));
                break;
              case 'delete':
                store.delete(o.key);
                working.delete(hex(o.key));
                break;
              case 'commit':
                store.commit(++height);
                committed = new Map(working);
                break;
              case 'reopen':
                store.close();
                store = LmdbStore.open(dir, { durable: false });
                assert.equal(store.height, BigInt(height));
                working = new Map(committed);
                break;
              case 'iterate': {
                const order = o.desc ? 'descending' : 'ascending';
                const got = [...store.iterator(o.start, o.end, order)].map(([k, v]) => [hex(k), hex(v)]);
                assert.deepEqual(got, range(working, o.start, o.end, order));
                break;
              }
            }
          }
          for (const [k, v] of working) assert.equal(hex(store.get(Buffer.from(k, 'hex'))!), v);
        } finally {
          store.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('LmdbStore', () => {
  it('commits height and a running commitment over the sorted net changeset', () => {
    const dir = freshDir();
    const store = LmdbStore.open(dir);
    assert.equal(store.height, 0n);
    assert.deepEqual(store.commitHash, GENESIS_COMMITMENT);
    store.set(Uint8Array.of(2), Uint8Array.of(20));
    store.set(Uint8Array.of(1), Uint8Array.of(10));
    store.set(Uint8Array.of(3), Uint8Array.of(30));
    store.delete(Uint8Array.of(3));
    const c1 = store.commit(1n);
    const want1 = computeCommitment(GENESIS_COMMITMENT, 1n, [
      [Uint8Array.of(1), Uint8Array.of(10)],
      [Uint8Array.of(2), Uint8Array.of(20)],
      [Uint8Array.of(3), undefined],
    ]);
    assert.deepEqual(c1, { height: 1n, hash: want1, changes: 3 });
    const c2 = store.commit(2);
    assert.deepEqual(c2.hash, computeCommitment(want1, 2n, []));
    store.close();
    const again = LmdbStore.open(dir);
    assert.equal(again.height, 2n);
    assert.deepEqual(again.commitHash, c2.hash);
    assert.deepEqual(again.get(Uint8Array.of(1)), Uint8Array.of(10));
    assert.equal(again.has(Uint8Array.of(3)), false);
    again.close();
  });

  it('keeps branches and uncommitted writes off disk until commit; discardUncommitted drops them', () => {
    const store = LmdbStore.open(freshDir());
    const b = store.branch();
    b.set(Uint8Array.of(9), Uint8Array.of(9));
    assert.equal(store.get(Uint8Array.of(9)), undefined);
    b.write();
    assert.deepEqual(store.get(Uint8Array.of(9)), Uint8Array.of(9));
    assert.equal(store.pendingWrites, 1);
    store.discardUncommitted();
    assert.equal(store.get(Uint8Array.of(9)), undefined);
    store.close();
  });

  it('refuses empty and oversized keys at set time, non-increasing heights, and use after close', () => {
    const store = LmdbStore.open(freshDir());
    assert.throws(() => store.set(new Uint8Array(), Uint8Array.of(1)), {
      name: 'StateError',
      code: 'INVALID_ARGUMENT',
    });
    assert.throws(() => store.set(new Uint8Array(LMDB_MAX_KEY_SIZE + 1), Uint8Array.of(1)), {
      name: 'StateError',
      code: 'KEY_TOO_LARGE',
    });
    store.set(new Uint8Array(LMDB_MAX_KEY_SIZE).fill(7), Uint8Array.of(1));
    store.commit(5);
    assert.throws(() => store.commit(5), { name: 'StateError', code: 'INVALID_ARGUMENT' });
    assert.equal(store.get(new Uint8Array()), undefined);
    assert.equal(store.get(new Uint8Array(LMDB_MAX_KEY_SIZE + 1)), undefined);
    assert.deepEqual(store.get(new Uint8Array(LMDB_MAX_KEY_SIZE).fill(7)), Uint8Array.of(1));
    store.close();
    assert.throws(() => store.get(Uint8Array.of(1)), { name: 'StateError', code: 'CLOSED' });
  });
});

describe('LmdbStore: read-only handles', () => {
  it('see the last commit after refresh(), never uncommitted writes, and refuse every write', () => {
    const dir = freshDir();
    const store = LmdbStore.open(dir);
    store.set(Uint8Array.of(1), Uint8Array.of(1));
    const c1 = store.commit(1);
    const ro = LmdbStore.open(dir, { readOnly: true });
    assert.equal(ro.readOnly, true);
    assert.equal(ro.height, 1n);
    assert.deepEqual(ro.commitHash, c1.hash);
    assert.deepEqual(ro.get(Uint8Array.of(1)), Uint8Array.of(1));
    store.set(Uint8Array.of(1), Uint8Array.of(2));
    store.set(Uint8Array.of(3), Uint8Array.of(3));
    assert.equal(ro.refresh(), false); // nothing committed yet
    assert.deepEqual(ro.get(Uint8Array.of(1)), Uint8Array.of(1));
    assert.equal(ro.get(Uint8Array.of(3)), undefined);
    const c2 = store.commit(2);
    assert.equal(ro.refresh(), true);
    assert.equal(ro.height, 2n);
    assert.deepEqual(ro.commitHash, c2.hash);
    assert.deepEqual(ro.committed().get(Uint8Array.of(1)), Uint8Array.of(2));
    assert.deepEqual(
      [...ro.iterator()].map(([k, v]) => [hex(k), hex(v)]),
      [
        ['01', '02'],
        ['03', '03'],
      ],
    );
    for (const write of [
      () => ro.set(Uint8Array.of(4), Uint8Array.of(4)),
      () => ro.delete(Uint8Array.of(1)),
      () => ro.commit(3),
      () => ro.discardUncommitted(),
    ]) {
      assert.throws(write, { name: 'StateError', code: 'READ_ONLY' });
    }
    ro.close();
    assert.deepEqual(store.get(Uint8Array.of(3)), Uint8Array.of(3)); // the writable handle is unaffected
    store.close();
  });
});

describe('LmdbStore: store version', () => {
  it('is stable while nothing changes, new after every write and commit, undefined read-only and closed', () => {
    const dir = freshDir();
    const store = LmdbStore.open(dir);
    const v0 = storeVersion(store);
    assert.equal(typeof v0, 'number');
    assert.equal(storeVersion(store), v0);
    assert.equal(storeVersion(store.branch()), v0); // an empty branch reads straight through
    assert.equal(storeVersion(store.committed()), v0);
    store.set(Uint8Array.of(1), Uint8Array.of(1));
    const w = storeVersion(store);
    assert.ok(w !== undefined && w !== v0); // the working state with a buffered write: a version of its own
    assert.equal(storeVersion(store), w);
    assert.equal(storeVersion(store.committed()), v0); // the committed data itself has not changed
    store.commit(1);
    const v1 = storeVersion(store);
    assert.equal(typeof v1, 'number');
    assert.ok(v1 !== v0 && v1 !== w);
    assert.notEqual(storeVersion(store.committed()), v0);
    store.commit(2); // even an empty commit changes the meta records: a new version
    assert.notEqual(storeVersion(store), v1);
    const ro = LmdbStore.open(dir, { readOnly: true });
    assert.equal(storeVersion(ro), undefined);
    assert.equal(storeVersion(ro.committed()), undefined);
    ro.close();
    store.close();
    assert.equal(storeVersion(store), undefined);
  });
});

describe('computeCommitment', () => {
  it('requires strictly ascending keys and separates set-empty from delete', () => {
    assert.throws(
      () =>
        computeCommitment(GENESIS_COMMITMENT, 1n, [
          [Uint8Array.of(2), undefined],
          [Uint8Array.of(1), undefined],
        ]),
      { name: 'StateError', code: 'INVALID_ARGUMENT' },
    );
    const del = computeCommitment(GENESIS_COMMITMENT, 1n, [[Uint8Array.of(1), undefined]]);
    const setEmpty = computeCommitment(GENESIS_COMMITMENT, 1n, [[Uint8Array.of(1), new Uint8Array()]]);
    assert.notDeepEqual(del, setEmpty);
    assert.notDeepEqual(
      computeCommitment(GENESIS_COMMITMENT, 2n, []),
      computeCommitment(GENESIS_COMMITMENT, 1n, []),
    );
  });
});
