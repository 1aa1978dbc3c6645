import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { VmError } from '../../../src/runtime/errors.js';
import {
  checkWasm,
  DEFAULT_SUPPORTED_FEATURES,
  ENCLAVE_FLOATS,
  ENCLAVE_INVALID_WASM,
  ENCLAVE_MEMORY_INIT,
  SUPPORTED_IMPORTS,
} from '../../../src/runtime/wasm/index.js';
import { contract, wat } from './wat.js';

const PREFIX = 'Error during static Wasm validation: ';

/** assert.throws predicate: a StaticValidation VmError whose message equals (string) or matches (RegExp). */
function staticError(expected: string | RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof VmError, `expected VmError, got ${String(err)}`);
    assert.equal(err.kind, 'StaticValidation');
    if (typeof expected === 'string') assert.equal(err.message, expected);
    else assert.match(err.message, expected);
    return true;
  };
}

const store = (bytes: Uint8Array, supportedFeatures?: readonly string[]) =>
  checkWasm(
    bytes,
    supportedFeatures === undefined ? { phase: 'store' } : { phase: 'store', supportedFeatures },
  );

describe('checkWasm store phase', () => {
  it('accepts a minimal v1 contract and describes it', () => {
    const info = store(contract({ imports: ['db_read', 'abort', 'addr_validate'] }));
    assert.equal(info.apiVersion, 'v1');
    assert.deepEqual(info.memory, { initial: 17 });
    assert.deepEqual(
      info.imports.map((i) => i.name),
      ['db_read', 'abort', 'addr_validate'],
    );
    assert.equal(info.requiresRandom, false);
    assert.equal(info.hasFloats, false);
    assert.equal(info.ibcEntryPoints, false);
    assert.deepEqual(info.requiredFeatures, []);
  });

  it('accepts a minimal v0.10 contract with Secret v0.10 imports', () => {
    const info = store(
      contract({ api: 'v0.10', imports: ['canonicalize_address', 'debug_print', 'secp256k1_sign'] }),
    );
    assert.equal(info.apiVersion, 'v0.10');
  });

  it('accepts every supported import of each API', () => {
    assert.equal(store(contract({ api: 'v1', imports: [...SUPPORTED_IMPORTS.v1] })).apiVersion, 'v1');
    assert.equal(
      store(contract({ api: 'v0.10', imports: [...SUPPORTED_IMPORTS['v0.10']] })).apiVersion,
      'v0.10',
    );
  });

  it('reports deserialization errors with the prefix', () => {
    assert.throws(
      () => store(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x63, 0x00])),
      staticError(
        /^Error during static Wasm validation: Wasm bytecode could not be deserialized\. Deserialization error: ".*unknown section id 99/,
      ),
    );
  });

  it('rejects type errors the decoder does not check, through the engine', () => {
    const bytes = contract({ extra: '(func (result i32) (i32.const 0))' });
    // Corrupt `i32.const 0` (0x41 0x00) of the last function into `i64.const 0`: well-formed but ill-typed.
    const at = bytes.lastIndexOf(0x41);
    const bad = bytes.slice();
    bad[at] = 0x42;
    assert.throws(
      () => store(bad),
      (err: unknown) =>
        staticError(
          `${PREFIX}Wasm bytecode could not be deserialized. Deserialization error: "module failed type validation"`,
        )(err) && /i64/.test(String(((err as VmError).cause as Error).message)),
    );
  });

  it('requires a memory section', () => {
    assert.throws(
      () => store(contract({ memory: '' })),
      staticError(`${PREFIX}Wasm contract doesn't have a memory section`),
    );
  });

  it('requires exactly one memory', () => {
    const twoMemories = wat(`(module (memory 1) (memory 1))`, { multi_memory: true });
    assert.throws(
      () => store(twoMemories),
      staticError(`${PREFIX}Wasm contract must contain exactly one memory`),
    );
  });

  it('limits the initial memory to 512 pages', () => {
    assert.equal(store(contract({ memory: '(memory 512)' })).memory.initial, 512);
    assert.throws(
      () => store(contract({ memory: '(memory 513)' })),
      staticError(`${PREFIX}Wasm contract memory's minimum must not exceed 512 pages.`),
    );
  });

  it('requires the memory maximum to be unset', () => {
    assert.throws(
      () => store(contract({ memory: '(memory 17 100)' })),
      staticError(`${PREFIX}Wasm contract memory's maximum must be unset. The host will set it for you.`),
    );
  });

  it('checks requires_* features against the supported set', () => {
    const features = '(func (export "requires_random")) (func (export "requires_staking"))';
    const info = store(contract({ extra: features }));
    assert.deepEqual(info.requiredFeatures, ['random', 'staking']);
    assert.equal(info.requiresRandom, true);
    assert.deepEqual(DEFAULT_SUPPORTED_FEATURES, ['staking', 'stargate', 'ibc3', 'random']);
    const unknown =
      '(func (export "requires_water")) (func (export "requires_sun")) (func (export "requires_ibc3"))';
    assert.throws(
      () => store(contract({ extra: unknown })),
      staticError(`${PREFIX}Wasm contract requires unsupported features: {"sun", "water"}`),
    );
    assert.deepEqual(store(contract({ extra: unknown }), ['sun', 'water', 'ibc3']).requiredFeatures, [
      'ibc3',
      'sun',
      'water',
    ]);
    assert.throws(
      () => store(contract({ extra: features }), ['staking']),
      staticError(/unsupported features: \{"random"\}/),
    );
  });

  it('ignores non-function requires_ exports and the bare prefix', () => {
    const info = store(
      contract({ extra: '(global (export "requires_x") i32 (i32.const 0)) (func (export "requires_"))' }),
    );
    assert.deepEqual(info.requiredFeatures, []);
  });

  it('detects IBC entry points only when all six are exported', () => {
    const names = [
      'ibc_channel_open',
      'ibc_channel_connect',
      'ibc_channel_close',
      'ibc_packet_receive',
      'ibc_packet_ack',
    ];
    const five = names.map((n) => `(func (export "${n}"))`).join(' ');
    assert.equal(store(contract({ extra: five })).ibcEntryPoints, false);
    assert.equal(
      store(contract({ extra: `${five} (func (export "ibc_packet_timeout"))` })).ibcEntryPoints,
      true,
    );
  });

  it('rejects a module that is neither v0.10 nor v1, naming the missing export', () => {
    assert.throws(
      () => store(contract({ api: 'none' })),
      staticError(
        `${PREFIX}Contract is not CosmWasm v0.10 or v1. To be compatible with v0.10: Wasm contract doesn't have required export: "cosmwasm_vm_version_3". Exports required by VM: ["cosmwasm_vm_version_3", "query", "init", "handle", "allocate", "deallocate"]. To be compatible with v1: Wasm contract doesn't have required export: "interface_version_8". Exports required by VM: ["interface_version_8", "allocate", "deallocate", "instantiate"].`,
      ),
    );
  });

  it('requires instantiate for v1 (CosmWasm 1.x rule)', () => {
    const bytes = wat(
      `(module (memory 1) (func (export "interface_version_8")) (func (export "allocate") (param i32) (result i32) i32.const 0) (func (export "deallocate") (param i32)))`,
    );
    assert.throws(
      () => store(bytes),
      staticError(/v1: Wasm contract doesn't have required export: "instantiate"/),
    );
  });

  it('lists unknown imports by name', () => {
    assert.throws(
      () => store(contract({ imports: ['db_read', 'foo', 'bar'] })),
      staticError(
        /v1: Wasm contract requires unsupported imports: "env\.foo", "env\.bar"\. Imports supported by VM: \["env\.db_read", /,
      ),
    );
  });

  it('keeps the two import sets apart: v1 names are unknown to a v0.10 contract and vice versa', () => {
    assert.throws(
      () => store(contract({ api: 'v0.10', imports: ['addr_validate'] })),
      staticError(/v0\.10: Wasm contract requires unsupported import: "env\.addr_validate"/),
    );
    assert.throws(
      () => store(contract({ api: 'v1', imports: ['canonicalize_address'] })),
      staticError(/v1: Wasm contract requires unsupported import: "env\.canonicalize_address"/),
    );
  });

  it('rejects imports from other modules and non-function imports', () => {
    const other =
      wat(`(module (import "other" "db_read" (func)) (memory 1) (func (export "interface_version_8"))
      (func (export "allocate") (param i32) (result i32) i32.const 0) (func (export "deallocate") (param i32))
      (func (export "instantiate") (param i32 i32 i32) (result i32) i32.const 0))`);
    assert.throws(() => store(other), staticError(/requires unsupported import: "other\.db_read"/));
    const global =
      wat(`(module (import "env" "db_read" (global i32)) (memory 1) (func (export "interface_version_8"))
      (func (export "allocate") (param i32) (result i32) i32.const 0) (func (export "deallocate") (param i32))
      (func (export "instantiate") (param i32 i32 i32) (result i32) i32.const 0))`);
    assert.throws(
      () => store(global),
      staticError(
        /requires non-function import: "env\.db_read"\. Right now, all supported imports are functions\./,
      ),
    );
  });

  it('accepts floats at store time but reports them', () => {
    const info = store(
      contract({ extra: '(func (param f64) (result f64) (f64.add (local.get 0) (f64.const 1)))' }),
    );
    assert.equal(info.hasFloats, true);
  });

  it('accepts start sections at store time (the enclave rejects them later)', () => {
    assert.equal(store(contract({ extra: '(func $s) (start $s)' })).apiVersion, 'v1');
  });
});

describe('checkWasm instantiate and execute phases', () => {
  const enclave = (message: string, causeMatch?: RegExp) => (err: unknown) => {
    assert.ok(err instanceof VmError);
    assert.equal(err.kind, 'StaticValidation');
    assert.equal(err.message, message);
    if (causeMatch !== undefined) assert.match(String((err.cause as Error).message), causeMatch);
    return true;
  };

  it('detects the API version from the first marker export', () => {
    assert.equal(checkWasm(contract({ api: 'v0.10' }), { phase: 'instantiate' }).apiVersion, 'v0.10');
    assert.equal(checkWasm(contract({ api: 'v1' }), { phase: 'execute' }).apiVersion, 'v1');
    const both = wat(
      `(module (memory 1) (func (export "interface_version_8")) (func (export "cosmwasm_vm_version_3")))`,
    );
    assert.equal(checkWasm(both, { phase: 'execute' }).apiVersion, 'v1');
  });

  it('rejects a module without marker export as invalid wasm code', () => {
    assert.throws(
      () => checkWasm(contract({ api: 'none' }), { phase: 'execute' }),
      enclave(ENCLAVE_INVALID_WASM, /export/),
    );
  });

  it('rejects malformed bytes as invalid wasm code', () => {
    assert.throws(
      () => checkWasm(new Uint8Array([1, 2, 3]), { phase: 'instantiate' }),
      enclave('tried to load invalid wasm code'),
    );
  });

  it('rejects a start section', () => {
    assert.throws(
      () => checkWasm(contract({ extra: '(func $s) (start $s)' }), { phase: 'instantiate' }),
      enclave(ENCLAVE_INVALID_WASM, /start/),
    );
  });

  it('allows at most one memory of at most 192 pages', () => {
    assert.equal(
      checkWasm(contract({ memory: '(memory 192)' }), { phase: 'instantiate' }).memory.initial,
      192,
    );
    assert.throws(
      () => checkWasm(contract({ memory: '(memory 193)' }), { phase: 'instantiate' }),
      enclave('failed to initialize wasm memory'),
    );
    const two = wat(`(module (memory 1) (memory 1) (func (export "interface_version_8")))`, {
      multi_memory: true,
    });
    assert.throws(() => checkWasm(two, { phase: 'execute' }), enclave(ENCLAVE_MEMORY_INIT));
  });

  it('rejects floats only when instantiating', () => {
    const floaty = [
      '(func (param f32))',
      '(func (local f64))',
      '(global f32 (f32.const 0))',
      '(func (result i32) (i32.trunc_sat_f64_s (f64.const 1)))',
      '(func (result i32) (i32.reinterpret_f32 (f32.const 1)))',
      '(func (drop (block (result f64) unreachable)))',
      '(func (param i32) (drop (f32.load (local.get 0))))',
    ];
    for (const extra of floaty) {
      const bytes = contract({ extra });
      assert.equal(checkWasm(bytes, { phase: 'execute' }).hasFloats, true, extra);
      assert.throws(
        () => checkWasm(bytes, { phase: 'instantiate' }),
        enclave('found floating point operation in module code'),
        extra,
      );
    }
    assert.equal(ENCLAVE_FLOATS, 'found floating point operation in module code');
  });

  it('does not mistake integer conversions for floats', () => {
    const ints = '(func (param i64) (result i64) (i64.extend_i32_s (i32.wrap_i64 (local.get 0))))';
    assert.equal(checkWasm(contract({ extra: ints }), { phase: 'instantiate' }).hasFloats, false);
  });
});
