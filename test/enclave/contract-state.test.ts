/**
 * ContractState over the encrypted-state cache its StateKeys carry: across calls it must write exactly the bytes,
 * in exactly the order, that a ContractState without any cache writes, and read what is stored now.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { generateContractKey } from '../../src/enclave/contract-key.js';
import { ContractState, deriveStateKeys, type StateKeys } from '../../src/enclave/contract-state.js';
import { NetworkKeys } from '../../src/enclave/keys.js';
import { secretsFromKeys } from '../../src/enclave/secrets.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import { hex, seedBytes, sha256, utf8 } from './helpers.js';

const secrets = secretsFromKeys(NetworkKeys.fromSeeds([seedBytes(1), seedBytes(2)]));
const og = generateContractKey(
  secrets,
  sha256(utf8('sender')).slice(0, 20),
  1n,
  sha256(utf8('code')),
  sha256(utf8('contract')).slice(0, 20),
);

/** A store logging every write in order. */
class LoggingStore extends MemoryStore {
  readonly log: string[] = [];
  override set(k: Uint8Array, v: Uint8Array): void {
    this.log.push(`set ${hex(k)}=${hex(v)}`);
    super.set(k, v);
  }
  override delete(k: Uint8Array): void {
    this.log.push(`del ${hex(k)}`);
    super.delete(k);
  }
}

/** Keys whose byte order differs from naive string order of other encodings (high bytes, prefixes). */
const KEYS = [
  Uint8Array.of(0xff),
  Uint8Array.of(0x00),
  Uint8Array.of(0x80, 0x01),
  Uint8Array.of(0x7f, 0xff, 0x00),
  Uint8Array.of(0x80),
  new Uint8Array(0),
  utf8('balance/alice'),
  utf8('balance/al'),
  Uint8Array.of(0x0a),
  Uint8Array.of(0xa0),
];

function session(keys: StateKeys, random: Uint8Array | undefined): { log: string[]; reads: string[] } {
  const store = new LoggingStore();
  const reads: string[] = [];
  for (let call = 0n; call < 4n; call++) {
    const salt = { timeNanos: 1_000n + call, counterHeight: 5n, counter: call };
    const s = new ContractState(store, keys, { readOnly: false, salt });
    for (const [i, k] of KEYS.entries()) {
      const v = s.get(k);
      reads.push(v === undefined ? '-' : hex(v));
      if ((i + Number(call)) % 3 === 0) s.remove(k);
      else s.set(k, utf8(`${i}:${call}:${v === undefined ? '' : hex(v)}`));
    }
    s.flush(random);
  }
  const q = new ContractState(store, keys, { readOnly: true });
  for (const k of KEYS) reads.push(hex(q.get(k) ?? Uint8Array.of()));
  return { log: store.log, reads };
}

describe('ContractState with the state cache', () => {
  it('writes the same bytes in the same order as without a cache, shuffled or not', () => {
    const cached = deriveStateKeys(secrets, og);
    assert.ok(cached.cache !== undefined);
    const { cache: _drop, ...plain } = deriveStateKeys(secrets, og);
    for (const random of [undefined, sha256(utf8('block random'))]) {
      const a = session(cached, random);
      const b = session(plain, random);
      assert.deepEqual(a.log, b.log);
      assert.deepEqual(a.reads, b.reads);
    }
  });

  it('flushes unshuffled batches in byte order of the plaintext keys', () => {
    const keys = deriveStateKeys(secrets, og);
    const store = new MemoryStore();
    const order: string[] = [];
    const s = new ContractState(
      {
        get: (k) => store.get(k),
        set: (k, v) => {
          order.push(hex(k));
          store.set(k, v);
        },
        delete: (k) => store.delete(k),
      },
      keys,
      { readOnly: false, salt: { timeNanos: 1n, counterHeight: 1n, counter: 0n } },
    );
    for (const k of KEYS) s.set(k, utf8('v'));
    s.flush();
    // the encrypted keys are written in the order of their plaintext keys' bytes
    const expected = [...KEYS].sort((x, y) => Buffer.compare(x, y));
    const dbKeyOf = (k: Uint8Array) => {
      const probe: string[] = [];
      const t = new ContractState(
        { get: () => undefined, set: (dk) => probe.push(hex(dk)), delete: () => undefined },
        keys,
        { readOnly: false, salt: { timeNanos: 1n, counterHeight: 1n, counter: 0n } },
      );
      t.set(k, utf8('v'));
      t.flush();
      return probe[0]!;
    };
    assert.deepEqual(order, expected.map(dbKeyOf));
  });

  it("read-only states of one StateKeys read their own call's store, each key once per call", () => {
    const keys = deriveStateKeys(secrets, og);
    const stores = [new MemoryStore(), new MemoryStore()];
    stores.forEach((store, i) => {
      const w = new ContractState(store, keys, {
        readOnly: false,
        salt: { timeNanos: 1n, counterHeight: 1n, counter: BigInt(i) },
      });
      w.set(KEYS[0]!, utf8(`first ${i}`));
      w.set(KEYS[1]!, utf8(`second ${i}`));
      w.flush();
    });
    for (let round = 0; round < 3; round++) {
      for (const [i, store] of stores.entries()) {
        const gets: string[] = [];
        const q = new ContractState(
          {
            get: (k) => {
              gets.push(hex(k));
              return store.get(k);
            },
            set: () => assert.fail('no writes'),
            delete: () => assert.fail('no deletes'),
          },
          keys,
          { readOnly: true },
        );
        for (const k of [KEYS[0]!, KEYS[1]!, KEYS[0]!, KEYS[2]!, KEYS[1]!, KEYS[2]!]) q.get(k);
        assert.equal(hex(q.get(KEYS[0]!)!), hex(utf8(`first ${i}`)));
        assert.equal(hex(q.get(KEYS[1]!)!), hex(utf8(`second ${i}`)));
        assert.equal(q.get(KEYS[2]!), undefined);
        assert.equal(gets.length, 3, 'each key read from the store once');
        assert.equal(new Set(gets).size, 3);
        assert.throws(() => q.set(KEYS[0]!, utf8('x')), { name: 'EnclaveError' });
      }
    }
  });
});
