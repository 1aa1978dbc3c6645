/**
 * Binary messages between the enclave and its prepare worker. A batch of txs travels as ONE transferred
 * ArrayBuffer (no per-field structured clone) and comes back unchanged with a second buffer of results; byte
 * fields of the results are offsets into the returned batch buffer, which nothing else can reach once it was
 * transferred away and back, so the cached facts stay bound to the bytes that were actually checked.
 */
import type { SignatureFacts } from './tx-verification.js';
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
  /** gcm-box.ts `gcmSealKeyBlocks(txKey)` (aes-256-gcm only): the key-only part of sealing the tx's outputs. */
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
  const view = new DataView(buf);
  view.setUint32(0, txs.length);
  let at = 4;
  for (const t of txs) {
    const mode = MODES.indexOf(t.signMode);
    view.setUint8(at, mode < 0 ? MODES.length : mode);
    view.setUint32(at + 1, t.txBytes.length);
    view.setUint32(at + 5, t.signBytes.length);
    view.setUint32(at + 9, t.publicKey === undefined ? ABSENT : t.publicKey.length);
    view.setUint32(at + 13, t.signature.length);
    at += TX_HEADER;
    for (const part of [t.txBytes, t.signBytes, t.publicKey, t.signature]) {
      if (part === undefined) continue;
      bytes.set(part, at);
      at += part.length;
    }
  }
  return buf;
}

/** The txs of a batch buffer, as views into it. @throws RangeError on a malformed buffer. */
export function decodeBatch(buf: ArrayBuffer): BatchTx[] {
  const view = new DataView(buf);
  const count = view.getUint32(0);
  const out: BatchTx[] = [];
  let at = 4;
  const take = (n: number): Uint8Array => {
    if (at + n > buf.byteLength) throw new RangeError('truncated prepare batch');
    const b = new Uint8Array(buf, at, n);
    at += n;
    return b;
  };
  for (let i = 0; i < count; i++) {
    const mode = view.getUint8(at);
    const txLen = view.getUint32(at + 1);
    const signLen = view.getUint32(at + 5);
    const pkLen = view.getUint32(at + 9);
    const sigLen = view.getUint32(at + 13);
    at += TX_HEADER;
    const txBytes = take(txLen);
    const signBytes = take(signLen);
    const publicKey = pkLen === ABSENT ? undefined : take(pkLen);
    const signature = take(sigLen);
    out.push({
      txBytes,
      signBytes,
      signMode: MODES[mode] ?? 'SIGN_MODE_UNSPECIFIED',
      ...(publicKey === undefined ? {} : { publicKey }),
      signature,
    });
  }
  return out;
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

/** The inverse of {@link encodeResults}: facts whose byte fields are views into `batch` and `results`. */
export function decodeResults(batch: ArrayBuffer, count: number, results: ArrayBuffer): PreparedTx[] {
  const view = new DataView(results);
  let at = 0;
  const u8 = (): number => view.getUint8(at++);
  const u32 = (): number => {
    const v = view.getUint32(at);
    at += 4;
    return v;
  };
  const bytes = (): Uint8Array => {
    const n = u32();
    if (at + n > results.byteLength) throw new RangeError('truncated prepare results');
    const b = new Uint8Array(results, at, n);
    at += n;
    return b;
  };
  const optional = (): Uint8Array | undefined => {
    if (view.getUint32(at) !== ABSENT) return bytes();
    at += 4;
    return undefined;
  };
  const inBatch = (off: number, len: number): Uint8Array => {
    if (off + len > batch.byteLength) throw new RangeError('prepare result outside its batch');
    return new Uint8Array(batch, off, len);
  };
  const out: PreparedTx[] = [];
  for (let t = 0; t < count; t++) {
    const flags = u8();
    let signature: SignatureFacts | undefined;
    if ((flags & FLAG_SIGNATURE) !== 0) {
      const validKey = optional();
      const publicKeyAddress = optional();
      let decoded: SignatureFacts['decoded'];
      if ((flags & FLAG_DECODED) !== 0) {
        const signerKeys: Uint8Array[] = [];
        const signerAddresses: Uint8Array[] = [];
        let allAddresses = true;
        for (let n = u32(); n > 0; n--) {
          signerKeys.push(bytes());
          const a = optional();
          if (a === undefined) allAddresses = false;
          else signerAddresses.push(a);
        }
        const messages = Array.from({ length: u32() }, () => {
          const typeUrl = decoder.decode(bytes());
          const off = u32();
          return { typeUrl, value: inBatch(off, u32()) };
        });
        decoded = { signerKeys, ...(allAddresses ? { signerAddresses } : {}), messages };
      }
      signature = {
        ...(decoded === undefined ? {} : { decoded }),
        ...(validKey === undefined ? {} : { validKey }),
        ...(publicKeyAddress === undefined ? {} : { publicKeyAddress }),
      };
    }
    const inputs = Array.from({ length: u32() }, () => {
      const off = u32();
      const wire = inBatch(off, u32());
      const plaintext = bytes();
      const txKey = bytes();
      const sealKeyBlocks = optional();
      return { wire, plaintext, txKey, ...(sealKeyBlocks === undefined ? {} : { sealKeyBlocks }) };
    });
    out.push({ ...(signature === undefined ? {} : { signature }), inputs });
  }
  return out;
}
