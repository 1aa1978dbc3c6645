/**
 * The enclave's ecalls end to end on real contracts (test/fixtures/contracts), once per I/O scheme and contract
 * ABI: encrypted init / execute / query / migrate / update-admin with signed txs, outputs decrypted by the
 * client-side EncryptionUtils.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isEnclaveError } from '../../src/enclave/errors.js';
import type { EnclaveResult } from '../../src/enclave/types.js';
import { code, type Deployed, hex, replacer, SCHEMES, TestChain, text, User } from './helpers.js';

function ok<T>(r: EnclaveResult<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${JSON.stringify(r.error, replacer)}`);
  return r.output;
}

function enclaveKind<T>(r: EnclaveResult<T>): string {
  if (r.ok) assert.fail('expected a failure');
  assert.equal(r.error.kind, 'enclave', JSON.stringify(r.error, replacer));
  assert.ok(isEnclaveError(r.error.error));
  return r.error.error.kind;
}

const CONTRACTS = [
  { name: 'exerciser-v1', api: 'v1' },
  { name: 'exerciser-v010', api: 'v0.10' },
] as const;

for (const scheme of SCHEMES) {
  for (const { name, api } of CONTRACTS) {
    describe(`enclave ${scheme} ${api} (${name})`, () => {
      const setup = (): { chain: TestChain; alice: User; c: Deployed } => {
        const chain = new TestChain(scheme);
        const alice = new User(1, chain.enclave.ioPubkey, scheme);
        const c = chain.instantiate(code(name), 1, alice, { set: { key: 'k', value: 'v1' } }, alice.address);
        return { chain, alice, c };
      };

      const execute = (chain: TestChain, user: User, c: Deployed, msg: object, nonce: number) => {
        const wire = user.encrypt(c.code.codeHash, msg, nonce);
        const res = chain.enclave.handle(
          chain.call(c, user.address, [], user.signExecute(c.canonical, wire)),
          wire,
          'execute',
        );
        return { wire, res };
      };

      const query = (chain: TestChain, user: User, c: Deployed, msg: object, nonce: number): unknown => {
        const wire = user.encrypt(c.code.codeHash, msg, nonce);
        const out = ok(
          chain.enclave.query(
            {
              code: c.code,
              env: chain.env(c.address, '', [], c.key, 1),
              store: c.store,
              querier: chain.querier(1),
              gasLimit: 10n ** 9n,
            },
            wire,
          ),
        );
        return JSON.parse(text(user.io.decryptQueryResult(out.data, user.io.nonceOf(wire))));
      };

      if (api === 'v1') {
        it('a query sees exactly its env: one env object twice, then a new one with another height', () => {
          const { chain, alice, c } = setup();
          const env = chain.env(c.address, '', [], c.key, 1);
          const envOf = (e: typeof env, nonce: number): { block: { height: number } } => {
            const wire = alice.encrypt(c.code.codeHash, { env: {} }, nonce);
            const out = ok(
              chain.enclave.query(
                { code: c.code, env: e, store: c.store, querier: chain.querier(1), gasLimit: 10n ** 9n },
                wire,
              ),
            );
            return JSON.parse(text(alice.io.decryptQueryResult(out.data, alice.io.nonceOf(wire)))) as {
              block: { height: number };
            };
          };
          const a = envOf(env, 30);
          assert.equal(a.block.height, Number(env.block.height));
          assert.deepEqual(envOf(env, 31), a);
          const later = env.block.height + 5n;
          const b = envOf({ ...env, block: { ...env.block, height: later } }, 32);
          assert.equal(b.block.height, Number(later));
          assert.deepEqual(envOf(env, 33), a);
        });
      }

      it('init returns a 64-byte contract key, a 32-byte admin proof and writes only encrypted state', () => {
        const { c } = setup();
        assert.equal(c.key.og.length, 64);
        assert.equal(c.adminProof.length, 32);
        const entries = [...c.store.iterator()];
        assert.ok(entries.length >= 1);
        for (const [, v] of entries) {
          assert.ok(!Buffer.from(v).includes(Buffer.from('v1')), 'plaintext value must not be stored');
        }
      });

      it('execute reads state written by init and returns encrypted data', () => {
        const { chain, alice, c } = setup();
        const { wire, res } = execute(chain, alice, c, { get: { key: 'k' } }, 2);
        const out = ok(res);
        assert.equal(out.apiVersion, api);
        assert.ok(out.data !== null);
        assert.ok(!Buffer.from(out.data).includes(Buffer.from('v1')));
        assert.equal(text(alice.io.decryptData(out.data, alice.io.nonceOf(wire))), 'v1');
        assert.ok(res.gasUsed > 0n);
      });

      it('execute writes are visible to later queries', () => {
        const { chain, alice, c } = setup();
        ok(execute(chain, alice, c, { set: { key: 'other', value: 'hello' } }, 3).res);
        assert.deepEqual(query(chain, alice, c, { get: { key: 'other' } }, 4), { value: 'hello' });
      });

      it('contract errors come back encrypted for the sender', () => {
        const { chain, alice, c } = setup();
        const { wire, res } = execute(chain, alice, c, { fail: { msg: 'la la 🤯' } }, 5);
        assert.equal(res.ok, false);
        if (res.ok) return;
        assert.equal(res.error.kind, 'contract');
        if (res.error.kind !== 'contract') return;
        assert.equal(res.error.encrypted, true);
        assert.match(res.error.message, /^encrypted: [A-Za-z0-9+/=]+$/);
        assert.ok(!res.error.message.includes('la la'));
        const plain = alice.io.decryptErrorMessage(
          `${res.error.message}: execute contract failed`,
          alice.io.nonceOf(wire),
        );
        if (api === 'v1') assert.equal(plain, 'la la 🤯');
        else assert.deepEqual(JSON.parse(plain!), { generic_err: { msg: 'la la 🤯' } });
      });

      it('a failed execute leaves the stored state untouched', () => {
        const { chain, alice, c } = setup();
        const before = [...c.store.iterator()].map(([k, v]) => hex(k) + hex(v));
        const r = execute(
          chain,
          alice,
          c,
          { multi: { cmds: [{ set: { key: 'x', value: 'y' } }, { panic: {} }] } },
          6,
        ).res;
        assert.equal(enclaveKind(r), 'ContractPanicUnreachable');
        // The runtime reports what the trapped call consumed (never more than the limit).
        assert.ok(!r.ok && r.gasUsed > 0n && r.gasUsed <= chain.gasLimit, `gasUsed ${r.gasUsed}`);
        assert.deepEqual(
          [...c.store.iterator()].map(([k, v]) => hex(k) + hex(v)),
          before,
        );
      });

      it('query cannot write ("contract tried to write to storage during a query")', () => {
        const { chain, alice, c } = setup();
        const wire = alice.encrypt(c.code.codeHash, { write: { key: 'a', value: 'b' } }, 7);
        const r = chain.enclave.query(
          {
            code: c.code,
            env: chain.env(c.address, '', [], c.key, 1),
            store: c.store,
            querier: chain.querier(1),
            gasLimit: 10n ** 9n,
          },
          wire,
        );
        assert.equal(enclaveKind(r), 'UnauthorizedWrite');
        if (!r.ok && r.error.kind === 'enclave') {
          assert.equal(r.error.error.message, 'contract tried to write to storage during a query');
        }
      });

      it('migrate keeps state readable, issues a proven current key that later calls accept', () => {
        const { chain, alice, c } = setup();
        const target = code(name === 'exerciser-v1' ? 'random-v1' : 'exerciser-v010');
        chain.height += 1n;
        const wire = alice.encrypt(target.codeHash, { get: { key: 'k' } }, 8);
        const res = chain.enclave.migrate(
          {
            code: target,
            env: chain.env(c.address, alice.address, [], c.key),
            store: c.store,
            querier: chain.querier(0),
            gasLimit: chain.gasLimit,
            sigInfo: alice.signMigrate(c.address, wire),
          },
          wire,
          c.adminProof,
        );
        const out = ok(res);
        assert.equal(out.newContractKey.length, 64);
        assert.equal(out.newContractKeyProof.length, 32);
        assert.equal(text(alice.io.decryptData(out.data!, alice.io.nonceOf(wire))), 'v1');
        const migrated: Deployed = {
          ...c,
          code: target,
          key: { og: c.key.og, current: out.newContractKey, currentProof: out.newContractKeyProof },
        };
        const after = execute(chain, alice, migrated, { get: { key: 'k' } }, 9);
        assert.equal(text(alice.io.decryptData(ok(after.res).data!, alice.io.nonceOf(after.wire))), 'v1');
        if (name !== 'exerciser-v1') return;
        // Without the current key the new code no longer authenticates with the og key alone.
        const stale = execute(
          chain,
          alice,
          { ...migrated, key: { og: c.key.og } },
          { get: { key: 'k' } },
          10,
        );
        assert.equal(enclaveKind(stale.res), 'FailedContractAuthentication');
      });

      it('migrate by a non-admin fails validation', () => {
        const { chain, c } = setup();
        const bob = new User(2, chain.enclave.ioPubkey, scheme);
        const wire = bob.encrypt(c.code.codeHash, {}, 11);
        const res = chain.enclave.migrate(
          {
            code: c.code,
            env: chain.env(c.address, bob.address, [], c.key),
            store: c.store,
            querier: chain.querier(0),
            gasLimit: chain.gasLimit,
            sigInfo: bob.signMigrate(c.address, wire),
          },
          wire,
          c.adminProof,
        );
        assert.equal(enclaveKind(res), 'ValidationFailure');
      });

      it('migrate and update admin refuse funds', () => {
        const { chain, alice, c } = setup();
        const funds = [{ denom: 'uscrt', amount: '1' }];
        const wire = alice.encrypt(c.code.codeHash, {}, 30);
        const res = chain.enclave.migrate(
          {
            code: c.code,
            env: chain.env(c.address, alice.address, funds, c.key),
            store: c.store,
            querier: chain.querier(0),
            gasLimit: chain.gasLimit,
            sigInfo: alice.signMigrate(c.address, wire),
          },
          wire,
          c.adminProof,
        );
        assert.equal(enclaveKind(res), 'FailedTxVerification');
        const upd = chain.enclave.updateAdmin(
          {
            codeHash: c.code.codeHash,
            env: chain.env(c.address, alice.address, funds, c.key),
            sigInfo: alice.signUpdateAdmin(c.address, ''),
          },
          '',
          c.adminProof,
        );
        assert.equal(enclaveKind(upd), 'FailedTxVerification');
      });

      it('migrate must be encrypted', () => {
        const { chain, alice, c } = setup();
        const wire = new TextEncoder().encode(`${hex(c.code.codeHash)}{}`);
        const res = chain.enclave.migrate(
          {
            code: c.code,
            env: chain.env(c.address, alice.address, [], c.key),
            store: c.store,
            querier: chain.querier(0),
            gasLimit: chain.gasLimit,
            sigInfo: alice.signMigrate(c.address, wire),
          },
          wire,
          c.adminProof,
        );
        assert.equal(enclaveKind(res), 'DecryptionError');
      });

      it('update admin issues a proof for the new admin; the old admin loses migrate rights', () => {
        const { chain, alice, c } = setup();
        const bob = new User(2, chain.enclave.ioPubkey, scheme);
        const upd = ok(
          chain.enclave.updateAdmin(
            {
              codeHash: c.code.codeHash,
              env: chain.env(c.address, alice.address, [], c.key),
              sigInfo: alice.signUpdateAdmin(c.address, bob.address),
            },
            bob.address,
            c.adminProof,
          ),
        );
        assert.notDeepEqual(upd.adminProof, c.adminProof);
        const migrateAs = (u: User, proof: Uint8Array, nonce: number) => {
          const wire = u.encrypt(c.code.codeHash, {}, nonce);
          return chain.enclave.migrate(
            {
              code: c.code,
              env: chain.env(c.address, u.address, [], c.key),
              store: c.store,
              querier: chain.querier(0),
              gasLimit: chain.gasLimit,
              sigInfo: u.signMigrate(c.address, wire),
            },
            wire,
            proof,
          );
        };
        assert.equal(enclaveKind(migrateAs(alice, upd.adminProof, 12)), 'ValidationFailure');
        ok(migrateAs(bob, upd.adminProof, 13));
        // Clearing: the proof then covers the empty admin and nobody can migrate.
        const cleared = ok(
          chain.enclave.updateAdmin(
            {
              codeHash: c.code.codeHash,
              env: chain.env(c.address, bob.address, [], c.key),
              sigInfo: bob.signUpdateAdmin(c.address, ''),
            },
            '',
            upd.adminProof,
          ),
        );
        assert.equal(enclaveKind(migrateAs(bob, cleared.adminProof, 14)), 'ValidationFailure');
      });

      it('env reaches the contract with the contract address and sender', () => {
        const { chain, alice, c } = setup();
        const { wire, res } = execute(chain, alice, c, { env: {} }, 15);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- env JSON shape differs per ABI
        const env: any = JSON.parse(text(alice.io.decryptData(ok(res).data!, alice.io.nonceOf(wire))));
        if (api === 'v1') {
          assert.equal(env.env.contract.address, c.address);
          assert.equal(env.env.contract.code_hash, hex(c.code.codeHash));
          assert.equal(env.info.sender, alice.address);
          assert.equal(env.env.block.time, chain.timeNanos.toString());
          assert.equal(env.env.block.random, undefined);
        } else {
          assert.equal(env.env.contract.address, c.address);
          assert.equal(env.env.contract_code_hash, hex(c.code.codeHash));
          assert.equal(env.env.message.sender, alice.address);
          assert.equal(env.env.block.time, Number(chain.timeNanos / 1_000_000_000n));
          assert.equal(env.env.contract_key, null);
        }
      });

      it('attributes are encrypted unless the contract marks them plaintext', () => {
        const { chain, alice, c } = setup();
        const attrs = [
          { key: 'secret_key', value: 'secret_value' },
          { key: 'public', value: 'visible', encrypted: false },
        ];
        const cmd = api === 'v1' ? { respond: { attributes: attrs } } : { respond: { log: attrs } };
        const { wire, res } = execute(chain, alice, c, cmd, 16);
        const out = ok(res);
        assert.equal(out.attributes.length, 2);
        const [enc, plain] = out.attributes;
        assert.deepEqual(plain, { key: 'public', value: 'visible' });
        assert.notEqual(enc!.key, 'secret_key');
        const nonce = alice.io.nonceOf(wire);
        assert.equal(alice.io.decryptAttribute(enc!.key, nonce, 'key'), 'secret_key');
        assert.equal(alice.io.decryptAttribute(enc!.value, nonce, 'value'), 'secret_value');
      });
    });
  }
}

describe('enclave token (vanilla CosmWasm 1.x contract)', () => {
  for (const scheme of SCHEMES) {
    it(`transfers and answers balance queries (${scheme})`, () => {
      const chain = new TestChain(scheme);
      const alice = new User(1, chain.enclave.ioPubkey, scheme);
      const bob = new User(2, chain.enclave.ioPubkey, scheme);
      const t = chain.instantiate(code('token'), 1, alice, {
        name: 'Tok',
        symbol: 'TOK',
        decimals: 6,
        initial_balances: [{ address: alice.address, amount: '1000' }],
        minter: null,
      });
      const wire = alice.encrypt(t.code.codeHash, { transfer: { recipient: bob.address, amount: '250' } }, 2);
      const out = ok(
        chain.enclave.handle(
          chain.call(t, alice.address, [], alice.signExecute(t.canonical, wire)),
          wire,
          'execute',
        ),
      );
      const nonce = alice.io.nonceOf(wire);
      const attrs = Object.fromEntries(
        out.attributes.map((a) => [
          alice.io.decryptAttribute(a.key, nonce, 'key'),
          alice.io.decryptAttribute(a.value, nonce),
        ]),
      );
      assert.deepEqual(attrs, { action: 'transfer', from: alice.address, to: bob.address, amount: '250' });
      const balance = (u: User, n: number): unknown => {
        const q = bob.encrypt(t.code.codeHash, { balance: { address: u.address } }, n);
        const r = ok(
          chain.enclave.query(
            {
              code: t.code,
              env: chain.env(t.address, '', [], t.key, 1),
              store: t.store,
              querier: chain.querier(1),
              gasLimit: 10n ** 9n,
            },
            q,
          ),
        );
        return JSON.parse(text(bob.io.decryptQueryResult(r.data, bob.io.nonceOf(q))));
      };
      assert.deepEqual(balance(alice, 3), { balance: '750' });
      assert.deepEqual(balance(bob, 4), { balance: '250' });
    });
  }
});
