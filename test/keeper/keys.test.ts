import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  codeKey,
  contractByCodeIdKey,
  contractHistoryKey,
  contractLabelKey,
  contractStorePrefix,
  KEY_LAST_CODE_ID,
  KEY_LAST_INSTANCE_ID,
  PARAMS_KEY,
  prefixEnd,
  randomKey,
} from '../../src/keeper/keys.js';
import { atomicsToDec, compileGas, decToAtomics } from '../../src/keeper/params.js';

const hex = (b: Uint8Array | undefined) => (b === undefined ? 'undefined' : Buffer.from(b).toString('hex'));

describe('store layout (spec §1.6)', () => {
  it('encodes every key byte for byte', () => {
    const addr = new Uint8Array(20).fill(0xab);
    assert.equal(hex(codeKey(1n)), '010000000000000001');
    assert.equal(hex(contractStorePrefix(addr)), `03${'ab'.repeat(20)}`);
    assert.equal(hex(KEY_LAST_CODE_ID), `04${Buffer.from('lastCodeId').toString('hex')}`);
    assert.equal(hex(KEY_LAST_INSTANCE_ID), `04${Buffer.from('lastContractId').toString('hex')}`);
    assert.equal(hex(contractLabelKey('my label')), `07${Buffer.from('my label').toString('hex')}`);
    assert.equal(hex(contractHistoryKey(addr, 2n)), `09${'ab'.repeat(20)}0000000000000002`);
    assert.equal(
      hex(contractByCodeIdKey(3n, 4n, 5n, addr)),
      `0a000000000000000300000000000000040000000000000005${'ab'.repeat(20)}`,
    );
    assert.equal(hex(PARAMS_KEY), '0b');
    // the block random is keyed little-endian, as Secret's SetRandomSeed writes it
    assert.equal(hex(randomKey(0x0102n)), 'ff0201000000000000');
  });

  it('codeKey is 0x01 ‖ BE64(id) on both sides of the 32-bit fast path, wrapping like setBigUint64', () => {
    for (const id of [
      0n,
      1n,
      0xffn,
      0x0102_0304n,
      0xffff_ffffn,
      0x1_0000_0000n,
      0x0102_0304_0506_0708n,
      2n ** 64n - 1n,
    ]) {
      const dv = new DataView(new ArrayBuffer(8));
      dv.setBigUint64(0, id, false);
      assert.equal(hex(codeKey(id)), '01' + hex(new Uint8Array(dv.buffer)), `id ${id}`);
    }
    const dv = new DataView(new ArrayBuffer(8));
    dv.setBigUint64(0, -1n, false);
    assert.equal(hex(codeKey(-1n)), '01' + hex(new Uint8Array(dv.buffer)));
  });

  it('prefixEnd is the exclusive upper bound of a prefix', () => {
    assert.equal(hex(prefixEnd(Uint8Array.of(0x03, 0xff))), '04');
    assert.equal(hex(prefixEnd(Uint8Array.of(0x0a, 0x01))), '0a02');
    assert.equal(prefixEnd(Uint8Array.of(0xff, 0xff)), undefined);
  });
});

describe('params', () => {
  it('LegacyDec round trip and compile cost truncation', () => {
    assert.equal(decToAtomics('0.8'), 800_000_000_000_000_000n);
    assert.equal(atomicsToDec(800_000_000_000_000_000n), '0.800000000000000000');
    assert.equal(compileGas({ compileCost: '0.8', maxContractSize: 1n }, 3), 2n);
    assert.throws(() => decToAtomics('-1'), { name: 'ComputeError', code: 13 });
    assert.throws(() => decToAtomics('1e3'), { name: 'ComputeError', code: 13 });
  });
});
