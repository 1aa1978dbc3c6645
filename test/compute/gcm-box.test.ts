/**
 * The batch synthetic-IV construction of gcm-box.ts: a reference computation of the documented formulas with
 * node primitives only, pinned bytes (validators on any machine must produce exactly these), IV uniqueness within
 * a batch and independence across batches, and that every box opens on its own.
 */
import assert from 'node:assert/strict';
import { createCipheriv, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  batchIvs,
  type CipherDomain,
  DOMAIN_BYTE,
  GCM_SEAL_KEY_BLOCKS_LENGTH,
  GCM_SEAL_KEY_STATE_LENGTH,
  gcmBoxOpen,
  gcmBoxSeal,
  gcmBoxSealMany,
  gcmOpenBody,
  gcmOpenBodyWithSealKeyBlocks,
  gcmPrimeSealState,
  gcmSealKeyBlocks,
  type SealItem,
} from '../../src/compute/gcm-box.js';
import { hmacSha256Midstates } from '../../src/compute/hmac-sha256.js';
import { encodeInputWire, parseInputWire } from '../../src/compute/protocol.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const ITEMS: SealItem[] = [
  { domain: 'attribute-key', plaintext: enc('action') },
  { domain: 'attribute-value', plaintext: enc('transfer') },
  { domain: 'data', plaintext: enc('eyJvayI6e319') },
];

const keyOfPrime = (i: number): Uint8Array =>
  Uint8Array.from({ length: 32 }, (_, j) => (i * 7 + j * 29 + 3) & 0xff);

/** The header's formulas, spelled out with node primitives only. */
function reference(key: Uint8Array, items: readonly SealItem[]): string[] {
  const ecb = createCipheriv('aes-256-ecb', key, null);
  ecb.setAutoPadding(false);
  const kIv = ecb.update(
    Buffer.from('0000000000000001000000000000000000000000000000020000000000000000', 'hex'),
  );
  const h = createHmac('sha256', kIv).update(Uint8Array.of(0x01));
  for (const it of items) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(it.plaintext.length);
    h.update(Uint8Array.of(DOMAIN_BYTE[it.domain])).update(len).update(it.plaintext);
  }
  const v = h.digest().subarray(0, 12);
  return items.map((it, i) => {
    const iv = Buffer.from(v);
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ i) >>> 0, 8);
    const aad = Uint8Array.of(0x01, DOMAIN_BYTE[it.domain]);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(aad);
    const ct = Buffer.concat([c.update(it.plaintext), c.final()]);
    return toHex(Buffer.concat([aad, iv, ct, c.getAuthTag()]));
  });
}

describe('gcm-box batch seal', () => {
  it('matches the documented construction (reference with node AES-ECB, HMAC, GCM)', () => {
    assert.deepEqual(gcmBoxSealMany(KEY, ITEMS).map(toHex), reference(KEY, ITEMS));
  });

  it('pinned bytes for a fixed key (consensus: every validator produces exactly these)', () => {
    assert.deepEqual(gcmBoxSealMany(KEY, ITEMS).map(toHex), [
      '010292f5f244b229b2abdbd77f1a016280e61527db3dce8b3f039fbfcc12cc2f4c997fb8',
      '010392f5f244b229b2abdbd77f1b12c83ff5b81c247323c8b8447158eef90f2c5b7d2b71b160',
      '010192f5f244b229b2abdbd77f1838dac47efd12c32d405cc8b024c282a282eaaa509067223a8f3e74e8',
    ]);
    assert.equal(
      toHex(gcmBoxSeal(KEY, 'query-result', enc('e30='))),
      '0105104fa5f3b5a5393e7edf9edd45b348f355caa075f7aaf4f691ae8ed9925fbea7',
    );
    const wire = encodeInputWire(
      'aes-256-gcm',
      KEY,
      new Uint8Array(32).fill(9),
      new Uint8Array(32).fill(8),
      enc('{}'),
    );
    assert.equal(
      toHex(wire),
      '01' +
        '09'.repeat(32) +
        '08'.repeat(32) +
        'c62df5aa8864c24b5f118ab75fe1137c5485868433d7b045e26a8f7445dc',
    );
  });

  it('a single seal is a batch of one; the input wire is a batch of one in the input domain', () => {
    assert.deepEqual(
      gcmBoxSeal(KEY, 'error', enc('boom')),
      gcmBoxSealMany(KEY, [{ domain: 'error', plaintext: enc('boom') }])[0],
    );
    const wire = encodeInputWire('aes-256-gcm', KEY, new Uint8Array(32), new Uint8Array(32), enc('{"a":1}'));
    const body = parseInputWire('aes-256-gcm', wire).ciphertext;
    assert.equal(toHex(body), reference(KEY, [{ domain: 'input', plaintext: enc('{"a":1}') }])[0]!.slice(4));
    assert.equal(new TextDecoder().decode(gcmOpenBody(KEY, 'input', body)), '{"a":1}');
    assert.deepEqual(gcmBoxSealMany(KEY, []), []);
  });

  it('IVs within a batch are V xor index; equal plaintexts in one batch get different ciphertexts', () => {
    const same: SealItem[] = Array.from({ length: 5 }, () => ({
      domain: 'attribute-key',
      plaintext: enc('amount'),
    }));
    const ivs = batchIvs(KEY, same);
    ivs.forEach((iv, i) => {
      assert.deepEqual(iv.subarray(0, 8), ivs[0]!.subarray(0, 8));
      assert.equal(Buffer.from(iv).readUInt32BE(8) ^ Buffer.from(ivs[0]!).readUInt32BE(8), i);
    });
    assert.equal(new Set(gcmBoxSealMany(KEY, same).map(toHex)).size, 5);
  });

  it('the PRF input is injective: moving a byte between items, reordering or changing a domain changes V', () => {
    const v = (items: SealItem[]): string => toHex(batchIvs(KEY, items)[0]!);
    const a = v([
      { domain: 'attribute-key', plaintext: enc('ab') },
      { domain: 'attribute-value', plaintext: enc('c') },
    ]);
    const variants = [
      [
        { domain: 'attribute-key', plaintext: enc('a') },
        { domain: 'attribute-value', plaintext: enc('bc') },
      ],
      [
        { domain: 'attribute-value', plaintext: enc('c') },
        { domain: 'attribute-key', plaintext: enc('ab') },
      ],
      [
        { domain: 'attribute-key', plaintext: enc('ab') },
        { domain: 'data', plaintext: enc('c') },
      ],
      [{ domain: 'attribute-key', plaintext: enc('ab') }],
    ] as SealItem[][];
    for (const items of variants) assert.notEqual(v(items), a);
    // Deterministic: the same batch twice is the same IVs.
    assert.equal(
      v([
        { domain: 'attribute-key', plaintext: enc('ab') },
        { domain: 'attribute-value', plaintext: enc('c') },
      ]),
      a,
    );
  });

  it('every box opens on its own, and only in its own domain', () => {
    const domains = Object.keys(DOMAIN_BYTE) as CipherDomain[];
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(
          fc.record({ domain: fc.constantFrom(...domains), plaintext: fc.uint8Array({ maxLength: 300 }) }),
          { minLength: 1, maxLength: 20 },
        ),
        (key, items) => {
          const boxes = gcmBoxSealMany(key, items);
          boxes.forEach((box, i) => {
            const it = items[i]!;
            assert.deepEqual(gcmBoxOpen(key, box, it.domain), it.plaintext);
            const other = domains.find((d) => d !== it.domain)!;
            assert.throws(() => gcmBoxOpen(key, box, other), { name: 'CryptoError', code: 'AUTH_FAILED' });
          });
          assert.deepEqual(boxes.map(toHex), reference(key, items));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('gcm-box seal key blocks (computed by another thread)', () => {
  const freshKey = (seed: number): Uint8Array =>
    Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + seed) & 0xff);

  it('H ‖ K_iv: E_K(0^128) ‖ E_K(BE64(1) ‖ 0^64) ‖ E_K(BE64(2) ‖ 0^64)', () => {
    const key = freshKey(1);
    const ecb = createCipheriv('aes-256-ecb', key, null);
    ecb.setAutoPadding(false);
    const want = ecb.update(
      Buffer.from(
        '00000000000000000000000000000000' +
          '0000000000000001000000000000000000000000000000020000000000000000',
        'hex',
      ),
    );
    const got = gcmSealKeyBlocks(key);
    assert.equal(got.length, GCM_SEAL_KEY_BLOCKS_LENGTH);
    assert.equal(toHex(got), want.toString('hex'));
  });

  it('a key primed with the long seal key blocks (with K_iv midstates) seals byte-identically', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.array(
          fc.record({
            domain: fc.constantFrom<CipherDomain>('data', 'attribute-key', 'attribute-value', 'reply-id'),
            plaintext: fc.uint8Array({ maxLength: 300 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (key, msg, items) => {
          const want = reference(key, items);
          const body = Buffer.from(reference(key, [{ domain: 'input', plaintext: msg }])[0]!.slice(4), 'hex');
          const { sealKeyBlocks } = gcmOpenBodyWithSealKeyBlocks(key, 'input', body);
          // a fresh copy of the key bytes, not yet seen by this thread's key states
          const other = key.slice();
          other[31] = other[31]! ^ 0x5a;
          const otherBlocks = gcmOpenBodyWithSealKeyBlocks(
            other,
            'input',
            Buffer.from(reference(other, [{ domain: 'input', plaintext: msg }])[0]!.slice(4), 'hex'),
          ).sealKeyBlocks;
          // push both keys out of the 32-entry key-state cache, then prime and seal
          for (let i = 0; i < 40; i++) gcmBoxSeal(keyOfPrime(i), 'data', msg);
          gcmPrimeSealState(key, sealKeyBlocks);
          sealKeyBlocks.fill(0); // primed with a copy
          assert.deepEqual(gcmBoxSealMany(key, items).map(toHex), want);
          gcmPrimeSealState(other, otherBlocks);
          assert.deepEqual(gcmBoxSealMany(other, items).map(toHex), reference(other, items));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a primed key seals byte-identically to an unprimed one', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(
          fc.record({
            domain: fc.constantFrom<CipherDomain>('data', 'attribute-key', 'attribute-value', 'reply-id'),
            plaintext: fc.uint8Array({ maxLength: 300 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (key, items) => {
          const want = reference(key, items);
          gcmPrimeSealState(key, gcmSealKeyBlocks(key));
          assert.deepEqual(gcmBoxSealMany(key, items).map(toHex), want);
          assert.deepEqual(gcmBoxSealMany(key, items).map(toHex), want);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('blocks are copied when primed; a wrong length is ignored; a bad key is a typed error', () => {
    const key = freshKey(2);
    const want = reference(key, ITEMS);
    const blocks = gcmSealKeyBlocks(key);
    gcmPrimeSealState(key, blocks);
    blocks.fill(0);
    assert.deepEqual(gcmBoxSealMany(key, ITEMS).map(toHex), want);
    const other = freshKey(3);
    gcmPrimeSealState(other, new Uint8Array(GCM_SEAL_KEY_BLOCKS_LENGTH - 16));
    assert.deepEqual(gcmBoxSealMany(other, ITEMS).map(toHex), reference(other, ITEMS));
    assert.throws(() => gcmPrimeSealState(new Uint8Array(31), gcmSealKeyBlocks(key)), {
      name: 'CryptoError',
      code: 'BAD_KEY_LENGTH',
    });
    assert.throws(() => gcmSealKeyBlocks(new Uint8Array(16)), {
      name: 'CryptoError',
      code: 'BAD_KEY_LENGTH',
    });
  });
});

describe('gcm-box key states (one cipher per tx key opens its input and seals its outputs)', () => {
  const keyOf = (seed: number): Uint8Array =>
    Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + seed * 101) & 0xff);

  it('a key opened first (the query path), then sealing under it, gives the reference bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 300 }),
        (key, msg) => {
          // Built with node primitives only; the key is fresh here, so its first use is this open.
          const body = reference(key, [{ domain: 'input', plaintext: msg }])[0]!.slice(4);
          assert.equal(toHex(gcmOpenBody(key, 'input', Buffer.from(body, 'hex'))), toHex(msg));
          assert.deepEqual(gcmBoxSealMany(key, ITEMS).map(toHex), reference(key, ITEMS));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('opening with the seal key blocks gives gcmOpenBody, gcmSealKeyBlocks and the K_iv midstates (fresh, cached or long input)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 400 }),
        fc.boolean(),
        (key, msg, sealedFirst) => {
          const body = Buffer.from(reference(key, [{ domain: 'input', plaintext: msg }])[0]!.slice(4), 'hex');
          // the key's state exists already (its outputs were sealed) or this open is its first use
          if (sealedFirst) gcmBoxSealMany(key, ITEMS);
          const got = gcmOpenBodyWithSealKeyBlocks(key, 'input', body);
          assert.equal(toHex(got.plaintext), toHex(msg));
          assert.equal(got.sealKeyBlocks.length, GCM_SEAL_KEY_STATE_LENGTH);
          const blocks = gcmSealKeyBlocks(key);
          assert.equal(toHex(got.sealKeyBlocks.subarray(0, GCM_SEAL_KEY_BLOCKS_LENGTH)), toHex(blocks));
          const mid = new Int32Array(16);
          hmacSha256Midstates(blocks.subarray(16), mid, 0);
          const midBytes = Buffer.alloc(64);
          mid.forEach((w, i) => midBytes.writeInt32BE(w, 4 * i));
          assert.equal(toHex(got.sealKeyBlocks.subarray(GCM_SEAL_KEY_BLOCKS_LENGTH)), toHex(midBytes));
          assert.deepEqual(gcmBoxSealMany(key, ITEMS).map(toHex), reference(key, ITEMS));
        },
      ),
      { numRuns: 60 },
    );
    const key = keyOf(900);
    const body = gcmBoxSeal(key, 'input', enc('hi')).subarray(2);
    const bad = body.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    assert.throws(() => gcmOpenBodyWithSealKeyBlocks(key, 'input', bad), {
      name: 'CryptoError',
      code: 'AUTH_FAILED',
    });
    // the blocks are a copy: wiping them changes nothing for the key's later seals
    gcmOpenBodyWithSealKeyBlocks(key, 'input', body).sealKeyBlocks.fill(0);
    assert.deepEqual(gcmBoxSealMany(key, ITEMS).map(toHex), reference(key, ITEMS));
  });

  it('keys pushed out of the cache by 40 newer keys open and seal the same bytes again', () => {
    const keys = Array.from({ length: 41 }, (_, i) => keyOf(i));
    const boxes = keys.map((k) => gcmBoxSeal(k, 'query-result', enc('{"balance":"1"}')));
    for (const [i, k] of keys.entries()) {
      assert.equal(
        toHex(boxes[i]!),
        reference(k, [{ domain: 'query-result', plaintext: enc('{"balance":"1"}') }])[0],
      );
      assert.equal(new TextDecoder().decode(gcmBoxOpen(k, boxes[i]!, 'query-result')), '{"balance":"1"}');
    }
    // Keys differing only after their first four bytes are distinct states.
    const a = keyOf(7);
    const b = a.slice();
    b[31] = b[31]! ^ 1;
    const box = gcmBoxSeal(a, 'data', enc('x'));
    assert.throws(() => gcmBoxOpen(b, box), { name: 'CryptoError', code: 'AUTH_FAILED' });
    assert.equal(toHex(gcmBoxOpen(a, box)), toHex(enc('x')));
  });

  it('a tampered input body is AUTH_FAILED, a short one TRUNCATED, and the key still works afterwards', () => {
    const key = keyOf(500);
    const body = gcmBoxSeal(key, 'input', enc('hello')).subarray(2);
    for (let i = 0; i < body.length; i++) {
      const bad = body.slice();
      bad[i] = bad[i]! ^ 0x80;
      assert.throws(() => gcmOpenBody(keyOf(500), 'input', bad), {
        name: 'CryptoError',
        code: 'AUTH_FAILED',
      });
    }
    assert.throws(() => gcmOpenBody(key, 'data', body), { name: 'CryptoError', code: 'AUTH_FAILED' });
    assert.throws(() => gcmOpenBody(key, 'input', body.subarray(0, 27)), {
      name: 'CryptoError',
      code: 'TRUNCATED',
    });
    assert.equal(new TextDecoder().decode(gcmOpenBody(key, 'input', body)), 'hello');
  });
});
