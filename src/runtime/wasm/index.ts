/** Public surface of the Wasm layer: parsing, static validation and instrumentation of contract bytecode. */
export { BLOCK_EMPTY, FC_BASE, isFloatOp, isFloatType, Op, ValType } from './code.js';
export type { GasCostTable } from './costs.js';
export { COSMWASM_GAS_COSTS, SECRET_GAS_COSTS } from './costs.js';
export type { InstrumentOptions } from './instrument.js';
export { dirtySplit, instrument, INSTRUMENT_GLOBALS, TrapReason } from './instrument.js';
export {
  DEFAULT_MAX_STACK_SLOTS,
  DEFAULT_SUPPORTED_FEATURES,
  FRAME_OVERHEAD_SLOTS,
  SECRET_MAX_MEMORY_PAGES,
  STORE_MAX_INITIAL_MEMORY_PAGES,
  WASM_PAGE_SIZE,
} from './limits.js';
export type {
  CustomSection,
  ExportEntry,
  ExternalKind,
  FunctionBody,
  FuncType,
  ImportEntry,
  Limits,
  ParsedModule,
  ParseOptions,
  SectionRange,
} from './parse.js';
export { MAX_FUNCTION_LOCALS, parseModule, SectionId } from './parse.js';
export type { ApiVersion } from './supported-imports.js';
export {
  API_MARKERS,
  IBC_EXPORTS,
  IMPORT_MODULE,
  REQUIRED_EXPORTS_V1,
  REQUIRED_EXPORTS_V010,
  SUPPORTED_IMPORTS,
} from './supported-imports.js';
export type { CheckPhase, CheckWasmOptions, ModuleInfo } from './validate.js';
export {
  checkWasm,
  ENCLAVE_FLOATS,
  ENCLAVE_INVALID_WASM,
  ENCLAVE_MEMORY_INIT,
  STATIC_VALIDATION_PREFIX,
} from './validate.js';
