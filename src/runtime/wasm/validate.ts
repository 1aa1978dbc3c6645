/**
 * Static validation of contract Wasm, in the two places Secret runs it (spec secret-compute.md §3.1):
 * - `store`: sgx-vm `check_wasm` at StoreCode, messages prefixed `Error during static Wasm validation: `;
 * - `instantiate` / `execute`: the enclave's `analyze_module` before a call, with the enclave's error displays;
 *   floats are rejected only before init.
 */
import { VmError } from '../errors.js';
import {
  DEFAULT_SUPPORTED_FEATURES,
  SECRET_MAX_MEMORY_PAGES,
  STORE_MAX_INITIAL_MEMORY_PAGES,
} from './limits.js';
import type { ExportEntry, ExternalKind, ParsedModule } from './parse.js';
import { parseModule } from './parse.js';
import type { ApiVersion } from './supported-imports.js';
import {
  API_MARKERS,
  IBC_EXPORTS,
  IMPORT_MODULE,
  REQUIRED_EXPORTS_V1,
  REQUIRED_EXPORTS_V010,
  SUPPORTED_IMPORTS,
} from './supported-imports.js';

/** Prefix of every store-time validation error (cosmwasm-vm `VmError::StaticValidationErr` display). */
export const STATIC_VALIDATION_PREFIX = 'Error during static Wasm validation: ';

/** Enclave error displays used by the instantiate phase (SecretNetwork contract-engine `EnclaveError`). */
export const ENCLAVE_INVALID_WASM = 'tried to load invalid wasm code';
export const ENCLAVE_MEMORY_INIT = 'failed to initialize wasm memory';
export const ENCLAVE_FLOATS = 'found floating point operation in module code';

/**
 * Where the check runs: `store` (StoreCode), `instantiate` (enclave init: also rejects floats) or `execute`
 * (every other enclave call: the instantiate checks without the float rule, spec §3.1).
 */
export type CheckPhase = 'store' | 'instantiate' | 'execute';

/** Options of {@link checkWasm}. */
export interface CheckWasmOptions {
  readonly phase: CheckPhase;
  /** Features the node offers to `requires_<X>` exports; defaults to {@link DEFAULT_SUPPORTED_FEATURES}. */
  readonly supportedFeatures?: readonly string[];
}

/** What the runtime needs to know about a contract module. */
export interface ModuleInfo {
  readonly apiVersion: ApiVersion;
  readonly exports: readonly ExportEntry[];
  readonly imports: readonly {
    readonly module: string;
    readonly name: string;
    readonly kind: ExternalKind;
  }[];
  /** The module's own memory (absent maximum = unset). At instantiate phase a module without memory reports 0. */
  readonly memory: { readonly initial: number; readonly maximum?: number };
  /** `X` of every exported function `requires_X`, sorted. */
  readonly requiredFeatures: readonly string[];
  /** The contract exports `requires_random`: its env gets `block.random` (spec §2.11, §3.4). */
  readonly requiresRandom: boolean;
  /** Any f32/f64 type or instruction; such a contract cannot be instantiated on Secret. */
  readonly hasFloats: boolean;
  /** All six IBC entry points are exported. */
  readonly ibcEntryPoints: boolean;
}

/**
 * Validates contract bytecode for the given phase and describes it. Throws `VmError('StaticValidation')`:
 * at `store` with `Error during static Wasm validation: <reason>`; at `instantiate` with the enclave display
 * (`tried to load invalid wasm code`, `failed to initialize wasm memory`,
 * `found floating point operation in module code`) and the detailed reason as `cause`.
 */
export function checkWasm(bytes: Uint8Array, options: CheckWasmOptions): ModuleInfo {
  return options.phase === 'store'
    ? checkStore(bytes, options.supportedFeatures ?? DEFAULT_SUPPORTED_FEATURES)
    : checkEnclave(bytes, options.phase === 'instantiate');
}

function staticError(message: string, cause?: unknown): VmError {
  return new VmError(
    'StaticValidation',
    STATIC_VALIDATION_PREFIX + message,
    cause === undefined ? {} : { cause },
  );
}

/** Rust `{:?}` of a string, close enough for error messages. */
function debugStr(s: string): string {
  return JSON.stringify(s);
}

function debugList(items: readonly string[], open = '[', close = ']'): string {
  return open + items.map(debugStr).join(', ') + close;
}

function checkStore(bytes: Uint8Array, supportedFeatures: readonly string[]): ModuleInfo {
  let m: ParsedModule;
  try {
    m = parseModule(bytes);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw staticError(
      `Wasm bytecode could not be deserialized. Deserialization error: ${debugStr(reason)}`,
      err,
    );
  }

  // Memories: sgx-vm check_wasm_memories.
  if (!m.sections.some((s) => s.id === 5)) throw staticError("Wasm contract doesn't have a memory section");
  if (m.memories.length !== 1) throw staticError('Wasm contract must contain exactly one memory');
  const memory = m.memories[0] as { min: number; max: number | undefined };
  if (memory.min > STORE_MAX_INITIAL_MEMORY_PAGES) {
    throw staticError(
      `Wasm contract memory's minimum must not exceed ${STORE_MAX_INITIAL_MEMORY_PAGES} pages.`,
    );
  }
  if (memory.max !== undefined) {
    throw staticError("Wasm contract memory's maximum must be unset. The host will set it for you.");
  }

  // Features: sgx-vm check_wasm_features.
  const requiredFeatures = requiredFeaturesOf(m.exports);
  const supported = new Set(supportedFeatures);
  const missing = requiredFeatures.filter((f) => !supported.has(f));
  if (missing.length > 0) {
    throw staticError(`Wasm contract requires unsupported features: ${debugList(missing, '{', '}')}`);
  }

  // Interface: v0.10 or v1, each = required exports + imports within that version's set.
  const v010 = interfaceError(m, 'v0.10', REQUIRED_EXPORTS_V010);
  const v1 = interfaceError(m, 'v1', REQUIRED_EXPORTS_V1);
  if (v010 !== undefined && v1 !== undefined) {
    throw staticError(
      `Contract is not CosmWasm v0.10 or v1. To be compatible with v0.10: ${v010} To be compatible with v1: ${v1}`,
    );
  }
  // The decoder checks structure and proposals; the engine checks types last (after Secret's own checks, which
  // keep their messages), so nothing the runtime cannot compile is stored.
  // The engine's own wording differs between Node versions and must not reach consensus-visible error text:
  // it goes into `cause` only.
  if (!WebAssembly.validate(bytes)) {
    throw staticError(
      'Wasm bytecode could not be deserialized. Deserialization error: "module failed type validation"',
      new Error(engineError(bytes)),
    );
  }
  return describe(m, v010 === undefined ? 'v0.10' : 'v1', requiredFeatures);
}

/** The engine's own reason for rejecting a module (only called on invalid bytes). */
function engineError(bytes: Uint8Array): string {
  try {
    new WebAssembly.Module(bytes);
    return 'invalid module';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Returns undefined if the module satisfies the interface, else the first reason it does not. */
function interfaceError(
  m: ParsedModule,
  version: ApiVersion,
  required: readonly string[],
): string | undefined {
  for (const name of required) {
    if (!m.exports.some((e) => e.name === name)) {
      return `Wasm contract doesn't have required export: ${debugStr(name)}. Exports required by VM: ${debugList(required)}.`;
    }
  }
  const allowed = new Set(SUPPORTED_IMPORTS[version]);
  const unsupported = m.imports.filter((i) => i.module !== IMPORT_MODULE || !allowed.has(i.name));
  if (unsupported.length > 0) {
    const names = unsupported.map((i) => `${i.module}.${i.name}`);
    return (
      `Wasm contract requires unsupported import${names.length > 1 ? 's' : ''}: ${names.map(debugStr).join(', ')}. ` +
      `Imports supported by VM: ${debugList(SUPPORTED_IMPORTS[version].map((n) => `${IMPORT_MODULE}.${n}`))}.`
    );
  }
  const nonFunction = m.imports.find((i) => i.kind !== 'function');
  if (nonFunction !== undefined) {
    return `Wasm contract requires non-function import: ${debugStr(`${nonFunction.module}.${nonFunction.name}`)}. Right now, all supported imports are functions.`;
  }
  return undefined;
}

function requiredFeaturesOf(exports: readonly ExportEntry[]): string[] {
  const features = new Set<string>();
  for (const e of exports) {
    if (e.kind === 'function' && e.name.startsWith('requires_') && e.name.length > 'requires_'.length) {
      features.add(e.name.slice('requires_'.length));
    }
  }
  // Sorted by UTF-16 code units, like Rust's BTreeSet<String> for ASCII names; deterministic either way.
  return [...features].sort();
}

function checkEnclave(bytes: Uint8Array, rejectFloats: boolean): ModuleInfo {
  let m: ParsedModule;
  try {
    m = parseModule(bytes);
  } catch (err) {
    throw new VmError('StaticValidation', ENCLAVE_INVALID_WASM, { cause: err });
  }
  // analyze_module: the API version comes from the first marker export.
  let apiVersion: ApiVersion | undefined;
  for (const e of m.exports) {
    if (e.name === API_MARKERS['v0.10']) apiVersion = 'v0.10';
    else if (e.name === API_MARKERS.v1) apiVersion = 'v1';
    if (apiVersion !== undefined) break;
  }
  if (apiVersion === undefined) {
    throw new VmError('StaticValidation', ENCLAVE_INVALID_WASM, {
      cause: new Error('no cosmwasm_vm_version_3 or interface_version_8 export'),
    });
  }
  if (m.start !== undefined) {
    throw new VmError('StaticValidation', ENCLAVE_INVALID_WASM, {
      cause: new Error('module has a start section (WasmModuleWithStart)'),
    });
  }
  if (m.memories.length + m.importedMemoryCount > 1) {
    throw new VmError('StaticValidation', ENCLAVE_MEMORY_INIT, { cause: new Error('more than one memory') });
  }
  const memory = m.memories[0];
  if (memory !== undefined && memory.min > SECRET_MAX_MEMORY_PAGES) {
    throw new VmError('StaticValidation', ENCLAVE_MEMORY_INIT, {
      cause: new Error(`initial memory ${memory.min} pages exceeds ${SECRET_MAX_MEMORY_PAGES}`),
    });
  }
  if (rejectFloats && m.hasFloats) throw new VmError('StaticValidation', ENCLAVE_FLOATS);
  return describe(m, apiVersion, requiredFeaturesOf(m.exports));
}

function describe(m: ParsedModule, apiVersion: ApiVersion, requiredFeatures: string[]): ModuleInfo {
  const memory = m.memories[0];
  const exportNames = new Set(m.exports.map((e) => e.name));
  return {
    apiVersion,
    exports: m.exports,
    imports: m.imports.map(({ module, name, kind }) => ({ module, name, kind })),
    memory:
      memory === undefined
        ? { initial: 0 }
        : memory.max === undefined
          ? { initial: memory.min }
          : { initial: memory.min, maximum: memory.max },
    requiredFeatures,
    requiresRandom: exportNames.has('requires_random'),
    hasFloats: m.hasFloats,
    ibcEntryPoints: IBC_EXPORTS.every((n) => exportNames.has(n)),
  };
}
