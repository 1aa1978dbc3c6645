/**
 * Property tests: whatever bytes the untrusted side (or a user) hands in, every ecall returns a result value
 * instead of throwing, never succeeds without a valid signature, and leaves the contract's store untouched
 * when it fails.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import type { HandleType, SigInfo } from '../../src/enclave/types.js';
import { code, hex, TestChain, User } from './helpers.js';

const HANDLE_TYPES: HandleType[] = ['execute', 'reply', 'ibc_packet_receive'];

const sigInfoArb: fc.Arbitrary<SigInfo | undefined> = fc.option(
  fc.record({
    txBytes: fc.uint8Array({ maxLength: 64 }),
    signBytes: fc.uint8Array({ maxLength: 64 }),
    signMode: fc.constantFrom(
      'SIGN_MODE_DIRECT',
      'SIGN_MODE_LEGACY_AMINO_JSON',
      'SIGN_MODE_UNSPECIFIED',
    ),
    signature: fc.uint8Array({ maxLength: 70 }),
    callbackSig: fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }), { nil: undefined }),
  }),
  { nil: undefined },
);

describe('enclave robustness (aes-256-gcm)', () => {
  const chain = new TestChain('aes-256-gcm');
  const alice = new User(1, chain.enclave.ioPubkey, 'aes-256-gcm');
  const c = chain.instantiate(code('exerciser-v1'), 1, alice, { set: { key: 'k', value: 'v' } });
  const snapshot = (): string[] => [...c.store.iterator()].map(([k, v]) => hex(k) + hex(v));
  const before = snapshot();

  it('handle never throws and never writes for garbage input or signatures', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom(...HANDLE_TYPES),
        sigInfoArb,
        (msg, handleType, sigInfo) => {
          const res = chain.enclave.handle(chain.call(c, alice.address, [], sigInfo), msg, handleType);
          assert.equal(res.ok, false);
          assert.equal(typeof res.gasUsed, 'bigint');
        },
      ),
      { numRuns: 60 },
    );
    assert.deepEqual(snapshot(), before);
  });

  it('query never throws for garbage input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (msg) => {
        const res = chain.enclave.query(
          {
            code: c.code,
            env: chain.env(c.address, '', [], c.key, 1),
            store: c.store,
            querier: chain.querier(1),
            gasLimit: 10n ** 9n,
          },
          msg,
        );
        assert.equal(res.ok, false);
      }),
      { numRuns: 60 },
    );
  });

  it('a correctly encrypted message with a garbage signature is refused', () => {
    fc.assert(
      fc.property(sigInfoArb, fc.uint8Array({ minLength: 1, maxLength: 40 }), (sigInfo, nonceSeed) => {
        const wire = alice.encrypt(c.code.codeHash, { set: { key: 'k', value: 'evil' } }, nonceSeed[0]);
        const res = chain.enclave.handle(chain.call(c, alice.address, [], sigInfo), wire, 'execute');
        assert.equal(res.ok, false);
      }),
      { numRuns: 60 },
    );
    assert.deepEqual(snapshot(), before);
  });
});
