import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { describe, it } from 'node:test';

import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes } from '@noble/hashes/utils.js';

import {
  CryptoCode,
  decodeSections,
  ed25519BatchVerify,
  ed25519Sign,
  ed25519Verify,
  encodeSections,
  secp256k1RecoverPubkey,
  secp256k1Sign,
  secp256k1Verify,
} from '../../../src/runtime/imports/crypto.js';
import { enc, harness } from '../helpers.js';

const sk = hexToBytes('c9a5c7c1f9d8b5b6f3e3a5d6a2a4e1c0b9f8e7d6c5b4a39281706f5e4d3c2b1a');
const pkCompressed = secp256k1.getPublicKey(sk, true);
const pkUncompressed = secp256k1.getPublicKey(sk, false);
const msg = enc('secret message');
const hash = sha256(msg);
const sig = secp256k1.sign(hash, sk, { prehash: false });
const split = (v: bigint): [number, number] => [Number(v >> 32n), Number(v & 0xffff_ffffn)];

// RFC 8032 §7.1 TEST 1.
const RFC_SK = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const RFC_PK = hexToBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
const RFC_SIG = hexToBytes(
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
);

describe('secp256k1_verify', () => {
  it('accepts valid signatures for compressed, uncompressed and hybrid keys; charges 98,304', () => {
    const h = harness('v1');
    assert.equal(
      secp256k1Verify(h.inst.env, h.region(hash), h.region(sig), h.region(pkCompressed)),
      CryptoCode.Ok,
    );
    assert.equal(h.gasUsed(), 98_304n);
    assert.equal(secp256k1Verify(h.inst.env, h.region(hash), h.region(sig), h.region(pkUncompressed)), 0);
    const hybrid = pkUncompressed.slice();
    hybrid[0] = (hybrid[64]! & 1) === 1 ? 0x07 : 0x06;
    assert.equal(secp256k1Verify(h.inst.env, h.region(hash), h.region(sig), h.region(hybrid)), 0);
    hybrid[0] ^= 1; // wrong parity
    assert.equal(secp256k1Verify(h.inst.env, h.region(hash), h.region(sig), h.region(hybrid)), 5);
  });
  it('accepts high-S signatures', () => {
    const h = harness('v1');
    const s = secp256k1.Signature.fromBytes(sig, 'compact');
    const high = new secp256k1.Signature(s.r, secp256k1.Point.CURVE().n - s.s).toBytes('compact');
    assert.equal(secp256k1Verify(h.inst.env, h.region(hash), h.region(high), h.region(pkCompressed)), 0);
  });
  it('returns 1 for a wrong message and 3/4/5 for malformed inputs', () => {
    const h = harness('v1');
    assert.equal(
      secp256k1Verify(h.inst.env, h.region(sha256(enc('other'))), h.region(sig), h.region(pkCompressed)),
      1,
    );
    assert.equal(
      secp256k1Verify(h.inst.env, h.region(hash.subarray(1)), h.region(sig), h.region(pkCompressed)),
      3,
    );
    assert.equal(
      secp256k1Verify(h.inst.env, h.region(hash), h.region(sig.subarray(1)), h.region(pkCompressed)),
      4,
    );
    assert.equal(
      secp256k1Verify(h.inst.env, h.region(hash), h.region(sig), h.region(pkCompressed.subarray(1))),
      5,
    );
    const badPrefix = pkCompressed.slice();
    badPrefix[0] = 0x05;
    assert.equal(secp256k1Verify(h.inst.env, h.region(hash), h.region(sig), h.region(badPrefix)), 5);
  });
  it('returns 10 for a point not on the curve', () => {
    const h = harness('v1');
    const off = new Uint8Array(33).fill(0xff);
    off[0] = 0x02;
    assert.equal(secp256k1Verify(h.inst.env, h.region(hash), h.region(sig), h.region(off)), 10);
  });
});

describe('secp256k1_recover_pubkey', () => {
  it('returns the 33-byte compressed key in the low 32 bits', () => {
    const h = harness('v1');
    const rec = secp256k1.sign(hash, sk, { prehash: false, format: 'recovered' });
    const [code, ptr] = split(
      secp256k1RecoverPubkey(h.inst.env, h.region(hash), h.region(rec.subarray(1)), rec[0]!),
    );
    assert.equal(code, 0);
    assert.deepEqual(h.read(ptr), pkCompressed);
    assert.equal(h.gasUsed(), 98_304n);
  });
  it('puts error codes 3, 4, 10 in the high 32 bits', () => {
    const h = harness('v1');
    assert.deepEqual(
      split(secp256k1RecoverPubkey(h.inst.env, h.region(hash.subarray(2)), h.region(sig), 0)),
      [3, 0],
    );
    assert.deepEqual(
      split(secp256k1RecoverPubkey(h.inst.env, h.region(hash), h.region(sig.subarray(2)), 0)),
      [4, 0],
    );
    assert.deepEqual(split(secp256k1RecoverPubkey(h.inst.env, h.region(hash), h.region(sig), 2)), [10, 0]);
    assert.deepEqual(
      split(secp256k1RecoverPubkey(h.inst.env, h.region(hash), h.region(new Uint8Array(64)), 0)),
      [10, 0],
    );
  });
});

describe('secp256k1_sign', () => {
  it('signs SHA256(msg) deterministically (RFC 6979), verifiable by node:crypto', () => {
    const h = harness('v1');
    const [code, ptr] = split(secp256k1Sign(h.inst.env, h.region(msg), h.region(sk)));
    assert.equal(code, 0);
    const signature = h.read(ptr);
    assert.equal(signature.length, 64);
    assert.equal(h.gasUsed(), 100_000n);
    const [, ptr2] = split(secp256k1Sign(h.inst.env, h.region(msg), h.region(sk)));
    assert.deepEqual(h.read(ptr2), signature);
    const key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'secp256k1',
        x: Buffer.from(pkUncompressed.subarray(1, 33)).toString('base64url'),
        y: Buffer.from(pkUncompressed.subarray(33)).toString('base64url'),
      },
      format: 'jwk',
    });
    assert.equal(nodeVerify('sha256', msg, { key, dsaEncoding: 'ieee-p1363' }, signature), true);
  });
  it('returns 1000 for a bad private key', () => {
    const h = harness('v1');
    assert.deepEqual(split(secp256k1Sign(h.inst.env, h.region(msg), h.region(sk.subarray(1)))), [1000, 0]);
    assert.deepEqual(
      split(secp256k1Sign(h.inst.env, h.region(msg), h.region(new Uint8Array(32)))),
      [1000, 0],
    );
  });
});

describe('ed25519_verify / ed25519_sign', () => {
  it('RFC 8032 test 1: sign produces the vector, verify accepts it; gas 75,000 / 73,728', () => {
    const h = harness('v1');
    const [code, ptr] = split(ed25519Sign(h.inst.env, h.region(new Uint8Array()), h.region(RFC_SK)));
    assert.equal(code, 0);
    assert.deepEqual(h.read(ptr), RFC_SIG);
    assert.equal(h.gasUsed(), 75_000n);
    assert.equal(
      ed25519Verify(h.inst.env, h.region(new Uint8Array()), h.region(RFC_SIG), h.region(RFC_PK)),
      0,
    );
    assert.equal(h.gasUsed(), 75_000n + 73_728n);
  });
  it('returns 1 for a wrong signature, 4 for bad signature length, 5 for bad key length', () => {
    const h = harness('v1');
    assert.equal(ed25519Verify(h.inst.env, h.region(enc('x')), h.region(RFC_SIG), h.region(RFC_PK)), 1);
    assert.equal(
      ed25519Verify(h.inst.env, h.region(enc('x')), h.region(RFC_SIG.subarray(1)), h.region(RFC_PK)),
      4,
    );
    assert.equal(
      ed25519Verify(h.inst.env, h.region(enc('x')), h.region(RFC_SIG), h.region(RFC_PK.subarray(1))),
      5,
    );
  });
  it('ed25519_sign returns 1000 for a key that is not 32 bytes', () => {
    const h = harness('v1');
    assert.deepEqual(split(ed25519Sign(h.inst.env, h.region(msg), h.region(new Uint8Array(31)))), [1000, 0]);
  });
});

describe('ed25519_batch_verify', () => {
  const keys = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
  const pks = keys.map((k) => ed25519.getPublicKey(k));
  const msgs = [enc('a'), enc('b'), enc('c')];
  const sigs = keys.map((k, i) => ed25519.sign(msgs[i]!, k));
  const call = (m: Uint8Array[], s: Uint8Array[], p: Uint8Array[]) => {
    const h = harness('v1');
    const code = ed25519BatchVerify(
      h.inst.env,
      h.region(encodeSections(m)),
      h.region(encodeSections(s)),
      h.region(encodeSections(p)),
    );
    return { code, gas: h.gasUsed() };
  };
  it('sections encoding round-trips', () => {
    assert.deepEqual(decodeSections(encodeSections(msgs)), msgs);
    assert.throws(
      () => decodeSections(new Uint8Array([1, 2])),
      (e) => e instanceof Error && /extra data outside/.test((e as { detail?: string }).detail ?? ''),
    );
    assert.throws(
      () => decodeSections(new Uint8Array([0, 0, 0, 9])),
      (e) => /section length overflow/.test((e as { detail?: string }).detail ?? ''),
    );
  });
  it('m = s = p works and charges 5000 + 70000·n', () => {
    assert.deepEqual(call(msgs, sigs, pks), { code: 0, gas: 5000n + 3n * 70_000n });
  });
  it('one message, many keys; many messages, one key', () => {
    const one = enc('same');
    assert.equal(
      call(
        [one],
        keys.map((k) => ed25519.sign(one, k)),
        pks,
      ).code,
      0,
    );
    assert.equal(
      call(
        msgs,
        msgs.map((m) => ed25519.sign(m, keys[0]!)),
        [pks[0]!],
      ).code,
      0,
    );
  });
  it('empty lists are valid', () => {
    assert.equal(call([], [], []).code, 0);
  });
  it('other shapes are BatchErr (7) and charge no per-signature gas', () => {
    assert.deepEqual(call(msgs.slice(0, 2), sigs, pks), { code: 7, gas: 0n });
  });
  it('one bad signature fails the batch (1); bad lengths give 4 / 5', () => {
    const bad = sigs.slice();
    bad[1] = sigs[0]!;
    assert.equal(call(msgs, bad, pks).code, 1);
    assert.equal(call(msgs, [sigs[0]!, sigs[1]!, new Uint8Array(63)], pks).code, 4);
    assert.equal(call(msgs, sigs, [pks[0]!, pks[1]!, new Uint8Array(31)]).code, 5);
  });
});
