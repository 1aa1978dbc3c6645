import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CommunicationError, VmError } from '../../../src/runtime/errors.js';
import { COSMWASM_GAS_CONFIG } from '../../../src/runtime/gas.js';
import { dbIterationUnsupported, dbRead, dbRemove, dbWrite } from '../../../src/runtime/imports/db.js';
import { COSMWASM_MOCK_STORAGE_GAS, MemoryStorage } from '../../../src/testing/index.js';
import { enc, harness } from '../helpers.js';

describe('db_read', () => {
  it('works', () => {
    const h = harness('v1');
    h.backend.storage.set(enc('k'), enc('value'));
    assert.equal(h.readStr(dbRead(h.inst.env, h.region('k'))), 'value');
    assert.equal(h.gasUsed(), 1000n);
  });
  it('returns 0 for a missing key and a non-zero empty Region for an empty value', () => {
    const h = harness('v1');
    assert.equal(dbRead(h.inst.env, h.region('missing')), 0);
    h.backend.storage.set(enc('e'), new Uint8Array());
    const p = dbRead(h.inst.env, h.region('e'));
    assert.notEqual(p, 0);
    assert.equal(h.read(p).length, 0);
  });
  it('charges externally used storage gas on top', () => {
    const h = harness('v1', { backend: { storage: new MemoryStorage(COSMWASM_MOCK_STORAGE_GAS) } });
    dbRead(h.inst.env, h.region('abc'));
    assert.equal(h.gasUsed(), 1003n);
    assert.equal(h.inst.env.externallyUsed, 3n);
  });
  it('fails for a key over 64 KiB', () => {
    const h = harness('v1');
    const p = h.region(new Uint8Array(65_537));
    assert.throws(
      () => dbRead(h.inst.env, p),
      (e) => e instanceof CommunicationError && /limit 65536/.test(e.detail ?? ''),
    );
  });
  it('fails on a bad Region pointer', () => {
    const h = harness('v1');
    assert.throws(() => dbRead(h.inst.env, 0), {
      name: 'CommunicationError',
      message: 'failed to read memory',
    });
  });
});

describe('db_read through Storage.getWithoutGas', () => {
  /** A MemoryStorage whose reads also answer through getWithoutGas, logging the keys it was shown. */
  class ViewStorage extends MemoryStorage {
    readonly shown: string[] = [];
    getWithoutGas(key: Uint8Array): Uint8Array | undefined {
      this.shown.push(Buffer.from(key).toString());
      return this.get(key).value;
    }
  }
  it('answers, charges and fails exactly as the get path', () => {
    const keys = ['k', 'missing', 'e', ''];
    const run = (storage: MemoryStorage) => {
      const h = harness('v1', { backend: { storage } });
      storage.set(enc('k'), enc('value'));
      storage.set(enc('e'), new Uint8Array());
      const out = keys.map((k) => {
        const p = dbRead(h.inst.env, h.region(k));
        return p === 0 ? null : Buffer.from(h.read(p)).toString();
      });
      assert.throws(() => dbRead(h.inst.env, h.region(new Uint8Array(65_537))), {
        name: 'CommunicationError',
      });
      assert.throws(() => dbRead(h.inst.env, 0), { name: 'CommunicationError' });
      return { out, gas: h.gasUsed() };
    };
    const view = new ViewStorage();
    assert.deepEqual(run(view), run(new MemoryStorage()));
    assert.deepEqual(view.shown, keys);
  });
});

describe('db_write', () => {
  it('works and charges 2000 + 5000 per value byte as pseudo-gas', () => {
    const h = harness('v1');
    dbWrite(h.inst.env, h.region('k'), h.region('abc'));
    assert.deepEqual(h.backend.storage.get(enc('k')).value, enc('abc'));
    assert.equal(h.gasUsed(), 2000n + 15_000n);
    assert.equal(h.inst.env.writePseudoGas, 15_000n);
  });
  it('is denied during queries', () => {
    const h = harness('v1', { readonly: true });
    assert.throws(() => dbWrite(h.inst.env, h.region('k'), h.region('v')), {
      name: 'VmError',
      kind: 'WriteAccessDenied',
      message: 'contract tried to write to storage during a query',
    });
    assert.equal(h.backend.storage.size, 0);
  });
  it('fails for a too big key or value with the CosmWasm texts', () => {
    const h = harness('v1');
    const big = h.region(new Uint8Array(65_537));
    assert.throws(
      () => dbWrite(h.inst.env, big, h.region('v')),
      (e) =>
        e instanceof CommunicationError &&
        e.detail === 'Generic error: Key too big. Tried to write 65537 bytes to storage, limit is 65536.',
    );
    const h2 = harness('v1');
    const bigValue = h2.region(new Uint8Array(131_073));
    assert.throws(
      () => dbWrite(h2.inst.env, h2.region('k'), bigValue),
      (e) =>
        e instanceof CommunicationError &&
        e.detail === 'Generic error: Value too big. Tried to write 131073 bytes to storage, limit is 131072.',
    );
  });
});

describe('db_remove', () => {
  it('works', () => {
    const h = harness('v1');
    h.backend.storage.set(enc('k'), enc('v'));
    dbRemove(h.inst.env, h.region('k'));
    assert.equal(h.backend.storage.get(enc('k')).value, undefined);
  });
  it('is denied during queries', () => {
    const h = harness('v1', { readonly: true });
    assert.throws(() => dbRemove(h.inst.env, h.region('k')), { kind: 'WriteAccessDenied' });
  });
});

describe('db_scan / db_next', () => {
  it('are linked but not implemented, as on Secret', () => {
    assert.throws(
      () => dbIterationUnsupported(),
      (e) => e instanceof VmError && e.message === 'function not implemented',
    );
  });
});

describe('CosmWasm cost table', () => {
  it('charges host-call and region-read gas before the backend (18,000 + 200,000 + 115/B)', () => {
    const h = harness('v1', {
      gasConfig: COSMWASM_GAS_CONFIG,
      backend: { storage: new MemoryStorage(COSMWASM_MOCK_STORAGE_GAS) },
    });
    dbRead(h.inst.env, h.region('abcd'));
    assert.equal(h.gasUsed(), 18_000n + 200_000n + 115n * 4n + 4n);
  });
});
