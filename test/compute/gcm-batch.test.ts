/**
 * gcm-batch.ts (AES-ECB keystream + JS GHASH) must be byte-identical to AES-256-GCM: the McGrew–Viega / NIST
 * test vectors for AES-256 with 96-bit IVs, and node's own `aes-256-gcm` for random keys, IVs, AAD, lengths and
 * batch sizes (including messages long enough to take the node fallback, mixed into one batch).
 */
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { Aes256GcmBatch, aes256GcmEncryptMany, GCM_JS_MAX_PLAINTEXT } from '../../src/compute/gcm-batch.js';
import { GHASH_TABLE_SLOTS, GhashKey, ghashUpdate } from '../../src/compute/ghash.js';
import { C, GCM_SPEC_VECTORS, K, P } from './gcm-vectors.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function nodeGcm(
  key: Uint8Array,
  iv: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): { ciphertext: string; tag: string } {
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const ct = c.update(plaintext);
  c.final();
  return { ciphertext: toHex(ct), tag: toHex(c.getAuthTag()) };
}

describe('gcm-batch: GCM spec test vectors (AES-256, 96-bit IV)', () => {
  for (const v of GCM_SPEC_VECTORS) {
    it(`test case ${v.n}`, () => {
      const [r] = aes256GcmEncryptMany(hex(v.k), [{ iv: hex(v.iv), aad: hex(v.a), plaintext: hex(v.p) }]);
      assert.equal(toHex(r!.ciphertext), v.c);
      assert.equal(toHex(r!.tag), v.t);
    });
  }

  it('cases under one key in one batch give the same bytes as one at a time', () => {
    for (const k of ['00'.repeat(32), K]) {
      const cases = GCM_SPEC_VECTORS.filter((v) => v.k === k);
      const got = aes256GcmEncryptMany(
        hex(k),
        cases.map((v) => ({ iv: hex(v.iv), aad: hex(v.a), plaintext: hex(v.p) })),
      );
      assert.deepEqual(
        got.map((r) => toHex(r.ciphertext) + toHex(r.tag)),
        cases.map((v) => v.c + v.t),
      );
    }
  });

  it('GHASH of test case 2 (H = 66e94bd4ef8a2c3b884cfa59ca342b2e, C = 0388dace60b6a392f328c2b971b2fe78)', () => {
    // McGrew–Viega Appendix B test case 2: GHASH(H, {}, C) = f38cbb1ad69223dcc3457ae5b6b0f885.
    const key = new GhashKey(hex('66e94bd4ef8a2c3b884cfa59ca342b2e'));
    const ghash = (): string => {
      const y = new Int32Array(4);
      ghashUpdate(key, y, hex('0388dace60b6a392f328c2b971b2fe78'), 0, 16);
      ghashUpdate(key, y, hex('00000000000000000000000000000080'), 0, 16);
      const out = Buffer.alloc(16);
      y.forEach((w, i) => out.writeInt32BE(w, 4 * i));
      return out.toString('hex');
    };
    assert.equal(ghash(), 'f38cbb1ad69223dcc3457ae5b6b0f885');
    // Every table slot taken by other keys since: the key rebuilds its own table and hashes the same.
    for (let i = 0; i <= GHASH_TABLE_SLOTS; i++) {
      ghashUpdate(
        new GhashKey(Uint8Array.of(i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)),
        new Int32Array(4),
        hex('ff'),
        0,
        1,
      );
    }
    assert.equal(ghash(), 'f38cbb1ad69223dcc3457ae5b6b0f885');
  });

  it('a long-lived key state stays correct after many newer keys took its table slot', () => {
    const key = hex(K);
    const { gcm } = Aes256GcmBatch.create(key);
    const iv = hex('cafebabefacedbaddecaf888');
    const seal = (): string => {
      const out = new Uint8Array(12 + 60 + 16);
      out.set(iv, 0);
      gcm.encryptInto([
        {
          aad: hex('feedfacedeadbeeffeedfacedeadbeefabaddad2'),
          plaintext: hex(P.slice(0, 120)),
          out,
          offset: 0,
        },
      ]);
      return toHex(out.subarray(12));
    };
    const want = C.slice(0, 120) + '76fc6ece0f4e1768cddf8853bb2d551b';
    assert.equal(seal(), want);
    for (let i = 0; i < 3 * GHASH_TABLE_SLOTS; i++) {
      aes256GcmEncryptMany(
        Uint8Array.from({ length: 32 }, (_, j) => (i + j) & 0xff),
        [{ iv, aad: new Uint8Array(0), plaintext: new Uint8Array(1) }],
      );
      if (i % 17 === 0) assert.equal(seal(), want);
    }
    assert.equal(seal(), want);
  });
});

const item = (maxLen: number) =>
  fc.record({
    iv: fc.uint8Array({ minLength: 12, maxLength: 12 }),
    aad: fc.uint8Array({ maxLength: 70 }),
    plaintext: fc.uint8Array({ maxLength: maxLen }),
  });

describe('gcm-batch: identical to node aes-256-gcm', () => {
  it('random keys, IVs, AAD, lengths 0..300, batches of 1..20', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(item(300), { minLength: 1, maxLength: 20 }),
        (key, items) => {
          const got = aes256GcmEncryptMany(key, items);
          items.forEach((it, i) => {
            const want = nodeGcm(key, it.iv, it.aad, it.plaintext);
            assert.equal(toHex(got[i]!.ciphertext), want.ciphertext);
            assert.equal(toHex(got[i]!.tag), want.tag);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('jobs sharing AAD arrays (more distinct ones than the per-batch AAD memo holds), in any order', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 7 }),
        fc.array(
          fc.record({
            a: fc.nat(),
            iv: fc.uint8Array({ minLength: 12, maxLength: 12 }),
            p: fc.uint8Array({ maxLength: 60 }),
          }),
          {
            minLength: 1,
            maxLength: 16,
          },
        ),
        (key, aads, picks) => {
          // the same array objects recur across jobs, as the domain AADs of gcm-box.ts do
          const items = picks.map(({ a, iv, p }) => ({ iv, aad: aads[a % aads.length]!, plaintext: p }));
          const got = aes256GcmEncryptMany(key, items);
          items.forEach((it, i) => {
            const want = nodeGcm(key, it.iv, it.aad, it.plaintext);
            assert.equal(toHex(got[i]!.ciphertext) + toHex(got[i]!.tag), want.ciphertext + want.tag);
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('messages past the JS limit (node fallback) mixed into a batch', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(item(GCM_JS_MAX_PLAINTEXT * 2 + 40), { minLength: 1, maxLength: 6 }),
        (key, items) => {
          const got = aes256GcmEncryptMany(key, items);
          items.forEach((it, i) => {
            const want = nodeGcm(key, it.iv, it.aad, it.plaintext);
            assert.equal(toHex(got[i]!.ciphertext) + toHex(got[i]!.tag), want.ciphertext + want.tag);
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('boundary lengths around block sizes and the JS limit', () => {
    const key = hex(K);
    const lens = [0, 1, 15, 16, 17, 31, 32, 33, GCM_JS_MAX_PLAINTEXT - 1, GCM_JS_MAX_PLAINTEXT];
    lens.push(GCM_JS_MAX_PLAINTEXT + 1, 4096);
    const items = lens.map((n, i) => ({
      iv: Uint8Array.from({ length: 12 }, (_, j) => (i * 31 + j) & 0xff),
      aad: Uint8Array.of(1, i),
      plaintext: Uint8Array.from({ length: n }, (_, j) => (j * 7 + i) & 0xff),
    }));
    const got = aes256GcmEncryptMany(key, items);
    items.forEach((it, i) => {
      const d = createDecipheriv('aes-256-gcm', key, it.iv);
      d.setAAD(it.aad);
      d.setAuthTag(got[i]!.tag);
      const pt = Buffer.concat([d.update(got[i]!.ciphertext), d.final()]);
      assert.deepEqual(new Uint8Array(pt), it.plaintext);
    });
  });
});

describe('gcm-batch: key state', () => {
  it('derived blocks are AES-256-ECB of the derive input (same AES call as H)', () => {
    const key = hex(K);
    const derive = hex('0000000000000001000000000000000000000000000000020000000000000000');
    const { derived } = Aes256GcmBatch.create(key, derive);
    const ecb = createCipheriv('aes-256-ecb', key, null);
    ecb.setAutoPadding(false);
    assert.equal(toHex(derived), toHex(ecb.update(derive)));
  });

  it('rejects a bad key, derive blocks that could be counter blocks, and a short output buffer', () => {
    assert.throws(() => Aes256GcmBatch.create(new Uint8Array(16)), {
      name: 'CryptoError',
      code: 'BAD_KEY_LENGTH',
    });
    for (const bad of ['00'.repeat(16), '00'.repeat(15) + '01', '01'.repeat(16), '01'.repeat(17)]) {
      assert.throws(() => Aes256GcmBatch.create(hex(K), hex(bad)), {
        name: 'CryptoError',
        code: 'BAD_CONFIG',
      });
    }
    const { gcm } = Aes256GcmBatch.create(hex(K));
    const out = new Uint8Array(12 + 5 + 15);
    assert.throws(
      () => gcm.encryptInto([{ aad: new Uint8Array(0), plaintext: new Uint8Array(5), out, offset: 0 }]),
      { name: 'CryptoError', code: 'TRUNCATED' },
    );
  });
});

/** Node's AES-256-GCM decryption: the plaintext, or undefined when authentication fails. */
function nodeOpen(
  key: Uint8Array,
  iv: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
): string | undefined {
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(aad);
  d.setAuthTag(tag);
  const pt = d.update(ciphertext);
  try {
    d.final();
  } catch {
    return undefined;
  }
  return toHex(pt);
}

const authFailed = { name: 'CryptoError', code: 'AUTH_FAILED' };
const IV_DERIVE = hex('0000000000000001000000000000000000000000000000020000000000000000');

describe('gcm-batch: decrypt (same results as node aes-256-gcm, tag checked before any plaintext)', () => {
  it('GCM spec vectors 13-16, with the key blocks computed in the same AES call (deferred) and before', () => {
    for (const v of GCM_SPEC_VECTORS) {
      const args = [hex(v.iv), hex(v.c), hex(v.t), hex(v.a)] as const;
      assert.equal(toHex(Aes256GcmBatch.deferred(hex(v.k), IV_DERIVE).decrypt(...args)), v.p, `case ${v.n}`);
      assert.equal(toHex(Aes256GcmBatch.create(hex(v.k)).gcm.decrypt(...args)), v.p, `case ${v.n}`);
    }
  });

  it('a deferred key state derives the same blocks whether its first use decrypts or not', () => {
    const v = GCM_SPEC_VECTORS[3]!;
    const gcm = Aes256GcmBatch.deferred(hex(v.k), IV_DERIVE);
    gcm.decrypt(hex(v.iv), hex(v.c), hex(v.t), hex(v.a));
    assert.equal(toHex(gcm.derived()), toHex(Aes256GcmBatch.create(hex(v.k), IV_DERIVE).derived));
    // A failed first open still leaves a correct key state (the key blocks do not depend on the message).
    const failed = Aes256GcmBatch.deferred(hex(v.k), IV_DERIVE);
    assert.throws(() => failed.decrypt(hex(v.iv), hex(v.c), new Uint8Array(16), hex(v.a)), authFailed);
    assert.equal(toHex(failed.decrypt(hex(v.iv), hex(v.c), hex(v.t), hex(v.a))), v.p);
    const [r] = aes256GcmEncryptMany(hex(v.k), [{ iv: hex(v.iv), aad: hex(v.a), plaintext: hex(v.p) }]);
    const out = new Uint8Array(12 + r!.ciphertext.length + 16);
    out.set(hex(v.iv));
    failed.encryptInto([{ aad: hex(v.a), plaintext: hex(v.p), out, offset: 0 }]);
    assert.equal(toHex(out.subarray(12)), toHex(r!.ciphertext) + toHex(r!.tag));
  });

  it('a plaintext shares its ArrayBuffer with nothing but zeros (no H, K_iv or keystream behind the view)', () => {
    const v = GCM_SPEC_VECTORS[3]!;
    const gcm = Aes256GcmBatch.deferred(hex(v.k), IV_DERIVE);
    for (let round = 0; round < 2; round++) {
      const pt = gcm.decrypt(hex(v.iv), hex(v.c), hex(v.t), hex(v.a));
      assert.equal(toHex(pt), v.p);
      assert.equal(Object.getPrototypeOf(pt), Uint8Array.prototype); // slice() copies, unlike a Buffer's
      const all = new Uint8Array(pt.buffer);
      for (let i = 0; i < all.length; i++) {
        if (i < pt.byteOffset || i >= pt.byteOffset + pt.length) assert.equal(all[i], 0, `byte ${i}`);
      }
    }
  });

  it("sealToNew gives encryptOne's bytes after its head, in a buffer holding nothing else", () => {
    const key = hex(K);
    const gcm = Aes256GcmBatch.create(key).gcm;
    const fresh = Aes256GcmBatch.deferred(key);
    assert.equal(fresh.sealToNew(hex('01'), new Uint8Array(3), new Uint8Array(12), 0, 2), undefined);
    const long = new Uint8Array(GCM_JS_MAX_PLAINTEXT + 1);
    assert.equal(gcm.sealToNew(hex('01'), long, new Uint8Array(12), 0, 2), undefined);
    for (let n = 0; n <= 70; n++) {
      for (let head = 0; head <= 4; head++) {
        const p = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
        const ivSrc = Uint8Array.from({ length: 20 }, (_, i) => i + n);
        const aad = Uint8Array.of(1, head);
        const got = gcm.sealToNew(aad, p, ivSrc, 3, head)!;
        const want = new Uint8Array(head + 12 + n + 16);
        want.set(ivSrc.subarray(3, 15), head);
        gcm.encryptOne(aad, p, want, head);
        assert.equal(toHex(got), toHex(want), `n ${n} head ${head}`);
        const all = new Uint8Array(got.buffer);
        for (let i = got.byteOffset + got.length; i < all.length; i++)
          assert.equal(all[i], 0, `n ${n} byte ${i}`);
        assert.equal(got.byteOffset, 0);
      }
    }
  });

  it('random keys, IVs, AAD and lengths 0..300 (JS path and node fallback): node opens it iff we do', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        item(GCM_JS_MAX_PLAINTEXT + 60),
        fc.boolean(),
        (key, it, deferred) => {
          const want = nodeGcm(key, it.iv, it.aad, it.plaintext);
          const ct = hex(want.ciphertext);
          const tag = hex(want.tag);
          const gcm = deferred ? Aes256GcmBatch.deferred(key, IV_DERIVE) : Aes256GcmBatch.create(key).gcm;
          const pt = gcm.decrypt(it.iv, ct, tag, it.aad);
          assert.ok(!(pt instanceof Buffer));
          assert.equal(toHex(pt), toHex(it.plaintext));
          assert.equal(toHex(pt), nodeOpen(key, it.iv, it.aad, ct, tag));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a flipped bit anywhere in the tag, ciphertext or AAD, or a wrong key, is AUTH_FAILED (as node)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        item(GCM_JS_MAX_PLAINTEXT + 60),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        fc.constantFrom('tag', 'ciphertext', 'aad', 'key'),
        (key, it, pos, bit, where) => {
          const want = nodeGcm(key, it.iv, it.aad, it.plaintext);
          const ct = hex(want.ciphertext);
          const tag = hex(want.tag);
          const aad = it.aad.slice();
          const k = key.slice();
          const target = where === 'tag' ? tag : where === 'ciphertext' ? ct : where === 'aad' ? aad : k;
          fc.pre(target.length > 0);
          target[pos % target.length]! ^= 1 << bit;
          assert.equal(nodeOpen(k, it.iv, aad, ct, tag), undefined);
          assert.throws(() => Aes256GcmBatch.deferred(k, IV_DERIVE).decrypt(it.iv, ct, tag, aad), authFailed);
          assert.throws(() => Aes256GcmBatch.create(k).gcm.decrypt(it.iv, ct, tag, aad), authFailed);
        },
      ),
      { numRuns: 300 },
    );
  });
});
