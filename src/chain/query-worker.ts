/**
 * Entry point of a {@link QueryWorkerPool} worker thread: a read-only LMDB handle on the node's directory, an
 * enclave built from the same seeds, and a ComputeKeeper over the last committed state that answers batches of
 * encrypted smart queries. Each batch is tagged with the committed height the main thread saw; the worker moves
 * its read snapshot to the latest commit and answers only if that is the tagged height (else it asks for the
 * batch again), so a batch is answered from exactly the state and block the main thread would have used.
 * Contract queries to modules that live on the main thread (bank, query plugins) are not answered here: the
 * query is marked and the main thread answers it with its own keeper.
 */
import { parentPort, workerData } from 'node:worker_threads';

import type { EncryptionScheme } from '../compute/index.js';
import {
  createEnclave,
  type Enclave,
  type EnclaveCall,
  type EnclaveResult,
  type QuerierResponse,
  type QueryOutput,
  type UntrustedQuerier,
} from '../enclave/index.js';
import { NetworkKeys } from '../enclave/keys.js';
import { type BlockContext, type BlockInfo, createComputeKeeper } from '../keeper/index.js';
import {
  BranchStore,
  type CacheStore,
  type KVIterator,
  type KVStore,
  LmdbStore,
  nextStoreVersion,
  type Order,
  STORE_VERSION,
  type VersionedStore,
} from '../state/index.js';
import { type Answer, AnswerStatus, decodeQueries, encodeAnswers, encodeError } from './query-codec.js';

/** `workerData` of a query worker (the seeds are zeroed in the worker once its enclave holds them). */
export interface QueryWorkerData {
  /** The LMDB directory (opened read-only). */
  readonly dir: string;
  readonly seeds: Uint8Array[];
  readonly ioScheme: EncryptionScheme;
  readonly bech32Prefix: string;
  readonly queryGasLimit: bigint;
  /** Top-level contract query kinds answered on the main thread (`bank` and the keeper's plugin kinds). */
  readonly hostKinds: readonly string[];
}

/** The block a batch's queries run in (what the main thread's `keeper.block.current()` returned). */
export interface QueryBlock {
  readonly chainId: string;
  readonly height: bigint;
  readonly timeNanos: bigint;
}

/** A batch of queries; a request without `queries` asks the worker to close its store and end. */
export interface QueryBatchRequest {
  readonly id: number;
  /** The committed height the main thread saw when it sent the batch. */
  readonly height?: bigint;
  readonly block?: QueryBlock;
  readonly queries?: ArrayBuffer;
}

/** Answers to a batch, or `stale` (with the worker's committed height) when it must be sent again. */
export interface QueryBatchReply {
  readonly id: number;
  readonly answers?: ArrayBuffer;
  readonly stale?: bigint;
}

/**
 * The committed state of the read-only handle with a store version that changes whenever the handle moves to
 * another commit ({@link renew}), so the keeper's per-contract cache never outlives the state it was read from.
 * Only sound because the worker refreshes before every batch and answers a batch in one synchronous run (lmdb
 * keeps one read snapshot for that long).
 */
class CommittedView implements KVStore, VersionedStore {
  #version = nextStoreVersion();

  constructor(private readonly inner: KVStore) {}

  renew(): void {
    this.#version = nextStoreVersion();
  }

  [STORE_VERSION](): number {
    return this.#version;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.inner.get(key);
  }

  has(key: Uint8Array): boolean {
    return this.inner.has(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.inner.set(key, value);
  }

  delete(key: Uint8Array): void {
    this.inner.delete(key);
  }

  iterator(start?: Uint8Array, end?: Uint8Array, order?: Order): KVIterator {
    return this.inner.iterator(start, end, order);
  }

  branch(): CacheStore {
    return new BranchStore(this);
  }
}

/** The block of the batch being answered. */
class BatchBlock implements BlockContext {
  info: BlockInfo = { chainId: '', height: 0n, timeNanos: 0n };

  current(): BlockInfo {
    return this.info;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Thrown into the enclave when a contract asks for a main-thread module; the query is then answered there. */
class HostQueryNeeded extends Error {
  override readonly name = 'HostQueryNeeded';
}

/**
 * The enclave as the worker's keeper sees it: queries run with a querier that refuses (and records) requests
 * for main-thread modules. Every other ecall is refused: the worker only answers queries.
 */
class WorkerEnclave implements Enclave {
  readonly ioPubkey: Uint8Array;
  readonly ioHeaderLength: number | undefined;
  /** Set when the current query asked for a main-thread module. */
  hostNeeded = false;

  constructor(
    private readonly inner: Enclave,
    private readonly hostKinds: ReadonlySet<string>,
  ) {
    this.ioPubkey = inner.ioPubkey;
    this.ioHeaderLength = inner.ioHeaderLength;
  }

  query(call: EnclaveCall, msg: Uint8Array): EnclaveResult<QueryOutput> {
    return this.inner.query({ ...call, querier: new LocalQuerier(call.querier, this) }, msg);
  }

  /** Whether a `query_chain` request goes to a main-thread module (parsed as the keeper's handleQuery does). */
  isHostRequest(request: Uint8Array): boolean {
    let req: unknown;
    try {
      req = JSON.parse(decoder.decode(request));
    } catch {
      return false; // the keeper answers invalid_request itself
    }
    if (typeof req !== 'object' || req === null || Array.isArray(req)) return false;
    const keys = Object.keys(req);
    return keys.length === 1 && this.hostKinds.has(keys[0]!);
  }

  init(): never {
    return readOnlyWorker();
  }

  handle(): never {
    return readOnlyWorker();
  }

  migrate(): never {
    return readOnlyWorker();
  }

  updateAdmin(): never {
    return readOnlyWorker();
  }
}

function readOnlyWorker(): never {
  throw new Error('a query worker only answers queries');
}

/** The keeper's querier, except for requests to main-thread modules (see {@link WorkerEnclave}). */
class LocalQuerier implements UntrustedQuerier {
  constructor(
    private readonly inner: UntrustedQuerier,
    private readonly enclave: WorkerEnclave,
  ) {}

  query(request: Uint8Array, options: Parameters<UntrustedQuerier['query']>[1]): QuerierResponse {
    if (this.enclave.isHostRequest(request)) {
      this.enclave.hostNeeded = true;
      throw new HostQueryNeeded('answered on the main thread');
    }
    return this.inner.query(request, options);
  }
}

const EMPTY = new Uint8Array(0);

const port = parentPort;
if (port !== null) {
  const data = workerData as QueryWorkerData;
  const store = LmdbStore.open(data.dir, { readOnly: true });
  const view = new CommittedView(store.committed());
  const enclave = new WorkerEnclave(
    createEnclave({
      keys: NetworkKeys.fromSeeds(data.seeds),
      ioScheme: data.ioScheme,
      bech32Prefix: data.bech32Prefix,
      prepare: { workers: 0 },
    }),
    new Set(data.hostKinds),
  );
  for (const s of data.seeds) s.fill(0);
  const block = new BatchBlock();
  const keeper = createComputeKeeper({ store: view, enclave, block, queryGasLimit: data.queryGasLimit });

  port.on('message', (req: QueryBatchRequest) => {
    if (req.queries === undefined || req.height === undefined || req.block === undefined) {
      store.close();
      port.close();
      return;
    }
    if (store.refresh()) view.renew();
    if (store.height !== req.height) {
      const reply: QueryBatchReply = { id: req.id, stale: store.height };
      port.postMessage(reply);
      return;
    }
    const b = req.block;
    block.info = { chainId: b.chainId, height: b.height, timeNanos: b.timeNanos };
    const answers: Answer[] = [];
    for (const q of decodeQueries(req.queries)) {
      enclave.hostNeeded = false;
      let answer: Answer;
      try {
        answer = { status: AnswerStatus.Ok, payload: keeper.query(q.contract, q.wire) };
      } catch (e) {
        answer = { status: AnswerStatus.Error, payload: encodeError(e) };
      }
      answers.push(enclave.hostNeeded ? { status: AnswerStatus.Host, payload: EMPTY } : answer);
    }
    const buf = encodeAnswers(answers);
    const reply: QueryBatchReply = { id: req.id, answers: buf };
    port.postMessage(reply, [buf]);
  });
}
