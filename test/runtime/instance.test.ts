import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { SECRET_GAS_CONFIG } from '../../src/runtime/gas.js';
import type { CompiledContract } from '../../src/runtime/instance.js';
import { ContractInstance } from '../../src/runtime/instance.js';
import { INSTRUMENT_GLOBALS } from '../../src/runtime/wasm/index.js';
import { wat } from './helpers.js';

// Data in chunks 0, 2 and 9 (4 KiB chunks), zeros elsewhere; two mutable globals exported like the instrumentation does.
const bytes = wat(`(module
  (memory (export "memory") 3)
  (global $a (export "__sc_global_0") (mut i32) (i32.const 11))
  (global $b (export "__sc_global_1") (mut i64) (i64.const 22))
  (data (i32.const 100) "head")
  (data (i32.const 9000) "middle")
  (data (i32.const 40000) "tail")
  (func (export "allocate") (param i32) (result i32) (i32.const 0))
  (func (export "deallocate") (param i32)))`);

const compiled: CompiledContract = {
  codeHashHex: '00',
  module: new WebAssembly.Module(bytes),
  apiVersion: 'v1',
  requiresRandom: false,
  hasFloats: false,
  globals: {
    gasRemaining: 'none',
    trapReason: 'none',
    stackUsed: 'none',
    mutableGlobalPrefix: INSTRUMENT_GLOBALS.mutableGlobalPrefix,
  },
  reusable: true,
};

describe('ContractInstance snapshot / restore', () => {
  const pristine = ContractInstance.create(compiled, SECRET_GAS_CONFIG);
  const image = new Uint8Array(pristine.memory.buffer).slice();

  it('property: after arbitrary writes and global changes, restore equals a fresh instance', () => {
    const inst = ContractInstance.create(compiled, SECRET_GAS_CONFIG);
    const snap = inst.snapshot();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(3 * 65536 - 1), fc.integer({ min: 1, max: 255 })), { maxLength: 200 }),
        fc.integer(),
        (writes, g) => {
          const mem = new Uint8Array(inst.memory.buffer);
          for (const [at, v] of writes) mem[at] = v;
          (inst as unknown as { stateGlobals: WebAssembly.Global[] }).stateGlobals.forEach((gl, i) => {
            gl.value = i === 0 ? g : BigInt(g);
          });
          assert.equal(inst.restore(snap), true);
          assert.deepEqual(new Uint8Array(inst.memory.buffer), image);
          const exports = (inst as unknown as { exportsObj: Record<string, WebAssembly.Global> }).exportsObj;
          assert.equal(exports['__sc_global_0']!.value, 11);
          assert.equal(exports['__sc_global_1']!.value, 22n);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses to restore after memory growth or a trap', () => {
    const inst = ContractInstance.create(compiled, SECRET_GAS_CONFIG);
    const snap = inst.snapshot();
    inst.memory.grow(1);
    assert.equal(inst.restore(snap), false);
    const other = ContractInstance.create(compiled, SECRET_GAS_CONFIG);
    other.poisoned = true;
    assert.equal(other.restore(snap), false);
  });

  it('stores only non-zero chunks', () => {
    const snap = pristine.snapshot();
    assert.deepEqual(
      snap.segments.map((s) => [s.offset, s.bytes.length]),
      [
        [0, 4096],
        [8192, 4096],
        [36864, 4096],
      ],
    );
  });
});
