import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { CommunicationError } from '../../src/runtime/errors.js';
import {
  readRegion,
  readRegionStruct,
  readRegionUtf8,
  utf8Length,
  writeRegion,
  writeRegionUtf8,
} from '../../src/runtime/memory.js';
import { harness } from './helpers.js';

const isComm =
  (detail: RegExp, message = 'failed to read memory') =>
  (e: unknown) =>
    e instanceof CommunicationError &&
    e.kind === 'Communication' &&
    e.message === message &&
    detail.test(e.detail ?? '');

describe('Region memory', () => {
  it('round-trips bytes through a Region', () => {
    const h = harness('v1');
    const ptr = h.region('hello');
    assert.deepEqual(readRegionStruct(h.inst.memory, ptr), { offset: ptr + 12, capacity: 5, length: 5 });
    assert.equal(h.readStr(ptr), 'hello');
  });

  it('property: any bytes written are read back identically', () => {
    const h = harness('v1');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const ptr = h.region(data);
        assert.deepEqual(readRegion(h.inst.memory, ptr, 300), data);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects a null Region pointer', () => {
    const h = harness('v1');
    assert.throws(() => readRegion(h.inst.memory, 0, 10), isComm(/could not be dereferenced/));
  });

  it('rejects a Region struct beyond memory, including u32-wrapping pointers', () => {
    const h = harness('v1');
    const size = h.inst.memory.buffer.byteLength;
    assert.throws(() => readRegion(h.inst.memory, size - 4, 10), isComm(/could not be dereferenced/));
    assert.throws(() => readRegion(h.inst.memory, -1, 10), isComm(/could not be dereferenced/));
  });

  it('rejects a zero offset', () => {
    const h = harness('v1');
    assert.throws(
      () => readRegion(h.inst.memory, h.rawRegion(0, 10, 5), 10),
      isComm(/Got a zero Wasm address in the offset/),
    );
  });

  it('rejects length > capacity', () => {
    const h = harness('v1');
    assert.throws(
      () => readRegion(h.inst.memory, h.rawRegion(2000, 4, 5), 10),
      isComm(/Region length exceeds capacity. Length 5, capacity 4/),
    );
  });

  it('rejects offset + capacity overflowing u32', () => {
    const h = harness('v1');
    assert.throws(
      () => readRegion(h.inst.memory, h.rawRegion(0xffff_fff0, 0x20, 1), 10),
      isComm(/Region exceeds address space. Offset 4294967280, capacity 32/),
    );
  });

  it('rejects data outside memory', () => {
    const h = harness('v1');
    const size = h.inst.memory.buffer.byteLength;
    assert.throws(
      () => readRegion(h.inst.memory, h.rawRegion(size - 2, 4, 4), 10),
      isComm(/Tried to access memory of region/),
    );
  });

  it('rejects a length above the per-import limit before copying', () => {
    const h = harness('v1');
    const ptr = h.region(new Uint8Array(11));
    assert.throws(
      () => readRegion(h.inst.memory, ptr, 10),
      isComm(/Region length too big. Got 11, limit 10/),
    );
  });

  it('readRegionUtf8: strict decode straight from memory, same limit check as readRegion', () => {
    const h = harness('v1');
    assert.equal(readRegionUtf8(h.inst.memory, h.region('héllo \u{1F600}'), 100), 'héllo \u{1F600}');
    assert.equal(readRegionUtf8(h.inst.memory, h.region(new Uint8Array([0x61, 0xc3])), 100), undefined);
    assert.throws(
      () => readRegionUtf8(h.inst.memory, h.region(new Uint8Array(11)), 10),
      isComm(/Region length too big. Got 11, limit 10/),
    );
    assert.throws(() => readRegionUtf8(h.inst.memory, 0, 10), isComm(/could not be dereferenced/));
  });

  it('writes need enough capacity and set the length', () => {
    const h = harness('v1');
    const ptr = h.out(4);
    writeRegion(h.inst.memory, ptr, new Uint8Array([1, 2, 3]));
    assert.deepEqual(h.read(ptr), new Uint8Array([1, 2, 3]));
    assert.throws(
      () => writeRegion(h.inst.memory, ptr, new Uint8Array(5)),
      isComm(/Region too small. Got 4, required 5/, 'failed to write memory'),
    );
    assert.throws(
      () => writeRegion(h.inst.memory, 0, new Uint8Array(1)),
      isComm(/could not be dereferenced/, 'failed to write memory'),
    );
  });

  it('readRegionUtf8 decodes every call afresh in effect: same-length texts, repeats, invalid UTF-8', () => {
    const h = harness('v1');
    const inputs: (string | Uint8Array)[] = ['secret1aaaa', 'secret1aaab', 'secret1aaab', 'secret1aaaa', ''];
    inputs.push(
      Uint8Array.of(0x61, 0xff),
      Uint8Array.of(0x61, 0xff),
      'a\u00ff',
      'x'.repeat(200),
      'x'.repeat(200),
    );
    for (const input of [...inputs, ...inputs]) {
      const ptr = h.region(input);
      const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
      const expected = typeof input === 'string' ? input : undefined;
      assert.equal(readRegionUtf8(h.inst.memory, ptr, 1024), expected);
      // the same Region rewritten in place (same length, other bytes) is read anew
      if (bytes.length > 0) {
        const region = readRegionStruct(h.inst.memory, ptr);
        new Uint8Array(h.inst.memory.buffer)[region.offset] = 0x5a;
        const changed = Uint8Array.from(bytes);
        changed[0] = 0x5a;
        let want: string | undefined;
        try {
          want = new TextDecoder('utf-8', { fatal: true }).decode(changed);
        } catch {
          want = undefined;
        }
        assert.equal(readRegionUtf8(h.inst.memory, ptr, 1024), want);
      }
    }
  });

  it('never uses a stale buffer after memory.grow', () => {
    const h = harness('v1');
    const ptr = h.region('before');
    h.inst.memory.grow(1);
    assert.equal(h.readStr(ptr), 'before');
    writeRegion(h.inst.memory, h.out(5), new Uint8Array(5));
    // a Region in the grown page, read right after a read of the old size: the new page is visible
    const memory = h.inst.memory;
    const top = memory.buffer.byteLength;
    assert.equal(h.readStr(ptr), 'before');
    memory.grow(1);
    const view = new DataView(memory.buffer);
    view.setUint32(top, top + 16, true);
    view.setUint32(top + 4, 3, true);
    view.setUint32(top + 8, 3, true);
    new Uint8Array(memory.buffer).set([0x61, 0x62, 0x63], top + 16);
    assert.deepEqual(readRegion(memory, top, 3), Uint8Array.of(0x61, 0x62, 0x63));
  });

  // Strings that stress the encoder: ASCII, 2/3/4-byte UTF-8, lone and reversed surrogates (→ U+FFFD), NUL.
  const TRICKY = [
    '',
    '{"chain_id":"secret-4"}',
    'ÿé中文',
    '\u{1F600}\u{10FFFF}x',
    'a\uD800b',
    '\uDC00\uD800',
    'end\uD83D',
    '\u0000\u007f\u0080\u07ff\u0800\uffff',
  ];

  it('writeRegionUtf8 writes exactly the bytes Buffer.from / TextEncoder produce, and the length', () => {
    const h = harness('v1');
    const check = (s: string): void => {
      const expected = new Uint8Array(Buffer.from(s, 'utf8'));
      assert.deepEqual(new TextEncoder().encode(s), expected);
      assert.equal(utf8Length(s), expected.length);
      const ptr = h.out(expected.length + 3);
      writeRegionUtf8(h.inst.memory, ptr, s, utf8Length(s));
      assert.deepEqual(h.read(ptr), expected);
      assert.equal(readRegionStruct(h.inst.memory, ptr).length, expected.length);
    };
    for (const s of TRICKY) check(s);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 80 }),
          fc.string({ unit: 'binary', maxLength: 80 }),
          fc.string({ unit: fc.constantFrom('a', '\uD800', '\uDFFF', '\u{1F600}', 'é', '"'), maxLength: 40 }),
        ),
        check,
      ),
      { numRuns: 300 },
    );
  });

  it('Environment.writeUtf8ToContract: same Region and bytes as writeToContract of the encoded string', () => {
    const a = harness('v1');
    const b = harness('v1');
    for (const s of TRICKY) {
      const pa = a.inst.env.writeUtf8ToContract(s);
      const pb = b.inst.env.writeToContract(new Uint8Array(Buffer.from(s, 'utf8')));
      assert.equal(pa, pb);
      assert.deepEqual(readRegionStruct(a.inst.memory, pa), readRegionStruct(b.inst.memory, pb));
      assert.deepEqual(a.read(pa), b.read(pb));
    }
    assert.deepEqual(new Uint8Array(a.inst.memory.buffer), new Uint8Array(b.inst.memory.buffer));
  });

  it("writeRegionUtf8 keeps writeRegion's capacity and pointer checks", () => {
    const h = harness('v1');
    const ptr = h.out(4);
    assert.throws(
      () => writeRegionUtf8(h.inst.memory, ptr, 'héllo', utf8Length('héllo')),
      isComm(/Region too small. Got 4, required 6/, 'failed to write memory'),
    );
    assert.throws(
      () => writeRegionUtf8(h.inst.memory, 0, 'x', 1),
      isComm(/could not be dereferenced/, 'failed to write memory'),
    );
    // A byte length that is not the string's never leaves a truncated string behind as if complete.
    assert.throws(
      () => writeRegionUtf8(h.inst.memory, ptr, 'é', 1),
      isComm(/UTF-8 length mismatch/, 'failed to write memory'),
    );
  });
});
