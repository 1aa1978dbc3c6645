/**
 * Instruction decoder for function bodies: every opcode of the MVP plus sign-extension, non-trapping float-to-int,
 * bulk memory and multi-value block types. Opcodes of proposals contracts may not use (SIMD, threads,
 * reference types, exceptions, tail calls, GC, multi-memory) are rejected with the proposal's name.
 */
import { Reader } from './reader.js';

/** Opcodes after a 0xFC prefix are reported as `FC_BASE + subopcode`. */
export const FC_BASE = 0xfc00;

/** Opcodes the instrumenter and validators switch on. */
export const Op = {
  unreachable: 0x00,
  nop: 0x01,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  brTable: 0x0e,
  return: 0x0f,
  call: 0x10,
  callIndirect: 0x11,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  globalGet: 0x23,
  globalSet: 0x24,
  memorySize: 0x3f,
  memoryGrow: 0x40,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Or: 0x72,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32GtS: 0x4a,
  i64LtU: 0x54,
  i64GtU: 0x56,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64ExtendI32U: 0xad,
} as const;

/** Value-type bytes. */
export const ValType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
} as const;

/** Block type of the empty signature (`0x40`) as returned by {@link CodeReader.blockType}. */
export const BLOCK_EMPTY = -64;

/** Thrown (via `Reader.fail`) for a proposal the runtime does not support; the message names it. */
export function unsupportedFeature(r: Reader, feature: string, op: string, offset: number): never {
  return r.fail(`${feature} are not supported (${op})`, offset);
}

/** Single-byte opcodes that operate on or produce f32/f64 values. */
const FLOAT_OPS = new Uint8Array(256);
for (const op of [0x2a, 0x2b, 0x38, 0x39, 0x43, 0x44]) FLOAT_OPS[op] = 1;
for (let op = 0x5b; op <= 0x66; op++) FLOAT_OPS[op] = 1; // f32/f64 comparisons
for (let op = 0x8b; op <= 0xa6; op++) FLOAT_OPS[op] = 1; // f32/f64 arithmetic
for (let op = 0xa8; op <= 0xab; op++) FLOAT_OPS[op] = 1; // i32.trunc_f*
for (let op = 0xae; op <= 0xbf; op++) FLOAT_OPS[op] = 1; // i64.trunc_f*, convert, demote/promote, reinterpret

/** True if the (possibly 0xFC-prefixed) opcode involves floating point values. */
export function isFloatOp(op: number): boolean {
  if (op >= FC_BASE) return op - FC_BASE <= 7; // i32/i64.trunc_sat_f32/f64_s/u
  return FLOAT_OPS[op] === 1;
}

/** True for value-type bytes f32/f64. */
export function isFloatType(t: number): boolean {
  return t === ValType.f32 || t === ValType.f64;
}

/**
 * Decodes one instruction at a time. After {@link next} returns an opcode, `imm` holds its first index immediate
 * (label depth, function, type, local or global index; data/elem index for bulk ops; the offset of a load or
 * store's memarg) and `blockType` the block
 * type of block/loop/if: {@link BLOCK_EMPTY}, a negative value-type code (-1 i32, -2 i64, -3 f32, -4 f64) or a
 * type index.
 */
export class CodeReader extends Reader {
  imm = 0;
  blockType = 0;
  /** Start offset of the instruction last returned by {@link next}. */
  opStart = 0;
  /** Label depths of the last `br_table`, default target last; valid for `brTableCount` entries. */
  brTable: number[] = [];
  brTableCount = 0;

  constructor(
    bytes: Uint8Array,
    pos: number,
    end: number,
    /** Number of entries in the type section, to bound block-type indices. */
    readonly typeCount: number,
  ) {
    super(bytes, pos, end);
  }

  private readBlockType(): void {
    const at = this.pos;
    const b = this.bytes[at];
    // Fast path for the one-byte forms.
    if (b === 0x40) {
      this.pos = at + 1;
      this.blockType = BLOCK_EMPTY;
      return;
    }
    if (b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c) {
      this.pos = at + 1;
      this.blockType = b - 0x80;
      return;
    }
    const bt = this.s33();
    if (bt >= 0) {
      if (bt >= this.typeCount) this.fail(`block type index ${bt} out of range`, at);
      this.blockType = bt;
      return;
    }
    if (bt === -5) unsupportedFeature(this, 'SIMD instructions', 'v128 block type', at);
    if (bt === -16 || bt === -17) unsupportedFeature(this, 'reference types', 'reference-typed block', at);
    this.fail(`invalid block type 0x${(bt + 0x80).toString(16)}`, at);
  }

  private zeroIndex(feature: string, what: string): void {
    const at = this.pos;
    if (this.u32() !== 0) unsupportedFeature(this, feature, what, at);
  }

  /** Decodes the next instruction and returns its opcode. */
  next(): number {
    const at = this.pos;
    this.opStart = at;
    if (at >= this.end) this.fail('unexpected end of function body');
    const op = this.bytes[at] as number;
    this.pos = at + 1;
    if (op >= 0x45 && op <= 0xc4) return op; // numeric instructions without immediates
    if (op >= 0x20 && op <= 0x24) {
      // local/global get/set/tee: the most frequent instructions in compiled code
      this.imm = this.u32();
      return op;
    }
    if (op >= 0x28 && op <= 0x3e) {
      // memarg: align, offset. Bit 6 of align announces a memory index (multi-memory proposal).
      const align = this.u32();
      if (align >= 64) unsupportedFeature(this, 'multiple memories', 'memarg with memory index', at + 1);
      this.imm = this.u32();
      return op;
    }
    switch (op) {
      case 0x00: // unreachable
      case 0x01: // nop
      case 0x05: // else
      case 0x0b: // end
      case 0x0f: // return
      case 0x1a: // drop
      case 0x1b: // select
        return op;
      case 0x02:
      case 0x03:
      case 0x04:
        this.readBlockType();
        return op;
      case 0x0c: // br
      case 0x0d: // br_if
      case 0x10: // call
        this.imm = this.u32();
        return op;
      case 0x0e: {
        // br_table: vec(labelidx) labelidx
        const count = this.u32();
        if (count > this.end - this.pos) this.fail('br_table target count exceeds body size');
        const targets = this.brTable;
        for (let i = 0; i <= count; i++) targets[i] = this.u32();
        this.brTableCount = count + 1;
        return op;
      }
      case 0x11: // call_indirect typeidx tableidx
        this.imm = this.u32();
        this.zeroIndex('reference types', 'call_indirect on a table other than 0');
        return op;
      case 0x3f: // memory.size
      case 0x40: // memory.grow
        this.zeroIndex('multiple memories', 'memory index other than 0');
        return op;
      case 0x41:
        this.s32();
        return op;
      case 0x42:
        this.s64();
        return op;
      case 0x43:
        this.skip(4);
        return op;
      case 0x44:
        this.skip(8);
        return op;
      case 0xfc:
        return this.nextPrefixed();
      default:
        return this.rejectOpcode(op);
    }
  }

  private nextPrefixed(): number {
    const at = this.opStart;
    const sub = this.u32();
    if (sub <= 7) return FC_BASE + sub; // trunc_sat
    switch (sub) {
      case 8: // memory.init dataidx memidx
        this.imm = this.u32();
        this.zeroIndex('multiple memories', 'memory.init on memory other than 0');
        break;
      case 9: // data.drop
      case 13: // elem.drop
        this.imm = this.u32();
        break;
      case 10: // memory.copy
        this.zeroIndex('multiple memories', 'memory.copy on memory other than 0');
        this.zeroIndex('multiple memories', 'memory.copy on memory other than 0');
        break;
      case 11: // memory.fill
        this.zeroIndex('multiple memories', 'memory.fill on memory other than 0');
        break;
      case 12: // table.init elemidx tableidx
        this.imm = this.u32();
        this.zeroIndex('reference types', 'table.init on a table other than 0');
        break;
      case 14: // table.copy
        this.zeroIndex('reference types', 'table.copy on a table other than 0');
        this.zeroIndex('reference types', 'table.copy on a table other than 0');
        break;
      case 15:
      case 16:
      case 17:
        return unsupportedFeature(
          this,
          'reference types',
          `table.${['grow', 'size', 'fill'][sub - 15] ?? ''}`,
          at,
        );
      default:
        return this.fail(`unknown opcode 0xfc 0x${sub.toString(16)}`, at);
    }
    return FC_BASE + sub;
  }

  private rejectOpcode(op: number): never {
    const at = this.opStart;
    const hex = `opcode 0x${op.toString(16).padStart(2, '0')}`;
    switch (op) {
      case 0x06:
      case 0x07:
      case 0x08:
      case 0x09:
      case 0x0a:
      case 0x18:
      case 0x19:
      case 0x1f:
        return unsupportedFeature(this, 'exception handling instructions', hex, at);
      case 0x12:
      case 0x13:
        return unsupportedFeature(this, 'tail calls', hex, at);
      case 0x14:
      case 0x15:
      case 0xd3:
      case 0xd4:
      case 0xd5:
      case 0xd6:
        return unsupportedFeature(this, 'typed function references', hex, at);
      case 0x1c:
      case 0x25:
      case 0x26:
      case 0xd0:
      case 0xd1:
      case 0xd2:
        return unsupportedFeature(this, 'reference types', hex, at);
      case 0xfb:
        return unsupportedFeature(this, 'GC instructions', hex, at);
      case 0xfd:
        return unsupportedFeature(this, 'SIMD instructions', hex, at);
      case 0xfe:
        return unsupportedFeature(this, 'threads (atomic) instructions', hex, at);
      default:
        return this.fail(`unknown ${hex}`, at);
    }
  }
}
