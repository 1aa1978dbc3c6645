/**
 * The enclave's caches of prepared facts (signature verdicts, decoded txs, decrypted inputs), filled only from
 * its own prepare worker's results and consulted by the normal call path. Every fact is returned only for the
 * exact bytes it was computed from: a signature entry is found by its signature but compared byte for byte
 * against sign mode, signBytes, txBytes and the public key; an input entry is found by its header but compared
 * against the whole wire message. Both are pure functions of those bytes (and the enclave's fixed io key and
 * scheme), so a hit gives what recomputing would. Bounded by entries and pinned bytes, oldest evicted first.
 */
import { bytesEqual } from './bytes.js';
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

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');

function optionalEqual(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a === undefined || b === undefined ? a === b : bytesEqual(a, b);
}

/** Prepared facts, keyed and verified as described in the module comment. */
export class PreparedCache {
  readonly #signatures = new Map<string, SignatureEntry>();
  readonly #inputs = new Map<string, InputEntry>();
  /** Input wire header length of the enclave's scheme: the lookup key of an input. */
  readonly #headerLength: number;
  #bytes = 0;
  /** Lookups that found a fact (monitoring only; never part of a result). */
  signatureHits = 0;
  inputHits = 0;

  constructor(headerLength: number) {
    this.#headerLength = headerLength;
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
    if (this.#signatures.size === 0) return undefined;
    const e = this.#signatures.get(latin1(sigInfo.signature));
    if (e === undefined) return undefined;
    const t = e.tx;
    return t.signMode === sigInfo.signMode &&
      bytesEqual(t.signature, sigInfo.signature) &&
      bytesEqual(t.signBytes, sigInfo.signBytes) &&
      bytesEqual(t.txBytes, sigInfo.txBytes) &&
      optionalEqual(t.publicKey, sigInfo.publicKey)
      ? (this.signatureHits++, e.facts)
      : undefined;
  }

  /** The decrypted input of exactly this wire message, if it was prepared. */
  input(wire: Uint8Array): PreparedInput | undefined {
    if (this.#inputs.size === 0 || wire.length < this.#headerLength) return undefined;
    const e = this.#inputs.get(latin1(wire.subarray(0, this.#headerLength)));
    if (e === undefined || !bytesEqual(e.input.wire, wire)) return undefined;
    this.inputHits++;
    return e.input;
  }

  /** Adds the worker's results for `txs` (same order). Only the enclave's prepare path calls this. */
  add(txs: readonly BatchTx[], results: readonly PreparedTx[]): { signatures: number; inputs: number } {
    let signatures = 0;
    let inputs = 0;
    txs.forEach((tx, i) => {
      const r = results[i];
      if (r === undefined) return;
      if (r.signature !== undefined) {
        const bytes =
          tx.txBytes.length + tx.signBytes.length + tx.signature.length + (r.signature.validKey?.length ?? 0);
        this.#put(this.#signatures, latin1(tx.signature), { tx, facts: r.signature, bytes });
        if (r.signature.validKey !== undefined) signatures++;
      }
      for (const input of r.inputs) {
        if (input.wire.length < this.#headerLength) continue;
        const bytes = input.wire.length + input.plaintext.length + input.txKey.length;
        this.#put(this.#inputs, latin1(input.wire.subarray(0, this.#headerLength)), { input, bytes });
        inputs++;
      }
    });
    return { signatures, inputs };
  }

  /** Drops every entry. */
  clear(): void {
    this.#signatures.clear();
    this.#inputs.clear();
    this.#bytes = 0;
  }

  #put<E extends { readonly bytes: number }>(map: Map<string, E>, key: string, entry: E): void {
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

  #evictOldest<E extends { readonly bytes: number }>(map: Map<string, E>): void {
    const first = map.entries().next().value;
    if (first === undefined) return;
    map.delete(first[0]);
    this.#bytes -= first[1].bytes;
  }
}
