/**
 * Encrypted smart queries answered on worker threads from the last COMMITTED state of an LMDB-backed node,
 * the way a real node serves gRPC queries: concurrently, at the last committed height, without blocking the
 * thread that executes blocks. LMDB readers never block and run in parallel, so queries scale across cores.
 *
 * Each worker opens the node's LMDB directory read-only, builds its own enclave from the same seeds (passed
 * once in `workerData`: process memory, never written anywhere) and a keeper over the committed state.
 * Queries are sent in batches (one transferred buffer each way), tagged with the committed height and block
 * the main thread sees; a worker whose snapshot is at another height asks for the batch again, so every answer
 * is byte-for-byte what the main thread's keeper returns on the same committed state (outputs are
 * deterministic). Queries that reach a main-thread module (bank, query plugins) are answered on the main
 * thread by a keeper over the same committed state; contract-to-contract queries run in the worker.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';

import type { EncryptionScheme } from '../compute/index.js';
import { endWorker, siblingWorkerUrl, startWorker } from '../enclave/worker-thread.js';
import { type ComputeKeeper, createComputeKeeper } from '../keeper/index.js';
import type { LmdbStore } from '../state/index.js';
import { ChainError } from './errors.js';
import {
  DEFAULT_QUERY_WORKERS_MAX,
  MAX_QUERY_WORKER_RESTARTS,
  QUERY_BATCH_MAX,
  QUERY_STALE_RETRIES,
  QUERY_WORKER_CLOSE_TIMEOUT_MS,
} from './limits.js';
import { AnswerStatus, decodeAnswers, decodeError, encodeQueries } from './query-codec.js';
import type { QueryBatchReply, QueryBatchRequest, QueryWorkerData } from './query-worker.js';

/** Options of {@link QueryWorkerPool}. */
export interface QueryWorkerPoolOptions {
  /** The node's writable store: its committed height tags every batch. */
  readonly store: LmdbStore;
  /** The directory `store` was opened on (each worker opens it read-only). */
  readonly dir: string;
  /**
   * The node's keeper. Its `block.current()` is the block queries run in (as for `keeper.query`), its
   * `queryGasLimit` their gas limit; its enclave, bank and query plugins answer the queries that need them,
   * over the committed state.
   */
  readonly keeper: ComputeKeeper;
  /** What each worker builds its enclave from: the consensus seeds (copied to each worker), scheme, prefix. */
  readonly enclave: {
    readonly seeds: readonly Uint8Array[];
    readonly ioScheme?: EncryptionScheme;
    readonly bech32Prefix?: string;
  };
  /** Worker threads (default: min({@link DEFAULT_QUERY_WORKERS_MAX}, available cores)). */
  readonly size?: number;
  /**
   * The worker script (default: `query-worker.js` next to this module, or `.ts` under tsx). Override when a
   * bundler moves files.
   */
  readonly workerUrl?: URL;
}

/** What {@link QueryWorkerPool.stats} counts since the pool was made. */
export interface QueryPoolStats {
  /** Queries answered (result or error) by a worker. */
  readonly worker: number;
  /** Queries answered on the main thread because they needed a main-thread module or kept coming back stale. */
  readonly inline: number;
  /** Batches sent again because a block was committed while they were on their way. */
  readonly staleBatches: number;
  /** Workers started, restarts included. */
  readonly workersStarted: number;
}

interface Pending {
  readonly contract: Uint8Array;
  readonly wire: Uint8Array;
  readonly resolve: (out: Uint8Array) => void;
  readonly reject: (e: unknown) => void;
  /** Times the batch it was in came back stale. */
  stale: number;
}

interface Slot {
  readonly index: number;
  readonly worker: Worker;
  /** Batches in flight by id. */
  readonly batches: Map<number, Pending[]>;
  /** Queries in flight. */
  load: number;
  exited: boolean;
}

/**
 * A pool of worker threads answering encrypted smart queries at the last committed block of an LMDB-backed
 * node (see the module comment and docs/embedding.md, "Query worker pool"). Answers and errors are those of
 * `keeper.query` on the committed state: the same bytes, the same error class, code and message.
 */
export class QueryWorkerPool {
  /** Worker threads. */
  readonly size: number;
  readonly #store: LmdbStore;
  readonly #keeper: ComputeKeeper;
  /** Answers queries on the main thread over the committed state (fallback and {@link queryInline}). */
  readonly #inline: ComputeKeeper;
  readonly #data: Omit<QueryWorkerData, 'seeds'>;
  readonly #seeds: Uint8Array[];
  readonly #url: URL;
  readonly #slots: (Slot | undefined)[];
  #queue: Pending[] = [];
  #flushScheduled = false;
  #nextId = 0;
  #starts = 0;
  #closed: ChainError | undefined;
  /** Why the last worker could not be constructed (reported to the queries that found no worker). */
  #startError: unknown;
  #workerAnswers = 0;
  #inlineAnswers = 0;
  #staleBatches = 0;

  constructor(opts: QueryWorkerPoolOptions) {
    const size = opts.size ?? Math.min(DEFAULT_QUERY_WORKERS_MAX, availableParallelism());
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new ChainError('INVALID_ARGUMENT', `query pool size must be a positive integer, got ${size}`);
    }
    if (opts.store.readOnly) {
      throw new ChainError('INVALID_ARGUMENT', 'the query pool needs the node’s writable store');
    }
    this.size = size;
    this.#store = opts.store;
    this.#keeper = opts.keeper;
    const k = opts.keeper;
    this.#inline = createComputeKeeper({
      store: opts.store.committed(),
      enclave: k.enclave,
      bank: k.bank,
      account: k.account,
      block: k.block,
      queryPlugins: k.queryPlugins,
      queryGasLimit: k.queryGasLimit,
      ...(k.router === undefined ? {} : { router: k.router }),
    });
    this.#seeds = opts.enclave.seeds.map((s) => s.slice());
    this.#data = {
      dir: opts.dir,
      ioScheme: opts.enclave.ioScheme ?? 'aes-256-gcm',
      bech32Prefix: opts.enclave.bech32Prefix ?? 'secret',
      queryGasLimit: k.queryGasLimit,
      hostKinds: ['bank', ...Object.keys(k.queryPlugins)],
    };
    this.#url = opts.workerUrl ?? siblingWorkerUrl(import.meta.url, 'query-worker');
    this.#slots = Array.from({ length: size }, () => undefined);
  }

  /**
   * Answers an encrypted smart query (`wire` as a client encrypts it) to `contract` (canonical address) at the
   * last committed block: exactly what `keeper.query(contract, wire)` returns (or throws) on that state.
   * Rejects with `ChainError('CLOSED')` after {@link close}, `ChainError('QUERY_WORKER_FAILED')` if the worker
   * holding it crashed.
   */
  query(contract: Uint8Array, wire: Uint8Array): Promise<Uint8Array> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    if (!(contract instanceof Uint8Array) || !(wire instanceof Uint8Array)) {
      return Promise.reject(
        new ChainError(
          'INVALID_ARGUMENT',
          'a pooled query takes the contract address and the query as bytes',
        ),
      );
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#queue.push({ contract, wire, resolve, reject, stale: 0 });
      if (this.#queue.length >= QUERY_BATCH_MAX * this.size) this.#flush();
      else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        queueMicrotask(() => this.#flush());
      }
    });
  }

  /**
   * The same query answered synchronously on the calling (main) thread over the committed state: the
   * reference the workers' answers equal, and how queries needing main-thread modules are answered.
   */
  queryInline(contract: Uint8Array, wire: Uint8Array): Uint8Array {
    if (this.#closed !== undefined) throw this.#closed;
    return this.#inline.query(contract, wire);
  }

  /** Where queries were answered so far (monitoring: many `inline` answers mean queries need main-thread modules). */
  stats(): QueryPoolStats {
    return {
      worker: this.#workerAnswers,
      inline: this.#inlineAnswers,
      staleBatches: this.#staleBatches,
      workersStarted: this.#starts,
    };
  }

  /**
   * Stops the workers: queries not answered yet reject with `ChainError('CLOSED')`, each worker finishes its
   * batch and closes its LMDB handle (one still running after {@link QUERY_WORKER_CLOSE_TIMEOUT_MS} is
   * terminated). Call before closing the store. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed === undefined) this.#closed = new ChainError('CLOSED', 'the query pool is closed');
    this.#seeds.forEach((s) => s.fill(0));
    this.#rejectAll(this.#closed);
    const slots = this.#slots.splice(0).filter((s): s is Slot => s !== undefined && !s.exited);
    // an ending worker's handle does not keep the event loop alive; a timer does, until the threads are gone
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      await Promise.all(slots.map((s) => this.#end(s)));
    } finally {
      clearInterval(keepAlive);
    }
  }

  #rejectAll(e: ChainError): void {
    const queued = this.#queue.splice(0);
    for (const p of queued) p.reject(e);
    for (const s of this.#slots) {
      if (s === undefined) continue;
      for (const batch of s.batches.values()) for (const p of batch) p.reject(e);
      s.batches.clear();
      s.load = 0;
    }
  }

  async #end(slot: Slot): Promise<void> {
    const stop: QueryBatchRequest = { id: -1 };
    await endWorker(slot.worker, stop, QUERY_WORKER_CLOSE_TIMEOUT_MS);
  }

  /** Sends the queue in batches, each to the least loaded worker. */
  #flush(): void {
    this.#flushScheduled = false;
    if (this.#closed !== undefined || this.#queue.length === 0) return;
    const queue = this.#queue;
    this.#queue = [];
    // spread a burst over the workers, at most QUERY_BATCH_MAX per message
    const per = Math.min(QUERY_BATCH_MAX, Math.ceil(queue.length / this.size));
    const height = this.#store.height;
    const b = this.#keeper.block.current();
    const block = { chainId: b.chainId, height: b.height, timeNanos: b.timeNanos };
    for (let i = 0; i < queue.length; i += per) {
      const items = queue.slice(i, i + per);
      const slot = this.#leastLoaded();
      if (slot === undefined) {
        const err =
          this.#closed ??
          new ChainError('QUERY_WORKER_FAILED', 'no query worker could be started', {
            cause: this.#startError,
          });
        for (const p of items) p.reject(err);
        continue;
      }
      const id = this.#nextId++;
      const queries = encodeQueries(items);
      if (slot.batches.size === 0) slot.worker.ref();
      slot.batches.set(id, items);
      slot.load += items.length;
      const req: QueryBatchRequest = { id, height, block, queries };
      slot.worker.postMessage(req, [queries]);
    }
  }

  #leastLoaded(): Slot | undefined {
    let best: Slot | undefined;
    for (let i = 0; i < this.size; i++) {
      let s = this.#slots[i];
      if (s === undefined || s.exited) {
        s = this.#start(i);
        if (s === undefined) continue;
      }
      if (best === undefined || s.load < best.load) best = s;
    }
    return best;
  }

  /** Starts (or restarts) worker `i`; after too many restarts the pool closes itself. */
  #start(i: number): Slot | undefined {
    if (this.#closed !== undefined) return undefined;
    if (this.#starts >= this.size + MAX_QUERY_WORKER_RESTARTS) {
      this.#closed = new ChainError(
        'CLOSED',
        `the query pool closed itself: its workers failed ${this.#starts - this.size} times`,
      );
      this.#rejectAll(this.#closed);
      return undefined;
    }
    this.#starts++;
    const seeds = this.#seeds.map((s) => s.slice());
    const workerData: QueryWorkerData = { ...this.#data, seeds };
    let worker: Worker;
    try {
      worker = startWorker(this.#url, { workerData });
    } catch (e) {
      this.#startError = e;
      return undefined;
    } finally {
      seeds.forEach((s) => s.fill(0)); // workerData was cloned into the worker by the constructor
    }
    const slot: Slot = { index: i, worker, batches: new Map(), load: 0, exited: false };
    this.#slots[i] = slot;
    worker.unref();
    worker.on('message', (reply: QueryBatchReply) => this.#onReply(slot, reply));
    let failure: unknown;
    worker.on('error', (e) => {
      failure = e;
    });
    worker.on('exit', (code) => {
      slot.exited = true;
      const lost = [...slot.batches.values()];
      slot.batches.clear();
      slot.load = 0;
      if (lost.length === 0) return;
      const err = new ChainError(
        'QUERY_WORKER_FAILED',
        `query worker ${i} stopped (exit code ${code}) before answering`,
        failure === undefined ? undefined : { cause: failure },
      );
      for (const batch of lost) for (const p of batch) p.reject(err);
    });
    return slot;
  }

  #onReply(slot: Slot, reply: QueryBatchReply): void {
    const items = slot.batches.get(reply.id);
    if (items === undefined) return;
    slot.batches.delete(reply.id);
    slot.load -= items.length;
    if (slot.batches.size === 0 && !slot.exited) slot.worker.unref();
    if (reply.answers === undefined) {
      // the worker's snapshot was at another commit than the batch's tag: send again with the current one
      this.#staleBatches++;
      for (const p of items) {
        if (++p.stale > QUERY_STALE_RETRIES) this.#answerInline(p);
        else this.#queue.push(p);
      }
      if (this.#queue.length > 0 && !this.#flushScheduled) {
        this.#flushScheduled = true;
        queueMicrotask(() => this.#flush());
      }
      return;
    }
    let answers;
    try {
      answers = decodeAnswers(reply.answers);
      if (answers.length !== items.length) throw new RangeError('answer count differs from the batch');
    } catch (e) {
      const err = new ChainError('QUERY_WORKER_FAILED', 'a query worker sent a malformed reply', {
        cause: e,
      });
      for (const p of items) p.reject(err);
      return;
    }
    for (let i = 0; i < items.length; i++) {
      const p = items[i]!;
      const a = answers[i]!;
      if (a.status === AnswerStatus.Host) {
        this.#answerInline(p);
        continue;
      }
      this.#workerAnswers++;
      if (a.status === AnswerStatus.Ok) p.resolve(a.payload.slice());
      else p.reject(decodeError(a.payload));
    }
  }

  #answerInline(p: Pending): void {
    this.#inlineAnswers++;
    try {
      p.resolve(this.#inline.query(p.contract, p.wire));
    } catch (e) {
      p.reject(e);
    }
  }
}
