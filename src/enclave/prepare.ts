/**
 * Main-thread side of the enclave's prepare workers: sends batches of txs to worker threads
 * (node:worker_threads) and puts their results into the enclave's {@link PreparedCache}. Purely a speed-up:
 * prepare() never rejects and never changes a result — if a worker is missing, slow, crashed or terminated, the
 * affected txs are verified and decrypted inline by the normal call path, as without prepare.
 *
 * Workers are started on the first prepare() (none exist otherwise), are unref'd while idle so they never keep
 * a process alive, and are ref'd while a batch is in flight so an awaited prepare() settles. The io private key
 * crosses to the worker once, at start, through `workerData` (in-process memory; nothing leaves the process).
 */
import type { Worker } from 'node:worker_threads';

import type { EncryptionScheme } from '../compute/scheme.js';
import { decodeBatch, decodeResults, encodeBatch } from './prepare-codec.js';
import {
  DEFAULT_PREPARE_WORKERS,
  MAX_PREPARE_WORKER_RESTARTS,
  PREPARE_CHUNK_TXS,
  PREPARE_CLOSE_TIMEOUT_MS,
} from './prepare-limits.js';
import type { PrepareReply, PrepareRequest, PrepareWorkerData } from './prepare-worker.js';
import type { PreparedCache } from './prepared-cache.js';
import type { PrepareReport, SigInfo } from './types.js';
import { endWorker, siblingWorkerUrl, startWorker } from './worker-thread.js';

/** Options of the enclave's prepare workers (`EnclaveOptions.prepare`). */
export interface PrepareOptions {
  /** Worker threads (default {@link DEFAULT_PREPARE_WORKERS}); 0 turns prepare() into a no-op. */
  readonly workers?: number;
  /**
   * The worker script (default: `prepare-worker.js` next to this module, or `.ts` when running from sources
   * under tsx). Override when a bundler moves files.
   */
  readonly workerUrl?: URL;
}

interface Slot {
  readonly worker: Worker;
  /** Batches in flight: id → settle with the reply (undefined when the worker went away). */
  readonly pending: Map<number, (reply: PrepareReply | undefined) => void>;
  exited: boolean;
}

const NOTHING: PrepareReport = { txs: 0, signatures: 0, inputs: 0 };

/** The enclave's worker pool for prepare(). */
export class TxPreparer {
  readonly #cache: PreparedCache;
  readonly #scheme: EncryptionScheme;
  readonly #ioPrivateKey: () => Uint8Array;
  readonly #count: number;
  readonly #url: URL;
  readonly #slots: (Slot | undefined)[] = [];
  /** Shared with every worker: nonzero once close() was called (PrepareWorkerData.stop). */
  readonly #stop = new Int32Array(new SharedArrayBuffer(4));
  #next = 0;
  #nextId = 0;
  #starts = 0;
  #closed = false;

  constructor(opts: {
    readonly cache: PreparedCache;
    readonly scheme: EncryptionScheme;
    /** Called once per worker start; the copy it returns is zeroed after handing it over. */
    readonly ioPrivateKey: () => Uint8Array;
    readonly options?: PrepareOptions;
  }) {
    const n = opts.options?.workers ?? DEFAULT_PREPARE_WORKERS;
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`prepare workers must be an integer >= 0, got ${n}`);
    this.#cache = opts.cache;
    this.#scheme = opts.scheme;
    this.#ioPrivateKey = opts.ioPrivateKey;
    this.#count = n;
    this.#url = opts.options?.workerUrl ?? siblingWorkerUrl(import.meta.url, 'prepare-worker');
  }

  /** Batches `txs` to the workers; resolves when their facts are cached (or could not be produced). */
  async prepare(txs: readonly SigInfo[]): Promise<PrepareReport> {
    if (this.#closed || this.#count === 0 || txs.length === 0) return NOTHING;
    const parts: Promise<PrepareReport>[] = [];
    for (let i = 0; i < txs.length; i += PREPARE_CHUNK_TXS) {
      parts.push(this.#send(txs.slice(i, i + PREPARE_CHUNK_TXS)));
    }
    const reports = await Promise.all(parts);
    return reports.reduce((a, r) => ({
      txs: a.txs + r.txs,
      signatures: a.signatures + r.signatures,
      inputs: a.inputs + r.inputs,
    }));
  }

  /**
   * Stops the workers (pending prepare() calls settle with what they got). Later prepare() calls do nothing.
   * Each worker ends itself between two txs (see {@link PrepareWorkerData.stop}); one that has not ended within
   * {@link PREPARE_CLOSE_TIMEOUT_MS} is terminated.
   */
  async close(): Promise<void> {
    this.#closed = true;
    Atomics.store(this.#stop, 0, 1);
    const slots = this.#slots.splice(0);
    // An ending worker's handle does not keep the event loop alive (even ref'd), so an awaited close() would
    // leave the process with nothing to wait on; a timer does, until the threads are gone.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      await Promise.all(slots.flatMap((s) => (s === undefined ? [] : [this.#end(s)])));
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Asks `slot`'s worker to end itself (wakes it if idle); terminates it if it has not after the timeout. */
  async #end(slot: Slot): Promise<void> {
    if (slot.exited) return;
    const wake: PrepareRequest = { id: -1 };
    await endWorker(slot.worker, wake, PREPARE_CLOSE_TIMEOUT_MS);
  }

  #send(chunk: readonly SigInfo[]): Promise<PrepareReport> {
    const slot = this.#slot();
    if (slot === undefined) return Promise.resolve(NOTHING);
    const id = this.#nextId++;
    const batch = encodeBatch(chunk);
    return new Promise<PrepareReport>((resolve) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(id, (reply) => {
        if (slot.pending.size === 0 && !slot.exited) slot.worker.unref();
        resolve(reply === undefined ? NOTHING : this.#accept(reply));
      });
      const req: PrepareRequest = { id, batch };
      slot.worker.postMessage(req, [batch]);
    });
  }

  /** Puts a reply's facts into the cache; a reply that does not parse adds nothing. */
  #accept(reply: PrepareReply): PrepareReport {
    if (reply.results === undefined) return NOTHING;
    try {
      const txs = decodeBatch(reply.batch);
      const added = this.#cache.add(txs, decodeResults(reply.batch, txs.length, reply.results));
      return { txs: txs.length, ...added };
    } catch {
      return NOTHING;
    }
  }

  /** The next worker in rotation, started (or restarted after a crash) on demand. */
  #slot(): Slot | undefined {
    const i = this.#next;
    this.#next = (this.#next + 1) % this.#count;
    const s = this.#slots[i];
    if (s !== undefined && !s.exited) return s;
    if (this.#starts >= this.#count + MAX_PREPARE_WORKER_RESTARTS) return undefined;
    this.#starts++;
    const started = this.#start();
    this.#slots[i] = started;
    return started;
  }

  #start(): Slot | undefined {
    const key = this.#ioPrivateKey();
    let worker: Worker;
    try {
      const workerData: PrepareWorkerData = {
        ioPrivateKey: key,
        scheme: this.#scheme,
        stop: this.#stop.buffer,
      };
      worker = startWorker(this.#url, { workerData });
    } catch {
      return undefined;
    } finally {
      key.fill(0);
    }
    const slot: Slot = { worker, pending: new Map(), exited: false };
    worker.unref();
    worker.on('message', (reply: PrepareReply) => {
      const settle = slot.pending.get(reply.id);
      if (settle === undefined) return;
      slot.pending.delete(reply.id);
      settle(reply);
    });
    const gone = (): void => {
      slot.exited = true;
      const waiting = [...slot.pending.values()];
      slot.pending.clear();
      for (const settle of waiting) settle(undefined);
    };
    // an uncaught error ends the worker ('exit' follows); either way its batches run inline
    worker.on('error', gone);
    worker.on('exit', gone);
    return slot;
  }
}
