import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, it } from 'node:test';

import { aessiv } from '@noble/ciphers/aes.js';
import fc from 'fast-check';

import {
  decodeEncryptedValue,
  encodeEncryptedValue,
  EncryptedStateCache,
  EncryptedStore,
  type EncryptedStoreOptions,
  type KVStore,
  MemoryStore,
  PrefixStore,
  stateSalt,
} from '../../src/state/index.js';

const enc = new TextEncoder();
const fill = (b: number) => new Uint8Array(32).fill(b);
const SALT = stateSalt({ timeNanos: 1_700_000_000_123_456_789n, height: 42n, counter: 3n });

function contract(
  backing: KVStore,
  keyByte: number,
  extra: Partial<EncryptedStoreOptions> = {},
): EncryptedStore {
  return new EncryptedStore(backing, {
    keyKey: fill(keyByte),
    valueKey: fill(keyByte + 1),
    salt: () => SALT,
    ...extra,
  });
}

const rawEntries = (s: KVStore) =>
  [...s.iterator()].map(([k, v]) => [Buffer.from(k), Buffer.from(v)] as const);

const isTampered = (e: unknown) =>
  e instanceof Error && e.name === 'StateError' && (e as { code?: string }).code === 'TAMPERED';

describe('stateSalt', () => {
  it('is BE64(time ns) ‖ BE64(height) ‖ BE64(counter)', () => {
    const be64 = (n: bigint) => n.toString(16).padStart(16, '0');
    assert.equal(Buffer.from(SALT).toString('hex'), be64(1_700_000_000_123_456_789n) + be64(42n) + be64(3n));
    assert.equal(Buffer.from(SALT).subarray(16).toString('hex'), '0000000000000003');
    assert.throws(() => stateSalt({ timeNanos: -1n, height: 0n, counter: 0n }), {
      name: 'StateError',
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('EncryptedStore layout (spec §2.9)', () => {
  it('stores under bincode EncryptedKey{"secret", 2u16, 3u32, AES-SIV(K_key, key, AD=[])} — pinned bytes', () => {
    const backing = new MemoryStore();
    const store = contract(backing, 1);
    store.set(enc.encode('count'), enc.encode('7'));
    const [[dbKey, dbValue]] = rawEntries(backing) as [readonly [Buffer, Buffer]];
    // Independent AES-SIV (noble) with zero AD strings.
    const encKeyData = aessiv(fill(1)).encrypt(enc.encode('count'));
    const header =
      '0600000000000000' + Buffer.from('secret').toString('hex') + '0200' + '03000000' + '1500000000000000';
    assert.equal(dbKey.toString('hex'), header + Buffer.from(encKeyData).toString('hex'));
    // Pinned whole key as a literal (regression against silent format or cipher drift).
    assert.equal(
      dbKey.toString('hex'),
      '0600000000000000736563726574020003000000150000000000000' +
        '08612719cef252d5b033d3ec2501ce9af3d7b4b24f6',
    );
    assert.equal(dbKey.length, 28 + 16 + 5);
    // Value: LE64(24) ‖ salt ‖ LE64(len) ‖ AES-SIV(K_val, v, AD=[enc_key_data, salt]).
    const data = aessiv(fill(2), encKeyData, SALT).encrypt(enc.encode('7'));
    assert.equal(
      dbValue.toString('hex'),
      '1800000000000000' +
        Buffer.from(SALT).toString('hex') +
        '1100000000000000' +
        Buffer.from(data).toString('hex'),
    );
    assert.equal(store.dbKey(enc.encode('count')).length, dbKey.length);
  });

  it('appends a LE16 seed id when more than two seeds exist, and reads it back with the matching key', () => {
    const backing = new MemoryStore();
    const writer = contract(backing, 1, { writeSeedId: 3 });
    writer.set(enc.encode('k'), enc.encode('v'));
    const [[, raw]] = rawEntries(backing) as [readonly [Buffer, Buffer]];
    assert.equal(raw.subarray(raw.length - 2).toString('hex'), '0300');
    assert.equal(decodeEncryptedValue(raw).seedId, 3);
    assert.deepEqual(writer.get(enc.encode('k')), enc.encode('v'));
    // A node configured for seed 2 reads seed-3 values only through valueKeyForSeed.
    assert.throws(() => contract(backing, 1).get(enc.encode('k')), isTampered);
    const reader = contract(backing, 1, { valueKeyForSeed: (id) => (id === 3 ? fill(2) : undefined) });
    assert.deepEqual(reader.get(enc.encode('k')), enc.encode('v'));
  });

  it('is deterministic: two nodes writing the same state produce identical bytes', () => {
    const a = new MemoryStore();
    const b = new MemoryStore();
    for (const s of [contract(a, 5), contract(b, 5)]) {
      s.set(enc.encode('x'), enc.encode('1'));
      s.set(enc.encode('y'), new Uint8Array());
    }
    assert.deepEqual(rawEntries(a), rawEntries(b));
  });
});

describe('EncryptedStore', () => {
  it('round-trips get/has/set/delete by plaintext key, including empty values and keys', () => {
    const store = contract(new MemoryStore(), 1);
    assert.equal(store.get(enc.encode('a')), undefined);
    store.set(enc.encode('a'), enc.encode('alpha'));
    store.set(new Uint8Array(), new Uint8Array());
    assert.deepEqual(store.get(enc.encode('a')), enc.encode('alpha'));
    assert.deepEqual(store.get(new Uint8Array()), new Uint8Array());
    assert.equal(store.has(enc.encode('a')), true);
    store.delete(enc.encode('a'));
    assert.equal(store.has(enc.encode('a')), false);
    assert.equal(store.get(enc.encode('a')), undefined);
  });

  it('leaves no plaintext key or value bytes anywhere in the backing store', () => {
    const backing = new MemoryStore();
    const store = contract(backing, 9);
    const secrets: [string, string][] = [
      ['balance/secret1alicealicealicealice', 'ALICE-HAS-1000000000-uscrt-SECRET'],
      ['viewing_key/bob-the-builder-0123', 'api_key_8f3b2c1d9e7a6f5b4c3d2e1f'],
      ['config', '{"admin":"secret1adminadminadmin","paused":false}'],
    ];
    for (const [k, v] of secrets) store.set(enc.encode(k), enc.encode(v));
    // Every DB key starts with the same public 28-byte header (its "secret" magic is not user data); scan the rest.
    const header = Buffer.from(
      '0600000000000000' + Buffer.from('secret').toString('hex') + '020003000000',
      'hex',
    );
    const rows = rawEntries(backing);
    for (const [k] of rows) assert.deepEqual(k.subarray(0, header.length), header);
    const blob = Buffer.concat(rows.flatMap(([k, v]) => [k.subarray(header.length), v]));
    for (const [k, v] of secrets) {
      for (const text of [k, v]) {
        const bytes = Buffer.from(text);
        // No 6-byte window of any plaintext occurs in the raw store (a full match would be found too).
        for (let i = 0; i + 6 <= bytes.length; i++) {
          assert.equal(
            blob.indexOf(bytes.subarray(i, i + 6)),
            -1,
            `plaintext window "${bytes.subarray(i, i + 6).toString()}" leaked`,
          );
        }
      }
    }
    for (const [k, v] of secrets) assert.deepEqual(store.get(enc.encode(k)), enc.encode(v));
  });

  it('detects a flipped bit anywhere in a stored value with StateError TAMPERED', () => {
    const backing = new MemoryStore();
    const store = contract(backing, 1);
    store.set(enc.encode('key'), enc.encode('a value worth protecting'));
    const [[dbKey, raw]] = rawEntries(backing) as [readonly [Buffer, Buffer]];
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 1 << (i % 8);
      backing.set(dbKey, bad);
      assert.throws(() => store.get(enc.encode('key')), isTampered, `flip at byte ${i} undetected`);
    }
    backing.set(dbKey, raw.subarray(0, raw.length - 1));
    assert.throws(() => store.get(enc.encode('key')), isTampered);
    backing.set(dbKey, raw);
    assert.deepEqual(store.get(enc.encode('key')), enc.encode('a value worth protecting'));
  });

  it('detects a value copied to another key of the same contract, with the CryptoError as cause', () => {
    const backing = new MemoryStore();
    const store = contract(backing, 1);
    store.set(enc.encode('rich'), enc.encode('1000000'));
    store.set(enc.encode('poor'), enc.encode('1'));
    backing.set(store.dbKey(enc.encode('poor')), backing.get(store.dbKey(enc.encode('rich')))!);
    assert.throws(
      () => store.get(enc.encode('poor')),
      (e: unknown) =>
        isTampered(e) &&
        (e as Error).cause instanceof Error &&
        ((e as Error).cause as Error).name === 'CryptoError',
    );
  });

  it("detects a value copied from another contract's state under the same plaintext key", () => {
    const root = new MemoryStore();
    const a = contract(new PrefixStore(root, Uint8Array.of(0x03, 0xaa)), 1);
    const b = contract(new PrefixStore(root, Uint8Array.of(0x03, 0xbb)), 11);
    a.set(enc.encode('balance'), enc.encode('999'));
    b.set(enc.encode('balance'), enc.encode('0'));
    const rawA = new PrefixStore(root, Uint8Array.of(0x03, 0xaa)).get(a.dbKey(enc.encode('balance')))!;
    new PrefixStore(root, Uint8Array.of(0x03, 0xbb)).set(b.dbKey(enc.encode('balance')), rawA);
    assert.throws(() => b.get(enc.encode('balance')), isTampered);
    // Different contracts map the same plaintext key to different DB keys.
    assert.notDeepEqual(a.dbKey(enc.encode('balance')), b.dbKey(enc.encode('balance')));
  });

  it('read-only mode (queries) refuses writes and deletes but reads', () => {
    const backing = new MemoryStore();
    contract(backing, 1).set(enc.encode('k'), enc.encode('v'));
    const ro = new EncryptedStore(backing, { keyKey: fill(1), valueKey: fill(2), readOnly: true });
    assert.deepEqual(ro.get(enc.encode('k')), enc.encode('v'));
    assert.throws(() => ro.set(enc.encode('k'), enc.encode('w')), { name: 'StateError', code: 'READ_ONLY' });
    assert.throws(() => ro.delete(enc.encode('k')), { name: 'StateError', code: 'READ_ONLY' });
    const cache = ro.branch();
    cache.set(enc.encode('k'), enc.encode('w'));
    assert.throws(() => cache.write(), { name: 'StateError', code: 'READ_ONLY' });
    assert.deepEqual(ro.get(enc.encode('k')), enc.encode('v'));
  });

  it('getFrom reads another backing store with its keys and cache, as a store over that backing would', () => {
    for (const cache of [undefined, new EncryptedStateCache(fill(1), fill(2))]) {
      const a = new MemoryStore();
      const b = new MemoryStore();
      contract(a, 1).set(enc.encode('k'), enc.encode('in a'));
      contract(b, 1).set(enc.encode('k'), enc.encode('in b'));
      const shared = new EncryptedStore(new MemoryStore(), {
        keyKey: fill(1),
        valueKey: fill(2),
        readOnly: true,
        ...(cache === undefined ? {} : { cache }),
      });
      for (let round = 0; round < 2; round++) {
        assert.deepEqual(shared.getFrom(a, enc.encode('k')), enc.encode('in a'));
        assert.deepEqual(shared.getFrom(b, enc.encode('k'), 'k'), enc.encode('in b'));
        assert.equal(shared.getFrom(a, enc.encode('other')), undefined);
        assert.equal(shared.get(enc.encode('k')), undefined); // its own backing is still its own
      }
      // tampering in one backing is caught there, whatever the cache remembers from the other
      const [dbKey, raw] = rawEntries(b)[0]!;
      const bad = Buffer.from(raw);
      bad[bad.length - 1]! ^= 1;
      b.set(dbKey, bad);
      assert.throws(() => shared.getFrom(b, enc.encode('k')), isTampered);
      assert.deepEqual(shared.getFrom(a, enc.encode('k')), enc.encode('in a'));
    }
  });

  it('refuses iteration with StateError UNSUPPORTED, and bad keys/salts/options with INVALID_ARGUMENT', () => {
    const store = contract(new MemoryStore(), 1);
    assert.throws(() => store.iterator(), { name: 'StateError', code: 'UNSUPPORTED' });
    assert.throws(
      () =>
        new EncryptedStore(new MemoryStore(), {
          keyKey: new Uint8Array(31),
          valueKey: fill(1),
          salt: () => SALT,
        }),
      {
        name: 'StateError',
        code: 'INVALID_ARGUMENT',
      },
    );
    assert.throws(() => new EncryptedStore(new MemoryStore(), { keyKey: fill(1), valueKey: fill(1) }), {
      name: 'StateError',
      code: 'INVALID_ARGUMENT',
    });
    const badSalt = contract(new MemoryStore(), 1, { salt: () => new Uint8Array(23) });
    assert.throws(() => badSalt.set(enc.encode('k'), enc.encode('v')), {
      name: 'StateError',
      code: 'INVALID_ARGUMENT',
    });
  });

  it('branch(): plaintext write buffer (Secret KvCache) encrypted into the backing store on write()', () => {
    const backing = new MemoryStore();
    const store = contract(backing, 1);
    const cache = store.branch();
    cache.set(enc.encode('a'), enc.encode('1'));
    assert.deepEqual(cache.get(enc.encode('a')), enc.encode('1'));
    assert.equal(backing.size, 0);
    cache.write();
    assert.equal(backing.size, 1);
    assert.deepEqual(store.get(enc.encode('a')), enc.encode('1'));
  });
});

describe('EncryptedValue codec vs a BigInt/DataView reference', () => {
  function referenceEncode(salt: Uint8Array, data: Uint8Array, seedId: number): Uint8Array {
    const suffix = seedId > 2 ? 2 : 0;
    const out = new Uint8Array(16 + salt.length + data.length + suffix);
    const dv = new DataView(out.buffer);
    dv.setBigUint64(0, BigInt(salt.length), true);
    out.set(salt, 8);
    dv.setBigUint64(8 + salt.length, BigInt(data.length), true);
    out.set(data, 16 + salt.length);
    if (suffix > 0) dv.setUint16(16 + salt.length + data.length, seedId, true);
    return out;
  }

  function referenceDecode(raw: Uint8Array): string {
    if (raw.length < 40) return 'too short';
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (dv.getBigUint64(0, true) !== 24n) return 'salt length';
    const len = dv.getBigUint64(32, true);
    const rest = BigInt(raw.length - 40);
    if (len !== rest && len + 2n !== rest) return 'data length';
    const end = 40 + Number(len);
    const seedId = end === raw.length ? 2 : dv.getUint16(end, true);
    return `${Buffer.from(raw.subarray(8, 32)).toString('hex')}/${Buffer.from(raw.subarray(40, end)).toString('hex')}/${seedId}`;
  }

  function decoded(raw: Uint8Array): string {
    try {
      const { salt, data, seedId } = decodeEncryptedValue(raw);
      return `${Buffer.from(salt).toString('hex')}/${Buffer.from(data).toString('hex')}/${seedId}`;
    } catch (e) {
      assert.ok(isTampered(e));
      return (e as Error).message.replace('stored contract state value is malformed: ', '');
    }
  }

  it('encodes byte for byte like the reference and decodes every input to the same parts or error', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 40 }),
        fc.integer({ min: 1, max: 0xffff }),
        (data, seedId) => {
          const salt = SALT;
          const raw = encodeEncryptedValue(salt, data, seedId);
          assert.deepEqual(raw, referenceEncode(salt, data, seedId));
          assert.equal(decoded(raw), referenceDecode(raw));
        },
      ),
    );
    const header = (saltLen: bigint, len: bigint, extra: number) => {
      const raw = new Uint8Array(40 + extra);
      const dv = new DataView(raw.buffer);
      dv.setBigUint64(0, saltLen, true);
      dv.setBigUint64(32, len, true);
      return raw;
    };
    fc.assert(
      fc.property(
        fc.constantFrom(24n, 25n, 24n + (1n << 32n), 1n << 63n),
        fc.constantFrom(0n, 1n, 3n, 5n, 1n << 32n, (1n << 32n) + 3n, (1n << 64n) - 1n),
        fc.integer({ min: 0, max: 6 }),
        (saltLen, len, extra) => {
          const raw = header(saltLen, len, extra);
          assert.equal(decoded(raw), referenceDecode(raw));
        },
      ),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), (raw) => {
        assert.equal(decoded(raw), referenceDecode(raw));
      }),
    );
  });
});
