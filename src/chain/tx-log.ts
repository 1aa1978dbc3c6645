/**
 * The LocalChain's tx index (what a node's tx indexer and `secretd q tx` give a client): every delivered tx with
 * its raw, on-chain result — encrypted input, encrypted data, events and log exactly as validators see them.
 * Records live in the application store under `chain/tx/`, so they persist and commit with their block.
 */
import { concatBytes } from '@noble/hashes/utils.js';

import type { SdkEvent } from '../keeper/index.js';
import { type KVStore, prefixEnd } from '../state/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TX_PREFIX = 'chain/tx/';
const ORDER_PREFIX = encoder.encode('chain/txorder/');
const COUNT_KEY = encoder.encode('chain/txcount');

/** One delivered tx as the chain recorded it. */
export interface TxRecord {
  readonly hash: string;
  readonly height: number;
  readonly index: number;
  /** Block time, unix ms. */
  readonly time: number;
  readonly sender: string;
  /** Type URL of the tx's message. */
  readonly typeUrl: string;
  /** 0 = success. */
  readonly code: number;
  readonly codespace: string;
  /** Raw log: the error text on failure (contract errors stay encrypted). */
  readonly log: string;
  readonly gasWanted: string;
  readonly gasUsed: string;
  /** Events as emitted on chain (contract attributes encrypted). */
  readonly events: SdkEvent[];
  /** base64 of the encrypted contract input, when the message has one. */
  readonly input?: string;
  /** base64 of the encrypted response data, when non-empty. */
  readonly data?: string;
  /** Contract the message addressed or created. */
  readonly contract?: string;
  /** Code id stored or instantiated. */
  readonly codeId?: string;
  /** base64 of the raw signed tx. */
  readonly txBytes: string;
}

function be64(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}

/** Writes a record and appends it to the delivery order. */
export function putTx(store: KVStore, record: TxRecord): void {
  store.set(encoder.encode(TX_PREFIX + record.hash), encoder.encode(JSON.stringify(record)));
  const raw = store.get(COUNT_KEY);
  const n = raw === undefined ? 0n : BigInt(decoder.decode(raw));
  store.set(concatBytes(ORDER_PREFIX, be64(n)), encoder.encode(record.hash));
  store.set(COUNT_KEY, encoder.encode((n + 1n).toString()));
}

/** The record of `hash` (any case), or undefined. */
export function getTx(store: KVStore, hash: string): TxRecord | undefined {
  const raw = store.get(encoder.encode(TX_PREFIX + hash.toUpperCase()));
  return raw === undefined ? undefined : (JSON.parse(decoder.decode(raw)) as TxRecord);
}

/** The last `limit` records, newest first. */
export function recentTxs(store: KVStore, limit: number): TxRecord[] {
  const out: TxRecord[] = [];
  const it = store.iterator(ORDER_PREFIX, prefixEnd(ORDER_PREFIX), 'descending');
  try {
    for (const [, v] of it) {
      if (out.length >= limit) break;
      const rec = getTx(store, decoder.decode(v));
      if (rec !== undefined) out.push(rec);
    }
  } finally {
    it.close();
  }
  return out;
}
