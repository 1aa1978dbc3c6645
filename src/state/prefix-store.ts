import { BranchStore } from './cache-store.js';
import {
  assertBytes,
  BaseIterator,
  type CacheStore,
  checkRange,
  copyBytes,
  EmptyIterator,
  isEmptyRange,
  type KVEntry,
  type KVIterator,
  type KVStore,
  type Order,
  type OwnedKeyWriter,
  WRITE_OWNED_KEY,
} from './kv-store.js';

/**
 * The smallest key greater than every key starting with `prefix` (increment the last byte below 0xff and
 * drop what follows), or `undefined` when the prefix is all 0xff (no upper bound). Cosmos SDK
 * `types.PrefixEndBytes`.
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i]! < 0xff) {
      const out = prefix.slice(0, i + 1);
      out[i]! += 1;
      return out;
    }
  }
  return undefined;
}

/**
 * Scratch space for lookup keys: `get`/`has` only look a key up (stores never keep a key they were asked for), so
 * the prefixed key can live in a reused buffer instead of a fresh allocation per read (keys above 64 bytes are
 * allocated outside V8's heap, which made the concat one of the state layer's top costs).
 */
let scratch = new Uint8Array(256);

/**
 * `a ‖ b` in the scratch buffer, valid only until the next call. A key that already lives in the scratch buffer
 * (a prefix store over a prefix store) gets a fresh array instead, so nested lookups never overwrite each other.
 */
function lookupKey(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (b.buffer === scratch.buffer) return concat(a, b);
  const n = a.length + b.length;
  if (n > scratch.length) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  scratch.set(a, 0);
  scratch.set(b, a.length);
  return scratch.subarray(0, n);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * A view of the keys of `parent` that start with `prefix`, with the prefix stripped (Cosmos SDK
 * `prefix.Store`). Used e.g. for a contract's state, `0x03 ‖ contract_address` (spec §1.6).
 */
export class PrefixStore implements KVStore {
  private readonly prefix: Uint8Array;

  constructor(
    private readonly parent: KVStore,
    prefix: Uint8Array,
  ) {
    assertBytes(prefix, 'prefix');
    this.prefix = copyBytes(prefix);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    assertBytes(key, 'key');
    return this.parent.get(lookupKey(this.prefix, key));
  }

  has(key: Uint8Array): boolean {
    assertBytes(key, 'key');
    return this.parent.has(lookupKey(this.prefix, key));
  }

  set(key: Uint8Array, value: Uint8Array): void {
    assertBytes(key, 'key');
    const parent = this.parent as KVStore & Partial<OwnedKeyWriter>;
    // the prefixed key is built here and used nowhere else: a branch parent may keep it without a copy
    if (parent[WRITE_OWNED_KEY] === undefined) parent.set(concat(this.prefix, key), value);
    else parent[WRITE_OWNED_KEY](concat(this.prefix, key), value);
  }

  delete(key: Uint8Array): void {
    assertBytes(key, 'key');
    const parent = this.parent as KVStore & Partial<OwnedKeyWriter>;
    if (parent[WRITE_OWNED_KEY] === undefined) parent.delete(concat(this.prefix, key));
    else parent[WRITE_OWNED_KEY](concat(this.prefix, key), null);
  }

  iterator(start?: Uint8Array, end?: Uint8Array, order: Order = 'ascending'): KVIterator {
    checkRange(start, end, order);
    if (isEmptyRange(start, end)) return new EmptyIterator();
    const lo = start === undefined ? this.prefix : concat(this.prefix, start);
    const hi = end === undefined ? prefixEnd(this.prefix) : concat(this.prefix, end);
    return new StripIterator(this.parent.iterator(lo, hi, order), this.prefix.length);
  }

  branch(): CacheStore {
    return new BranchStore(this);
  }
}

/** Removes the first `n` bytes (the prefix) from every key. */
class StripIterator extends BaseIterator {
  constructor(
    private readonly inner: KVIterator,
    private readonly n: number,
  ) {
    super();
  }

  protected fetch(): KVEntry | undefined {
    const r = this.inner.next();
    if (r.done === true) return undefined;
    return [r.value[0].subarray(this.n), r.value[1]];
  }

  override close(): void {
    super.close();
    this.inner.close();
  }
}
