import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { sha256 } from '@noble/hashes/sha2.js';

import type { CallRequest, InstanceMode } from '../../src/runtime/index.js';
import { ContractRuntime, OutOfGasError, VmError } from '../../src/runtime/index.js';
import { mockBackend, mockEnv, mockInfo } from '../../src/testing/index.js';
import { constResult, enc, PRELUDE, wat, withMemories } from './helpers.js';

const OK_RESPONSE = '{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}';

/** Writes a constant string as a result Region (no bulk memory). */
function resultFn(json: string): string {
  const bytes = Buffer.from(json);
  const data = [...bytes].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  return `
    (data (i32.const 64) "${data}")
    (func $ok (result i32) (local $r i32) (local $i i32)
      (local.set $r (call $allocate (i32.const ${bytes.length})))
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $i) (i32.const ${bytes.length})))
        (i32.store8 (i32.add (i32.load (local.get $r)) (local.get $i)) (i32.load8_u (i32.add (i32.const 64) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (i32.store offset=8 (local.get $r) (i32.const ${bytes.length}))
      (local.get $r))`;
}

/** A v1 contract whose instantiate/query succeed and whose execute body is `execute` (must leave an i32). */
function contract(execute: string, extra = '', imports = '', memory = PRELUDE): Uint8Array {
  return wat(`(module ${imports} ${memory} (func (export "interface_version_8")) ${resultFn(OK_RESPONSE)}
    (func (export "instantiate") (param i32 i32 i32) (result i32) (call $ok))
    (func (export "query") (param i32 i32) (result i32) (call $ok))
    (func (export "execute") (param i32 i32 i32) (result i32) ${execute})
    ${extra})`);
}

function req(
  wasm: Uint8Array,
  entry: CallRequest['entry'],
  gasLimit = 100_000_000n,
  msg = '{}',
): CallRequest {
  return {
    codeHash: sha256(wasm),
    wasm,
    entry,
    env: mockEnv(),
    info: mockInfo('secret1sender'),
    msg: enc(msg),
    backend: mockBackend(),
    gasLimit,
  };
}

const modes: InstanceMode[] = ['reuse', 'fresh'];

for (const mode of modes) {
  describe(`hostile contracts fail typed, bounded, and the code still works after (${mode} instances)`, () => {
    const rt = new ContractRuntime({ instanceMode: mode });
    const expectRecovery = (wasm: Uint8Array) => {
      const q = rt.call(req(wasm, 'query'));
      assert.deepEqual(q.result, { ok: { messages: [], attributes: [], events: [], data: null } });
    };

    it('infinite loop → OutOfGasError with gasUsed = limit', () => {
      const wasm = contract('(loop $l (br $l)) (unreachable)');
      assert.throws(
        () => rt.call(req(wasm, 'execute', 5_000_000n)),
        (e) =>
          e instanceof OutOfGasError && e.gasUsed === 5_000_000n && e.message === 'execution ran out of gas',
      );
      expectRecovery(wasm);
    });

    it('memory bomb: memory.grow stops at 192 pages, costs 8192/page, and the call ends', () => {
      const wasm = contract(`
        (block $full (loop $l (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1))) (br $l)))
        (if (i32.gt_u (memory.size) (i32.const 192)) (then unreachable))
        (if (i32.ne (memory.size) (i32.const 192)) (then unreachable))
        (call $ok)`);
      const out = rt.call(req(wasm, 'execute', 100_000_000n));
      assert.ok('ok' in out.result);
      assert.ok(out.gasUsed > 188n * 8192n, `gas ${out.gasUsed}`);
      assert.throws(() => rt.call(req(wasm, 'execute', 1_000_000n)), { name: 'OutOfGasError' });
      expectRecovery(wasm);
    });

    it('deep recursion → StackOverflow (deterministic limit, not the engine)', () => {
      const wasm = contract(
        '(call $rec (i32.const 0))',
        '(func $rec (param i32) (result i32) (call $rec (i32.add (local.get 0) (i32.const 1))))',
      );
      assert.throws(() => rt.call(req(wasm, 'execute', 10_000_000_000n)), {
        name: 'VmError',
        kind: 'StackOverflow',
        message: 'the contract has run out of space on the stack',
      });
      expectRecovery(wasm);
    });

    it('unreachable → Runtime "the contract panicked"', () => {
      const wasm = contract('(unreachable)');
      assert.throws(() => rt.call(req(wasm, 'execute')), {
        kind: 'Runtime',
        message: 'the contract panicked',
      });
      expectRecovery(wasm);
    });

    it('errors carry the gas spent: up to the trap, the limit for out-of-gas, 0 before running', () => {
      const trap = contract('(unreachable)');
      assert.throws(
        () => rt.call(req(trap, 'execute')),
        (e) =>
          e instanceof VmError && typeof e.gasUsed === 'bigint' && e.gasUsed > 0n && e.gasUsed < 100_000n,
      );
      const loop = contract('(loop $l (br $l)) (unreachable)');
      assert.throws(
        () => rt.call(req(loop, 'execute', 1_000_000n)),
        (e) => e instanceof OutOfGasError && e.gasUsed === 1_000_000n,
      );
      const floats = contract('(drop (f64.add (f64.const 1) (f64.const 2))) (call $ok)');
      assert.throws(
        () => rt.call(req(floats, 'instantiate')),
        (e) => e instanceof VmError && e.gasUsed === 0n,
      );
    });

    it('divide by zero and out-of-bounds loads map to Secret displays', () => {
      const div = contract('(i32.div_u (i32.const 1) (i32.const 0))');
      assert.throws(() => rt.call(req(div, 'execute')), {
        kind: 'Runtime',
        message: 'the contract tried to divide by zero',
      });
      const oob = contract('(i32.load (i32.const -4))');
      assert.throws(() => rt.call(req(oob, 'execute')), {
        kind: 'Runtime',
        message: 'the contract tried to access memory out of bounds',
      });
      expectRecovery(oob);
    });

    it('result Region pointers outside memory or overflowing → Communication "failed to read memory"', () => {
      const beyond = contract('(i32.const -16)');
      assert.throws(() => rt.call(req(beyond, 'execute')), {
        name: 'CommunicationError',
        message: 'failed to read memory',
      });
      const overflow = contract(
        `(i32.store (i32.const 32) (i32.const -8)) (i32.store (i32.const 36) (i32.const 16)) (i32.store (i32.const 40) (i32.const 4)) (i32.const 32)`,
      );
      assert.throws(
        () => rt.call(req(overflow, 'execute')),
        (e) =>
          e instanceof VmError && e.kind === 'Communication' && /exceeds address space/.test(e.detail ?? ''),
      );
      expectRecovery(overflow);
    });

    it('bad pointers handed to imports trap as Communication', () => {
      const wasm = contract(
        '(drop (call $db_read (i32.const 0))) (call $ok)',
        '',
        '(import "env" "db_read" (func $db_read (param i32) (result i32)))',
      );
      assert.throws(() => rt.call(req(wasm, 'execute')), {
        kind: 'Communication',
        message: 'failed to read memory',
      });
      expectRecovery(wasm);
    });

    it('huge allocation: allocate claiming 4 GiB or returning 0 is refused', () => {
      const liar = `(memory (export "memory") 4)
        (func $allocate (export "allocate") (param i32) (result i32)
          (i32.store (i32.const 16) (i32.const 1)) (i32.store (i32.const 20) (i32.const -1)) (i32.store (i32.const 24) (i32.const 0)) (i32.const 16))
        (func (export "deallocate") (param i32))`;
      const wasm = contract('(i32.const 0)', '', '', liar);
      assert.throws(() => rt.call(req(wasm, 'execute')), {
        kind: 'Communication',
        message: 'failed to write memory',
      });
      const zero = contract(
        '(i32.const 0)',
        '',
        '',
        `(memory (export "memory") 4) (func $allocate (export "allocate") (param i32) (result i32) (i32.const 0)) (func (export "deallocate") (param i32))`,
      );
      assert.throws(() => rt.call(req(zero, 'execute')), {
        kind: 'Communication',
        message: 'failed to allocate memory',
      });
    });

    it('floats are rejected at instantiate only', () => {
      const wasm = contract('(drop (f64.add (f64.const 1) (f64.const 2))) (call $ok)');
      assert.throws(() => rt.call(req(wasm, 'instantiate')), {
        kind: 'StaticValidation',
        message: 'found floating point operation in module code',
      });
      assert.ok('ok' in rt.call(req(wasm, 'execute')).result);
    });

    it('a start function or a second memory is rejected before running', () => {
      const start = contract('(call $ok)', '(func $s) (start $s)');
      assert.throws(() => rt.call(req(start, 'execute')), {
        kind: 'StaticValidation',
        message: 'tried to load invalid wasm code',
      });
      const two = withMemories(contract('(call $ok)'), 2);
      assert.throws(() => rt.call(req(two, 'execute')), { name: 'VmError', kind: 'StaticValidation' });
      assert.throws(() => rt.checkCode(two, 'store'), {
        kind: 'StaticValidation',
        message: 'Error during static Wasm validation: Wasm contract must contain exactly one memory',
      });
    });

    it('an unknown import fails instantiation, typed', () => {
      const wasm = contract('(call $ok)', '', '(import "env" "foo" (func (param i32)))');
      assert.throws(
        () => rt.call(req(wasm, 'execute')),
        (e) => e instanceof VmError && (e.kind === 'Instantiation' || e.kind === 'StaticValidation'),
      );
    });

    it('writes in a query trap with WriteAccessDenied', () => {
      const wasm =
        wat(`(module (import "env" "db_write" (func $w (param i32 i32))) ${PRELUDE} (func (export "interface_version_8")) ${resultFn(OK_RESPONSE)}
        (func (export "instantiate") (param i32 i32 i32) (result i32) (call $ok))
        (func (export "query") (param i32 i32) (result i32) (call $w (local.get 1) (local.get 1)) (call $ok)))`);
      assert.throws(() => rt.call(req(wasm, 'query')), {
        kind: 'WriteAccessDenied',
        message: 'contract tried to write to storage during a query',
      });
    });
  });
}

describe('contract results are values', () => {
  const rt = new ContractRuntime();
  const envelope = (json: string) =>
    wat(`(module ${PRELUDE} (func (export "interface_version_8")) ${resultFn(json)}
      (func (export "execute") (param i32 i32 i32) (result i32) (call $ok)))`);
  for (const [json, expected] of [
    ['{"Ok":{"messages":[]}}', { ok: { messages: [] } }],
    ['{"ok":{"messages":[]}}', { ok: { messages: [] } }],
    ['{"Err":"boom"}', { error: 'boom' }],
    ['{"error":"boom"}', { error: 'boom' }],
    ['{"Err":{"generic_err":{"msg":"x"}}}', { error: { generic_err: { msg: 'x' } } }],
    [
      '{"Ok":{"messages":[{"id":18446744073709551615,"gas_limit":null}]}}',
      { ok: { messages: [{ id: 18446744073709551615n, gas_limit: null }] } },
    ],
  ] as const) {
    it(`parses ${json}`, () => {
      assert.deepEqual(rt.call(req(envelope(json), 'execute')).result, expected);
    });
  }
  it('rejects a malformed envelope as Serialization', () => {
    assert.throws(() => rt.call(req(envelope('{"nope":1}'), 'execute')), {
      kind: 'Serialization',
      message: 'failed to deserialize data',
    });
    assert.throws(() => rt.call(req(envelope('not json'), 'execute')), { kind: 'Serialization' });
  });
  it('a missing entry point is MissingExport', () => {
    assert.throws(() => rt.call(req(envelope('{"ok":{}}'), 'migrate')), { kind: 'MissingExport' });
  });
});

describe('backend failures', () => {
  it('a throwing backend becomes VmError kind Backend with the original as cause; the next call works', () => {
    const rt = new ContractRuntime();
    // db_read of a valid (empty) key Region made by the contract's allocate.
    const good = contract(
      '(drop (call $db_read (call $allocate (i32.const 0)))) (call $ok)',
      '',
      '(import "env" "db_read" (func $db_read (param i32) (result i32)))',
    );
    const boom = new Error('disk on fire');
    const failing = mockBackend({
      storage: {
        get: () => {
          throw boom;
        },
        set: () => ({ cost: 0n, externallyUsed: 0n }),
        remove: () => ({ cost: 0n, externallyUsed: 0n }),
      },
    });
    assert.throws(
      () => rt.call({ ...req(good, 'execute'), backend: failing }),
      (e) =>
        e instanceof VmError &&
        e.kind === 'Backend' &&
        e.message === 'failed to execute ocall' &&
        e.cause === boom,
    );
    assert.ok('ok' in rt.call(req(good, 'execute')).result);
  });
});

describe('module cache key', () => {
  it('a code hash differing in one byte, or the same array rewritten by the caller, selects the other module', () => {
    const rt = new ContractRuntime();
    const a = constResult('{"ok":{"messages":[],"attributes":[],"events":[],"data":"YQ=="}}');
    const b = constResult('{"ok":{"messages":[],"attributes":[],"events":[],"data":"Yg=="}}');
    const ha = sha256(a);
    const hb = ha.slice();
    hb[31] = hb[31]! ^ 1; // not b's real hash: the runtime trusts the caller's hash as the key
    const run = (codeHash: Uint8Array, wasm: Uint8Array): unknown => {
      const out = rt.call({
        codeHash,
        wasm,
        entry: 'query',
        env: mockEnv(),
        msg: enc('{}'),
        backend: mockBackend(),
        gasLimit: 10_000_000n,
      });
      return 'ok' in out.result ? out.result.ok : out.result;
    };
    const dataOf = (v: unknown): unknown => (v as { data: string }).data;
    assert.equal(dataOf(run(ha, a)), 'YQ==');
    assert.equal(dataOf(run(hb, b)), 'Yg==');
    assert.equal(dataOf(run(ha, a)), 'YQ==');
    const mutable = ha.slice();
    assert.equal(dataOf(run(mutable, a)), 'YQ==');
    mutable[31] = hb[31]!;
    assert.equal(dataOf(run(mutable, b)), 'Yg==');
    assert.deepEqual([rt.cacheStats().misses, rt.cacheStats().hits], [2, 3]);
  });
});
