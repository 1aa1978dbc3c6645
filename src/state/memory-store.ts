import { BTree } from './btree.js';
import { BTreeKVIterator } from './btree-iterator.js';
import { BranchStore } from './cache-store.js';
import {
  assertBytes,
  type CacheStore,
  checkRange,
  compareBytes,
  copyBytes,
  EmptyIterator,
  isEmptyRange,
  type KVIterator,
  type KVStore,
  type Order,
} from './kv-store.js';

/**
 * An in-memory ordered {@link KVStore} on a sorted-btree B+ tree with a byte-wise comparator. Used for tests,
 * simulations and as the base of branches; `clone()` is O(1) copy-on-write.
 */
export class MemoryStore implements KVStore {
  private tree: BTree<Uint8Array, Uint8Array>;

  /** An empty store, or one holding copies of `entries`. */
  constructor(entries?: Iterable<readonly [Uint8Array, Uint8Array]>) {
    this.tree = new BTree<Uint8Array, Uint8Array>(undefined, compareBytes);
    if (entries !== undefined) for (const [k, v] of entries) this.set(k, v);
  }

  /** Number of keys stored. */
  get size(): number {
    return this.tree.size;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    assertBytes(key, 'key');
    return this.tree.get(key);
  }

  has(key: Uint8Array): boolean {
    assertBytes(key, 'key');
    return this.tree.has(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    assertBytes(key, 'key');
    assertBytes(value, 'value');
    this.tree.set(copyBytes(key), copyBytes(value));
  }

  delete(key: Uint8Array): void {
    assertBytes(key, 'key');
    this.tree.delete(key);
  }

  iterator(start?: Uint8Array, end?: Uint8Array, order: Order = 'ascending'): KVIterator {
    checkRange(start, end, order);
    if (isEmptyRange(start, end)) return new EmptyIterator();
    return new BTreeKVIterator(this.tree, start, end, order);
  }

  branch(): CacheStore {
    return new BranchStore(this);
  }

  /** An independent copy in O(1) (copy-on-write); later writes to either side are not seen by the other. */
  clone(): MemoryStore {
    const copy = new MemoryStore();
    copy.tree = this.tree.clone();
    return copy;
  }
}
