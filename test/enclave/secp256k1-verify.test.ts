/**
 * The tx-signature check gives the same verdict on both backends (libsecp256k1 addon and node:crypto), so a node
 * whose addon fails to load still agrees with every other node: valid, tampered, high-S, zero-s, r ≥ n, bad keys.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import { secp256k1 } from '@noble/curves/secp256k1.js';

import {
  secp256k1Backend,
  verifySecp256k1,
  verifySecp256k1Fallback,
} from '../../src/enclave/secp256k1-verify.js';

/** Platforms with a binary in node_modules/secp256k1/prebuilds (secp256k1@5.0.2). */
const PREBUILT = ['linux-x64', 'darwin-arm64', 'win32-x64'];
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const be32 = (n: bigint): Uint8Array => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
const num = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString('hex')}`);

function fixture(i: number): { msg: Uint8Array; sig: Uint8Array; pk: Uint8Array } {
  const sk = createHash('sha256').update(`secp256k1-verify/${i}`).digest();
  const msg = createHash('sha256')
    .update(`msg/${i}`)
    .digest()
    .subarray(0, 10 + (i % 20));
  const sig = secp256k1.sign(msg, sk, { prehash: true, lowS: true });
  return { msg, sig, pk: secp256k1.getPublicKey(sk, true) };
}

function both(msg: Uint8Array, sig: Uint8Array, pk: Uint8Array): boolean {
  const a = verifySecp256k1(msg, sig, pk);
  const b = verifySecp256k1Fallback(msg, sig, pk);
  assert.equal(a, b, `backends disagree (${secp256k1Backend})`);
  return a;
}

describe('secp256k1 tx-signature verification', () => {
  it('loads the native addon where the package ships a prebuilt binary', (t) => {
    const platform = `${process.platform}-${process.arch}`;
    if (!PREBUILT.includes(platform) || process.env.SECRET_COMPUTE_NO_NATIVE_SECP256K1 === '1') {
      t.skip(`no prebuilt addon for ${platform} (or disabled): node:crypto fallback in use`);
      return;
    }
    assert.equal(secp256k1Backend, 'libsecp256k1');
  });

  it('accepts valid low-S signatures on both backends', () => {
    for (let i = 0; i < 20; i++) {
      const { msg, sig, pk } = fixture(i);
      assert.equal(both(msg, sig, pk), true);
    }
  });

  it('rejects tampered messages, signatures and keys on both backends', () => {
    for (let i = 0; i < 10; i++) {
      const { msg, sig, pk } = fixture(i);
      const m2 = Uint8Array.from(msg);
      m2[0]! ^= 1;
      assert.equal(both(m2, sig, pk), false);
      const s2 = Uint8Array.from(sig);
      s2[5]! ^= 1;
      assert.equal(both(msg, s2, pk), false);
      assert.equal(both(msg, sig, fixture(i + 100).pk), false);
    }
  });

  it('rejects high-S, zero s, r ≥ n, s ≥ n and wrong lengths on both backends', () => {
    const { msg, sig, pk } = fixture(1);
    const r = sig.subarray(0, 32);
    const s = num(sig.subarray(32));
    const highS = Uint8Array.from([...r, ...be32(N - s)]);
    // The high-S twin is mathematically valid ECDSA; only the Cosmos low-S rule rejects it.
    assert.equal(secp256k1.verify(highS, msg, pk, { prehash: true, lowS: false }), true);
    assert.equal(both(msg, highS, pk), false);
    assert.equal(both(msg, Uint8Array.from([...r, ...be32(0n)]), pk), false);
    assert.equal(both(msg, Uint8Array.from([...be32(N), ...be32(s)]), pk), false);
    assert.equal(both(msg, Uint8Array.from([...be32(2n ** 256n - 1n), ...be32(s)]), pk), false);
    assert.equal(both(msg, sig.subarray(0, 63), pk), false);
    assert.equal(
      both(msg, sig, secp256k1.getPublicKey(createHash('sha256').update('x').digest(), false)),
      false,
    );
  });

  it('gives the same verdicts for a signer seen before (its decompressed key is cached by its bytes)', () => {
    for (let i = 0; i < 5; i++) {
      const { msg, sig, pk } = fixture(i);
      const negated = Uint8Array.from(pk);
      negated[0] = pk[0] === 2 ? 3 : 2; // same x, the other y: the negated point
      for (let round = 0; round < 3; round++) {
        assert.equal(both(msg, sig, pk), true);
        assert.equal(both(msg, sig, negated), false);
      }
      // one array changed in place after a cached use is a different key
      const reused = Uint8Array.from(pk);
      assert.equal(verifySecp256k1(msg, sig, reused), true);
      reused[0] = reused[0] === 2 ? 3 : 2;
      assert.equal(verifySecp256k1(msg, sig, reused), false);
      reused.fill(0xff, 1);
      assert.equal(verifySecp256k1(msg, sig, reused), false);
    }
  });

  it('rejects public keys that are not curve points or have a bad prefix', () => {
    const { msg, sig, pk } = fixture(2);
    const badPrefix = Uint8Array.from(pk);
    badPrefix[0] = 0x04;
    assert.equal(both(msg, sig, badPrefix), false);
    const offCurve = Uint8Array.from(pk);
    offCurve.fill(0xff, 1);
    assert.equal(both(msg, sig, offCurve), false);
    assert.equal(both(msg, sig, new Uint8Array(33)), false);
  });
});
