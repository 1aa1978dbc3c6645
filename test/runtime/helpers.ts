/** Shared helpers for runtime tests: WAT compilation, a bump-allocator contract prelude, a direct import harness. */
import { sha256 } from '@noble/hashes/sha2.js';
import wabtInit from 'wabt';

import type { ApiVersion, Backend } from '../../src/runtime/backend.js';
import type { CallContext } from '../../src/runtime/environment.js';
import type { GasConfig } from '../../src/runtime/gas.js';
import { SECRET_GAS_CONFIG } from '../../src/runtime/gas.js';
import type { CallOutcome, ContractRuntime } from '../../src/runtime/index.js';
import type { CompiledContract } from '../../src/runtime/instance.js';
import { ContractInstance } from '../../src/runtime/instance.js';
import { readRegion, writeRegion } from '../../src/runtime/memory.js';
import { mockBackend, mockEnv, mockInfo } from '../../src/testing/index.js';

const wabt = await wabtInit();

/** Compiles WAT text to wasm bytes. */
export function wat(src: string): Uint8Array {
  const mod = wabt.parseWat('test.wat', src, {
    mutable_globals: true,
    sat_float_to_int: true,
    sign_extension: true,
  });
  try {
    mod.validate();
    return new Uint8Array(mod.toBinary({}).buffer);
  } finally {
    mod.destroy();
  }
}

/**
 * Memory (4 pages, no max), a bump allocator whose Regions live right before their data, a no-op deallocate.
 * Heap starts at 1024; the first KiB is scratch space for tests.
 */
export const PRELUDE = `
  (memory (export "memory") 4)
  (global $heap (mut i32) (i32.const 1024))
  (func $allocate (export "allocate") (param $size i32) (result i32)
    (local $r i32)
    (local.set $r (global.get $heap))
    (i32.store (local.get $r) (i32.add (local.get $r) (i32.const 12)))
    (i32.store offset=4 (local.get $r) (local.get $size))
    (i32.store offset=8 (local.get $r) (i32.const 0))
    (global.set $heap (i32.add (local.get $r) (i32.add (local.get $size) (i32.const 12))))
    (local.get $r))
  (func (export "deallocate") (param i32))
`;

/** A v1 module: marker + prelude + `body`; `imports` go first. */
export function v1(body: string, imports = ''): Uint8Array {
  return wat(`(module ${imports} ${PRELUDE} (func (export "interface_version_8")) ${body})`);
}

/** A v0.10 module: marker + prelude + `body`. */
export function v010(body: string, imports = ''): Uint8Array {
  return wat(`(module ${imports} ${PRELUDE} (func (export "cosmwasm_vm_version_3")) ${body})`);
}

/** A contract whose entry points return a fixed JSON result (`{"ok":…}` by default). */
export function constResult(json: string, apiVersion: ApiVersion = 'v1'): Uint8Array {
  const bytes = Buffer.from(json);
  const data = [...bytes].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  // No bulk memory (rejected on Secret): copy byte by byte.
  const body = `
    (data (i32.const 64) "${data}")
    (func $result (result i32) (local $r i32) (local $i i32)
      (local.set $r (call $allocate (i32.const ${bytes.length})))
      (block $done (loop $l
        (br_if $done (i32.ge_u (local.get $i) (i32.const ${bytes.length})))
        (i32.store8 (i32.add (i32.load (local.get $r)) (local.get $i)) (i32.load8_u (i32.add (i32.const 64) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
      (i32.store offset=8 (local.get $r) (i32.const ${bytes.length}))
      (local.get $r))
    ${
      apiVersion === 'v1'
        ? `(func (export "instantiate") (param i32 i32 i32) (result i32) (call $result))
           (func (export "execute") (param i32 i32 i32) (result i32) (call $result))
           (func (export "query") (param i32 i32) (result i32) (call $result))
           (func (export "migrate") (param i32 i32) (result i32) (call $result))
           (func (export "reply") (param i32 i32) (result i32) (call $result))`
        : `(func (export "init") (param i32 i32) (result i32) (call $result))
           (func (export "handle") (param i32 i32) (result i32) (call $result))
           (func (export "query") (param i32) (result i32) (call $result))
           (func (export "migrate") (param i32 i32) (result i32) (call $result))`
    }`;
  return apiVersion === 'v1' ? v1(body) : v010(body);
}

/** A compiled, unmetered contract for direct instance tests. */
export function compileUnmetered(bytes: Uint8Array, apiVersion: ApiVersion): CompiledContract {
  return {
    codeHashHex: Buffer.from(sha256(bytes)).toString('hex'),
    module: new WebAssembly.Module(bytes),
    apiVersion,
    requiresRandom: false,
    hasFloats: false,
    globals: undefined,
    reusable: false,
  };
}

/** Harness calling host imports directly against a live instance's memory. */
export interface Harness {
  readonly inst: ContractInstance;
  readonly backend: ReturnType<typeof mockBackend>;
  /** Writes bytes (or a UTF-8 string) into a fresh Region; returns the Region pointer. */
  region(data: Uint8Array | string): number;
  /** An empty Region with the given capacity. */
  out(capacity: number): number;
  /** A raw Region struct at a scratch address with arbitrary fields. */
  rawRegion(offset: number, capacity: number, length: number): number;
  read(ptr: number): Uint8Array;
  readStr(ptr: number): string;
  gasUsed(): bigint;
}

let scratch = 16;

/** Instantiates an import-free module (prelude only) and starts a call with `ctx` overrides. */
export function harness(
  apiVersion: ApiVersion,
  opts: {
    readonly?: boolean;
    gasLimit?: bigint;
    queryDepth?: number;
    backend?: Partial<Backend>;
    gasConfig?: GasConfig;
    debug?: (m: string) => void;
  } = {},
): Harness {
  const bytes = apiVersion === 'v1' ? v1('') : v010('');
  const inst = ContractInstance.create(
    compileUnmetered(bytes, apiVersion),
    opts.gasConfig ?? SECRET_GAS_CONFIG,
  );
  const backend = mockBackend(opts.backend);
  const ctx: CallContext = {
    backend,
    readonly: opts.readonly ?? false,
    queryDepth: opts.queryDepth ?? 1,
    gasLimit: opts.gasLimit ?? 10_000_000_000n,
    debug: opts.debug,
  };
  inst.env.startCall(ctx);
  const mem = inst.memory;
  return {
    inst,
    backend,
    region: (data) => inst.env.writeToContract(typeof data === 'string' ? Buffer.from(data) : data),
    out: (capacity) => inst.env.allocate(capacity),
    rawRegion: (offset, capacity, length) => {
      const p = scratch;
      scratch = scratch + 12 > 1000 ? 16 : scratch + 12;
      const v = new DataView(mem.buffer, p, 12);
      v.setUint32(0, offset >>> 0, true);
      v.setUint32(4, capacity >>> 0, true);
      v.setUint32(8, length >>> 0, true);
      return p;
    },
    read: (ptr) => readRegion(mem, ptr, 1 << 30),
    readStr: (ptr) => Buffer.from(readRegion(mem, ptr, 1 << 30)).toString('utf8'),
    gasUsed: () => inst.env.gasUsed(),
  };
}

/** Writes into an existing region (for tests that need an exact capacity). */
export function fill(h: Harness, ptr: number, data: Uint8Array): void {
  writeRegion(h.inst.memory, ptr, data);
}

/** UTF-8 encode. */
export const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));
/** JSON encode to bytes. */
export const json = (v: unknown): Uint8Array => enc(JSON.stringify(v));

/** Replaces the memory section (id 5) of a module with `count` memories of 1 page (wabt cannot write multi-memory). */
export function withMemories(bytes: Uint8Array, count: number): Uint8Array {
  const out: number[] = [...bytes.subarray(0, 8)];
  let i = 8;
  const leb = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++]!;
      v |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7;
    }
  };
  while (i < bytes.length) {
    const id = bytes[i++]!;
    const size = leb();
    const payload = bytes.subarray(i, i + size);
    i += size;
    if (id === 5) {
      const body = [count, ...Array.from({ length: count }, () => [0, 1]).flat()];
      out.push(5, body.length, ...body);
    } else {
      const lenBytes: number[] = [];
      let n = size;
      do {
        let b = n & 0x7f;
        n >>>= 7;
        if (n !== 0) b |= 0x80;
        lenBytes.push(b);
      } while (n !== 0);
      out.push(id, ...lenBytes, ...payload);
    }
  }
  return Uint8Array.from(out);
}

/** `execute` of `wasm` with a mock env/info/backend and message `[1]`, as the runtime-level tests call it. */
export function executeOnce(rt: ContractRuntime, wasm: Uint8Array, gasLimit = 10_000_000n): CallOutcome {
  return rt.call({
    codeHash: sha256(wasm),
    wasm,
    entry: 'execute',
    env: mockEnv(),
    info: mockInfo('x'),
    msg: new Uint8Array([1]),
    backend: mockBackend(),
    gasLimit,
  });
}
