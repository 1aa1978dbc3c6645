import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';

import {
  BasicGasMeter,
  EncryptedStore,
  type EncryptedStoreOptions,
  GasKVStore,
  type KVStore,
  MemoryStore,
  stateSalt,
} from '../../src/state/index.js';
import { READ_BY_ID } from '../../src/state/kv-store.js';
import { STATE_CACHE_ENTRIES, STATE_CACHE_MAX_VALUE_LENGTH } from '../../src/state/limits.js';
import { EncryptedStateCache } from '../../src/state/state-cache.js';

const enc = new TextEncoder();
const fill = (b: number) => new Uint8Array(32).fill(b);
const saltOf = (counter: bigint) => stateSalt({ timeNanos: 1_700_000_000_000_000_000n, height: 7n, counter });

function store(
  backing: KVStore,
  cache: EncryptedStateCache | undefined,
  counter = 0n,
  extra: Partial<EncryptedStoreOptions> = {},
): EncryptedStore {
  const salt = saltOf(counter);
  return new EncryptedStore(backing, {
    keyKey: fill(1),
    valueKey: fill(2),
    salt: () => salt,
    ...(cache === undefined ? {} : { cache }),
    ...extra,
  });
}

const rows = (s: MemoryStore) =>
  [...s.iterator()].map(([k, v]) => Buffer.concat([k, Buffer.of(0xff), v]).toString('hex'));
const isTampered = (e: unknown) =>
  e instanceof Error && e.name === 'StateError' && (e as { code?: string }).code === 'TAMPERED';
const k = (s: string) => enc.encode(s);

describe('EncryptedStateCache', () => {
  it('changes nothing observable: same backing bytes, values and gas as a store without a cache', () => {
    const plain = new MemoryStore();
    const cached = new MemoryStore();
    const cache = new EncryptedStateCache(fill(1), fill(2));
    const meters = [new BasicGasMeter(10_000_000), new BasicGasMeter(10_000_000)] as const;
    for (let call = 0n; call < 6n; call++) {
      // one store per "call", as the enclave builds them; the cache outlives them
      const a = store(new GasKVStore(plain, meters[0]), undefined, call);
      const b = store(new GasKVStore(cached, meters[1]), cache, call);
      for (const s of [a, b]) {
        const before = s.get(k('balance'));
        s.set(
          k('balance'),
          enc.encode(`${Number(before === undefined ? 0 : Buffer.from(before).toString()) + 1}`),
        );
        s.get(k('config'));
        if (call === 3n) s.delete(k('config'));
        else s.set(k('config'), enc.encode(`c${call}`));
        s.has(k('config'));
      }
      assert.deepEqual(a.get(k('balance')), b.get(k('balance')));
      assert.deepEqual(a.get(k('config')), b.get(k('config')));
    }
    assert.deepEqual(rows(cached), rows(plain));
    assert.equal(meters[1].consumed, meters[0].consumed);
    assert.deepEqual(store(plain, undefined).get(k('balance')), enc.encode('6'));
  });

  it('serves an unchanged value without decrypting, and a value changed behind its back with the new bytes', () => {
    const backing = new MemoryStore();
    const cache = new EncryptedStateCache(fill(1), fill(2));
    store(backing, cache, 1n).set(k('a'), k('one'));
    assert.deepEqual(store(backing, cache, 2n).get(k('a')), k('one'));
    // another node-side writer (no cache) replaces the value with a valid encryption of something else
    store(backing, undefined, 3n).set(k('a'), k('two'));
    assert.deepEqual(store(backing, cache, 4n).get(k('a')), k('two'));
    // and a delete behind its back
    store(backing, undefined, 5n).delete(k('a'));
    assert.equal(store(backing, cache, 6n).get(k('a')), undefined);
  });

  it('follows a discarded branch: a write that was rolled back is not served afterwards', () => {
    const root = new MemoryStore();
    const cache = new EncryptedStateCache(fill(1), fill(2));
    store(root, cache, 1n).set(k('bal'), k('100'));
    const tx = root.branch();
    store(tx, cache, 2n).set(k('bal'), k('0'));
    assert.deepEqual(store(tx, cache, 3n).get(k('bal')), k('0'));
    tx.discard();
    assert.deepEqual(store(root, cache, 4n).get(k('bal')), k('100'));
  });

  it('still detects every flipped bit of a value it has cached', () => {
    const backing = new MemoryStore();
    const cache = new EncryptedStateCache(fill(1), fill(2));
    const s = store(backing, cache, 1n);
    s.set(k('key'), k('a value worth protecting'));
    assert.deepEqual(s.get(k('key')), k('a value worth protecting'));
    const dbKey = s.dbKey(k('key'));
    const raw = Buffer.from(backing.get(dbKey)!);
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 1 << (i % 8);
      backing.set(dbKey, bad);
      assert.throws(
        () => store(backing, cache).get(k('key')),
        isTampered,
        `flip at byte ${i} served from cache`,
      );
    }
    backing.set(dbKey, raw);
    assert.deepEqual(store(backing, cache).get(k('key')), k('a value worth protecting'));
  });

  it('keeps private copies: mutating the caller’s value or a stored row afterwards changes nothing it serves', () => {
    const backing = new MemoryStore();
    const cache = new EncryptedStateCache(fill(1), fill(2));
    const value = k('original');
    store(backing, cache, 1n).set(k('x'), value);
    value.fill(0);
    assert.deepEqual(store(backing, cache).get(k('x')), k('original'));
    // a backing store handing out its own array, mutated in place afterwards (a contract violation by someone
    // else): the cache must not keep serving the old plaintext for the new bytes
    const dbKey = store(backing, cache).dbKey(k('x'));
    const row = backing.get(dbKey)!;
    row[row.length - 1]! ^= 1;
    assert.throws(() => store(backing, cache).get(k('x')), isTampered);
  });

  it('holds no array of its caller: mutating the keys passed to a store afterwards changes nothing', () => {
    const backing = new MemoryStore();
    const cache = new EncryptedStateCache(fill(1), fill(2));
    const keyKey = fill(1);
    const valueKey = fill(2);
    const s = new EncryptedStore(backing, { keyKey, valueKey, salt: () => saltOf(1n), cache });
    keyKey.fill(7);
    valueKey.fill(7);
    s.set(k('x'), k('v'));
    assert.deepEqual(store(backing, undefined).get(k('x')), k('v'));
    // wrong length is still reported as such, before the binding check
    assert.throws(() => store(backing, cache, 0n, { keyKey: new Uint8Array(31) }), {
      name: 'StateError',
      code: 'INVALID_ARGUMENT',
      message: /keyKey expected Uint8Array of length 32/,
    });
  });

  it('answers a read by key string exactly as get (READ_BY_ID), with and without a cache', () => {
    const backing = new MemoryStore();
    const cache = new EncryptedStateCache(fill(1), fill(2));
    store(backing, cache, 1n).set(k('x'), k('v'));
    for (const c of [cache, undefined]) {
      const s = store(backing, c);
      for (const key of [k('x'), k('absent')]) {
        assert.deepEqual(s[READ_BY_ID](Buffer.from(key).toString('latin1'), key), s.get(key));
      }
    }
    assert.deepEqual(store(backing, cache)[READ_BY_ID]('x', k('x')), k('v'));
  });

  it('does not keep values above the size cap, yet reads them correctly', () => {
    const backing = new MemoryStore();
    const cache = new EncryptedStateCache(fill(1), fill(2));
    const big = new Uint8Array(STATE_CACHE_MAX_VALUE_LENGTH + 1).fill(7);
    store(backing, cache, 1n).set(k('big'), big);
    assert.equal(cache.get(Buffer.from(k('big')).toString('latin1'))?.value, undefined);
    assert.deepEqual(store(backing, cache).get(k('big')), big);
    assert.deepEqual(store(backing, undefined).get(k('big')), big);
  });

  it('is bound to its keys: a store with other keys refuses it; two caches never share entries', () => {
    const cache = new EncryptedStateCache(fill(1), fill(2));
    assert.throws(() => store(new MemoryStore(), cache, 0n, { valueKey: fill(3) }), {
      name: 'StateError',
      code: 'INVALID_ARGUMENT',
    });
    assert.throws(() => store(new MemoryStore(), cache, 0n, { keyKey: fill(9) }), {
      name: 'StateError',
      code: 'INVALID_ARGUMENT',
    });
    const backing = new MemoryStore();
    const other = new EncryptedStateCache(fill(1), fill(2));
    store(backing, cache, 1n).set(k('a'), k('1'));
    assert.equal(other.get(Buffer.from(k('a')).toString('latin1')), undefined);
    assert.deepEqual(store(backing, other).get(k('a')), k('1'));
  });

  it('reads values under another seed id through valueKeyForSeed (not cached) and stays bounded', () => {
    const backing = new MemoryStore();
    store(backing, undefined, 1n, { writeSeedId: 3, valueKey: fill(4) }).set(k('old'), k('v3'));
    const cache = new EncryptedStateCache(fill(1), fill(2));
    const reader = () =>
      store(backing, cache, 2n, { valueKeyForSeed: (id) => (id === 3 ? fill(4) : undefined) });
    assert.deepEqual(reader().get(k('old')), k('v3'));
    assert.equal(cache.get(Buffer.from(k('old')).toString('latin1'))?.raw, undefined);
    assert.deepEqual(reader().get(k('old')), k('v3'));
    assert.throws(() => store(backing, cache, 3n).get(k('old')), isTampered);

    const s = store(new MemoryStore(), cache, 4n);
    const other = new EncryptedStateCache(fill(1), fill(2));
    store(new MemoryStore(), other, 4n).set(k('first'), k('1'));
    for (let i = 0; i < STATE_CACHE_ENTRIES + 10; i++) s.set(enc.encode(`key-${i}`), enc.encode(`${i}`));
    assert.ok(EncryptedStateCache.size <= STATE_CACHE_ENTRIES);
    // oldest first across caches: the other cache's entry and this one's first keys are gone, the last ones held
    assert.equal(other.get('first'), undefined);
    assert.equal(cache.get('key-0'), undefined);
    assert.notEqual(cache.get(`key-${STATE_CACHE_ENTRIES + 9}`), undefined);
    assert.deepEqual(s.get(k('key-0')), k('0'));
    EncryptedStateCache.clearAll();
    assert.equal(EncryptedStateCache.size, 0);
    assert.equal(cache.get(`key-${STATE_CACHE_ENTRIES + 9}`), undefined);
    assert.deepEqual(s.get(enc.encode(`key-${STATE_CACHE_ENTRIES}`)), enc.encode(`${STATE_CACHE_ENTRIES}`));
  });
});
