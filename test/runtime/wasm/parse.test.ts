import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { VmError } from '../../../src/runtime/errors.js';
import {
  checkWasm,
  instrument,
  parseModule,
  SECRET_GAS_COSTS,
  SectionId,
} from '../../../src/runtime/wasm/index.js';
import { Reader, WasmDecodeError } from '../../../src/runtime/wasm/reader.js';
import { contract, wat } from './wat.js';

const isStatic = (pattern?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof VmError, `expected VmError, got ${String(err)}`);
  assert.equal(err.kind, 'StaticValidation');
  if (pattern !== undefined) assert.match(err.message, pattern);
  return true;
};

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const module = (...sections: number[][]) => new Uint8Array([...HEADER, ...sections.flat()]);

describe('Reader LEB128', () => {
  const read = (bytes: number[], f: (r: Reader) => number) => f(new Reader(new Uint8Array(bytes)));

  it('decodes u32 edge values', () => {
    assert.equal(
      read([0x00], (r) => r.u32()),
      0,
    );
    assert.equal(
      read([0x7f], (r) => r.u32()),
      127,
    );
    assert.equal(
      read([0x80, 0x01], (r) => r.u32()),
      128,
    );
    assert.equal(
      read([0xff, 0xff, 0xff, 0xff, 0x0f], (r) => r.u32()),
      0xffffffff,
    );
    assert.equal(
      read([0x80, 0x80, 0x80, 0x80, 0x00], (r) => r.u32()),
      0,
    ); // padded zero is valid
  });

  it('rejects u32 that are too long, out of range or truncated', () => {
    const bad = [[0xff, 0xff, 0xff, 0xff, 0x1f], [0x80, 0x80, 0x80, 0x80, 0x80, 0x00], [0x80], []];
    for (const b of bad) assert.throws(() => read(b, (r) => r.u32()), WasmDecodeError);
  });

  it('decodes and bounds signed integers', () => {
    assert.equal(
      read([0x7f], (r) => r.s32()),
      -1,
    );
    assert.equal(
      read([0x40], (r) => r.s33()),
      -64,
    );
    assert.equal(
      read([0x80, 0x7f], (r) => r.s32()),
      -128,
    );
    assert.equal(
      read([0xff, 0xff, 0xff, 0xff, 0x07], (r) => r.s32()),
      2 ** 31 - 1,
    );
    assert.equal(
      read([0x80, 0x80, 0x80, 0x80, 0x78], (r) => r.s32()),
      -(2 ** 31),
    );
    assert.throws(() => read([0xff, 0xff, 0xff, 0xff, 0x0f], (r) => r.s32()), /out of range/); // 2^32-1 as s32
    assert.throws(() => read([0x80, 0x80, 0x80, 0x80, 0x80, 0x00], (r) => r.s32()), /too long/);
    assert.equal(
      read([0xff, 0xff, 0xff, 0xff, 0x0f], (r) => r.s33()),
      2 ** 32 - 1,
    );
    const s64max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
    assert.equal(read(s64max, (r) => r.s64()) > 0, true);
    assert.throws(() => read([...s64max.slice(0, 9), 0x01], (r) => r.s64()), /out of range/);
  });
});

describe('parseModule', () => {
  it('decodes sections of a contract', () => {
    const bytes = contract({
      imports: ['db_read'],
      extra:
        '(global $g (mut i32) (i32.const 5)) (table 1 funcref) (elem (i32.const 0) 1) (data (i32.const 8) "hi")',
    });
    const m = parseModule(bytes);
    assert.equal(m.importedFuncCount, 1);
    assert.equal(m.funcTypes.length, 5);
    assert.equal(m.bodies.length, 4);
    assert.deepEqual(m.memories, [{ min: 17, max: undefined }]);
    assert.deepEqual(m.definedGlobalMutable, [true]);
    assert.equal(m.tables.length, 1);
    assert.deepEqual(
      m.exports.map((e) => e.name),
      ['interface_version_8', 'allocate', 'deallocate', 'instantiate'],
    );
    assert.deepEqual(
      m.sections.map((s) => s.id),
      [
        SectionId.type,
        SectionId.import,
        SectionId.function,
        SectionId.table,
        SectionId.memory,
        SectionId.global,
        SectionId.export,
        SectionId.element,
        SectionId.code,
        SectionId.data,
      ],
    );
  });

  it('keeps custom sections with their names', () => {
    const custom = [0x00, 0x06, 0x04, ...new TextEncoder().encode('note'), 0x2a];
    const m = parseModule(module(custom));
    assert.equal(m.customSections.length, 1);
    assert.equal(m.customSections[0]?.name, 'note');
  });

  it('decodes bulk memory, sign extension, saturating conversions and multi-value blocks', () => {
    const bytes = wat(`(module (memory 1) (data $d "abc")
      (func (param i32) (result i32 i32)
        (memory.init $d (i32.const 0) (i32.const 0) (i32.const 3)) (data.drop $d)
        (memory.copy (i32.const 0) (i32.const 1) (i32.const 1)) (memory.fill (i32.const 0) (i32.const 0) (i32.const 1))
        (i32.extend8_s (local.get 0)) (i32.const 1)
        (block (param i32 i32) (result i32 i32)))
      (func (result i64) (i64.trunc_sat_f32_u (f32.const 1))))`);
    const m = parseModule(bytes);
    assert.equal(m.bodies.length, 2);
    assert.equal(m.hasFloats, true);
    assert.equal(m.dataCount, 1);
  });

  const rejects: [string, Uint8Array, RegExp][] = [
    ['empty input', new Uint8Array(0), /too short/],
    ['bad magic', new Uint8Array([1, 2, 3, 4, 1, 0, 0, 0]), /magic/],
    ['bad version', new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), /version/],
    ['unknown section id', module([0x0e, 0x00]), /unknown section id 14/],
    ['section longer than module', module([0x01, 0x05, 0x00]), /exceeds module length/],
    ['truncated LEB section size', module([0x01, 0x80]), /LEB128/],
    ['out of order sections', module([0x03, 0x01, 0x00], [0x01, 0x01, 0x00]), /out of order/],
    ['duplicate sections', module([0x01, 0x01, 0x00], [0x01, 0x01, 0x00]), /out of order or duplicated/],
    ['trailing bytes in a section', module([0x01, 0x02, 0x00, 0x00]), /trailing bytes/],
    ['huge vector length', module([0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f]), /vector length/],
    ['bad value type', module([0x01, 0x04, 0x01, 0x60, 0x01, 0x01]), /invalid value type/],
    [
      'function without code',
      module([0x01, 0x04, 0x01, 0x60, 0x00, 0x00], [0x03, 0x02, 0x01, 0x00]),
      /inconsistent lengths/,
    ],
    ['function type out of range', module([0x03, 0x02, 0x01, 0x05]), /out of range/],
    ['tag section (exceptions)', module([0x0d, 0x00]), /exception handling/],
    ['shared memory (threads)', module([0x05, 0x04, 0x01, 0x03, 0x01, 0x01]), /threads/],
    ['memory64', module([0x05, 0x03, 0x01, 0x04, 0x01]), /64-bit memories/],
    ['invalid UTF-8 name', module([0x00, 0x02, 0x01, 0xff]), /UTF-8/],
  ];
  for (const [name, bytes, pattern] of rejects) {
    it(`rejects ${name}`, () => assert.throws(() => parseModule(bytes), isStatic(pattern)));
  }

  /** One function `() -> ()` with the given body bytes (without the final end). */
  const withBody = (code: number[], locals: number[] = [0x00]) => {
    const body = [...locals, ...code, 0x0b];
    return module(
      [0x01, 0x04, 0x01, 0x60, 0x00, 0x00],
      [0x03, 0x02, 0x01, 0x00],
      [0x05, 0x03, 0x01, 0x00, 0x01],
      [0x0a, body.length + 2, 0x01, body.length, ...body],
    );
  };

  const features: [string, number[], RegExp, number[]?][] = [
    ['SIMD', [0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x1a], /SIMD instructions are not supported/],
    ['v128 locals', [], /SIMD/, [0x01, 0x01, 0x7b]],
    [
      'atomics',
      [0x41, 0x00, 0xfe, 0x10, 0x02, 0x00, 0x1a],
      /threads \(atomic\) instructions are not supported/,
    ],
    ['ref.null', [0xd0, 0x70, 0x1a], /reference types are not supported/],
    ['typed select', [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x1c, 0x01, 0x7f, 0x1a], /reference types/],
    ['table.size', [0xfc, 0x10, 0x00, 0x1a], /reference types are not supported \(table\.size\)/],
    ['externref locals', [], /reference types/, [0x01, 0x01, 0x6f]],
    ['try', [0x06, 0x40, 0x0b], /exception handling instructions are not supported/],
    ['return_call', [0x12, 0x00], /tail calls are not supported/],
    ['call_ref', [0x14, 0x00], /typed function references/],
    ['memory index in memarg', [0x41, 0x00, 0x28, 0x42, 0x01, 0x00, 0x1a], /multiple memories/],
    ['memory.size of memory 1', [0x3f, 0x01, 0x1a], /multiple memories/],
    ['unknown opcode', [0xc5], /unknown opcode 0xc5/],
    ['unknown 0xfc opcode', [0xfc, 0x20], /unknown opcode 0xfc 0x20/],
    ['missing end', [0x02, 0x40], /end/],
  ];
  for (const [name, code, pattern, locals] of features) {
    it(`rejects ${name} in function bodies, naming the feature`, () => {
      assert.throws(() => parseModule(withBody(code, locals)), isStatic(pattern));
      assert.throws(() => checkWasm(withBody(code, locals), { phase: 'store' }), isStatic(pattern));
    });
  }

  it('rejects operators after the final end', () => {
    const body = [0x00, 0x0b, 0x01];
    const bytes = module(
      [0x01, 0x04, 0x01, 0x60, 0x00, 0x00],
      [0x03, 0x02, 0x01, 0x00],
      [0x0a, body.length + 2, 0x01, body.length, ...body],
    );
    assert.throws(() => parseModule(bytes), isStatic(/after the end of the function/));
  });

  it('decodes a valid hand-built body', () => {
    assert.equal(parseModule(withBody([0x01, 0x02, 0x40, 0x0b])).bodies.length, 1);
  });
});

describe('malformed input fuzzing', () => {
  const base = contract({
    imports: ['db_read', 'db_write'],
    extra: `(global $g (mut i32) (i32.const 5)) (table 2 funcref) (elem (i32.const 0) 1 2) (data (i32.const 8) "hello")
      (func (param i32) (result i32) (local i64)
        (drop (block (result i32) (loop (br_if 1 (i32.const 7) (local.get 0)) (br 0)) (i32.const 0)))
        (block (br_table 0 0 (i32.const 0)))
        (drop (memory.grow (i32.const 1)))
        (drop (call_indirect (param i32) (result i32) (i32.const 0) (i32.const 0)))
        (i64.store offset=4 (i32.const 0) (i64.const -1))
        (local.get 0))`,
  });

  /** Only VmError may escape, from every entry point. */
  const onlyVmErrors = (bytes: Uint8Array) => {
    for (const f of [
      () => parseModule(bytes),
      () => checkWasm(bytes, { phase: 'store' }),
      () => checkWasm(bytes, { phase: 'instantiate' }),
      () => instrument(bytes, { costs: SECRET_GAS_COSTS, maxStackSlots: 1000, maxMemoryPages: 192 }),
    ]) {
      try {
        f();
      } catch (err) {
        if (!(err instanceof VmError)) throw new Error(`non-VmError escaped: ${String(err)}`, { cause: err });
      }
    }
  };

  it('random byte mutations never throw anything but VmError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(base.length - 1), value: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        (mutations) => {
          const bytes = base.slice();
          for (const { at, value } of mutations) bytes[at] = value;
          onlyVmErrors(bytes);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('every truncation inside a section gives a VmError', () => {
    // Cutting exactly at a section boundary may leave a well-formed (smaller) module.
    const boundaries = new Set([8, ...parseModule(base).sections.map((s) => s.end)]);
    for (let len = 0; len < base.length; len++) {
      const bytes = base.subarray(0, len);
      if (!boundaries.has(len)) assert.throws(() => parseModule(bytes), isStatic());
      onlyVmErrors(bytes);
    }
  });

  it('random bytes after a valid header never throw anything but VmError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) =>
        onlyVmErrors(new Uint8Array([...HEADER, ...tail])),
      ),
      { numRuns: 1500 },
    );
  });
});
