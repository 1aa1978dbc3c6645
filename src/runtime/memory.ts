/**
 * Region I/O over a contract's linear memory. Mirrors CosmWasm packages/vm/src/memory.rs (`validate_region`,
 * `read_region`, `write_region`). Rules: every access is bounds-checked against the *current* buffer; no buffer or
 * view is kept across a call into the guest (`memory.grow` detaches it); little-endian DataView reads; UTF-8 is
 * decoded fatally.
 */
import { CommunicationError, ENCLAVE_ERROR } from './errors.js';
import { DIRTY_MARK_GRANULE } from './wasm/limits.js';

/** Size of the `{offset, capacity, length}` Region struct (three little-endian u32). */
export const REGION_SIZE = 12;

/** A decoded Region struct. */
export interface Region {
  readonly offset: number;
  readonly capacity: number;
  readonly length: number;
}

const U32_MAX = 0xffff_ffff;

// One byte view over the most recently used memory: the host reads and writes several Regions per import call,
// and both a new view per access and the `memory.buffer` getter (a C++ API callback, ~15 ns) showed up in
// profiles. Growing a (non-shared: the parser refuses shared memories) memory detaches its old buffer, which
// leaves the view empty: a view of this memory with bytes in it is a view of its current buffer.
let viewMemory: WebAssembly.Memory | undefined;
let view8 = new Uint8Array(0);

function bytesOf(memory: WebAssembly.Memory): Uint8Array {
  if (memory !== viewMemory || view8.length === 0) {
    viewMemory = memory;
    view8 = new Uint8Array(memory.buffer);
  }
  return view8;
}

/**
 * The store-tracking marks of a reusable instance (the instrumentation's `dirty_low` / `dirty_high` /
 * `dirty_heap_high` i32 globals, read as u32, and its split; see ContractInstance.restore). Without the two highs,
 * `low` alone bounds what was written (restored from there to the end of memory).
 *
 * Reading a global through the JS API costs ~17 ns, and the host writes several Regions per call, so the marks'
 * values last seen by the host are kept: the guest only ever moves a mark outwards (lower low, higher highs) until
 * the host clears them ({@link clear}), so a write inside the last seen range is inside the current one too and
 * needs no global access. Host moves round to the instrumentation's granule for the same reason.
 */
export class DirtyMarks {
  private lowSeen = CLEAN_LOW;
  private highSeen = 0;
  private heapHighSeen = 0;

  constructor(
    readonly low: WebAssembly.Global,
    readonly high: WebAssembly.Global | undefined,
    readonly heapHigh: WebAssembly.Global | undefined,
    /** Bytes below it are covered by `high`, from it on by `heapHigh`. */
    readonly split: number,
  ) {}

  /** Back to "nothing written": low 0xFFFFFFFF, highs 0. */
  clear(): void {
    this.low.value = -1;
    this.lowSeen = CLEAN_LOW;
    if (this.high !== undefined) this.high.value = 0;
    this.highSeen = 0;
    if (this.heapHigh !== undefined) this.heapHigh.value = 0;
    this.heapHighSeen = 0;
  }

  /** Moves the marks over a host write of bytes `[from, to)` (to > from). */
  note(from: number, to: number): void {
    if (from < this.lowSeen) {
      const low = (this.low.value as number) >>> 0;
      if (from < low) {
        this.lowSeen = from - (from % DIRTY_MARK_GRANULE);
        this.low.value = this.lowSeen | 0;
      } else {
        this.lowSeen = low;
      }
    }
    const last = to - 1;
    const split = this.split;
    if (from < split && this.high !== undefined) {
      const top = last < split ? last : split - 1;
      if (top > this.highSeen) this.highSeen = raise(this.high, top);
    }
    if (last >= split && this.heapHigh !== undefined && last > this.heapHighSeen) {
      this.heapHighSeen = raise(this.heapHigh, last);
    }
  }
}

const CLEAN_LOW = 0xffff_ffff;

/** Raises `mark` to `top` rounded up to its granule's last byte if it is below `top`; returns the mark. */
function raise(mark: WebAssembly.Global, top: number): number {
  const current = (mark.value as number) >>> 0;
  if (top <= current) return current;
  const raised = top - (top % DIRTY_MARK_GRANULE) + DIRTY_MARK_GRANULE - 1;
  mark.value = raised | 0;
  return raised;
}

// Dirty marks of reusable instances: a host write moves the marks like a guest store does, so a partial restore
// also undoes what the host wrote. The last pair looked up is kept (the host writes several Regions per call).
const dirtyMarks = new WeakMap<WebAssembly.Memory, DirtyMarks>();
let marksMemory: WebAssembly.Memory | undefined;
let marksOf: DirtyMarks | undefined;

/**
 * Makes every Region write of this module into `memory` move `marks` over the bytes written.
 * {@link ContractInstance} registers its instrumentation's marks here.
 */
export function trackHostWrites(memory: WebAssembly.Memory, marks: DirtyMarks): void {
  dirtyMarks.set(memory, marks);
  if (memory === marksMemory) marksOf = marks;
}

/** Notes a host write of bytes `[from, to)` (to > from) into `memory`. */
function noteHostWrite(memory: WebAssembly.Memory, from: number, to: number): void {
  if (memory !== marksMemory) {
    marksMemory = memory;
    marksOf = dirtyMarks.get(memory);
  }
  marksOf?.note(from, to);
}

function u32At(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

/** UTF-8 encoder shared by the runtime (sizes always come from encoded bytes, never `string.length`). */
export const utf8 = new TextEncoder();

/** Reads and validates the Region struct at `ptr`. Failures are "failed to read memory" with the CosmWasm reason. */
export function readRegionStruct(memory: WebAssembly.Memory, ptr: number): Region {
  const p = ptr >>> 0;
  const b = bytesOf(memory);
  const size = b.length;
  if (p === 0 || p + REGION_SIZE > size) {
    throw new CommunicationError(
      ENCLAVE_ERROR.memoryReadError,
      { offset: p },
      {
        detail: `The Wasm memory address ${p} provided by the contract could not be dereferenced: Could not dereference this pointer to a Region`,
      },
    );
  }
  const region = { offset: u32At(b, p), capacity: u32At(b, p + 4), length: u32At(b, p + 8) };
  validateRegion(region, size);
  return region;
}

/** CosmWasm `validate_region` plus the data-in-memory check. */
function validateRegion(r: Region, memoryBytes: number): void {
  if (r.offset === 0) invalidRegion(r, 'Got a zero Wasm address in the offset');
  if (r.length > r.capacity)
    invalidRegion(r, `Region length exceeds capacity. Length ${r.length}, capacity ${r.capacity}`);
  if (r.capacity > U32_MAX - r.offset)
    invalidRegion(r, `Region exceeds address space. Offset ${r.offset}, capacity ${r.capacity}`);
  if (r.offset + r.capacity > memoryBytes) {
    invalidRegion(
      r,
      `Tried to access memory of region ${JSON.stringify(r)} in wasm memory of size ${memoryBytes} bytes. This typically happens when the given Region pointer does not point to a proper Region struct.`,
    );
  }
}

// Module-level (not a closure in validateRegion): this runs for every Region the host touches.
function invalidRegion(r: Region, detail: string): never {
  throw new CommunicationError(
    ENCLAVE_ERROR.memoryReadError,
    { offset: r.offset, length: r.length },
    {
      detail: `Got an invalid region: ${detail}`,
    },
  );
}

/** {@link readRegionStruct} plus the per-import length limit ("Region length too big"), checked before any copy. */
function limitedRegion(memory: WebAssembly.Memory, ptr: number, maxLength: number): Region {
  const r = readRegionStruct(memory, ptr);
  if (r.length > maxLength) {
    throw new CommunicationError(
      ENCLAVE_ERROR.memoryReadError,
      { offset: r.offset, length: r.length, maxLength },
      {
        detail: `Region length too big. Got ${r.length}, limit ${maxLength}`,
      },
    );
  }
  return r;
}

/**
 * Copies the bytes of the Region at `ptr` out of guest memory. A length above `maxLength` is refused
 * ("Region length too big") before anything is copied.
 */
export function readRegion(memory: WebAssembly.Memory, ptr: number, maxLength: number): Uint8Array {
  // Copy: the guest may overwrite or grow memory after we return.
  return readRegionView(memory, ptr, maxLength).slice();
}

/**
 * {@link readRegion} without the copy: a view into guest memory, valid only until the guest runs again. Decoding
 * from it is also cheaper than from a small copy (V8 keeps arrays of ≤ 64 bytes on its heap and moves one off it
 * the first time native code such as TextDecoder reads it).
 */
export function readRegionView(memory: WebAssembly.Memory, ptr: number, maxLength: number): Uint8Array {
  const r = limitedRegion(memory, ptr, maxLength);
  return bytesOf(memory).subarray(r.offset, r.offset + r.length);
}

/**
 * Reads a Region (same checks and errors as {@link readRegion}) and decodes it as strict UTF-8; invalid UTF-8
 * returns `undefined` so imports can report it. Decodes from guest memory directly: the string is the copy.
 */
export function readRegionUtf8(
  memory: WebAssembly.Memory,
  ptr: number,
  maxLength: number,
): string | undefined {
  const r = limitedRegion(memory, ptr, maxLength);
  const b = bytesOf(memory);
  const start = r.offset;
  const n = r.length;
  // A contract hands the same short text (an address) to several imports in a row: the last one decoded is
  // kept with a copy of its bytes and reused when every byte is the same.
  const last = lastText;
  if (n === last.length && n <= TEXT_MEMO_MAX) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (b[start + i] !== last[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastTextValue;
  }
  const text = decodeUtf8(b.subarray(start, start + n));
  if (n <= TEXT_MEMO_MAX) {
    for (let i = 0; i < n; i++) lastTextBytes[i] = b[start + i]!;
    lastText = lastTextViews[n]!;
    lastTextValue = text;
  }
  return text;
}

/** Longest text {@link readRegionUtf8} remembers (a bech32 address is at most 90 bytes). */
const TEXT_MEMO_MAX = 96;
/** The remembered text's bytes live in one buffer; `lastText` is its view of the text's length. */
const lastTextBytes = new Uint8Array(TEXT_MEMO_MAX);
const lastTextViews = Array.from({ length: TEXT_MEMO_MAX + 1 }, (_, n) => lastTextBytes.subarray(0, n));
let lastText = lastTextViews[0]!;
let lastTextValue: string | undefined = '';

/** Strict UTF-8 decode: `undefined` on invalid input, never U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Lossy UTF-8 decode, only for debug output (CosmWasm `debug` passes messages lossily). */
export function decodeUtf8Lossy(bytes: Uint8Array): string {
  return lossyUtf8.decode(bytes);
}

/**
 * The Region at `ptr` for a host write of `length` bytes: failures to read it become "failed to write memory";
 * a capacity below `length` is refused ("Region too small").
 */
function regionForWrite(memory: WebAssembly.Memory, ptr: number, length: number): Region {
  let r: Region;
  try {
    r = readRegionStruct(memory, ptr);
  } catch (e) {
    const detail = e instanceof CommunicationError ? e.detail : undefined;
    throw new CommunicationError(ENCLAVE_ERROR.memoryWriteError, { offset: ptr >>> 0 }, { cause: e, detail });
  }
  if (length > r.capacity) {
    throw new CommunicationError(
      ENCLAVE_ERROR.memoryWriteError,
      { offset: r.offset, length },
      {
        detail: `Region too small. Got ${r.capacity}, required ${length}`,
      },
    );
  }
  return r;
}

/** Notes a Region write: `length` data bytes at `offset` and the struct's 4-byte length field at `ptr + 8`. */
function noteRegionWrite(memory: WebAssembly.Memory, ptr: number, offset: number, length: number): void {
  const at = (ptr >>> 0) + 8;
  noteHostWrite(memory, at, at + 4);
  if (length > 0) noteHostWrite(memory, offset, offset + length);
}

/** Sets the little-endian `length` field of the Region struct at `ptr`. */
function setRegionLength(b: Uint8Array, ptr: number, n: number): void {
  const at = (ptr >>> 0) + 8;
  b[at] = n & 0xff;
  b[at + 1] = (n >>> 8) & 0xff;
  b[at + 2] = (n >>> 16) & 0xff;
  b[at + 3] = n >>> 24;
}

/** Writes `data` into the Region at `ptr` (capacity must suffice) and sets its length. */
export function writeRegion(memory: WebAssembly.Memory, ptr: number, data: Uint8Array): void {
  const r = regionForWrite(memory, ptr, data.length);
  noteRegionWrite(memory, ptr, r.offset, data.length);
  const b = bytesOf(memory);
  b.set(data, r.offset);
  setRegionLength(b, ptr, data.length);
}

/** UTF-8 byte length of `s`, counting a lone surrogate as its 3-byte U+FFFD replacement (as every encoder here). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Writes the UTF-8 encoding of `s` (exactly `byteLength` = {@link utf8Length}(s) bytes; lone surrogates become
 * U+FFFD: byte for byte what `Buffer.from(s)` and `TextEncoder.encode(s)` produce) into the Region at `ptr` and
 * sets its length. Same checks and errors as {@link writeRegion}. Encoding straight into guest memory avoids an
 * intermediate buffer per call: `Buffer.from` for env/info JSON kept cutting new 8 KiB pool slabs (off-heap
 * allocations that also drive GC).
 */
export function writeRegionUtf8(
  memory: WebAssembly.Memory,
  ptr: number,
  s: string,
  byteLength: number,
): void {
  const r = regionForWrite(memory, ptr, byteLength);
  noteRegionWrite(memory, ptr, r.offset, byteLength);
  const b = bytesOf(memory);
  const { read, written } = utf8.encodeInto(s, b.subarray(r.offset, r.offset + byteLength));
  if (read !== s.length || written !== byteLength) {
    // Unreachable unless byteLength is not utf8Length(s): never hand the guest a truncated string.
    throw new CommunicationError(
      ENCLAVE_ERROR.memoryWriteError,
      { offset: r.offset, length: byteLength },
      { detail: `UTF-8 length mismatch: wrote ${written} of ${byteLength} bytes` },
    );
  }
  setRegionLength(b, ptr, byteLength);
}
