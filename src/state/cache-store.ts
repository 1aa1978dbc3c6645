import { BTree } from './btree.js';
import { BTreeRangeIterator } from './btree-iterator.js';
import {
  assertBytes,
  BaseIterator,
  type CacheStore,
  checkRange,
  compareBytes,
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
  type OwnedKeyWriter,
  type OwnedWriter,
  READ_BY_ID,
  STORE_VERSION,
  storeVersion,
  type VersionedStore,
  WRITE_OWNED,
  WRITE_OWNED_KEY,
} from './kv-store.js';

/** Marks a buffered delete in the overlay. */
const TOMBSTONE = null;
/** An overlay record: the key bytes and the buffered value or a tombstone. */
type Buffered = readonly [key: Uint8Array, value: Uint8Array | typeof TOMBSTONE];

const newOverlay = () => new BTree<string, Buffered>(undefined, compareKeyStrings);

/**
 * The overlay of a branch with nothing buffered, shared (frozen: any mutation throws). Most branches are written
 * or discarded and then dropped, and many read-only ones never buffer anything, so a tree is made only on the
 * first write instead of on creation and again after every write()/discard().
 */
const EMPTY_OVERLAY = newOverlay();
EMPTY_OVERLAY.freeze();

/**
 * A write-buffer overlay on a parent {@link KVStore} (Cosmos SDK `cachekv`). Its own sorted map holds sets
 * and tombstones; reads consult it first, then the parent; iteration merges both in byte order with the
 * overlay winning and tombstones masking. Creating one is O(1) whatever the parent's size, and branches
 * nest: `branch()` of a branch overlays the branch.
 *
 * `write()` applies the overlay to the parent in ascending key order (deterministic) and empties it;
 * `discard()` just empties it.
 */
export class BranchStore implements CacheStore, OwnedWriter, OwnedKeyWriter, IdReader, VersionedStore {
  private overlay: BTree<string, Buffered> = EMPTY_OVERLAY;
  /**
   * Version of this branch's contents while its overlay is not empty: assigned on demand, dropped by every
   * buffered write, valid only while the parent still reports {@link ownVersionParent}.
   */
  private ownVersion: number | undefined;
  private ownVersionParent: number | undefined;

  constructor(private readonly parent: KVStore) {}

  /** The overlay to write into (a fresh tree instead of the shared empty one). Every buffered write comes here. */
  private writable(): BTree<string, Buffered> {
    this.ownVersion = undefined;
    if (this.overlay === EMPTY_OVERLAY) this.overlay = newOverlay();
    return this.overlay;
  }

  /** Number of buffered writes (sets plus deletes) not yet applied to the parent. */
  get pendingWrites(): number {
    return this.overlay.size;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    assertBytes(key, 'key');
    return this.#readById(keyString(key), key);
  }

  [READ_BY_ID](id: string, key: Uint8Array): Uint8Array | undefined {
    if (this.get !== BranchStore.prototype.get) return this.get(key);
    return this.#readById(id, key);
  }

  /** The buffered value of `id`, else the parent's (by id when the parent can). */
  #readById(id: string, key: Uint8Array): Uint8Array | undefined {
    const overlay = this.overlay;
    if (overlay !== EMPTY_OVERLAY) {
      const buffered = overlay.get(id);
      if (buffered !== undefined) return buffered[1] ?? undefined;
    }
    const parent = this.parent as KVStore & Partial<IdReader>;
    return parent[READ_BY_ID] === undefined ? parent.get(key) : parent[READ_BY_ID](id, key);
  }

  /**
   * The parent's version while nothing is buffered (reads then go straight to the parent). With buffered writes,
   * a version of its own that lasts until the next buffered write or a change of the parent's version (a block's
   * working state between txs: queries may reuse what they read until a tx writes). Undefined when the parent
   * has no version, and for a subclass that reads differently.
   */
  [STORE_VERSION](): number | undefined {
    if (this.get !== BranchStore.prototype.get || this.has !== BranchStore.prototype.has) return undefined;
    const parentVersion = storeVersion(this.parent);
    if (parentVersion === undefined || this.overlay === EMPTY_OVERLAY) return parentVersion;
    if (this.ownVersion === undefined || this.ownVersionParent !== parentVersion) {
      this.ownVersion = nextStoreVersion();
      this.ownVersionParent = parentVersion;
    }
    return this.ownVersion;
  }

  has(key: Uint8Array): boolean {
    assertBytes(key, 'key');
    const buffered = this.overlay.get(keyString(key));
    if (buffered !== undefined) return buffered[1] !== TOMBSTONE;
    return this.parent.has(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    assertBytes(key, 'key');
    assertBytes(value, 'value');
    this.writable().set(keyString(key), [copyBytes(key), copyBytes(value)]);
  }

  delete(key: Uint8Array): void {
    assertBytes(key, 'key');
    this.writable().set(keyString(key), [copyBytes(key), TOMBSTONE]);
  }

  [WRITE_OWNED_KEY](key: Uint8Array, value: Uint8Array | null): void {
    if (value === null) {
      if (this.delete !== BranchStore.prototype.delete) return this.delete(key);
      assertBytes(key, 'key');
      this.writable().set(keyString(key), [key, TOMBSTONE]);
    } else {
      if (this.set !== BranchStore.prototype.set) return this.set(key, value);
      assertBytes(key, 'key');
      assertBytes(value, 'value');
      this.writable().set(keyString(key), [key, copyBytes(value)]);
    }
  }

  iterator(start?: Uint8Array, end?: Uint8Array, order: Order = 'ascending'): KVIterator {
    checkRange(start, end, order);
    if (isEmptyRange(start, end)) return new EmptyIterator();
    // An empty overlay adds nothing: hand out the parent's iterator directly (no merge cost per step).
    if (this.overlay.size === 0) return this.parent.iterator(start, end, order);
    return new MergeIterator(
      this.parent.iterator(start, end, order),
      new BTreeRangeIterator(
        this.overlay,
        start === undefined ? undefined : keyString(start),
        end === undefined ? undefined : keyString(end),
        order,
      ),
      order,
    );
  }

  branch(): CacheStore {
    return new BranchStore(this);
  }

  write(): void {
    // Swap the overlay out first so a failing parent write cannot leave entries applied twice on retry.
    const overlay = this.overlay;
    if (overlay === EMPTY_OVERLAY) return;
    this.overlay = EMPTY_OVERLAY;
    const parent = this.parent as KVStore & Partial<OwnedWriter>;
    if (parent[WRITE_OWNED] !== undefined) {
      // in-memory parent: it takes over the buffered arrays (this branch no longer holds them)
      overlay.forEachPair((id, entry) => {
        parent[WRITE_OWNED]!(id, entry);
      });
      return;
    }
    overlay.forEachPair((_, [key, value]) => {
      if (value === TOMBSTONE) parent.delete(key);
      else parent.set(key, value);
    });
  }

  [WRITE_OWNED](id: string, entry: Buffered): void {
    if (this.set !== BranchStore.prototype.set || this.delete !== BranchStore.prototype.delete) {
      // a subclass that watches or checks writes gets them through its own set/delete
      if (entry[1] === TOMBSTONE) this.delete(entry[0]);
      else this.set(entry[0], entry[1]);
    } else this.writable().set(id, entry);
  }

  discard(): void {
    this.overlay = EMPTY_OVERLAY;
  }

  /** The buffered writes in ascending key order; `undefined` values are deletes. For commit hashing. */
  *pending(): IterableIterator<readonly [Uint8Array, Uint8Array | undefined]> {
    for (const [, [key, value]] of this.overlay.entries()) yield [key, value ?? undefined];
  }
}

/**
 * Merges a parent iterator with an overlay walk. Both sides are ordered the same way; on equal keys the
 * overlay wins, and overlay tombstones hide parent entries.
 */
class MergeIterator extends BaseIterator {
  private parentNext: KVEntry | undefined;
  private overlayNext: Buffered | undefined;
  private readonly sign: number;

  constructor(
    private readonly parentIter: KVIterator,
    private readonly overlayIter: BTreeRangeIterator<Buffered>,
    order: Order,
  ) {
    super();
    this.sign = order === 'ascending' ? 1 : -1;
    this.parentNext = this.pullParent();
    this.overlayNext = overlayIter.step();
  }

  private pullParent(): KVEntry | undefined {
    const r = this.parentIter.next();
    return r.done === true ? undefined : r.value;
  }

  protected fetch(): KVEntry | undefined {
    for (;;) {
      const p = this.parentNext;
      const o = this.overlayNext;
      if (o === undefined) {
        if (p === undefined) return undefined;
        this.parentNext = this.pullParent();
        return p;
      }
      const cmp = p === undefined ? 1 : compareBytes(p[0], o[0]) * this.sign;
      if (cmp < 0) {
        this.parentNext = this.pullParent();
        return p;
      }
      // The overlay entry comes first or shadows an equal parent key.
      if (cmp === 0) this.parentNext = this.pullParent();
      this.overlayNext = this.overlayIter.step();
      if (o[1] !== TOMBSTONE) return o as KVEntry;
    }
  }

  override close(): void {
    super.close();
    this.parentIter.close();
  }
}
