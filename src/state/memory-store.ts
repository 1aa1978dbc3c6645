import { BTree } from './btree.js';
import { BTreeKVIterator } from './btree-iterator.js';
import { BranchStore } from './cache-store.js';
import {
  assertBytes,
  type CacheStore,
  checkRange,
  compareKeyStrings,
  copyBytes,
  EmptyIterator,
  type IdReader,
  isEmptyRange,
  keyString,
  type KVEntry,
  type KVIterator,
  type KVStore,
  nextStoreVersion,
  type Order,
  type OwnedWriter,
  READ_BY_ID,
  STORE_VERSION,
  type VersionedStore,
  WRITE_OWNED,
} from './kv-store.js';

/**
 * An in-memory ordered {@link KVStore} on a sorted-btree B+ tree. Keys are indexed as latin1 strings (byte
 * order, native comparison) and each holds its `[key, value]` entry, so iteration allocates nothing per step.
 * `clone()` is O(1) copy-on-write.
 */
export class MemoryStore implements KVStore, OwnedWriter, IdReader, VersionedStore {
  private tree: BTree<string, KVEntry>;
  /** Renewed by every mutation (see {@link STORE_VERSION}). */
  private version = nextStoreVersion();

  /** An empty store, or one holding copies of `entries`. */
  constructor(entries?: Iterable<readonly [Uint8Array, Uint8Array]>) {
    this.tree = new BTree<string, KVEntry>(undefined, compareKeyStrings);
    if (entries !== undefined) for (const [k, v] of entries) this.set(k, v);
  }

  /** Number of keys stored. */
  get size(): number {
    return this.tree.size;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    assertBytes(key, 'key');
    return this.tree.get(keyString(key))?.[1];
  }

  [READ_BY_ID](id: string, key: Uint8Array): Uint8Array | undefined {
    if (this.get !== MemoryStore.prototype.get) return this.get(key);
    return this.tree.get(id)?.[1];
  }

  has(key: Uint8Array): boolean {
    assertBytes(key, 'key');
    return this.tree.has(keyString(key));
  }

  /** Undefined for a subclass that reads differently (its reads must not be skipped). */
  [STORE_VERSION](): number | undefined {
    return this.get === MemoryStore.prototype.get && this.has === MemoryStore.prototype.has
      ? this.version
      : undefined;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    assertBytes(key, 'key');
    assertBytes(value, 'value');
    this.version = nextStoreVersion();
    this.tree.set(keyString(key), [copyBytes(key), copyBytes(value)]);
  }

  delete(key: Uint8Array): void {
    assertBytes(key, 'key');
    this.version = nextStoreVersion();
    this.tree.delete(keyString(key));
  }

  [WRITE_OWNED](id: string, entry: readonly [key: Uint8Array, value: Uint8Array | null]): void {
    this.version = nextStoreVersion();
    const value = entry[1];
    if (this.set !== MemoryStore.prototype.set || this.delete !== MemoryStore.prototype.delete) {
      // a subclass that watches or checks writes gets them through its own set/delete
      if (value === null) this.delete(entry[0]);
      else this.set(entry[0], value);
    } else if (value === null) this.tree.delete(id);
    else this.tree.set(id, entry as KVEntry);
  }

  iterator(start?: Uint8Array, end?: Uint8Array, order: Order = 'ascending'): KVIterator {
    checkRange(start, end, order);
    if (isEmptyRange(start, end)) return new EmptyIterator();
    return new BTreeKVIterator(
      this.tree,
      start === undefined ? undefined : keyString(start),
      end === undefined ? undefined : keyString(end),
      order,
    );
  }

  branch(): CacheStore {
    return new BranchStore(this);
  }

  /** An independent copy in O(1) (copy-on-write); later writes to either side are not seen by the other. */
  clone(): MemoryStore {
    const copy = new MemoryStore();
    copy.tree = this.tree.clone();
    copy.version = nextStoreVersion();
    return copy;
  }
}
