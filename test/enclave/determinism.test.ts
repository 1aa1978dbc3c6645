/**
 * Consensus properties of the enclave: two instances built from the same seed produce byte-identical outputs
 * and store bytes for the same call sequence (including randomness and the shuffled state flush), per-contract
 * randomness derivation, and the no-leak rule: a secret inside an input never shows up in any output, error or
 * stored byte.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ContractStore, EnclaveResult } from '../../src/enclave/types.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import {
  allTextForms,
  b64,
  code,
  type Deployed,
  fromB64,
  hex,
  replacer,
  SCHEMES,
  seedBytes,
  sha256,
  TestChain,
  text,
  User,
  utf8,
} from './helpers.js';

function ok<T>(r: EnclaveResult<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${JSON.stringify(r.error, replacer)}`);
  return r.output;
}

/** A store that records the order of writes. */
class RecordingStore extends MemoryStore implements ContractStore {
  readonly log: string[] = [];
  override set(key: Uint8Array, value: Uint8Array): void {
    this.log.push(hex(key));
    super.set(key, value);
  }
}

function dump(store: MemoryStore): string[] {
  return [...store.iterator()].map(([k, v]) => `${hex(k)}=${hex(v)}`);
}

const MANY_WRITES = {
  multi: { cmds: Array.from({ length: 12 }, (_, i) => ({ set: { key: `key${i}`, value: `value${i}` } })) },
};

/** One deterministic session: init random-v1 and exerciser-v1, write, read, query; returns everything observable. */
function session(scheme: (typeof SCHEMES)[number], seeds: Uint8Array[]) {
  const chain = new TestChain(scheme, seeds);
  chain.random = sha256(utf8('block random'));
  const alice = new User(1, chain.enclave.ioPubkey, scheme);
  const r = chain.instantiate(code('random-v1'), 1, alice, { set: { key: 'a', value: 'b' } });
  const e = chain.instantiate(code('exerciser-v1'), 2, alice, {});
  const outputs: unknown[] = [r.key, r.adminProof, e.key, e.adminProof];
  const stores: Record<string, RecordingStore> = {};
  for (const [i, c] of [r, e].entries()) {
    const store = new RecordingStore();
    for (const [k, v] of c.store.iterator()) store.set(k, v);
    store.log.length = 0;
    c.store = store;
    stores[c.address] = store;
    const wire = alice.encrypt(c.code.codeHash, MANY_WRITES, 10 + i);
    outputs.push(
      ok(
        chain.enclave.handle(
          chain.call(c, alice.address, [], alice.signExecute(c.canonical, wire)),
          wire,
          'execute',
        ),
      ),
    );
    const envWire = alice.encrypt(c.code.codeHash, { env: {} }, 20 + i);
    outputs.push(
      ok(
        chain.enclave.handle(
          chain.call(c, alice.address, [], alice.signExecute(c.canonical, envWire)),
          envWire,
          'execute',
        ),
      ),
    );
    const q = alice.encrypt(c.code.codeHash, { get: { key: 'key3' } }, 30 + i);
    outputs.push(
      ok(
        chain.enclave.query(
          {
            code: c.code,
            env: chain.env(c.address, '', [], c.key, 1),
            store: c.store,
            querier: chain.querier(1),
            gasLimit: 10n ** 9n,
          },
          q,
        ),
      ),
    );
  }
  return { chain, alice, r, e, outputs: JSON.stringify(outputs, replacer), stores };
}

for (const scheme of SCHEMES) {
  describe(`enclave determinism (${scheme})`, () => {
    it('two enclaves from the same seed give byte-identical outputs, store bytes and write order', () => {
      const s1 = session(scheme, [seedBytes(7)]);
      const s2 = session(scheme, [seedBytes(7)]);
      assert.equal(s1.outputs, s2.outputs);
      for (const addr of Object.keys(s1.stores)) {
        assert.deepEqual(dump(s1.stores[addr]!), dump(s2.stores[addr]!));
        assert.deepEqual(s1.stores[addr]!.log, s2.stores[addr]!.log);
      }
      // A different network seed gives a different contract key and different store bytes (the check can fail).
      const s3 = session(scheme, [seedBytes(8)]);
      assert.notEqual(s3.outputs, s1.outputs);
      assert.notDeepEqual(dump(s3.stores[s3.r.address]!), dump(s1.stores[s1.r.address]!));
    });

    it('shuffles the flush of random-enabled contracts and keeps plaintext-key order otherwise', () => {
      const s = session(scheme, [seedBytes(7)]);
      const { chain, alice } = s;
      const keys = MANY_WRITES.multi.cmds.map((c) => c.set.key);
      const orderOf = (c: Deployed, nonce: number): string[] => {
        const store = c.store as RecordingStore;
        // Learn which encrypted key each plaintext key maps to (one write per call) …
        const encOf = new Map<string, string>();
        for (const [i, key] of keys.entries()) {
          store.log.length = 0;
          const w = alice.encrypt(c.code.codeHash, { set: { key, value: 'x' } }, nonce + i);
          ok(
            chain.enclave.handle(
              chain.call(c, alice.address, [], alice.signExecute(c.canonical, w)),
              w,
              'execute',
            ),
          );
          assert.equal(store.log.length, 1);
          encOf.set(store.log[0]!, key);
        }
        // … then observe the order of one batched flush.
        store.log.length = 0;
        const w = alice.encrypt(c.code.codeHash, MANY_WRITES, nonce + 100);
        ok(
          chain.enclave.handle(
            chain.call(c, alice.address, [], alice.signExecute(c.canonical, w)),
            w,
            'execute',
          ),
        );
        return store.log.map((k) => encOf.get(k)!);
      };
      const sorted = [...keys].sort();
      const plainOrder = orderOf(s.e, 50);
      assert.deepEqual(plainOrder, sorted);
      const randomOrder = orderOf(s.r, 150);
      assert.deepEqual([...randomOrder].sort(), sorted);
      assert.notDeepEqual(randomOrder, sorted);
    });

    it('gives requires_random contracts a per-contract random derived from the block random', () => {
      const s = session(scheme, [seedBytes(7)]);
      const { chain, alice } = s;
      const envOf = (c: Deployed, n: number) => {
        const wire = alice.encrypt(c.code.codeHash, { env: {} }, n);
        const out = ok(
          chain.enclave.handle(
            chain.call(c, alice.address, [], alice.signExecute(c.canonical, wire)),
            wire,
            'execute',
          ),
        );
        return JSON.parse(text(alice.io.decryptData(out.data!, alice.io.nonceOf(wire)))) as {
          env: { block: { random?: string } };
        };
      };
      const r1 = envOf(s.r, 40).env.block.random;
      assert.ok(r1 !== undefined && fromB64(r1).length === 32, 'random-v1 must see a 32-byte random');
      assert.notEqual(r1, b64(chain.random!), 'the raw block random is never shown');
      // The message counter is part of the derivation: the next call in the block sees another value.
      const r2 = envOf(s.r, 41).env.block.random;
      assert.notEqual(r1, r2);
      const r2b = chain.instantiate(code('random-v1'), 3, alice, {});
      assert.notEqual(envOf(r2b, 42).env.block.random, r1);
      assert.equal(envOf(s.e, 43).env.block.random, undefined, 'contracts without requires_random get none');
    });
  });

  describe(`enclave never leaks secrets (${scheme})`, () => {
    it('a secret inside the input appears in no output field, error text or stored byte', () => {
      const chain = new TestChain(scheme);
      const alice = new User(1, chain.enclave.ioPubkey, scheme);
      const c = chain.instantiate(code('exerciser-v1'), 1, alice, {});
      const SECRET = `SECRET-${hex(sha256(utf8('the secret')))}`;
      const results: unknown[] = [];
      const exec = (msg: object, n: number, codeHash = c.code.codeHash) => {
        const wire = alice.encrypt(codeHash, msg, n);
        const res = chain.enclave.handle(
          chain.call(c, alice.address, [], alice.signExecute(c.canonical, wire)),
          wire,
          'execute',
        );
        results.push(res);
        return res;
      };
      assert.equal(exec({ set: { key: SECRET, value: SECRET } }, 1).ok, true);
      assert.equal(exec({ get: { key: SECRET } }, 2).ok, true);
      assert.equal(
        exec({ respond: { attributes: [{ key: SECRET, value: SECRET }], data: b64(utf8(SECRET)) } }, 3).ok,
        true,
      );
      assert.equal(exec({ fail: { msg: SECRET } }, 4).ok, false);
      assert.equal(exec({ [SECRET]: {} }, 5).ok, false);
      // Decrypted, then rejected by validation (wrong code hash) or by the contract's own parser.
      assert.equal(exec({ set: { key: SECRET, value: SECRET } }, 6, sha256(utf8('other code'))).ok, false);
      const badJson = alice.io.encryptSync(hex(c.code.codeHash), { x: SECRET });
      results.push(
        chain.enclave.handle(
          chain.call(c, alice.address, [], alice.signExecute(c.canonical, badJson)),
          badJson,
          'execute',
        ),
      );
      const q = alice.encrypt(c.code.codeHash, { get: { key: SECRET } }, 7);
      results.push(
        chain.enclave.query(
          {
            code: c.code,
            env: chain.env(c.address, '', [], c.key, 1),
            store: c.store,
            querier: chain.querier(1),
            gasLimit: 10n ** 9n,
          },
          q,
        ),
      );
      const qFail = alice.encrypt(c.code.codeHash, { fail: { msg: SECRET } }, 8);
      results.push(
        chain.enclave.query(
          {
            code: c.code,
            env: chain.env(c.address, '', [], c.key, 1),
            store: c.store,
            querier: chain.querier(1),
            gasLimit: 10n ** 9n,
          },
          qFail,
        ),
      );
      const haystack =
        allTextForms(results) + allTextForms(dump(c.store)) + JSON.stringify(results, replacer);
      assert.ok(haystack.length > 1000);
      assert.ok(!haystack.includes(SECRET), 'secret leaked into an output, error or the store');
      assert.ok(!haystack.includes('the secret'));
      // The enclave itself does not render keys.
      assert.ok(!JSON.stringify(chain.enclave).includes(hex(seedBytes(7))));
      // And the secret really was processed: the user can decrypt it back.
      const last = results[2] as EnclaveResult<{ data: Uint8Array | null }>;
      assert.ok(last.ok && last.output.data !== null);
    });

    it('does not keep error causes unless asked to', () => {
      const chain = new TestChain(scheme);
      const alice = new User(1, chain.enclave.ioPubkey, scheme);
      const c = chain.instantiate(code('hostile/bad-result-json'), 9, alice, {});
      const wire = alice.encrypt(c.code.codeHash, {}, 1);
      const r = chain.enclave.handle(
        chain.call(c, alice.address, [], alice.signExecute(c.canonical, wire)),
        wire,
        'execute',
      );
      if (r.ok || r.error.kind !== 'enclave') return assert.fail('expected an enclave failure');
      assert.equal(r.error.error.message, 'failed to deserialize data');
      assert.equal(r.error.error.cause, undefined);
    });
  });
}
