import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';

import { aessiv } from '@noble/ciphers/aes.js';
import fc from 'fast-check';

import {
  AES_SIV_KEY_CACHE_SIZE,
  aesSivOpen,
  aesSivOpenWithPrefix,
  type AesSivPrefix,
  aesSivPrefix,
  aesSivSeal,
  aesSivSealWithPrefix,
} from '../../src/compute/aes-siv.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** 32- or 64-byte keys. */
const keyArb = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  fc.uint8Array({ minLength: 64, maxLength: 64 }),
);
/** Lengths around every block boundary that matters: 0, < 16, 16, multi-block, > 128 (and > the CTR ECB path). */
const bytesArb = (max: number): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.constant(new Uint8Array(0)),
    fc.uint8Array({ minLength: 1, maxLength: 17 }),
    fc.uint8Array({ minLength: 15, maxLength: 49 }),
    fc.uint8Array({ maxLength: max }),
  );
const adArb = fc.array(bytesArb(300), { maxLength: 5 });

describe('AES-SIV scratch-buffer implementation vs @noble/ciphers aessiv', () => {
  it('seal/open are byte-identical to @noble for random keys, AD lists and lengths (0 to > 128 bytes)', () => {
    fc.assert(
      fc.property(keyArb, bytesArb(400), adArb, (key, pt, ad) => {
        const keyCopy = key.slice();
        const ptCopy = pt.slice();
        const adCopy = ad.map((a) => a.slice());
        const ours = aesSivSeal(key, pt, ad);
        assert.equal(toHex(ours), toHex(aessiv(keyCopy, ...adCopy).encrypt(ptCopy)));
        const sealedCopy = ours.slice();
        assert.deepEqual(aesSivOpen(key, ours, ad), ptCopy);
        // Inputs are never mutated.
        assert.deepEqual(key, keyCopy);
        assert.deepEqual(pt, ptCopy);
        assert.deepEqual(ad, adCopy);
        assert.deepEqual(ours, sealedCopy);
      }),
      { numRuns: 500 },
    );
  });

  it('handles inputs beyond the scratch buffer and the ECB CTR path (> 1 KiB, > 16 KiB)', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i * 13);
    for (const n of [255, 256, 257, 1023, 1024, 1025, 4096, 16 * 1024, 16 * 1024 + 1, 40_000]) {
      const pt = Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff);
      const bigAd = Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
      for (const ad of [[bigAd], [new Uint8Array(3), bigAd], []]) {
        const ours = aesSivSeal(key, pt, ad);
        assert.equal(toHex(ours), toHex(aessiv(key, ...ad).encrypt(pt)), `n=${n}`);
        assert.deepEqual(aesSivOpen(key, ours, ad), pt);
      }
      // A small call right after a big one still works (scratch reuse).
      const small = aesSivSeal(key, new Uint8Array(5), [new Uint8Array(0)]);
      assert.equal(toHex(small), toHex(aessiv(key, new Uint8Array(0)).encrypt(new Uint8Array(5))));
    }
  });

  it('returns fresh arrays that share nothing with each other or with internal state', () => {
    const key = new Uint8Array(32).fill(5);
    const ad = [new Uint8Array(0)];
    /** Owns its ArrayBuffer: offset 0, any bytes past the array (node's block-sized output, < 16) are zero. */
    const assertOwned = (x: Uint8Array): void => {
      assert.equal(Object.getPrototypeOf(x), Uint8Array.prototype);
      assert.equal(x.byteOffset, 0);
      const tail = new Uint8Array(x.buffer, x.length);
      assert.ok(tail.length < 16 && tail.every((b) => b === 0), `tail ${toHex(tail)}`);
    };
    for (const n of [0, 1, 15, 16, 17, 40, 64, 100, 1024, 1025, 3000]) {
      const pt = Uint8Array.from({ length: n }, (_, i) => (i * 11 + 1) & 0xff);
      const a = aesSivSeal(key, pt, ad);
      const b = aesSivSeal(key, pt, ad);
      assertOwned(a);
      assertOwned(b);
      assert.notEqual(a.buffer, b.buffer);
      const expected = toHex(a);
      b.fill(0xff); // scribbling on a result must not affect later results
      assert.equal(toHex(aesSivSeal(key, pt, ad)), expected);
      const p1 = aesSivOpen(key, a, ad);
      const p2 = aesSivOpen(key, a, ad);
      assertOwned(p1);
      assertOwned(p2);
      assert.notEqual(p1.buffer, a.buffer);
      if (n > 0) assert.notEqual(p1.buffer, p2.buffer);
      p1.fill(9);
      assert.deepEqual(p2, pt);
      assert.equal(toHex(a), expected);
    }
  });
});

describe('AES-SIV per-key memo of repeated short AD strings', () => {
  it('sequences reusing, mutating and near-miss AD strings at every position match @noble', () => {
    const base = Uint8Array.from({ length: 70 }, (_, i) => (i * 29 + 3) & 0xff);
    // Near misses of each other: same length differing in one byte (first/last), prefixes, around the 64-byte cap.
    const pool = [0, 1, 16, 24, 24, 24, 40, 63, 64, 64, 65].map((n, i) => {
      const a = base.slice(0, n);
      if (i === 4 && n > 0) a[n - 1] = a[n - 1]! ^ 1;
      if (i === 5 && n > 0) a[0] = a[0]! ^ 0x80;
      if (i === 9) a[63] = a[63]! ^ 2;
      return a;
    });
    const keys = [new Uint8Array(32).fill(1), new Uint8Array(64).fill(2)];
    const step = fc.record({
      key: fc.nat({ max: keys.length - 1 }),
      ad: fc.array(fc.nat({ max: pool.length - 1 }), { maxLength: 4 }),
      prefix: fc.boolean(),
      pt: fc.uint8Array({ maxLength: 80 }),
      mutate: fc.option(
        fc.tuple(fc.nat({ max: pool.length - 1 }), fc.nat(), fc.integer({ min: 1, max: 255 })),
      ),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        for (const s of steps) {
          if (s.mutate !== null) {
            // The caller scribbles on an AD buffer it used before (same object, new bytes): no stale CMAC.
            const [which, at, x] = s.mutate;
            const a = pool[which]!;
            if (a.length > 0) a[at % a.length] = a[at % a.length]! ^ x;
          }
          const key = keys[s.key]!;
          const ad = s.ad.map((i) => pool[i]!);
          const expected = toHex(aessiv(key, ...ad).encrypt(s.pt));
          const sealed =
            s.prefix && ad.length > 0
              ? aesSivSealWithPrefix(aesSivPrefix(key, ad[0]!), s.pt, ad.slice(1))
              : aesSivSeal(key, s.pt, ad);
          assert.equal(toHex(sealed), expected);
          assert.deepEqual(aesSivOpen(key, sealed, ad), s.pt);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('strings differing in any single byte, alternating at the same position, each get their own CMAC', () => {
    const key = new Uint8Array(32).fill(3);
    const pt = new Uint8Array(20).fill(1);
    for (const n of [1, 24, 64]) {
      const a = Uint8Array.from({ length: n }, (_, i) => i); // starts with 0 like a fresh memo slot
      for (let j = 0; j < n; j++) {
        const b = a.slice();
        b[j] = b[j]! ^ 0x40;
        for (const ad of [[a], [b], [a], [b, a], [a, b], [a, a], [b, b]]) {
          assert.equal(
            toHex(aesSivSeal(key, pt, ad)),
            toHex(aessiv(key, ...ad).encrypt(pt)),
            `n=${n} j=${j}`,
          );
        }
      }
    }
  });

  it('a call-wide salt is remembered but a different salt or key is never confused with it', () => {
    const key = new Uint8Array(32).fill(4);
    const other = new Uint8Array(32).fill(5);
    const salt = new Uint8Array(24).fill(6);
    const salt2 = salt.slice();
    salt2[23] = 7;
    const pre = aesSivPrefix(key, new Uint8Array(40).fill(8));
    const pt = new Uint8Array(64).fill(9);
    const a = aesSivSealWithPrefix(pre, pt, [salt]);
    aesSivSeal(other, pt, [new Uint8Array(40), salt2]); // fills the other key's memo with salt2
    const b = aesSivSealWithPrefix(pre, pt, [salt2]);
    assert.notDeepEqual(a, b);
    assert.deepEqual(aesSivSealWithPrefix(pre, pt, [salt]), a);
    assert.throws(() => aesSivOpenWithPrefix(pre, a, [salt2]), { name: 'CryptoError', code: 'AUTH_FAILED' });
    assert.deepEqual(aesSivOpenWithPrefix(pre, b, [salt2]), pt);
  });
});

describe('AES-SIV prefix API (fixed first AD string)', () => {
  it('aesSivSealWithPrefix/aesSivOpenWithPrefix equal the plain functions and @noble for any input', () => {
    fc.assert(
      fc.property(keyArb, bytesArb(300), adArb, bytesArb(400), (key, ad0, rest, pt) => {
        const prefix = aesSivPrefix(key, ad0);
        const sealed = aesSivSealWithPrefix(prefix, pt, rest);
        assert.equal(toHex(sealed), toHex(aesSivSeal(key, pt, [ad0, ...rest])));
        assert.equal(toHex(sealed), toHex(aessiv(key, ad0, ...rest).encrypt(pt)));
        assert.deepEqual(aesSivOpenWithPrefix(prefix, sealed, rest), pt);
        assert.deepEqual(aesSivOpen(key, sealed, [ad0, ...rest]), pt);
        const again = aesSivSealWithPrefix(prefix, pt, rest); // the prefix is reusable
        assert.deepEqual(again, sealed);
        assert.equal(Object.getPrototypeOf(sealed), Uint8Array.prototype);
      }),
      { numRuns: 400 },
    );
  });

  it('an empty ad0 and zero remaining strings behave like the plain API', () => {
    const key = new Uint8Array(32).fill(3);
    const pt = new TextEncoder().encode('io-shaped message');
    const p = aesSivPrefix(key, new Uint8Array(0));
    assert.deepEqual(aesSivSealWithPrefix(p, pt, []), aesSivSeal(key, pt, [new Uint8Array(0)]));
  });

  it('is independent of the caller later mutating the key or ad0 buffers', () => {
    const key = new Uint8Array(32).fill(8);
    const ad0 = new Uint8Array(40).fill(4);
    const pt = new Uint8Array(64).fill(2);
    const salt = new Uint8Array(24).fill(6);
    const expected = aesSivSeal(key, pt, [ad0, salt]);
    const p = aesSivPrefix(key, ad0);
    key.fill(0);
    ad0.fill(0);
    assert.deepEqual(aesSivSealWithPrefix(p, pt, [salt]), expected);
  });

  it('stays correct when interleaved with many other keys (its key state evicted from the cache)', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => 100 + i);
    const ad0 = new Uint8Array(33).fill(1);
    const salt = new Uint8Array(24).fill(2);
    const prefixes: AesSivPrefix[] = [aesSivPrefix(key, ad0)];
    const others = Array.from({ length: AES_SIV_KEY_CACHE_SIZE + 20 }, (_, i) =>
      Uint8Array.from({ length: 32 }, (_, j) => (i * 3 + j) & 0xff),
    );
    for (let round = 0; round < 3; round++) {
      for (const [i, k] of others.entries()) {
        const pt = new Uint8Array(i % 70).fill(i & 0xff);
        const sealed = aesSivSeal(k, pt, [salt]);
        const pre = prefixes[0]!;
        const v = aesSivSealWithPrefix(pre, pt, [salt]);
        assert.equal(toHex(v), toHex(aessiv(key, ad0, salt).encrypt(pt)));
        assert.deepEqual(aesSivOpenWithPrefix(pre, v, [salt]), pt);
        assert.deepEqual(aesSivOpen(k, sealed, [salt]), pt);
      }
      prefixes.push(aesSivPrefix(key, ad0)); // a second prefix for the same key agrees with the first
      assert.deepEqual(
        aesSivSealWithPrefix(prefixes[round + 1]!, salt, []),
        aesSivSealWithPrefix(prefixes[0]!, salt, []),
      );
    }
  });

  it('rejects tampering, a different ad0 or remaining AD, and short input, with the plain API error codes', () => {
    const key = new Uint8Array(32).fill(1);
    const ad0 = new Uint8Array(40).fill(7);
    const salt = new Uint8Array(24).fill(9);
    const pt = new TextEncoder().encode('a state value of some length, 64 bytes or so ............');
    const p = aesSivPrefix(key, ad0);
    const sealed = aesSivSealWithPrefix(p, pt, [salt]);
    const authFailed = { name: 'CryptoError', code: 'AUTH_FAILED' };
    for (let i = 0; i < sealed.length; i++) {
      const bad = sealed.slice();
      bad[i] = bad[i]! ^ 0x10;
      assert.throws(() => aesSivOpenWithPrefix(p, bad, [salt]), authFailed);
    }
    const otherAd0 = ad0.slice();
    otherAd0[39] = 0;
    assert.throws(() => aesSivOpenWithPrefix(aesSivPrefix(key, otherAd0), sealed, [salt]), authFailed);
    assert.throws(() => aesSivOpenWithPrefix(p, sealed, [salt.subarray(1)]), authFailed);
    assert.throws(() => aesSivOpenWithPrefix(p, sealed, []), authFailed);
    assert.throws(() => aesSivOpenWithPrefix(p, sealed.subarray(0, 15), [salt]), {
      name: 'CryptoError',
      code: 'TRUNCATED',
    });
    // Still fine after the failures (no state left behind by a failed open).
    assert.deepEqual(aesSivOpenWithPrefix(p, sealed, [salt]), pt);
  });

  it('rejects bad keys and objects that are not prefixes with typed errors, and never shows key state', () => {
    assert.throws(() => aesSivPrefix(new Uint8Array(16), new Uint8Array(1)), {
      name: 'CryptoError',
      code: 'BAD_KEY_LENGTH',
    });
    const fake = {} as AesSivPrefix;
    assert.throws(() => aesSivSealWithPrefix(fake, new Uint8Array(1), []), {
      name: 'CryptoError',
      code: 'BAD_KEY_LENGTH',
    });
    assert.throws(() => aesSivOpenWithPrefix(fake, new Uint8Array(32), []), {
      name: 'CryptoError',
      code: 'BAD_KEY_LENGTH',
    });
    const key = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
    const p = aesSivPrefix(key, new Uint8Array(8));
    assert.equal(inspect(p, { depth: 10, showHidden: true }), 'AesSivPrefix {}');
    assert.deepEqual(Object.keys(p), []);
    assert.equal(JSON.stringify(p), '{}');
  });
});
