import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  HmacSha256Key,
  hmacSha256Midstates,
  hmacSha256MidstatesOfWords,
  hmacSha256WithMidstates,
} from '../../src/compute/hmac-sha256.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const nodeHmac = (key: Uint8Array, data: Uint8Array): string =>
  createHmac('sha256', key).update(data).digest('hex');

/** Message lengths around SHA-256's padding edges (55/56 bytes into a block, block ends). */
const BOUNDARIES = [0, 1, 31, 32, 55, 56, 63, 64, 65, 119, 120, 127, 128, 183, 184, 255, 256, 300];

describe('hmac-sha256 with precomputed midstates', () => {
  it('RFC 4231 test cases 1-7 (case 5 truncated to 128 bits)', () => {
    const aa131 = new Uint8Array(131).fill(0xaa);
    const cases: [Uint8Array, Uint8Array, string][] = [
      [
        new Uint8Array(20).fill(0x0b),
        utf8('Hi There'),
        'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
      ],
      [
        utf8('Jefe'),
        utf8('what do ya want for nothing?'),
        '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      ],
      [
        new Uint8Array(20).fill(0xaa),
        new Uint8Array(50).fill(0xdd),
        '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
      ],
      [
        hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
        new Uint8Array(50).fill(0xcd),
        '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
      ],
      [new Uint8Array(20).fill(0x0c), utf8('Test With Truncation'), 'a3b6167473100ee06e0c796c2955552b'],
      [
        aa131,
        utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
        '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
      ],
      [
        aa131,
        utf8(
          'This is a test using a larger than block-size key and a larger than block-size data. The key needs ' +
            'to be hashed before being used by the HMAC algorithm.',
        ),
        '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
      ],
    ];
    for (const [i, [key, data, tag]] of cases.entries()) {
      const mac = toHex(new HmacSha256Key(key).mac(data));
      assert.equal(mac.slice(0, tag.length), tag, `case ${i + 1}`);
    }
  });

  it('equals node createHmac for random keys (0..200 bytes) and messages (0..300 bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 300 }), (key, data) => {
        assert.equal(toHex(new HmacSha256Key(key).mac(data)), nodeHmac(key, data));
      }),
      { numRuns: 500 },
    );
  });

  it('equals node createHmac at every padding boundary, for keys shorter, equal to and longer than a block', () => {
    for (const kl of [0, 1, 32, 63, 64, 65, 200]) {
      const key = Uint8Array.from({ length: kl }, (_, i) => (i * 7 + kl) & 0xff);
      const k = new HmacSha256Key(key);
      for (const n of BOUNDARIES) {
        const data = Uint8Array.from({ length: n }, (_, i) => (i * 13 + n) & 0xff);
        assert.equal(toHex(k.mac(data)), nodeHmac(key, data), `key ${kl}, message ${n}`);
      }
    }
  });

  it('one key MACs many messages; views and offsets read and write only their ranges', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.array(fc.uint8Array({ maxLength: 150 }), { minLength: 1, maxLength: 5 }),
        fc.nat({ max: 9 }),
        (key, msgs, pad) => {
          const mid = new Int32Array(16 + pad);
          hmacSha256Midstates(key, mid, pad);
          for (const m of msgs) {
            const buf = new Uint8Array(pad + m.length + 3).fill(0xee);
            buf.set(m, pad);
            const out = new Uint8Array(32 + 2 * pad).fill(0x77);
            hmacSha256WithMidstates(mid, pad, buf, pad, m.length, out, pad);
            assert.equal(toHex(out.subarray(pad, pad + 32)), nodeHmac(key, m));
            assert.ok(out.subarray(0, pad).every((b) => b === 0x77));
            assert.ok(out.subarray(pad + 32).every((b) => b === 0x77));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('midstates of a key given as words equal those of its bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 100 }),
        (k, m) => {
          const words = new Int32Array(8);
          for (let i = 0; i < 8; i++)
            words[i] = (k[4 * i]! << 24) | (k[4 * i + 1]! << 16) | (k[4 * i + 2]! << 8) | k[4 * i + 3]!;
          const a = new Int32Array(16);
          const b = new Int32Array(16);
          hmacSha256Midstates(k, a);
          hmacSha256MidstatesOfWords(words, 0, b);
          assert.deepEqual(a, b);
          const out = new Uint8Array(32);
          hmacSha256WithMidstates(b, 0, m, 0, m.length, out, 0);
          assert.equal(toHex(out), nodeHmac(k, m));
        },
      ),
      { numRuns: 100 },
    );
  });
});
