/**
 * Wasm module decoder. Decodes every section the runtime reasons about and remembers the byte range of each
 * section so the instrumenter can copy untouched sections verbatim. Function bodies are decoded instruction by
 * instruction only when asked (`decodeBodies`), to detect unsupported proposals and floating point.
 */
import { VmError } from '../errors.js';
import { CodeReader, isFloatOp, isFloatType, Op, unsupportedFeature, ValType } from './code.js';
import { Reader, WasmDecodeError } from './reader.js';

/** Section ids of the binary format. */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
} as const;

/** Position of each known section id in the mandated order (data count sits between element and code). */
const SECTION_RANK: readonly number[] = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11];

/** External kinds of imports and exports. */
export type ExternalKind = 'function' | 'table' | 'memory' | 'global';
const KIND_NAMES: readonly ExternalKind[] = ['function', 'table', 'memory', 'global'];

/** A function signature; value types are the raw type bytes. */
export interface FuncType {
  readonly params: Uint8Array;
  readonly results: Uint8Array;
}

/** Limits of a memory or table, in pages or elements. */
export interface Limits {
  readonly min: number;
  readonly max: number | undefined;
}

/** One entry of the import section. `typeIndex` is set for functions. */
export interface ImportEntry {
  readonly module: string;
  readonly name: string;
  readonly kind: ExternalKind;
  readonly typeIndex?: number;
}

/** One entry of the export section. */
export interface ExportEntry {
  readonly name: string;
  readonly kind: ExternalKind;
  readonly index: number;
}

/** Raw location of a section: `[start, end)` is the payload, `headerStart` the id byte. */
export interface SectionRange {
  readonly id: number;
  readonly headerStart: number;
  readonly start: number;
  readonly end: number;
}

/** A function body: `[start, end)` spans locals and code, `codeStart` is the first instruction. */
export interface FunctionBody {
  readonly start: number;
  readonly end: number;
  readonly codeStart: number;
  /** Number of declared locals, excluding parameters. */
  readonly localCount: number;
}

/** A custom section with its name and raw payload range. */
export interface CustomSection {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** Everything the validator and instrumenter need from a module. */
export interface ParsedModule {
  readonly bytes: Uint8Array;
  readonly sections: SectionRange[];
  readonly types: FuncType[];
  readonly imports: ImportEntry[];
  /** Type index of every function, imported ones first (the function index space). */
  readonly funcTypes: number[];
  importedFuncCount: number;
  readonly tables: Limits[];
  importedTableCount: number;
  /** Memories declared in this module (imported memories are listed in `imports` only). */
  readonly memories: Limits[];
  importedMemoryCount: number;
  /** Number of globals in the global index space, imported ones included. */
  globalCount: number;
  /** Mutability of each global defined in this module (index = global index - importedGlobalCount). */
  readonly definedGlobalMutable: boolean[];
  importedGlobalCount: number;
  readonly exports: ExportEntry[];
  start: number | undefined;
  dataCount: number | undefined;
  readonly bodies: FunctionBody[];
  readonly customSections: CustomSection[];
  /** True if any type, local, global or (when bodies were decoded) instruction uses f32/f64. */
  hasFloats: boolean;
}

/** Options of {@link parseModule}. */
export interface ParseOptions {
  /** Decode every instruction (feature and float detection, structure checks). Default true. */
  readonly decodeBodies?: boolean;
}

/**
 * Limit on declared locals per function: V8 rejects more than 50,000 (wasm-limits.h kV8MaxWasmFunctionLocals),
 * and instrumentation adds 2 to every function, so a module accepted here always compiles after instrumenting.
 */
export const MAX_FUNCTION_LOCALS = 50_000 - 2;

/**
 * Decodes a module. Throws `VmError('StaticValidation')` with a message naming the problem and its byte offset for
 * any malformed or unsupported input.
 */
export function parseModule(bytes: Uint8Array, options: ParseOptions = {}): ParsedModule {
  try {
    return decode(bytes, options.decodeBodies ?? true);
  } catch (err) {
    throw toVmError(err);
  }
}

/** Converts decoder failures to `VmError('StaticValidation')`; anything else is re-thrown unchanged. */
export function toVmError(err: unknown): unknown {
  if (err instanceof WasmDecodeError) return new VmError('StaticValidation', err.message, { cause: err });
  if (err instanceof RangeError) {
    // Defensive: the decoder bounds-checks everything, but a malformed module must never surface as RangeError.
    return new VmError('StaticValidation', `malformed module: ${err.message}`, { cause: err });
  }
  return err;
}

function decode(bytes: Uint8Array, decodeBodies: boolean): ParsedModule {
  const r: Reader = new Reader(bytes);
  if (bytes.length < 8) r.fail('module too short for the wasm header', 0);
  if (bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    r.fail('bad magic number (not a wasm module)', 0);
  }
  if (bytes[4] !== 0x01 || bytes[5] !== 0x00 || bytes[6] !== 0x00 || bytes[7] !== 0x00) {
    r.fail('unsupported wasm version (expected 1)', 4);
  }
  r.pos = 8;

  const m: ParsedModule = {
    bytes,
    sections: [],
    types: [],
    imports: [],
    funcTypes: [],
    importedFuncCount: 0,
    tables: [],
    importedTableCount: 0,
    memories: [],
    importedMemoryCount: 0,
    globalCount: 0,
    definedGlobalMutable: [],
    importedGlobalCount: 0,
    exports: [],
    start: undefined,
    dataCount: undefined,
    bodies: [],
    customSections: [],
    hasFloats: false,
  };
  let lastRank = 0;
  let declaredFuncCount = -1;
  while (!r.atEnd()) {
    const headerStart = r.pos;
    const id = r.u8();
    const size = r.u32();
    const start = r.pos;
    if (size > r.end - start) r.fail(`section ${id} size ${size} exceeds module length`, headerStart);
    const end = start + size;
    if (id === 13) unsupportedFeature(r, 'exception handling sections', 'tag section', headerStart);
    const rank = SECTION_RANK[id];
    if (rank === undefined) r.fail(`unknown section id ${id}`, headerStart);
    if (id !== SectionId.custom) {
      if (rank <= lastRank) r.fail(`section ${id} out of order or duplicated`, headerStart);
      lastRank = rank;
    }
    m.sections.push({ id, headerStart, start, end });
    const s = new Reader(bytes, start, end);
    switch (id) {
      case SectionId.custom:
        m.customSections.push({ name: s.name(), start: s.pos, end });
        s.pos = end;
        break;
      case SectionId.type:
        readTypes(s, m);
        break;
      case SectionId.import:
        readImports(s, m);
        break;
      case SectionId.function: {
        const n = vecLength(s, 1);
        for (let i = 0; i < n; i++) {
          const at = s.pos;
          const t = s.u32();
          if (t >= m.types.length) s.fail(`function type index ${t} out of range`, at);
          m.funcTypes.push(t);
        }
        declaredFuncCount = n;
        break;
      }
      case SectionId.table: {
        const n = vecLength(s, 2);
        for (let i = 0; i < n; i++) m.tables.push(readTableType(s));
        break;
      }
      case SectionId.memory: {
        const n = vecLength(s, 1);
        for (let i = 0; i < n; i++) m.memories.push(readMemoryType(s));
        break;
      }
      case SectionId.global: {
        const n = vecLength(s, 2);
        for (let i = 0; i < n; i++) {
          const { float, mutable } = readGlobalType(s);
          if (float) m.hasFloats = true;
          m.definedGlobalMutable.push(mutable);
          if (readConstExpr(s)) m.hasFloats = true;
        }
        m.globalCount += n;
        break;
      }
      case SectionId.export:
        readExports(s, m);
        break;
      case SectionId.start: {
        const at = s.pos;
        m.start = s.u32();
        if (m.start >= m.funcTypes.length) s.fail(`start function index ${m.start} out of range`, at);
        break;
      }
      case SectionId.element:
        readElements(s);
        break;
      case SectionId.dataCount:
        m.dataCount = s.u32();
        break;
      case SectionId.code:
        readCode(s, m, declaredFuncCount, decodeBodies);
        break;
      case SectionId.data:
        readData(s, m);
        break;
    }
    if (s.pos !== end) s.fail(`section ${id} has ${end - s.pos} trailing bytes`);
    r.pos = end;
  }
  const definedFuncs = m.funcTypes.length - m.importedFuncCount;
  if (definedFuncs > 0 && m.bodies.length !== definedFuncs) {
    r.fail(`function and code section have inconsistent lengths (${definedFuncs} vs ${m.bodies.length})`);
  }
  return m;
}

/** Reads a vector length and rejects lengths that cannot fit in the remaining bytes (`minSize` bytes each). */
function vecLength(s: Reader, minSize: number): number {
  const at = s.pos;
  const n = s.u32();
  if (n * minSize > s.end - s.pos) s.fail(`vector length ${n} exceeds section size`, at);
  return n;
}

function readValType(s: Reader): number {
  const at = s.pos;
  const t = s.u8();
  switch (t) {
    case ValType.i32:
    case ValType.i64:
    case ValType.f32:
    case ValType.f64:
      return t;
    case ValType.v128:
      return unsupportedFeature(s, 'SIMD instructions', 'v128 value type', at);
    case ValType.funcref:
    case ValType.externref:
      return unsupportedFeature(s, 'reference types', 'reference value type', at);
    default:
      return s.fail(`invalid value type 0x${t.toString(16)}`, at);
  }
}

function readTypes(s: Reader, m: ParsedModule): void {
  const n = vecLength(s, 3);
  for (let i = 0; i < n; i++) {
    const at = s.pos;
    const form = s.u8();
    if (form !== 0x60) {
      if (form === 0x4e || form === 0x4f || form === 0x50 || form === 0x5e || form === 0x5f) {
        unsupportedFeature(s, 'GC types', `type form 0x${form.toString(16)}`, at);
      }
      s.fail(`invalid function type form 0x${form.toString(16)}`, at);
    }
    const params = new Uint8Array(vecLength(s, 1));
    for (let j = 0; j < params.length; j++) params[j] = readValType(s);
    const results = new Uint8Array(vecLength(s, 1));
    for (let j = 0; j < results.length; j++) results[j] = readValType(s);
    if (params.some(isFloatType) || results.some(isFloatType)) m.hasFloats = true;
    m.types.push({ params, results });
  }
}

function readLimits(s: Reader, what: 'memory' | 'table'): Limits {
  const at = s.pos;
  const flags = s.u8();
  if (flags === 2 || flags === 3) unsupportedFeature(s, 'threads (shared memories)', `shared ${what}`, at);
  if (flags > 1) {
    if (flags === 4 || flags === 5) unsupportedFeature(s, '64-bit memories and tables', `${what}64`, at);
    s.fail(`invalid ${what} limits flags 0x${flags.toString(16)}`, at);
  }
  const min = s.u32();
  const max = flags === 1 ? s.u32() : undefined;
  if (max !== undefined && max < min) s.fail(`${what} maximum ${max} is below its minimum ${min}`, at);
  if (what === 'memory' && (min > 65536 || (max ?? 0) > 65536))
    s.fail('memory size must be at most 65536 pages', at);
  return { min, max };
}

function readTableType(s: Reader): Limits {
  const at = s.pos;
  const t = s.u8();
  if (t === ValType.externref) unsupportedFeature(s, 'reference types', 'externref table', at);
  if (t !== ValType.funcref) s.fail(`invalid table element type 0x${t.toString(16)}`, at);
  return readLimits(s, 'table');
}

function readMemoryType(s: Reader): Limits {
  return readLimits(s, 'memory');
}

/** Reads a global type: whether it is f32/f64 and whether it is mutable. */
function readGlobalType(s: Reader): { float: boolean; mutable: boolean } {
  const t = readValType(s);
  const at = s.pos;
  const mut = s.u8();
  if (mut > 1) s.fail(`invalid global mutability ${mut}`, at);
  return { float: isFloatType(t), mutable: mut === 1 };
}

/**
 * Reads a constant expression up to its `end`. Allows the MVP forms plus `ref.null func`/`ref.func` (element
 * segment expressions of the bulk-memory encoding). Returns true if it contains a float constant.
 */
function readConstExpr(s: Reader): boolean {
  let floats = false;
  for (;;) {
    const at = s.pos;
    const op = s.u8();
    switch (op) {
      case Op.end:
        return floats;
      case Op.i32Const:
        s.s32();
        break;
      case Op.i64Const:
        s.s64();
        break;
      case 0x43:
        s.skip(4);
        floats = true;
        break;
      case 0x44:
        s.skip(8);
        floats = true;
        break;
      case Op.globalGet:
        s.u32();
        break;
      case 0xd0: {
        const t = s.u8();
        if (t !== ValType.funcref)
          unsupportedFeature(s, 'reference types', 'ref.null of a non-function type', at);
        break;
      }
      case 0xd2:
        s.u32();
        break;
      case 0xfd:
        return unsupportedFeature(s, 'SIMD instructions', 'v128.const', at);
      default:
        return s.fail(`invalid instruction 0x${op.toString(16)} in constant expression`, at);
    }
  }
}

function readImports(s: Reader, m: ParsedModule): void {
  const n = vecLength(s, 4);
  let funcs = 0;
  let tables = 0;
  let memories = 0;
  let globals = 0;
  for (let i = 0; i < n; i++) {
    const module = s.name();
    const name = s.name();
    const at = s.pos;
    const kind = s.u8();
    switch (kind) {
      case 0: {
        const t = s.u32();
        if (t >= m.types.length) s.fail(`imported function type index ${t} out of range`, at + 1);
        m.imports.push({ module, name, kind: 'function', typeIndex: t });
        m.funcTypes.push(t);
        funcs++;
        break;
      }
      case 1:
        readTableType(s);
        m.imports.push({ module, name, kind: 'table' });
        tables++;
        break;
      case 2:
        readMemoryType(s);
        m.imports.push({ module, name, kind: 'memory' });
        memories++;
        break;
      case 3:
        if (readGlobalType(s).float) m.hasFloats = true;
        m.imports.push({ module, name, kind: 'global' });
        globals++;
        break;
      case 4:
        unsupportedFeature(s, 'exception handling', 'tag import', at);
        break;
      default:
        s.fail(`invalid import kind ${kind}`, at);
    }
  }
  m.importedFuncCount = funcs;
  m.importedTableCount = tables;
  m.importedMemoryCount = memories;
  m.importedGlobalCount = globals;
  m.globalCount = globals;
}

function readExports(s: Reader, m: ParsedModule): void {
  const n = vecLength(s, 3);
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const nameAt = s.pos;
    const name = s.name();
    if (seen.has(name)) s.fail(`duplicate export name "${name}"`, nameAt);
    seen.add(name);
    const at = s.pos;
    const kind = s.u8();
    const k = KIND_NAMES[kind];
    if (k === undefined) {
      if (kind === 4) unsupportedFeature(s, 'exception handling', 'tag export', at);
      s.fail(`invalid export kind ${kind}`, at);
    }
    m.exports.push({ name, kind: k, index: s.u32() });
  }
}

function readElemKind(s: Reader, flags: number): void {
  const at = s.pos;
  const t = s.u8();
  const ok = flags <= 3 ? t === 0x00 : t === ValType.funcref;
  if (!ok) unsupportedFeature(s, 'reference types', 'element segment of a non-function type', at);
}

function readElements(s: Reader): void {
  const n = vecLength(s, 2);
  for (let i = 0; i < n; i++) {
    const at = s.pos;
    const flags = s.u32();
    if (flags > 7) s.fail(`invalid element segment flags ${flags}`, at);
    const passiveOrDeclarative = (flags & 1) !== 0;
    const explicitTable = (flags & 2) !== 0 && !passiveOrDeclarative;
    const usesExprs = (flags & 4) !== 0;
    if (explicitTable) {
      const tAt = s.pos;
      if (s.u32() !== 0)
        unsupportedFeature(s, 'reference types', 'element segment for a table other than 0', tAt);
    }
    if (!passiveOrDeclarative) readConstExpr(s);
    if (passiveOrDeclarative || explicitTable) readElemKind(s, flags);
    const count = vecLength(s, 1);
    for (let j = 0; j < count; j++) {
      if (usesExprs) readConstExpr(s);
      else s.u32();
    }
  }
}

function readData(s: Reader, m: ParsedModule): void {
  const n = vecLength(s, 1);
  if (m.dataCount !== undefined && m.dataCount !== n) {
    s.fail(`data count section (${m.dataCount}) and data section (${n}) disagree`);
  }
  for (let i = 0; i < n; i++) {
    const at = s.pos;
    const flags = s.u32();
    if (flags === 2) {
      const memAt = s.pos;
      if (s.u32() !== 0)
        unsupportedFeature(s, 'multiple memories', 'data segment for memory other than 0', memAt);
    } else if (flags > 2) {
      s.fail(`invalid data segment flags ${flags}`, at);
    }
    if (flags !== 1) readConstExpr(s);
    s.skip(s.u32());
  }
}

function readCode(s: Reader, m: ParsedModule, declaredFuncCount: number, decodeBodies: boolean): void {
  const n = vecLength(s, 2);
  if (n !== Math.max(declaredFuncCount, 0)) {
    s.fail(`function and code section have inconsistent lengths (${Math.max(declaredFuncCount, 0)} vs ${n})`);
  }
  const bytes = s.bytes;
  for (let i = 0; i < n; i++) {
    const sizeAt = s.pos;
    const size = s.u32();
    const start = s.pos;
    if (size > s.end - start) s.fail(`function body ${i} size exceeds code section`, sizeAt);
    const end = start + size;
    const b = new Reader(bytes, start, end);
    const groups = vecLength(b, 2);
    let localCount = 0;
    for (let g = 0; g < groups; g++) {
      const cAt = b.pos;
      localCount += b.u32();
      if (localCount > MAX_FUNCTION_LOCALS) b.fail(`too many locals (more than ${MAX_FUNCTION_LOCALS})`, cAt);
      if (isFloatType(readValType(b))) m.hasFloats = true;
    }
    m.bodies.push({ start, end, codeStart: b.pos, localCount });
    if (decodeBodies && decodeBody(bytes, b.pos, end, m.types.length)) m.hasFloats = true;
    s.pos = end;
  }
}

/** Decodes every instruction of one body and checks block nesting; returns true if it uses float opcodes. */
function decodeBody(bytes: Uint8Array, start: number, end: number, typeCount: number): boolean {
  const c = new CodeReader(bytes, start, end, typeCount);
  let depth = 0;
  let floats = false;
  while (c.pos < end) {
    const op = c.next();
    if (op === Op.block || op === Op.loop || op === Op.if) {
      depth++;
      if (c.blockType === -3 || c.blockType === -4) floats = true;
    } else if (op === Op.end) {
      if (depth === 0) {
        if (c.pos !== end) c.fail('operators remaining after the end of the function');
        return floats;
      }
      depth--;
    } else if (!floats && isFloatOp(op)) {
      floats = true;
    }
  }
  return c.fail('function body must end with the end opcode');
}
