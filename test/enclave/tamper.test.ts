/**
 * What the enclave refuses: wrong or forged code hashes, signatures, callback signatures, contract keys,
 * tampered state, unencrypted queries, invalid wasm, runaway contracts. Each case asserts the exact
 * `EnclaveError` kind and Secret display string.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { encodeInputWire } from '../../src/compute/protocol.js';
import { ENCLAVE_ERROR_DISPLAY, type EnclaveErrorKind } from '../../src/enclave/errors.js';
import type { EnclaveResult } from '../../src/enclave/types.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import {
  code,
  contractAddress,
  type Deployed,
  hex,
  replacer,
  SCHEMES,
  sha256,
  TestChain,
  User,
  utf8,
} from './helpers.js';

const c50 = contractAddress(50);

function expectEnclaveError<T>(r: EnclaveResult<T>, kind: EnclaveErrorKind): void {
  assert.equal(r.ok, false, 'expected a failure');
  if (r.ok) return;
  assert.equal(r.error.kind, 'enclave', JSON.stringify(r.error, replacer));
  if (r.error.kind !== 'enclave') return;
  assert.equal(r.error.error.kind, kind, `got ${r.error.error.kind}`);
  assert.equal(r.error.error.message, ENCLAVE_ERROR_DISPLAY[kind]);
  assert.equal(r.error.error.name, 'EnclaveError');
}

for (const scheme of SCHEMES) {
  describe(`enclave refuses tampering (${scheme})`, () => {
    const setup = (): { chain: TestChain; alice: User; bob: User; c: Deployed } => {
      const chain = new TestChain(scheme);
      const alice = new User(1, chain.enclave.ioPubkey, scheme);
      const bob = new User(2, chain.enclave.ioPubkey, scheme);
      const c = chain.instantiate(
        code('exerciser-v1'),
        1,
        alice,
        { set: { key: 'k', value: 'v' } },
        alice.address,
      );
      return { chain, alice, bob, c };
    };
    const exec = (
      chain: TestChain,
      c: Deployed,
      sender: string,
      wire: Uint8Array,
      sig?: ReturnType<User['sign']>,
    ) => chain.enclave.handle(chain.call(c, sender, [], sig), wire, 'execute');

    it('rejects an input encrypted for another code hash', () => {
      const { chain, alice, c } = setup();
      const wire = alice.encrypt(code('exerciser-v010').codeHash, { get: { key: 'k' } }, 2);
      expectEnclaveError(
        exec(chain, c, alice.address, wire, alice.signExecute(c.canonical, wire)),
        'ValidationFailure',
      );
    });

    it('accepts the code hash in any hex case, rejects non-hex and short plaintexts', () => {
      const { chain, alice, c } = setup();
      const nonce = sha256(utf8('n'));
      const key = alice.io.getTxEncryptionKeySync(nonce);
      const wireOf = (plain: string): Uint8Array =>
        encodeInputWire(scheme, key, nonce, alice.io.getPubkeySync(), utf8(plain));
      const upper = wireOf(`${hex(c.code.codeHash).toUpperCase()}{"get":{"key":"k"}}`);
      assert.equal(exec(chain, c, alice.address, upper, alice.signExecute(c.canonical, upper)).ok, true);
      const mixedHash = [...hex(c.code.codeHash)]
        .map((ch, i) => (i % 2 === 0 ? ch.toUpperCase() : ch))
        .join('');
      const mixed = wireOf(`${mixedHash}{"get":{"key":"k"}}`);
      assert.equal(exec(chain, c, alice.address, mixed, alice.signExecute(c.canonical, mixed)).ok, true);
      // a digit with its 0x20 bit cleared is a control character, not "the digit in another case"
      const h = hex(c.code.codeHash);
      const d = h.search(/[0-9]/);
      const caseFolded = `${h.slice(0, d)}${String.fromCharCode(h.charCodeAt(d) - 0x20)}${h.slice(d + 1)}`;
      const folded = wireOf(`${caseFolded}{"get":{"key":"k"}}`);
      expectEnclaveError(
        exec(chain, c, alice.address, folded, alice.signExecute(c.canonical, folded)),
        'ValidationFailure',
      );
      const nonHex = wireOf(`${'g'.repeat(64)}{"get":{"key":"k"}}`);
      expectEnclaveError(
        exec(chain, c, alice.address, nonHex, alice.signExecute(c.canonical, nonHex)),
        'ValidationFailure',
      );
      const short = wireOf('{}');
      expectEnclaveError(
        exec(chain, c, alice.address, short, alice.signExecute(c.canonical, short)),
        'ValidationFailure',
      );
    });

    it('rejects code whose bytes do not hash to the claimed code hash', () => {
      const { chain, alice, c } = setup();
      const wire = alice.encrypt(c.code.codeHash, {}, 3);
      const other = code('exerciser-v010');
      const r = chain.enclave.handle(
        {
          ...chain.call(c, alice.address, [], alice.signExecute(c.canonical, wire)),
          code: { wasm: other.wasm, codeHash: c.code.codeHash },
        },
        wire,
        'execute',
      );
      expectEnclaveError(r, 'InvalidWasm');
    });

    it('rejects a forged callback signature', () => {
      const { chain, alice, c } = setup();
      const wire = alice.encrypt(c.code.codeHash, { set: { key: 'k', value: 'evil' } }, 4);
      const sig = {
        txBytes: new Uint8Array(0),
        signBytes: new Uint8Array(0),
        signMode: 'SIGN_MODE_UNSPECIFIED' as const,
        signature: new Uint8Array(0),
        callbackSig: sha256(utf8('forged')),
      };
      expectEnclaveError(exec(chain, c, alice.address, wire, sig), 'FailedTxVerification');
    });

    it('rejects a missing signature, a bad signature, and a signature by someone else', () => {
      const { chain, alice, bob, c } = setup();
      const wire = alice.encrypt(c.code.codeHash, { get: { key: 'k' } }, 5);
      expectEnclaveError(exec(chain, c, alice.address, wire), 'FailedTxVerification');
      const good = alice.signExecute(c.canonical, wire);
      const flipped = good.signature.slice();
      flipped[10] = flipped[10]! ^ 1;
      expectEnclaveError(
        exec(chain, c, alice.address, wire, { ...good, signature: flipped }),
        'FailedTxVerification',
      );
      // Bob signs, but the env claims Alice as sender.
      expectEnclaveError(
        exec(chain, c, alice.address, wire, bob.signExecute(c.canonical, wire)),
        'FailedTxVerification',
      );
      assert.equal(exec(chain, c, alice.address, wire, good).ok, true);
    });

    it('rejects when the signed message differs from what runs (bytes, contract, funds)', () => {
      const { chain, alice, c } = setup();
      const wire = alice.encrypt(c.code.codeHash, { get: { key: 'k' } }, 6);
      const other = alice.encrypt(c.code.codeHash, { get: { key: 'k' } }, 7);
      expectEnclaveError(
        exec(chain, c, alice.address, wire, alice.signExecute(c.canonical, other)),
        'FailedTxVerification',
      );
      expectEnclaveError(
        exec(chain, c, alice.address, wire, alice.signExecute(new Uint8Array(20), wire)),
        'FailedTxVerification',
      );
      const funds = [{ denom: 'uscrt', amount: '5' }];
      const r = chain.enclave.handle(
        chain.call(c, alice.address, funds, alice.signExecute(c.canonical, wire)),
        wire,
        'execute',
      );
      expectEnclaveError(r, 'FailedTxVerification');
      const signedFunds = chain.enclave.handle(
        chain.call(c, alice.address, funds, alice.signExecute(c.canonical, wire, funds)),
        wire,
        'execute',
      );
      assert.equal(signedFunds.ok, true);
    });

    it('rejects a user-signed plaintext execute (only contracts may send plaintext)', () => {
      const { chain, alice, c } = setup();
      const plain = utf8('{"set":{"key":"k","value":"plain"}}');
      expectEnclaveError(
        exec(chain, c, alice.address, plain, alice.signExecute(c.canonical, plain)),
        'FailedTxVerification',
      );
    });

    it('rejects a wrong contract key on execute and query, and a forged current-key proof', () => {
      const { chain, alice, c } = setup();
      const og = c.key.og.slice();
      og[40] = og[40]! ^ 1;
      const wire = alice.encrypt(c.code.codeHash, { get: { key: 'k' } }, 8);
      expectEnclaveError(
        exec(chain, { ...c, key: { og } }, alice.address, wire, alice.signExecute(c.canonical, wire)),
        'FailedContractAuthentication',
      );
      const q = alice.encrypt(c.code.codeHash, { get: { key: 'k' } }, 9);
      const queryWith = (key: Deployed['key']) =>
        chain.enclave.query(
          {
            code: c.code,
            env: chain.env(c.address, '', [], key, 1),
            store: c.store,
            querier: chain.querier(1),
            gasLimit: 10n ** 9n,
          },
          q,
        );
      expectEnclaveError(queryWith({ og }), 'FailedContractAuthentication');
      expectEnclaveError(
        queryWith({ og: c.key.og, current: c.key.og, currentProof: new Uint8Array(32) }),
        'FailedContractAuthentication',
      );
      // The key of another contract does not authenticate this one.
      const d = chain.instantiate(code('exerciser-v1'), 2, alice, {});
      expectEnclaveError(queryWith(d.key), 'FailedContractAuthentication');
      expectEnclaveError(
        chain.enclave.query(
          {
            code: c.code,
            env: { ...chain.env(c.address, '', [], undefined, 1) },
            store: c.store,
            querier: chain.querier(1),
            gasLimit: 10n ** 9n,
          },
          q,
        ),
        'FailedContractAuthentication',
      );
      assert.equal(queryWith(c.key).ok, true);
    });

    it('queries must be encrypted', () => {
      const { chain, c } = setup();
      const plain = utf8(`${hex(c.code.codeHash)}{"get":{"key":"k"}}`);
      expectEnclaveError(
        chain.enclave.query(
          {
            code: c.code,
            env: chain.env(c.address, '', [], c.key, 1),
            store: c.store,
            querier: chain.querier(1),
            gasLimit: 10n ** 9n,
          },
          plain,
        ),
        'DecryptionError',
      );
    });

    it('detects tampered or swapped state values', () => {
      const { chain, alice, c } = setup();
      const wire = alice.encrypt(c.code.codeHash, { set: { key: 'k2', value: 'v2' } }, 10);
      assert.equal(exec(chain, c, alice.address, wire, alice.signExecute(c.canonical, wire)).ok, true);
      const entries = [...c.store.iterator()].map(([k, v]) => [k.slice(), v.slice()] as const);
      assert.ok(entries.length >= 2);
      const readAll = (n: number) => {
        const w = alice.encrypt(
          c.code.codeHash,
          { multi: { cmds: [{ get: { key: 'k' } }, { get: { key: 'k2' } }] } },
          n,
        );
        return exec(chain, c, alice.address, w, alice.signExecute(c.canonical, w));
      };
      assert.equal(readAll(11).ok, true);
      // Swap two values: each is bound to its own encrypted key through the AD.
      const [a, b] = entries;
      c.store.set(a![0], b![1]);
      c.store.set(b![0], a![1]);
      expectEnclaveError(readAll(12), 'DecryptionError');
      // Flip one ciphertext bit.
      c.store.set(a![0], a![1]);
      c.store.set(b![0], b![1]);
      const flipped = a![1].slice();
      flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
      c.store.set(a![0], flipped);
      expectEnclaveError(readAll(13), 'DecryptionError');
    });

    it('rejects a malformed sender address', () => {
      const { chain, alice, c } = setup();
      const wire = alice.encrypt(c.code.codeHash, {}, 14);
      expectEnclaveError(
        exec(chain, c, 'cosmos1notsecret', wire, alice.signExecute(c.canonical, wire)),
        'FailedToDeserialize',
      );
    });

    it('rejects floating point at instantiate and stops runaway contracts at the gas limit', () => {
      const { chain, alice } = setup();
      const floats = code('hostile/floats');
      const wire = alice.encrypt(floats.codeHash, {}, 15);
      const r = chain.enclave.init(
        {
          code: floats,
          env: chain.env(c50.address, alice.address),
          store: new MemoryStore(),
          querier: chain.querier(0),
          gasLimit: chain.gasLimit,
          sigInfo: alice.signInstantiate(wire),
        },
        wire,
        '',
      );
      expectEnclaveError(r, 'WasmModuleWithFP');
      const loop = chain.instantiate(code('hostile/infinite-loop'), 51, alice, {});
      chain.gasLimit = 5_000_000n;
      const w = alice.encrypt(loop.code.codeHash, {}, 16);
      const res = exec(chain, loop, alice.address, w, alice.signExecute(loop.canonical, w));
      expectEnclaveError(res, 'OutOfGas');
      assert.equal(res.gasUsed, 5_000_000n);
    });
  });
}
