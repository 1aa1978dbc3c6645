import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  SHA256_BLOCK,
  sha256CompressWords,
  sha256Finish,
  sha256Init,
  sha256Schedule,
  sha256WordsToBytes,
} from '../../src/compute/sha256-block.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** SHA-256 of `data` through the block functions (from H(0)). */
function digest(data: Uint8Array): string {
  const st = new Int32Array(8);
  sha256Init(st, 0);
  sha256Finish(st, 0, 0, data, 0, data.length);
  const out = new Uint8Array(32);
  sha256WordsToBytes(st, 0, out, 0);
  return toHex(out);
}

const nodeSha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Lengths where the padding changes shape: the length field just fits (55) or spills (56), block ends. */
const BOUNDARIES = [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 183, 184, 191, 192];

describe('sha256-block', () => {
  it('FIPS 180-4 example vectors: "", "abc", the 448-bit message, a million "a"', () => {
    const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
    assert.equal(digest(utf8('')), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(digest(utf8('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(
      digest(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')),
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    assert.equal(
      digest(new Uint8Array(1_000_000).fill(0x61)),
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('equals node createHash at every padding boundary', () => {
    for (const n of BOUNDARIES) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      assert.equal(digest(data), nodeSha(data), `length ${n}`);
    }
  });

  it('equals node createHash on random messages of 0..300 bytes (offset views too)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 7 }), (data, skip) => {
        const off = Math.min(skip, data.length);
        assert.equal(digest(data), nodeSha(data));
        const st = new Int32Array(12);
        sha256Init(st, 3);
        sha256Finish(st, 3, 0, data, off, data.length - off);
        const out = new Uint8Array(40);
        sha256WordsToBytes(st, 3, out, 5);
        assert.equal(toHex(out.subarray(5, 37)), nodeSha(data.subarray(off)));
      }),
      { numRuns: 300 },
    );
  });

  it('resumes from a midstate: compress the first blocks, finish the rest with the prefix length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 300 }), (data) => {
        const blocks = Math.floor(data.length / SHA256_BLOCK);
        const k = 1 + (data.length % blocks);
        const st = new Int32Array(8);
        sha256Init(st, 0);
        for (let b = 0; b < k; b++) {
          for (let i = 0; i < 16; i++) {
            const o = b * SHA256_BLOCK + 4 * i;
            sha256Schedule[i] = (data[o]! << 24) | (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]!;
          }
          sha256CompressWords(st, 0);
        }
        const p = k * SHA256_BLOCK;
        sha256Finish(st, 0, p, data, p, data.length - p);
        const out = new Uint8Array(32);
        sha256WordsToBytes(st, 0, out, 0);
        assert.equal(toHex(out), nodeSha(data));
      }),
      { numRuns: 200 },
    );
  });
});
