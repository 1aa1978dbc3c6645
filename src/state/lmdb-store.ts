import { type Database, open, type RootDatabase } from 'lmdb';

import { BranchStore } from './cache-store.js';
import { CommitmentBuilder, GENESIS_COMMITMENT } from './commitment.js';
import { type CommitInfo, type CommitStore, nextHeight } from './committed-store.js';
import { StateError } from './errors.js';
import {
  assertBytes,
  BaseIterator,
  type CacheStore,
  checkRange,
  EmptyIterator,
  equalBytes,
  isEmptyRange,
  type KVEntry,
  type KVIterator,
  type KVStore,
  nextStoreVersion,
  type Order,
  STORE_VERSION,
  storeVersion,
  type VersionedStore,
} from './kv-store.js';
import { LMDB_MAX_KEY_SIZE } from './limits.js';

/** On-disk format version stored in the meta database; bumped on incompatible layout changes. */
export const LMDB_FORMAT_VERSION = 1;

const META_FORMAT = Buffer.from('format');
const META_HEIGHT = Buffer.from('height');
const META_HASH = Buffer.from('commitment');

/** Options of {@link LmdbStore.open}. */
export interface LmdbStoreOptions {
  /**
   * fsync on every commit (default true). `false` keeps atomicity and crash safety against process crashes, but
   * an OS crash or power loss may lose the last commits (LMDB `MDB_NOSYNC`).
   */
  readonly durable?: boolean;
  /**
   * Open an existing store for reading only (default false), e.g. a second handle on the directory in a query
   * worker thread while the owning handle keeps committing. `set`, `delete`, `commit` and `discardUncommitted`
   * throw `StateError('READ_ONLY')`; {@link LmdbStore.refresh} moves the handle to the latest commit.
   */
  readonly readOnly?: boolean;
}

function backendError(what: string, cause: unknown): StateError {
  return new StateError('BACKEND', `lmdb ${what} failed`, { cause });
}

/**
 * lmdb-js returns a fresh Buffer per read; re-view it as a plain Uint8Array (zero-copy) so callers never get
 * Buffer semantics (e.g. `slice()` returning a view) through an API typed Uint8Array.
 */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Read-only view of the committed data in LMDB; the base under the working branch. */
class LmdbCommitted implements KVStore, VersionedStore {
  /**
   * {@link STORE_VERSION} of the committed data: set by the writable handle, which alone changes it (by its own
   * commits, one writable handle per directory); undefined on a read-only handle, whose lmdb read snapshot moves
   * to newer commits by itself between macrotasks.
   */
  version: number | undefined;

  constructor(private readonly db: Database<Buffer, Buffer>) {}

  [STORE_VERSION](): number | undefined {
    return this.version;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    if (key.length === 0 || key.length > LMDB_MAX_KEY_SIZE) return undefined;
    const value = this.db.get(key as Buffer);
    return value === undefined ? undefined : plain(value);
  }

  has(key: Uint8Array): boolean {
    if (key.length === 0 || key.length > LMDB_MAX_KEY_SIZE) return false;
    return this.db.doesExist(key as Buffer);
  }

  set(): void {
    throw new StateError('READ_ONLY', 'committed lmdb data is only written by commit()');
  }

  delete(): void {
    throw new StateError('READ_ONLY', 'committed lmdb data is only written by commit()');
  }

  iterator(start?: Uint8Array, end?: Uint8Array, order: Order = 'ascending'): KVIterator {
    checkRange(start, end, order);
    // Nothing sorts below the empty key; and lmdb reads an empty bound as "no bound", so normalise both.
    if (isEmptyRange(start, end) || end?.length === 0) return new EmptyIterator();
    return new LmdbRangeIterator(this.db, start?.length === 0 ? undefined : start, end, order);
  }

  branch(): CacheStore {
    return new BranchStore(this);
  }
}

/**
 * Adapts lmdb-js `getRange` to `[start, end)` in both orders. lmdb's reverse ranges run from their `start`
 * (inclusive) down to their `end` (exclusive; without one, down to its "beginning key" 0x00, exclusive), the
 * opposite of what we need, so descending walks flip both with `exclusiveStart`/`inclusiveEnd`.
 */
class LmdbRangeIterator extends BaseIterator {
  private readonly inner: Iterator<{ key: Buffer; value: Buffer }>;

  constructor(
    db: Database<Buffer, Buffer>,
    start: Uint8Array | undefined,
    end: Uint8Array | undefined,
    order: Order,
  ) {
    super();
    const range =
      order === 'ascending'
        ? db.getRange({ start: start as Buffer | undefined, end: end as Buffer | undefined })
        : db.getRange({
            reverse: true,
            ...(end === undefined ? {} : { start: end as Buffer, exclusiveStart: true }),
            ...(start === undefined ? {} : { end: start as Buffer }),
            inclusiveEnd: true,
          });
    this.inner = range[Symbol.iterator]();
  }

  protected fetch(): KVEntry | undefined {
    const r = this.inner.next();
    if (r.done === true) return undefined;
    return [plain(r.value.key), plain(r.value.value)];
  }

  override close(): void {
    super.close();
    this.inner.return?.();
  }
}

/**
 * Persistent state on LMDB (memory-mapped B+ tree; synchronous reads, ordered ranges, ACID transactions).
 *
 * The working state is a {@link BranchStore} over the committed data: reads are synchronous and see uncommitted
 * writes; nothing touches the disk until {@link commit}, which writes the block's net changes together with
 * the height and the state commitment in ONE LMDB write transaction. LMDB commits by switching a meta page
 * after the data pages are written, so after a crash at any point reopening yields exactly the last committed
 * block, never part of one (crash-tested by SIGKILL in test/state/lmdb-crash.test.ts).
 *
 * Limits: keys must be 1..1978 bytes (LMDB's compiled maximum), enforced at `set` with typed errors so a commit
 * never fails half-way on a bad key.
 */
export class LmdbStore implements CommitStore, VersionedStore {
  private readonly root: RootDatabase;
  private readonly data: Database<Buffer, Buffer>;
  private readonly meta: Database<Buffer, Buffer>;
  private readonly committedData: LmdbCommitted;
  private working: BranchStore;
  private closed = false;
  private lastHeight: bigint = 0n;
  private lastHash: Uint8Array = GENESIS_COMMITMENT;
  /** Opened with `readOnly` (see {@link LmdbStoreOptions.readOnly}). */
  readonly readOnly: boolean;

  private constructor(
    root: RootDatabase,
    data: Database<Buffer, Buffer>,
    meta: Database<Buffer, Buffer>,
    readOnly: boolean,
  ) {
    this.root = root;
    this.data = data;
    this.meta = meta;
    this.readOnly = readOnly;
    this.committedData = new LmdbCommitted(data);
    this.committedData.version = readOnly ? undefined : nextStoreVersion();
    this.working = new BranchStore(this.committedData);
    this.readMeta();
  }

  /** Reads the last committed height and commitment from the meta database (in the current read snapshot). */
  private readMeta(): void {
    const format = this.meta.get(META_FORMAT);
    const height = this.meta.get(META_HEIGHT);
    const hash = this.meta.get(META_HASH);
    if (format === undefined) {
      this.lastHeight = 0n;
      this.lastHash = GENESIS_COMMITMENT;
    } else {
      if (format.length !== 4 || format.readUInt32LE(0) !== LMDB_FORMAT_VERSION) {
        throw new StateError('CORRUPT', `unsupported lmdb state format ${format.toString('hex')}`);
      }
      if (height?.length !== 8 || hash?.length !== 32)
        throw new StateError('CORRUPT', 'lmdb state meta is incomplete');
      this.lastHeight = height.readBigUInt64LE(0);
      this.lastHash = new Uint8Array(hash);
    }
  }

  /**
   * Opens (creating if needed) the store in directory `dir` and recovers the last committed block. Only one
   * writable `LmdbStore` per directory per process may be open at a time; read-only handles
   * ({@link LmdbStoreOptions.readOnly}) may be opened beside it, in this thread or in worker threads.
   */
  static open(dir: string, options: LmdbStoreOptions = {}): LmdbStore {
    let root: RootDatabase | undefined;
    try {
      const readOnly = options.readOnly === true;
      root = open({
        path: dir,
        maxDbs: 4,
        noSync: options.durable === false,
        compression: false,
        ...(readOnly ? { readOnly: true } : {}),
      });
      const dbOptions = { keyEncoding: 'binary', encoding: 'binary', compression: false } as const;
      const data = root.openDB<Buffer, Buffer>({ name: 'state', ...dbOptions });
      const meta = root.openDB<Buffer, Buffer>({ name: 'meta', ...dbOptions });
      return new LmdbStore(root, data, meta, readOnly);
    } catch (cause) {
      void root?.close();
      if (cause instanceof StateError) throw cause;
      throw backendError('open', cause);
    }
  }

  /** Height of the last committed block (0n for a fresh store). */
  get height(): bigint {
    return this.lastHeight;
  }

  /** State commitment of the last committed block (32 zero bytes for a fresh store). */
  get commitHash(): Uint8Array {
    return this.lastHash.slice();
  }

  /** Number of uncommitted sets/deletes. */
  get pendingWrites(): number {
    return this.working.pendingWrites;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.assertOpen();
    return this.working.get(key);
  }

  /**
   * The committed data's version while no uncommitted write is buffered (see {@link LmdbCommitted.version}), so
   * the keeper reuses a contract's code and keys across queries on a persistent store as on an in-memory one.
   */
  [STORE_VERSION](): number | undefined {
    return this.closed || this.get !== LmdbStore.prototype.get ? undefined : storeVersion(this.working);
  }

  has(key: Uint8Array): boolean {
    this.assertOpen();
    return this.working.has(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.assertWritable();
    assertBytes(key, 'key');
    if (key.length === 0) throw new StateError('INVALID_ARGUMENT', 'key must not be empty');
    if (key.length > LMDB_MAX_KEY_SIZE) {
      throw new StateError(
        'KEY_TOO_LARGE',
        `key of ${key.length} bytes exceeds the lmdb maximum of ${LMDB_MAX_KEY_SIZE}`,
      );
    }
    this.working.set(key, value);
  }

  delete(key: Uint8Array): void {
    this.assertWritable();
    this.working.delete(key);
  }

  iterator(start?: Uint8Array, end?: Uint8Array, order: Order = 'ascending'): KVIterator {
    this.assertOpen();
    return this.working.iterator(start, end, order);
  }

  branch(): CacheStore {
    this.assertOpen();
    return new BranchStore(this);
  }

  /** Read-only view of the last committed block's state (e.g. for queries while a block executes). */
  committed(): KVStore {
    this.assertOpen();
    return this.committedData;
  }

  /** Drops every uncommitted write (e.g. a block that failed to finalize). */
  discardUncommitted(): void {
    this.assertWritable();
    this.working.discard();
  }

  /**
   * Makes the working state durable as block `height` (must be above the last committed height): one LMDB
   * transaction writes the net changes, the height and the new commitment. On failure nothing is committed and
   * the working state is kept, so the call can be retried.
   */
  commit(height: bigint | number): CommitInfo {
    this.assertWritable();
    const h = nextHeight(height, this.lastHeight);
    const builder = new CommitmentBuilder(this.lastHash, h);
    let changes = 0;
    const heightBytes = Buffer.allocUnsafe(8);
    heightBytes.writeBigUInt64LE(h, 0);
    const formatBytes = Buffer.allocUnsafe(4);
    formatBytes.writeUInt32LE(LMDB_FORMAT_VERSION, 0);
    let hash: Uint8Array = GENESIS_COMMITMENT;
    try {
      this.root.transactionSync(() => {
        for (const [key, value] of this.working.pending()) {
          builder.add(key, value);
          if (value === undefined) this.data.removeSync(key as Buffer);
          else this.data.putSync(key as Buffer, value as Buffer);
          changes++;
        }
        hash = builder.digest();
        this.meta.putSync(META_FORMAT, formatBytes);
        this.meta.putSync(META_HEIGHT, heightBytes);
        this.meta.putSync(META_HASH, hash as Buffer);
      });
    } catch (cause) {
      throw backendError('commit', cause);
    } finally {
      // whether or not the transaction landed, nothing read before it may be reused
      this.committedData.version = nextStoreVersion();
    }
    this.working.discard();
    this.lastHeight = h;
    this.lastHash = hash;
    return { height: h, hash: hash.slice(), changes };
  }

  /**
   * Moves this handle to the latest commit (made by any handle on the directory, in any thread) and re-reads
   * its height and commitment. Returns true if either changed. lmdb-js keeps one read snapshot until the next
   * macrotask, so all reads of one synchronous run after `refresh()` see the same commit as {@link height}.
   * Meant for read-only handles; on a writable one it changes nothing (it already sees its own commits).
   */
  refresh(): boolean {
    this.assertOpen();
    const height = this.lastHeight;
    const hash = this.lastHash;
    this.root.resetReadTxn();
    this.readMeta();
    return height !== this.lastHeight || !equalBytes(hash, this.lastHash);
  }

  /** Closes the database; uncommitted writes are lost. Further calls throw `StateError('CLOSED')`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.committedData.version = undefined;
    this.working.discard();
    void this.root.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new StateError('CLOSED', 'the lmdb store is closed');
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.readOnly) throw new StateError('READ_ONLY', 'this lmdb store was opened read-only');
  }
}
