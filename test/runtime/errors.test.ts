import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ENCLAVE_ERROR, OutOfGasError, toVmError, VmError } from '../../src/runtime/errors.js';
import { wat } from './helpers.js';

/** Runs a one-function module and returns what it threw. */
function trapOf(body: string, extra = ''): unknown {
  const m = new WebAssembly.Instance(
    new WebAssembly.Module(wat(`(module (table 1 funcref) ${extra} (func (export "f") ${body}))`)),
  );
  try {
    (m.exports['f'] as () => void)();
  } catch (e) {
    return e;
  }
  throw new Error('did not trap');
}

describe('engine traps map to Secret enclave displays', () => {
  const cases: [string, string, string?][] = [
    ['unreachable', ENCLAVE_ERROR.panicked],
    ['(drop (i32.load (i32.const -1)))', ENCLAVE_ERROR.memoryOutOfBounds, '(memory 1)'],
    ['(drop (i32.div_s (i32.const 1) (i32.const 0)))', ENCLAVE_ERROR.divisionByZero],
    ['(drop (i32.rem_u (i32.const 1) (i32.const 0)))', ENCLAVE_ERROR.divisionByZero],
    ['(drop (i32.div_s (i32.const -2147483648) (i32.const -1)))', ENCLAVE_ERROR.panicked],
    ['(drop (i32.trunc_f64_s (f64.const 1e30)))', ENCLAVE_ERROR.invalidConversionToInt],
    ['(call_indirect (i32.const 0))', ENCLAVE_ERROR.unexpectedSignature],
    ['(call_indirect (i32.const 5))', ENCLAVE_ERROR.failedFunctionCall],
  ];
  for (const [body, display, extra] of cases) {
    it(`${body} → "${display}"`, () => {
      const e = toVmError(trapOf(body, extra));
      assert.equal(e.kind, 'Runtime');
      assert.equal(e.message, display);
      assert.ok(e.cause instanceof WebAssembly.RuntimeError);
    });
  }
  it('engine stack exhaustion (RangeError) → StackOverflow', () => {
    const e = toVmError(trapOf('(call 0)'));
    assert.equal(e.kind, 'StackOverflow');
    assert.equal(e.message, ENCLAVE_ERROR.stackOverflow);
  });
  it('VmErrors pass through; anything else is a Backend failure with its cause', () => {
    const oog = new OutOfGasError(5n);
    assert.equal(toVmError(oog), oog);
    const boom = new Error('x');
    const e = toVmError(boom);
    assert.ok(e instanceof VmError);
    assert.equal(e.kind, 'Backend');
    assert.equal(e.cause, boom);
  });
});
