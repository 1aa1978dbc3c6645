/** Test helper: compiles WAT with the `wabt` package (the TS counterpart of CosmWasm's `wat::parse_str`). */
import wabtInit from 'wabt';

const wabt = await wabtInit();

/** Proposals to enable in the WAT parser, for tests of modules the runtime must reject. */
export interface WatFeatures {
  simd?: boolean;
  threads?: boolean;
  reference_types?: boolean;
  exceptions?: boolean;
  tail_call?: boolean;
  multi_memory?: boolean;
}

/** Compiles WAT text to a binary module. */
export function wat(text: string, features: WatFeatures = {}): Uint8Array {
  const module = wabt.parseWat('test.wat', text, { ...features });
  try {
    module.resolveNames();
    // wabt's validator ignores some feature flags (e.g. multi-memory); tests of rejected modules skip it.
    if (Object.keys(features).length === 0) module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** Renders a binary module as WAT (for debugging failed tests). */
export function toText(bytes: Uint8Array): string {
  const module = wabt.readWasm(bytes, { readDebugNames: false });
  try {
    return module.toText({});
  } finally {
    module.destroy();
  }
}

/** Options of {@link contract}. */
export interface ContractOptions {
  /** `'v1'` (default), `'v0.10'` or `'none'` for no interface exports. */
  api?: 'v1' | 'v0.10' | 'none';
  /** Import names in module `env`, each imported as `(func (param i32))`. */
  imports?: string[];
  /** Memory declaration, default `(memory 17)`; `''` for none. */
  memory?: string;
  /** Extra module fields. */
  extra?: string;
}

/** A minimal contract module with the interface exports of the given API version. */
export function contractWat(options: ContractOptions = {}): string {
  const { api = 'v1', imports = [], memory = '(memory 17)', extra = '' } = options;
  const importDecls = imports.map((n, i) => `(import "env" "${n}" (func $imp${i} (param i32)))`).join('\n');
  const nop = (name: string, params = 0): string =>
    `(func (export "${name}") ${'(param i32) '.repeat(params)}(result i32) (i32.const 0))`;
  const exports =
    api === 'v1'
      ? `(func (export "interface_version_8")) ${nop('allocate', 1)} (func (export "deallocate") (param i32)) ${nop('instantiate', 3)}`
      : api === 'v0.10'
        ? `(func (export "cosmwasm_vm_version_3")) ${nop('allocate', 1)} (func (export "deallocate") (param i32)) ${nop('init', 2)} ${nop('handle', 2)} ${nop('query', 1)}`
        : '';
  return `(module ${importDecls} ${memory} ${exports} ${extra})`;
}

/** {@link contractWat} compiled. */
export function contract(options: ContractOptions = {}): Uint8Array {
  return wat(contractWat(options));
}
