import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { VmError } from '../../../src/runtime/errors.js';
import { abort, debugPrint } from '../../../src/runtime/imports/debug.js';
import { checkGas, gasEvaporate } from '../../../src/runtime/imports/gas.js';
import { supportedImports } from '../../../src/runtime/imports/index.js';
import { harness } from '../helpers.js';

describe('debug / debug_print', () => {
  it('sends lossily decoded text to the sink and costs nothing', () => {
    const got: string[] = [];
    const h = harness('v1', { debug: (m) => got.push(m) });
    debugPrint(h.inst.env, h.region('hello'));
    debugPrint(h.inst.env, h.region(new Uint8Array([0x61, 0xff])));
    assert.deepEqual(got, ['hello', 'a\uFFFD']);
    assert.equal(h.gasUsed(), 0n);
  });
  it('is silent without a sink', () => {
    const h = harness('v0.10');
    debugPrint(h.inst.env, h.region('x'));
  });
});

describe('abort', () => {
  it('traps as "the contract panicked" keeping the panic text', () => {
    const h = harness('v1');
    assert.throws(
      () => abort(h.inst.env, h.region('panicked at x')),
      (e) =>
        e instanceof VmError &&
        e.kind === 'Runtime' &&
        e.message === 'the contract panicked' &&
        e.detail === 'Aborted: panicked at x',
    );
  });
});

describe('check_gas / gas_evaporate', () => {
  it('check_gas charges 8192 and returns used gas in SDK units', () => {
    const h = harness('v1');
    h.inst.env.charge(1_000_000n);
    assert.equal(checkGas(h.inst.env), 1008n); // (1,000,000 + 8,192) / 1000
    assert.equal(h.gasUsed(), 1_008_192n);
  });
  it('gas_evaporate burns amount × 1000 with an 8000 minimum and returns 0', () => {
    const h = harness('v1');
    assert.equal(gasEvaporate(h.inst.env, 1), 0);
    assert.equal(h.gasUsed(), 8000n);
    assert.equal(gasEvaporate(h.inst.env, 100), 0);
    assert.equal(h.gasUsed(), 108_000n);
  });
  it('host-side exhaustion drops the budget to 0 and throws OutOfGasError(limit)', () => {
    const h = harness('v1', { gasLimit: 10_000n });
    assert.throws(() => gasEvaporate(h.inst.env, 11), {
      name: 'OutOfGasError',
      kind: 'GasDepletion',
      gasUsed: 10_000n,
    });
    assert.equal(h.inst.env.gasRemaining(), 0n);
  });
});

describe('import tables', () => {
  it('link Secret v0.10 and v1 names', () => {
    const v010 = supportedImports('v0.10');
    const v1 = supportedImports('v1');
    for (const n of [
      'canonicalize_address',
      'humanize_address',
      'debug_print',
      'secp256k1_sign',
      'ed25519_sign',
    ])
      assert.ok(v010.includes(n), n);
    for (const n of [
      'addr_validate',
      'addr_canonicalize',
      'addr_humanize',
      'debug',
      'check_gas',
      'gas_evaporate',
      'abort',
    ])
      assert.ok(v1.includes(n), n);
    assert.ok(!v010.includes('addr_validate'));
    assert.ok(!v1.includes('canonicalize_address'));
  });
});
