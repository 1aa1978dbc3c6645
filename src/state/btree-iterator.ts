import type { BTree } from './btree.js';
import { BaseIterator, type KVEntry, type Order } from './kv-store.js';

/**
 * Walks a B+ tree keyed by latin1 key strings (see `keyString`) over `[start, end)` in either order. Every step
 * re-seeks from the last key returned (`nextHigherPair` / `nextLowerPair`, O(log n)), so mutations of the tree
 * between steps cannot invalidate the walk. Yields the tree's raw values (entries, possibly tombstones).
 */
export class BTreeRangeIterator<V> {
  private last: string | undefined;
  private started = false;
  private finished = false;

  constructor(
    private readonly tree: BTree<string, V>,
    private readonly start: string | undefined,
    private readonly end: string | undefined,
    private readonly order: Order,
  ) {}

  /** The next value in range, or `undefined` at the end. */
  step(): V | undefined {
    if (this.finished) return undefined;
    let pair: [string, V] | undefined;
    if (this.order === 'ascending') {
      if (!this.started) {
        pair =
          this.start === undefined
            ? this.tree.nextHigherPair(undefined)
            : this.tree.getPairOrNextHigher(this.start);
      } else {
        pair = this.tree.nextHigherPair(this.last);
      }
      if (pair !== undefined && this.end !== undefined && pair[0] >= this.end) pair = undefined;
    } else {
      // `end` is exclusive, so the first key is strictly below it; no end means start from the maximum.
      pair = this.tree.nextLowerPair(this.started ? this.last : this.end);
      if (pair !== undefined && this.start !== undefined && pair[0] < this.start) pair = undefined;
    }
    this.started = true;
    if (pair === undefined) {
      this.finished = true;
      return undefined;
    }
    this.last = pair[0];
    return pair[1];
  }
}

/** A KVIterator over a tree whose values are live entries (no tombstones). */
export class BTreeKVIterator extends BaseIterator {
  private readonly inner: BTreeRangeIterator<KVEntry>;

  constructor(
    tree: BTree<string, KVEntry>,
    start: string | undefined,
    end: string | undefined,
    order: Order,
  ) {
    super();
    this.inner = new BTreeRangeIterator(tree, start, end, order);
  }

  protected fetch(): KVEntry | undefined {
    return this.inner.step();
  }
}
