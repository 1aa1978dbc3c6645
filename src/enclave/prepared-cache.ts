/**
 * The enclave's caches of prepared facts (signature verdicts, decoded txs, decrypted inputs), filled only from
 * its own prepare worker's results and consulted by the normal call path. Every fact is returned only for the
 * exact bytes it was computed from: a signature entry is found by (the start of) its signature but compared byte
 * for byte against signature, sign mode, signBytes, txBytes and the public key; an input entry is found by (the
 * start of) its nonce but compared against the whole wire message. Both are pure functions of those bytes (and
 * the enclave's fixed io key and scheme), so a hit gives what recomputing would. Bounded by entries and pinned
 * bytes, oldest evicted first.
 */
import type { BatchTx, PreparedInput, PreparedTx } from './prepare-codec.js';
import { PREPARED_CACHE_MAX_BYTES, PREPARED_CACHE_MAX_ENTRIES } from './prepare-limits.js';
import type { SignatureFacts } from './tx-verification.js';
import type { SigInfo } from './types.js';

interface SignatureEntry {
  readonly tx: BatchTx;
  readonly facts: SignatureFacts;
  readonly bytes: number;
}

interface InputEntry {
  readonly input: PreparedInput;
  readonly bytes: number;
}

/**
 * Map key of a signature or wire header: 48 bits from its first 6 bytes at `offset` (a signature's `r` and an
 * input's nonce are uniformly random). Only a speed-up: a key collision (accidental or crafted) overwrites or
 * misses an entry, and every hit is still compared byte for byte.
 */
function key48(b: Uint8Array, offset: number): number {
  const hi = ((b[offset]! << 24) | (b[offset + 1]! << 16) | (b[offset + 2]! << 8) | b[offset + 3]!) >>> 0;
  return hi * 65536 + ((b[offset + 4]! << 8) | b[offset + 5]!);
}

/** Byte equality through native memcmp (Buffer.compare takes Uint8Arrays): ~5-10x a JS loop at tx sizes. */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function optionalEqual(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === undefined || b === undefined ? a === b : same(a, b);
}

/** Prepared facts, keyed and verified as described in the module comment. */
export class PreparedCache {
  readonly #signatures = new Map<number, SignatureEntry>();
  readonly #inputs = new Map<number, InputEntry>();
  /** Input wire header length of the enclave's scheme (inputs shorter than it are never prepared). */
  readonly #headerLength: number;
  /** Offset of the nonce in a wire message: the lookup key of an input. */
  readonly #nonceOffset: number;
  #bytes = 0;
  /** Lookups that found a fact (monitoring only; never part of a result). */
  signatureHits = 0;
  inputHits = 0;

  constructor(headerLength: number) {
    this.#headerLength = headerLength;
    this.#nonceOffset = headerLength - 64; // [marker ‖] nonce(32) ‖ pubkey(32)
  }

  /** Entries held (signature entries + input entries). */
  get size(): number {
    return this.#signatures.size + this.#inputs.size;
  }

  /** Entries and pinned bytes, for {@link PrepareStats}. */
  get held(): { signatures: number; inputs: number; bytes: number } {
    return { signatures: this.#signatures.size, inputs: this.#inputs.size, bytes: this.#bytes };
  }

  /** Facts about exactly this SigInfo's bytes, if its tx was prepared. */
  signatureFacts(sigInfo: SigInfo): SignatureFacts | undefined {
    if (this.#signatures.size === 0 || sigInfo.signature.length < 6) return undefined;
    const e = this.#signatures.get(key48(sigInfo.signature, 0));
    if (e === undefined) return undefined;
    const t = e.tx;
    return t.signMode === sigInfo.signMode &&
      same(t.signature, sigInfo.signature) &&
      same(t.signBytes, sigInfo.signBytes) &&
      same(t.txBytes, sigInfo.txBytes) &&
      optionalEqual(t.publicKey, sigInfo.publicKey)
      ? (this.signatureHits++, e.facts)
      : undefined;
  }

  /** The decrypted input of exactly this wire message, if it was prepared. */
  input(wire: Uint8Array): PreparedInput | undefined {
    if (this.#inputs.size === 0 || wire.length < this.#headerLength) return undefined;
    const e = this.#inputs.get(key48(wire, this.#nonceOffset));
    if (e === undefined || !same(e.input.wire, wire)) return undefined;
    this.inputHits++;
    return e.input;
  }

  /** Adds the worker's results for `txs` (same order). Only the enclave's prepare path calls this. */
  add(txs: readonly BatchTx[], results: readonly PreparedTx[]): { signatures: number; inputs: number } {
    let signatures = 0;
    let inputs = 0;
    for (let i = 0; i < txs.length; i++) {
      const tx = txs[i]!;
      const r = results[i];
      if (r === undefined) continue;
      if (r.signature !== undefined) {
        const bytes =
          tx.txBytes.length + tx.signBytes.length + tx.signature.length + (r.signature.validKey?.length ?? 0);
        if (tx.signature.length >= 6)
          this.#put(this.#signatures, key48(tx.signature, 0), { tx, facts: r.signature, bytes });
        if (r.signature.validKey !== undefined) signatures++;
      }
      for (const input of r.inputs) {
        if (input.wire.length < this.#headerLength) continue;
        const bytes =
          input.wire.length +
          input.plaintext.length +
          input.txKey.length +
          (input.sealKeyBlocks?.length ?? 0);
        this.#put(this.#inputs, key48(input.wire, this.#nonceOffset), { input, bytes });
        inputs++;
      }
    }
    return { signatures, inputs };
  }

  /** Drops every entry. */
  clear(): void {
    this.#signatures.clear();
    this.#inputs.clear();
    this.#bytes = 0;
  }

  #put<E extends { readonly bytes: number }>(map: Map<number, E>, key: number, entry: E): void {
    const old = map.get(key);
    if (old !== undefined) {
      map.delete(key);
      this.#bytes -= old.bytes;
    }
    map.set(key, entry);
    this.#bytes += entry.bytes;
    while (map.size > PREPARED_CACHE_MAX_ENTRIES) this.#evictOldest(map);
    while (this.#bytes > PREPARED_CACHE_MAX_BYTES && this.size > 0) {
      // the larger map gives up its oldest entry first; both are insertion-ordered
      if (this.#signatures.size >= this.#inputs.size) this.#evictOldest(this.#signatures);
      else this.#evictOldest(this.#inputs);
    }
  }

  #evictOldest<E extends { readonly bytes: number }>(map: Map<number, E>): void {
    const first = map.entries().next().value;
    if (first === undefined) return;
    map.delete(first[0]);
    this.#bytes -= first[1].bytes;
  }
}
