import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';

import { gcm } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { expand as nobleExpand, hkdf } from '@noble/hashes/hkdf.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { generateKeyPair } from 'curve25519-js';
import fc from 'fast-check';

import { aes256GcmDecrypt, aes256GcmEncrypt } from '../../src/compute/gcm-box.js';
import { hmacSha256, sha256 } from '../../src/compute/hash.js';
import { deriveFromKey, deriveFromSeed, hkdfExpand, hkdfSha256, KDF_SALT } from '../../src/compute/hkdf.js';
import { X25519PrivateKey, x25519PublicKeyFromSeed } from '../../src/compute/x25519.js';
import { GCM_SPEC_VECTORS } from './gcm-vectors.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const range = (from: number, to: number): Uint8Array =>
  Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('HKDF-SHA256 (RFC 5869 appendix A)', () => {
  it('test case 1 (basic)', () => {
    const okm = hkdfSha256(new Uint8Array(22).fill(0x0b), range(0x00, 0x0c), range(0xf0, 0xf9), 42);
    assert.equal(
      toHex(okm),
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });
  it('test case 2 (long inputs, multi-block output)', () => {
    const okm = hkdfSha256(range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82);
    assert.equal(
      toHex(okm),
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
        '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
        'cc30c58179ec3e87c14c01d5c1f3434f1d87',
    );
  });
  it('test case 3 (empty salt and info)', () => {
    const okm = hkdfSha256(new Uint8Array(22).fill(0x0b), new Uint8Array(0), new Uint8Array(0), 42);
    assert.equal(
      toHex(okm),
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    );
  });
  it('Secret flavours equal @noble/hashes hkdf with KDF_SALT', () => {
    assert.equal(toHex(KDF_SALT), '000000000000000000024bead8df69990852c202db0e0097c1a12ea637d7e96d');
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 40 }),
        (k, data) => {
          const ikm = Uint8Array.from([...k, ...data]);
          assert.equal(
            toHex(deriveFromSeed(k, data)),
            toHex(hkdf(nobleSha256, ikm, KDF_SALT, new TextEncoder().encode('seed'), 32)),
          );
          assert.equal(
            toHex(deriveFromKey(k, data)),
            toHex(hkdf(nobleSha256, ikm, KDF_SALT, new Uint8Array(0), 32)),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
  it('equals node hkdfSync for random salts (KDF_SALT too), ikm/info around the JS-path limits, lengths', () => {
    const lens = fc.oneof(fc.nat({ max: 40 }), fc.integer({ min: 180, max: 300 }));
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(KDF_SALT), fc.uint8Array({ maxLength: 100 })),
        lens.chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        lens.chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
        fc.integer({ min: 1, max: 100 }),
        (salt, ikm, info, length) => {
          const ref = Buffer.from(hkdfSync('sha256', ikm, salt, info, length)).toString('hex');
          assert.equal(toHex(hkdfSha256(ikm, salt, info, length)), ref);
        },
      ),
      { numRuns: 200 },
    );
    // Expand alone from a 32-byte and a longer PRK (RFC 5869 case 2's PRK is the HMAC of its salt and ikm).
    const prk = hmacSha256(range(0x60, 0xaf), range(0x00, 0x4f));
    assert.equal(
      toHex(hkdfExpand(prk, range(0xb0, 0xff), 82)),
      toHex(hkdfSha256(range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82)),
    );
    const longPrk = new Uint8Array(100).fill(7);
    assert.equal(
      toHex(hkdfExpand(longPrk, range(1, 9), 40)),
      toHex(nobleExpand(nobleSha256, longPrk, range(1, 9), 40)),
    );
  });
  it('rejects impossible output lengths', () => {
    assert.throws(() => hkdfSha256(new Uint8Array(1), new Uint8Array(0), new Uint8Array(0), 255 * 32 + 1), {
      name: 'CryptoError',
      code: 'BAD_KEY_LENGTH',
    });
  });
});

describe('SHA-256 / HMAC', () => {
  it('FIPS 180-2 "abc" and RFC 4231 case 2', () => {
    assert.equal(
      toHex(sha256(new TextEncoder().encode('a'), new TextEncoder().encode('bc'))),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    assert.equal(
      toHex(
        hmacSha256(
          new TextEncoder().encode('Jefe'),
          new TextEncoder().encode('what do ya want for nothing?'),
        ),
      ),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe('X25519 (RFC 7748)', () => {
  const scalarmult = (k: string, u: string): string => {
    const key = X25519PrivateKey.fromSeed(hex(k));
    return toHex(key.sharedSecret(hex(u)));
  };
  it('§5.2 test vector 1', () => {
    assert.equal(
      scalarmult(
        'a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4',
        'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
      ),
      'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
    );
  });
  it('§5.2 test vector 2 (u with the top bit set is masked)', () => {
    assert.equal(
      scalarmult(
        '4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d',
        'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493',
      ),
      '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957',
    );
  });
  it('§5.2 iterated: 1 and 1,000 iterations', () => {
    let k: Uint8Array = new Uint8Array(32);
    k[0] = 9;
    let u: Uint8Array = k.slice();
    for (let i = 1; i <= 1000; i++) {
      const r = X25519PrivateKey.fromSeed(k).sharedSecret(u);
      u = k;
      k = r;
      if (i === 1) assert.equal(toHex(k), '422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
    }
    assert.equal(toHex(k), '684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
  });
  it('§6.1 Diffie-Hellman', () => {
    const alice = X25519PrivateKey.fromSeed(
      hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
    );
    const bob = X25519PrivateKey.fromSeed(
      hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'),
    );
    assert.equal(toHex(alice.publicKey), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    assert.equal(toHex(bob.publicKey), 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    assert.equal(toHex(alice.sharedSecret(bob.publicKey)), shared);
    assert.equal(toHex(bob.sharedSecret(alice.publicKey)), shared);
  });
  it('same seed → same public key as secret.js (curve25519-js generateKeyPair) and @noble/curves', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
        const pk = x25519PublicKeyFromSeed(seed);
        assert.equal(toHex(pk), toHex(generateKeyPair(seed).public));
        assert.equal(toHex(pk), toHex(x25519.getPublicKey(seed)));
      }),
      { numRuns: 30 },
    );
  });
  it('rejects low-order and wrong-length public keys with BAD_PUBLIC_KEY', () => {
    const k = X25519PrivateKey.generate();
    assert.throws(() => k.sharedSecret(new Uint8Array(32)), { name: 'CryptoError', code: 'BAD_PUBLIC_KEY' });
    assert.throws(() => k.sharedSecret(new Uint8Array(31)), { name: 'CryptoError', code: 'BAD_PUBLIC_KEY' });
    assert.throws(() => X25519PrivateKey.fromSeed(new Uint8Array(16)), {
      name: 'CryptoError',
      code: 'BAD_KEY_LENGTH',
    });
  });
  it('never prints the private scalar', () => {
    const seed = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const k = X25519PrivateKey.fromSeed(seed);
    for (const s of [
      inspect(k, { showHidden: true, depth: 5 }),
      JSON.stringify(k),
      String(k),
      JSON.stringify({ ...k }),
    ]) {
      assert.ok(!s.includes(toHex(seed)), s);
      assert.ok(!s.includes(Buffer.from(seed).toString('base64url')), s);
    }
  });
});

describe('AES-256-GCM (GCM spec test cases 13-16)', () => {
  const cases = GCM_SPEC_VECTORS;
  for (const tc of cases) {
    it(`test case ${tc.n}`, () => {
      const { ciphertext, tag } = aes256GcmEncrypt(hex(tc.k), hex(tc.iv), hex(tc.p), hex(tc.a));
      assert.equal(toHex(ciphertext), tc.c);
      assert.equal(toHex(tag), tc.t);
      assert.equal(toHex(gcm(hex(tc.k), hex(tc.iv), hex(tc.a)).encrypt(hex(tc.p))), tc.c + tc.t);
      assert.equal(toHex(aes256GcmDecrypt(hex(tc.k), hex(tc.iv), hex(tc.c), hex(tc.t), hex(tc.a))), tc.p);
      const badTag = hex(tc.t);
      badTag[0] = badTag[0]! ^ 1;
      assert.throws(() => aes256GcmDecrypt(hex(tc.k), hex(tc.iv), hex(tc.c), badTag, hex(tc.a)), {
        name: 'CryptoError',
        code: 'AUTH_FAILED',
      });
    });
  }
});
