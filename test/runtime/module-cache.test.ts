import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { sha256 } from '@noble/hashes/sha2.js';

import { ContractRuntime, COSMWASM_GAS_CONFIG } from '../../src/runtime/index.js';
import type { CompiledContract } from '../../src/runtime/instance.js';
import { ModuleCache } from '../../src/runtime/module-cache.js';
import { mockBackend, mockEnv, mockInfo } from '../../src/testing/index.js';
import { executeOnce, PRELUDE, wat } from './helpers.js';

const fake = (n: string) => ({ codeHashHex: n }) as unknown as CompiledContract;

describe('ModuleCache', () => {
  it('evicts the least recently used entry', () => {
    const c = new ModuleCache(2);
    c.set('a', fake('a'));
    c.set('b', fake('b'));
    c.get('a');
    c.set('c', fake('c'));
    assert.equal(c.has('a'), true);
    assert.equal(c.has('b'), false);
    assert.equal(c.has('c'), true);
    assert.equal(c.size, 2);
    assert.equal(c.get('b'), undefined);
    assert.equal(c.misses, 1);
  });
  it('rejects a capacity below 1', () => {
    assert.throws(() => new ModuleCache(0), RangeError);
  });
});

describe('ContractRuntime module cache', () => {
  const wasm = wat(`(module ${PRELUDE} (func (export "interface_version_8"))
    (data (i32.const 64) "{\\"ok\\":{}}")
    (func (export "execute") (param i32 i32 i32) (result i32) (local $r i32)
      (local.set $r (call $allocate (i32.const 9)))
      (i64.store (i32.load (local.get $r)) (i64.load (i32.const 64)))
      (i32.store8 offset=8 (i32.load (local.get $r)) (i32.const 125))
      (i32.store offset=8 (local.get $r) (i32.const 9))
      (local.get $r)))`);
  const call = (rt: ContractRuntime) => executeOnce(rt, wasm);

  it('compiles once per code hash', () => {
    const rt = new ContractRuntime({ cacheSize: 4 });
    call(rt);
    call(rt);
    call(rt);
    assert.deepEqual(
      { ...rt.cacheStats(), instancesCreated: 0, instancesReused: 0, instancesDiscarded: 0 },
      {
        size: 1,
        capacity: 4,
        hits: 2,
        misses: 1,
        instancesCreated: 0,
        instancesReused: 0,
        instancesDiscarded: 0,
      },
    );
  });
  it('prices by the configured cost table', () => {
    const secret = call(new ContractRuntime()).gasUsed;
    const cosmwasm = call(new ContractRuntime({ gasConfig: COSMWASM_GAS_CONFIG })).gasUsed;
    assert.ok(cosmwasm > 50n * secret, `${cosmwasm} vs ${secret}`);
  });
  it('caps the gas limit at 10^10', () => {
    const rt = new ContractRuntime();
    const out = executeOnce(rt, wasm, 10n ** 15n);
    assert.ok(out.gasUsed > 0n && out.gasUsed < 10_000_000_000n);
  });
});

describe('ContractRuntime request validation', () => {
  it('caller bugs are TypeErrors thrown before anything runs', () => {
    const rt = new ContractRuntime();
    const wasm = new Uint8Array([0, 97, 115, 109]);
    const base = {
      codeHash: sha256(wasm),
      wasm,
      entry: 'execute' as const,
      env: mockEnv(),
      info: mockInfo('x'),
      msg: new Uint8Array(),
      backend: mockBackend(),
      gasLimit: 1n,
    };
    assert.throws(() => rt.call({ ...base, codeHash: new Uint8Array(31) }), TypeError);
    assert.throws(
      () => rt.call({ ...base, info: undefined }),
      /info \(sender, funds\) is required for execute/,
    );
    assert.throws(() => rt.call({ ...base, gasLimit: 5 as unknown as bigint }), TypeError);
    assert.equal(rt.cacheStats().misses, 0);
  });
});

describe('ContractRuntime.clearCache', () => {
  it('forces a recompile', () => {
    const rt = new ContractRuntime();
    const wasm = wat(`(module ${PRELUDE} (func (export "interface_version_8"))
      (data (i32.const 64) "{\\"ok\\":{}}")
      (func (export "query") (param i32 i32) (result i32) (local $r i32)
        (local.set $r (call $allocate (i32.const 9)))
        (i64.store (i32.load (local.get $r)) (i64.load (i32.const 64)))
        (i32.store8 offset=8 (i32.load (local.get $r)) (i32.const 125))
        (i32.store offset=8 (local.get $r) (i32.const 9))
        (local.get $r)))`);
    const q = () =>
      rt.call({
        codeHash: sha256(wasm),
        wasm,
        entry: 'query',
        env: mockEnv(),
        msg: new Uint8Array([1]),
        backend: mockBackend(),
        gasLimit: 1_000_000n,
      });
    q();
    rt.clearCache();
    assert.equal(rt.cacheStats().size, 0);
    assert.deepEqual(q().result, { ok: {} });
    assert.equal(rt.cacheStats().misses, 2);
  });
});
