import { BranchStore } from './cache-store.js';
import { CommitmentBuilder, GENESIS_COMMITMENT } from './commitment.js';
import { StateError } from './errors.js';
import {
  type CacheStore,
  type KVIterator,
  type KVStore,
  type Order,
  STORE_VERSION,
  storeVersion,
} from './kv-store.js';
import { MemoryStore } from './memory-store.js';

/** What a commit made durable (or final, in memory). */
export interface CommitInfo {
  /** The committed block height. */
  readonly height: bigint;
  /** The state commitment after this block (see commitment.ts). */
  readonly hash: Uint8Array;
  /** Number of keys set or deleted by the block. */
  readonly changes: number;
}

/**
 * A {@link KVStore} whose working state is committed block by block with a running state commitment. Both
 * {@link MemoryCommitStore} and `LmdbStore` implement it and produce identical commitments for identical blocks,
 * so embedders (and simulated networks) can switch backends without changing consensus.
 */
export interface CommitStore extends KVStore {
  /** Height of the last committed block (0n before the first commit). */
  readonly height: bigint;
  /** Commitment of the last committed block (32 zero bytes before the first commit). */
  readonly commitHash: Uint8Array;
  /** Uncommitted sets/deletes. */
  readonly pendingWrites: number;
  /** Commits the working state as block `height` (above the last committed height). */
  commit(height: bigint | number): CommitInfo;
  /** Drops every uncommitted write. */
  discardUncommitted(): void;
  /** A read-only view of the last committed state (uncommitted writes invisible); writes throw READ_ONLY. */
  committed(): KVStore;
}

/** Parses and checks a commit height against the last one. */
export function nextHeight(height: bigint | number, last: bigint): bigint {
  if (typeof height === 'number' && !Number.isSafeInteger(height)) {
    throw new StateError('INVALID_ARGUMENT', `commit height must be an integer, got ${height}`);
  }
  const h = typeof height === 'bigint' ? height : BigInt(height);
  if (h <= last || h >= 1n << 64n) {
    throw new StateError(
      'INVALID_ARGUMENT',
      `commit height ${h} must be above the last committed height ${last}`,
    );
  }
  return h;
}

/** Read-only wrapper: reads and iteration pass through, writes throw `StateError('READ_ONLY')`. */
export class ReadOnlyStore implements KVStore {
  constructor(private readonly inner: KVStore) {}

  get(key: Uint8Array): Uint8Array | undefined {
    return this.inner.get(key);
  }

  has(key: Uint8Array): boolean {
    return this.inner.has(key);
  }

  set(): void {
    throw new StateError('READ_ONLY', 'this view of the state is read-only');
  }

  delete(): void {
    throw new StateError('READ_ONLY', 'this view of the state is read-only');
  }

  iterator(start?: Uint8Array, end?: Uint8Array, order: Order = 'ascending'): KVIterator {
    return this.inner.iterator(start, end, order);
  }

  branch(): CacheStore {
    return new BranchStore(this);
  }
}

/**
 * In-memory {@link CommitStore}: a working branch over a {@link MemoryStore}, committed with the same
 * commitment as `LmdbStore`. For tests, simulations and nodes that rebuild state from genesis.
 */
export class MemoryCommitStore implements CommitStore {
  private readonly base: MemoryStore;
  private readonly working: BranchStore;
  private lastHeight = 0n;
  private lastHash: Uint8Array = GENESIS_COMMITMENT;

  constructor(base: MemoryStore = new MemoryStore()) {
    this.base = base;
    this.working = new BranchStore(base);
  }

  get height(): bigint {
    return this.lastHeight;
  }

  get commitHash(): Uint8Array {
    return this.lastHash.slice();
  }

  get pendingWrites(): number {
    return this.working.pendingWrites;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.working.get(key);
  }

  /** The working branch's version: the committed state's while no uncommitted write is buffered. */
  [STORE_VERSION](): number | undefined {
    return this.get === MemoryCommitStore.prototype.get ? storeVersion(this.working) : undefined;
  }

  has(key: Uint8Array): boolean {
    return this.working.has(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.working.set(key, value);
  }

  delete(key: Uint8Array): void {
    this.working.delete(key);
  }

  iterator(start?: Uint8Array, end?: Uint8Array, order: Order = 'ascending'): KVIterator {
    return this.working.iterator(start, end, order);
  }

  branch(): CacheStore {
    return new BranchStore(this);
  }

  commit(height: bigint | number): CommitInfo {
    const h = nextHeight(height, this.lastHeight);
    const builder = new CommitmentBuilder(this.lastHash, h);
    let changes = 0;
    for (const [key, value] of this.working.pending()) {
      builder.add(key, value);
      changes++;
    }
    const hash = builder.digest();
    this.working.write();
    this.lastHeight = h;
    this.lastHash = hash;
    return { height: h, hash: hash.slice(), changes };
  }

  discardUncommitted(): void {
    this.working.discard();
  }

  committed(): KVStore {
    return new ReadOnlyStore(this.base);
  }
}
