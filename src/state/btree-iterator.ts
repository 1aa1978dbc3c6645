import type { BTree } from './btree.js';
import { BaseIterator, compareBytes, type KVEntry, type Order } from './kv-store.js';

/**
 * Walks a B+ tree keyed by bytes over `[start, end)` in either order. Every step re-seeks from the last key
 * returned (`nextHigherPair` / `nextLowerPair`, O(log n)), so mutations of the tree between steps cannot
 * invalidate the walk. Yields the tree's raw values, including tombstones if the tree stores them.
 */
export class BTreeRangeIterator<V> {
  private last: Uint8Array | undefined;
  private started = false;
  private finished = false;

  constructor(
    private readonly tree: BTree<Uint8Array, V>,
    private readonly start: Uint8Array | undefined,
    private readonly end: Uint8Array | undefined,
    private readonly order: Order,
  ) {}

  /** The next `[key, value]` in range, or `undefined` at the end. */
  step(): [Uint8Array, V] | undefined {
    if (this.finished) return undefined;
    let pair: [Uint8Array, V] | undefined;
    if (this.order === 'ascending') {
      if (!this.started) {
        pair =
          this.start === undefined
            ? this.tree.nextHigherPair(undefined)
            : this.tree.getPairOrNextHigher(this.start);
      } else {
        pair = this.tree.nextHigherPair(this.last);
      }
      if (pair !== undefined && this.end !== undefined && compareBytes(pair[0], this.end) >= 0)
        pair = undefined;
    } else {
      // `end` is exclusive, so the first key is strictly below it; no end means start from the maximum.
      pair = this.tree.nextLowerPair(this.started ? this.last : this.end);
      if (pair !== undefined && this.start !== undefined && compareBytes(pair[0], this.start) < 0)
        pair = undefined;
    }
    this.started = true;
    if (pair === undefined) {
      this.finished = true;
      return undefined;
    }
    this.last = pair[0];
    return pair;
  }
}

/** A {@link KVIterator} over a tree whose values are all live (no tombstones). */
export class BTreeKVIterator extends BaseIterator {
  private readonly inner: BTreeRangeIterator<Uint8Array>;

  constructor(
    tree: BTree<Uint8Array, Uint8Array>,
    start: Uint8Array | undefined,
    end: Uint8Array | undefined,
    order: Order,
  ) {
    super();
    this.inner = new BTreeRangeIterator(tree, start, end, order);
  }

  protected fetch(): KVEntry | undefined {
    return this.inner.step();
  }
}
