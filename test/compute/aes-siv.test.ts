import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { aessiv } from '@noble/ciphers/aes.js';
import fc from 'fast-check';

import { aesSivOpen, aesSivSeal } from '../../src/compute/aes-siv.js';
import { CryptoError } from '../../src/compute/errors.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('AES-SIV (RFC 5297)', () => {
  it('A.1 deterministic authenticated encryption', () => {
    const key = hex('fffefdfc fbfaf9f8 f7f6f5f4 f3f2f1f0 f0f1f2f3 f4f5f6f7 f8f9fafb fcfdfeff');
    const ad = hex('10111213 14151617 18191a1b 1c1d1e1f 20212223 24252627');
    const pt = hex('11223344 55667788 99aabbcc ddee');
    const expected = '85632d07c6e8f37f950acd320a2ecc93' + '40c02b9690c4dc04daef7f6afe5c';
    const sealed = aesSivSeal(key, pt, [ad]);
    assert.equal(toHex(sealed), expected);
    assert.deepEqual(aesSivOpen(key, sealed, [ad]), pt);
  });

  it('A.2 nonce-based authenticated encryption (two AD strings + nonce)', () => {
    const key = hex('7f7e7d7c 7b7a7978 77767574 73727170 40414243 44454647 48494a4b 4c4d4e4f');
    const ad1 = hex(
      '00112233 44556677 8899aabb ccddeeff deaddada deaddada ffeeddcc bbaa9988 77665544 33221100',
    );
    const ad2 = hex('10203040 50607080 90a0');
    const nonce = hex('09f91102 9d74e35b d84156c5 635688c0');
    const pt = hex(
      '74686973 20697320 736f6d65 20706c61 696e7465 78742074 6f20656e 63727970 74207573 696e6720 5349562d 414553',
    );
    const expected =
      '7bdb6e3b432667eb06f4d14bff2fbd0f' +
      'cb900f2fddbe404326601965c889bf17dba77ceb094fa663b7a3f748ba8af829ea64ad544a272e9c485b62a3fd5c0d';
    const sealed = aesSivSeal(key, pt, [ad1, ad2, nonce]);
    assert.equal(toHex(sealed), expected);
    assert.deepEqual(aesSivOpen(key, sealed, [ad1, ad2, nonce]), pt);
  });

  it('zero AD strings and one empty AD string give different ciphertexts', () => {
    const key = new Uint8Array(32).fill(7);
    const pt = new TextEncoder().encode('hello');
    const none = aesSivSeal(key, pt, []);
    const empty = aesSivSeal(key, pt, [new Uint8Array(0)]);
    assert.notDeepEqual(none, empty);
    assert.throws(() => aesSivOpen(key, none, [new Uint8Array(0)]), {
      name: 'CryptoError',
      code: 'AUTH_FAILED',
    });
    assert.deepEqual(aesSivOpen(key, empty, [new Uint8Array(0)]), pt);
  });

  it('matches @noble/ciphers aessiv on random inputs (AES-128-SIV and AES-256-SIV)', () => {
    fc.assert(
      fc.property(
        fc
          .uint8Array({ minLength: 32, maxLength: 32 })
          .chain((k) => fc.oneof(fc.constant(k), fc.uint8Array({ minLength: 64, maxLength: 64 }))),
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 4 }),
        (key, pt, ad) => {
          const ours = aesSivSeal(key, pt, ad);
          const theirs = aessiv(key, ...ad).encrypt(pt);
          assert.equal(toHex(ours), toHex(theirs));
          assert.deepEqual(aesSivOpen(key, ours, ad), pt);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('matches @noble/ciphers on long inputs (both CTR paths, counter carries)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 1500 }),
        (key, pt) => {
          const ad = [new Uint8Array(0)];
          const ours = aesSivSeal(key, pt, ad);
          assert.equal(toHex(ours), toHex(aessiv(key, ...ad).encrypt(pt)));
          assert.deepEqual(aesSivOpen(key, ours, ad), pt);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('returns plain Uint8Arrays (not Buffers)', () => {
    const key = new Uint8Array(32);
    const sealed = aesSivSeal(key, new Uint8Array([1, 2, 3]), []);
    assert.equal(Object.getPrototypeOf(sealed), Uint8Array.prototype);
    assert.equal(Object.getPrototypeOf(aesSivOpen(key, sealed, [])), Uint8Array.prototype);
  });

  it('detects every single-bit flip and a wrong key', () => {
    const key = new Uint8Array(32).fill(1);
    const pt = new TextEncoder().encode('secret plaintext of some length!');
    const sealed = aesSivSeal(key, pt, [new Uint8Array(0)]);
    for (let i = 0; i < sealed.length; i++) {
      const bad = sealed.slice();
      bad[i] = bad[i]! ^ 1;
      assert.throws(() => aesSivOpen(key, bad, [new Uint8Array(0)]), {
        name: 'CryptoError',
        code: 'AUTH_FAILED',
      });
    }
    const other = new Uint8Array(32).fill(2);
    assert.throws(
      () => aesSivOpen(other, sealed, [new Uint8Array(0)]),
      (e: unknown) =>
        e instanceof CryptoError &&
        e.code === 'AUTH_FAILED' &&
        !e.message.includes('secret plaintext') &&
        !e.message.includes(Buffer.from(key).toString('hex')),
    );
  });

  it('rejects short input and bad key lengths with distinct codes', () => {
    const key = new Uint8Array(32);
    assert.throws(() => aesSivOpen(key, new Uint8Array(15), []), { name: 'CryptoError', code: 'TRUNCATED' });
    assert.throws(() => aesSivSeal(new Uint8Array(16), new Uint8Array(1), []), {
      name: 'CryptoError',
      code: 'BAD_KEY_LENGTH',
    });
  });

  it('is unaffected by interleaving many keys (per-key CMAC chaining is cancelled correctly)', () => {
    const keys = Array.from({ length: 300 }, (_, i) =>
      new Uint8Array(32).fill(i & 0xff).map((b, j) => b ^ j),
    );
    const msgs = keys.map((_, i) => new Uint8Array(i % 50).fill(i));
    const first = keys.map((k, i) => aesSivSeal(k, msgs[i]!, [new Uint8Array(0)]));
    for (let round = 0; round < 2; round++) {
      keys.forEach((k, i) => {
        assert.equal(toHex(aesSivSeal(k, msgs[i]!, [new Uint8Array(0)])), toHex(first[i]!));
        assert.equal(toHex(first[i]!), toHex(aessiv(k, new Uint8Array(0)).encrypt(msgs[i]!)));
      });
    }
  });
});
