/**
 * Binary messages between the enclave and its prepare worker. A batch of txs travels as ONE transferred
 * ArrayBuffer (no per-field structured clone) and comes back unchanged with a second buffer of results; byte
 * fields of the results are offsets into the returned batch buffer, which nothing else can reach once it was
 * transferred away and back, so the cached facts stay bound to the bytes that were actually checked.
 */
import type { DecodedMessage, SignatureFacts, SignedExecuteFields } from './tx-verification.js';
import type { SigInfo, SignMode } from './types.js';

const MODES: readonly SignMode[] = [
  'SIGN_MODE_DIRECT',
  'SIGN_MODE_LEGACY_AMINO_JSON',
  'SIGN_MODE_UNSPECIFIED',
];
const ABSENT = 0xffffffff;
const TX_HEADER = 1 + 4 * 4;

/** One tx of a batch as the worker and the cache see it: views into the batch buffer. */
export interface BatchTx {
  readonly txBytes: Uint8Array;
  readonly signBytes: Uint8Array;
  readonly signMode: SignMode;
  readonly publicKey?: Uint8Array;
  readonly signature: Uint8Array;
}

/** One decrypted input found in a tx. */
export interface PreparedInput {
  /** The whole wire message (view into the batch buffer). */
  readonly wire: Uint8Array;
  readonly plaintext: Uint8Array;
  readonly txKey: Uint8Array;
  /**
   * aes-256-gcm only: the key-only part of sealing the tx's outputs, from gcm-box.ts
   * `gcmOpenBodyWithSealKeyBlocks` (H ‖ K_iv ‖ K_iv's HMAC midstates) for `gcmPrimeSealState`.
   */
  readonly sealKeyBlocks?: Uint8Array;
}

/** What the worker established about one tx (positive facts only). */
export interface PreparedTx {
  readonly signature?: SignatureFacts;
  readonly inputs: readonly PreparedInput[];
}

/** Packs `txs` into one buffer (a copy: later changes to the caller's arrays cannot reach it). */
export function encodeBatch(txs: readonly SigInfo[]): ArrayBuffer {
  let size = 4;
  for (const t of txs) {
    size += TX_HEADER + t.txBytes.length + t.signBytes.length + t.signature.length;
    size += t.publicKey?.length ?? 0;
  }
  const buf = new ArrayBuffer(size);
  const bytes = new Uint8Array(buf);
  let at = putU32(bytes, 0, txs.length);
  for (const t of txs) {
    const mode = MODE_INDEX.get(t.signMode);
    const pk = t.publicKey;
    bytes[at] = mode ?? MODES.length;
    at = putU32(bytes, at + 1, t.txBytes.length);
    at = putU32(bytes, at, t.signBytes.length);
    at = putU32(bytes, at, pk === undefined ? ABSENT : pk.length);
    at = putU32(bytes, at, t.signature.length);
    bytes.set(t.txBytes, at);
    at += t.txBytes.length;
    bytes.set(t.signBytes, at);
    at += t.signBytes.length;
    if (pk !== undefined) {
      bytes.set(pk, at);
      at += pk.length;
    }
    bytes.set(t.signature, at);
    at += t.signature.length;
  }
  return buf;
}

const MODE_INDEX = new Map<SignMode, number>(MODES.map((m, i) => [m, i]));

/** Writes BE32(v) at `at`; returns the offset after it. */
function putU32(b: Uint8Array, at: number, v: number): number {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
  return at + 4;
}

/** The txs of a batch buffer, as views into it. @throws RangeError on a malformed buffer. */
export function decodeBatch(buf: ArrayBuffer): BatchTx[] {
  const r = new Reader(buf);
  const count = r.u32();
  const out: BatchTx[] = [];
  for (let i = 0; i < count; i++) {
    const mode = r.u8();
    const txLen = r.u32();
    const signLen = r.u32();
    const pkLen = r.u32();
    const sigLen = r.u32();
    const txBytes = r.take(txLen);
    const signBytes = r.take(signLen);
    const signMode = MODES[mode] ?? 'SIGN_MODE_UNSPECIFIED';
    if (pkLen === ABSENT) {
      out.push({ txBytes, signBytes, signMode, signature: r.take(sigLen) });
    } else {
      const publicKey = r.take(pkLen);
      out.push({ txBytes, signBytes, signMode, publicKey, signature: r.take(sigLen) });
    }
  }
  return out;
}

/** Big-endian reader over a batch or results buffer; every read is bounds-checked. */
class Reader {
  readonly #buf: ArrayBuffer;
  readonly #bytes: Uint8Array;
  at = 0;

  constructor(buf: ArrayBuffer) {
    this.#buf = buf;
    this.#bytes = new Uint8Array(buf);
  }
  u8(): number {
    if (this.at + 1 > this.#bytes.length) throw new RangeError('truncated prepare buffer');
    return this.#bytes[this.at++]!;
  }
  u32(): number {
    const b = this.#bytes;
    const a = this.at;
    if (a + 4 > b.length) throw new RangeError('truncated prepare buffer');
    this.at = a + 4;
    return ((b[a]! << 24) | (b[a + 1]! << 16) | (b[a + 2]! << 8) | b[a + 3]!) >>> 0;
  }
  /** The next `n` bytes, as a view. */
  take(n: number): Uint8Array {
    if (this.at + n > this.#bytes.length) throw new RangeError('truncated prepare buffer');
    const v = new Uint8Array(this.#buf, this.at, n);
    this.at += n;
    return v;
  }
  /** A length-prefixed byte field. */
  bytes(): Uint8Array {
    return this.take(this.u32());
  }
  /** A length-prefixed byte field or {@link ABSENT}. */
  optional(): Uint8Array | undefined {
    const n = this.u32();
    return n === ABSENT ? undefined : this.take(n);
  }
}

/** Growable big-endian writer for result buffers. */
class Writer {
  #buf = new Uint8Array(4096);
  #view = new DataView(this.#buf.buffer);
  #at = 0;

  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#at));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.#room(1);
    this.#view.setUint8(this.#at, v);
    this.#at += 1;
  }
  u32(v: number): void {
    this.#room(4);
    this.#view.setUint32(this.#at, v);
    this.#at += 4;
  }
  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.#room(b.length);
    this.#buf.set(b, this.#at);
    this.#at += b.length;
  }
  optional(b: Uint8Array | undefined): void {
    if (b === undefined) this.u32(ABSENT);
    else this.bytes(b);
  }
  finish(): ArrayBuffer {
    return this.#buf.buffer.slice(0, this.#at);
  }
}

const FLAG_SIGNATURE = 1;
const FLAG_DECODED = 2;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Offset of `view` inside `batch`, or undefined when it is not a view of it. */
function offsetIn(batch: ArrayBuffer, view: Uint8Array): number | undefined {
  return view.buffer === batch ? view.byteOffset : undefined;
}

function roundTrips(str: string): boolean {
  return decoder.decode(encoder.encode(str)) === str;
}

/**
 * A message's signed-execute fields: a flag, then (when present and every byte field is a view into `batch`)
 * sender, contract and msg as offset ‖ length into the batch and the funds as strings. Fields that are not
 * views are dropped (flag 0), never copied, like every other byte fact.
 */
function writeExecute(w: Writer, batch: ArrayBuffer, e: SignedExecuteFields | undefined): void {
  const views = e === undefined ? undefined : [e.sender, e.contract, e.msg];
  if (
    e === undefined ||
    views === undefined ||
    !views.every((v) => offsetIn(batch, v) !== undefined) ||
    // strings must survive UTF-8 both ways (decoded protobuf strings always do)
    !e.sentFunds.every((c) => roundTrips(c.denom) && roundTrips(c.amount))
  ) {
    w.u8(0);
    return;
  }
  w.u8(1);
  for (const v of views) {
    w.u32(v.byteOffset);
    w.u32(v.length);
  }
  w.u32(e.sentFunds.length);
  for (const c of e.sentFunds) {
    w.bytes(encoder.encode(c.denom));
    w.bytes(encoder.encode(c.amount));
  }
}

/**
 * Results of a batch, in tx order. Byte fields that are views into `batch` (decoded messages, input wires) are
 * written as offsets; facts that are not (which the decoders never produce) are dropped, never copied, so every
 * cached fact points at checked bytes.
 */
export function encodeResults(batch: ArrayBuffer, results: readonly PreparedTx[]): ArrayBuffer {
  const w = new Writer();
  for (const r of results) {
    const sig = r.signature;
    const decoded = sig?.decoded;
    const msgOffsets = decoded?.messages.map((m) => offsetIn(batch, m.value));
    const decodedOk = msgOffsets !== undefined && msgOffsets.every((o) => o !== undefined);
    w.u8((sig === undefined ? 0 : FLAG_SIGNATURE) | (decodedOk ? FLAG_DECODED : 0));
    if (sig !== undefined) {
      w.optional(sig.validKey);
      w.optional(sig.publicKeyAddress);
    }
    if (decodedOk && decoded !== undefined) {
      w.u32(decoded.signerKeys.length);
      decoded.signerKeys.forEach((k, i) => {
        w.bytes(k);
        w.optional(decoded.signerAddresses?.[i]);
      });
      w.u32(decoded.messages.length);
      decoded.messages.forEach((m, i) => {
        w.bytes(encoder.encode(m.typeUrl));
        w.u32(msgOffsets[i]!);
        w.u32(m.value.length);
        writeExecute(w, batch, m.execute);
      });
    }
    const inputs = r.inputs.filter((i) => offsetIn(batch, i.wire) !== undefined);
    w.u32(inputs.length);
    for (const i of inputs) {
      w.u32(i.wire.byteOffset);
      w.u32(i.wire.length);
      w.bytes(i.plaintext);
      w.bytes(i.txKey);
      w.optional(i.sealKeyBlocks);
    }
  }
  return w.finish();
}

/**
 * Type URL strings of the last message decoded: a block's messages are nearly all one or two types, and
 * equal UTF-8 bytes decode to the equal string, so the decoder runs only when the bytes differ.
 */
let lastTypeUrlBytes: Uint8Array = new Uint8Array(0);
let lastTypeUrl = '';

function typeUrlOf(b: Uint8Array): string {
  const last = lastTypeUrlBytes;
  if (b.length === last.length && Buffer.compare(b, last) === 0) return lastTypeUrl;
  lastTypeUrl = decoder.decode(b);
  lastTypeUrlBytes = b.slice();
  return lastTypeUrl;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The inverse of {@link encodeResults}: facts whose byte fields are views into `batch` and `results`. */
export function decodeResults(batch: ArrayBuffer, count: number, results: ArrayBuffer): PreparedTx[] {
  const r = new Reader(results);
  const batchLength = batch.byteLength;
  const inBatch = (off: number, len: number): Uint8Array => {
    if (off + len > batchLength) throw new RangeError('prepare result outside its batch');
    return new Uint8Array(batch, off, len);
  };
  const out: PreparedTx[] = [];
  for (let t = 0; t < count; t++) {
    const flags = r.u8();
    let signature: Mutable<SignatureFacts> | undefined;
    if ((flags & FLAG_SIGNATURE) !== 0) {
      signature = {};
      const validKey = r.optional();
      const publicKeyAddress = r.optional();
      if ((flags & FLAG_DECODED) !== 0) {
        const signerKeys: Uint8Array[] = [];
        const signerAddresses: Uint8Array[] = [];
        let allAddresses = true;
        for (let n = r.u32(); n > 0; n--) {
          signerKeys.push(r.bytes());
          const a = r.optional();
          if (a === undefined) allAddresses = false;
          else signerAddresses.push(a);
        }
        const messages: DecodedMessage[] = [];
        for (let n = r.u32(); n > 0; n--) {
          const typeUrl = typeUrlOf(r.bytes());
          const off = r.u32();
          const value = inBatch(off, r.u32());
          if (r.u8() === 0) {
            messages.push({ typeUrl, value });
            continue;
          }
          const sender = inBatch(r.u32(), r.u32());
          const contract = inBatch(r.u32(), r.u32());
          const msg = inBatch(r.u32(), r.u32());
          const sentFunds: { denom: string; amount: string }[] = [];
          for (let c = r.u32(); c > 0; c--) {
            const denom = decoder.decode(r.bytes());
            sentFunds.push({ denom, amount: decoder.decode(r.bytes()) });
          }
          messages.push({ typeUrl, value, execute: { sender, contract, msg, sentFunds } });
        }
        signature.decoded = allAddresses
          ? { signerKeys, signerAddresses, messages }
          : { signerKeys, messages };
      }
      if (validKey !== undefined) signature.validKey = validKey;
      if (publicKeyAddress !== undefined) signature.publicKeyAddress = publicKeyAddress;
    }
    const inputs: PreparedInput[] = [];
    for (let n = r.u32(); n > 0; n--) {
      const off = r.u32();
      const wire = inBatch(off, r.u32());
      const plaintext = r.bytes();
      const txKey = r.bytes();
      const sealKeyBlocks = r.optional();
      inputs.push(
        sealKeyBlocks === undefined ? { wire, plaintext, txKey } : { wire, plaintext, txKey, sealKeyBlocks },
      );
    }
    out.push(signature === undefined ? { inputs } : { signature, inputs });
  }
  return out;
}
