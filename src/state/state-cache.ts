import type { AesSivPrefix } from '../compute/aes-siv.js';
import { StateError } from './errors.js';
import { equalBytes } from './kv-store.js';
import { STATE_CACHE_ENTRIES, STATE_CACHE_MAX_KEY_LENGTH, STATE_CACHE_MAX_VALUE_LENGTH } from './limits.js';

/**
 * What {@link EncryptedStateCache} remembers about one plaintext key. `dbKey` is a pure function of (K_key, key).
 * `raw`/`value` are the last stored encoding seen or written and its plaintext: a pure function of (K_val, dbKey,
 * raw), so a hit needs `raw` to equal, byte for byte, what the backing store holds now.
 */
export interface StateCacheEntry {
  /** `encodeEncryptedKey(AES-SIV(K_key, key, []))`; `enc_key_data` is its tail. */
  readonly dbKey: Uint8Array;
  /** A private copy of a stored `EncryptedValue` encoding, or undefined when none is known. */
  raw: Uint8Array | undefined;
  /** The plaintext of `raw` (read-only for everyone). */
  value: Uint8Array | undefined;
  /** AES-SIV S2V state of (K_val, enc_key_data): values of this key are sealed/opened one CMAC cheaper. */
  valuePrefix: AesSivPrefix | undefined;
}

/** An entry as held: with the map that holds it and its id there, for eviction. */
interface HeldEntry extends StateCacheEntry {
  readonly owner: Map<string, StateCacheEntry>;
  readonly id: string;
}

/**
 * Every cache's entries in insertion order, so the whole process holds at most {@link STATE_CACHE_ENTRIES} of them
 * however many contracts it serves. Eviction is oldest-inserted first; it only costs a recomputation, never changes
 * a result. Each cache looks its entries up in its own map (by the key string as given: no per-lookup string
 * building); an entry is in its cache's map exactly while it is in this set.
 */
const held = new Set<HeldEntry>();
/** The `owner` of entries that are not held (keys too long to cache); never written. */
const NOT_HELD = new Map<string, StateCacheEntry>();

/** Reads a cache's {@link BoundKeys}; set by the class's static block (declared first: no TDZ at class definition). */
let keysOf: (cache: EncryptedStateCache) => BoundKeys;

/**
 * Plaintext-side memo of one contract's encrypted state keys and recently read/written values, shared by every
 * {@link EncryptedStore} of that contract (normally one per contract call). It skips the deterministic AES-SIV of a
 * key seen before and the decryption of a value whose stored bytes are unchanged since they were last decrypted or
 * written; the backing store is still read every time (its gas and its current bytes decide), so results, gas and
 * errors are exactly those without the cache.
 *
 * A cache is bound to one (K_key, K_val) pair; an EncryptedStore refuses a cache bound to other keys. Only values
 * under the store's write seed id are remembered, and only small keys and values
 * ({@link STATE_CACHE_MAX_KEY_LENGTH}, {@link STATE_CACHE_MAX_VALUE_LENGTH}).
 */
export class EncryptedStateCache {
  static {
    keysOf = (cache) => cache.#keys;
  }

  readonly #keyKey: Uint8Array;
  readonly #valueKey: Uint8Array;
  /** The two private copies above, as handed to bound stores by {@link boundKeys}. */
  readonly #keys: BoundKeys;
  /** This cache's entries by plaintext key string (see `held`). */
  readonly #entries = new Map<string, StateCacheEntry>();

  constructor(keyKey: Uint8Array, valueKey: Uint8Array) {
    this.#keyKey = keyKey.slice();
    this.#valueKey = valueKey.slice();
    this.#keys = Object.freeze({ keyKey: this.#keyKey, valueKey: this.#valueKey });
  }

  /** Throws `StateError('INVALID_ARGUMENT')` unless this cache was created for exactly these keys. */
  assertBound(keyKey: Uint8Array, valueKey: Uint8Array): void {
    if (!equalBytes(this.#keyKey, keyKey) || !equalBytes(this.#valueKey, valueKey)) {
      throw new StateError('INVALID_ARGUMENT', 'EncryptedStateCache belongs to other state keys');
    }
  }

  /** The entry of the plaintext key whose latin1 form is `id`, if cached. */
  get(id: string): StateCacheEntry | undefined {
    return id.length > STATE_CACHE_MAX_KEY_LENGTH ? undefined : this.#entries.get(id);
  }

  /** Remembers `dbKey` for the plaintext key `id`; returns the new entry (not stored when the key is too long). */
  add(id: string, dbKey: Uint8Array): StateCacheEntry {
    if (id.length > STATE_CACHE_MAX_KEY_LENGTH) {
      // not held; the same shape as held entries keeps the readers' property accesses monomorphic
      const loose: HeldEntry = {
        dbKey,
        raw: undefined,
        value: undefined,
        valuePrefix: undefined,
        owner: NOT_HELD,
        id,
      };
      return loose;
    }
    const owner = this.#entries;
    const previous = owner.get(id) as HeldEntry | undefined;
    if (previous !== undefined) held.delete(previous);
    if (held.size >= STATE_CACHE_ENTRIES) {
      const oldest = held.values().next().value!;
      held.delete(oldest);
      oldest.owner.delete(oldest.id);
    }
    const entry: HeldEntry = { dbKey, raw: undefined, value: undefined, valuePrefix: undefined, owner, id };
    owner.set(id, entry);
    held.add(entry);
    return entry;
  }

  /** The cached plaintext when `raw` is byte-for-byte the remembered encoding, else undefined. */
  static hit(entry: StateCacheEntry, raw: Uint8Array): Uint8Array | undefined {
    const known = entry.raw;
    return known !== undefined && equalBytes(known, raw) ? entry.value : undefined;
  }

  /**
   * Records that `raw` decrypts to `value`, if the value is small enough. `raw` must be private to the cache from
   * now on (never mutated by anyone); `value` is copied when `copyValue`, else it must be private too.
   */
  static remember(entry: StateCacheEntry, raw: Uint8Array, value: Uint8Array, copyValue: boolean): void {
    if (value.length > STATE_CACHE_MAX_VALUE_LENGTH) {
      entry.raw = undefined;
      entry.value = undefined;
    } else {
      entry.raw = raw;
      entry.value = copyValue ? value.slice() : value;
    }
  }

  /** Forgets the value of an entry (after a delete). */
  static forget(entry: StateCacheEntry): void {
    entry.raw = undefined;
    entry.value = undefined;
  }

  /** Drops every entry of every cache (tests, memory pressure). */
  static clearAll(): void {
    for (const e of held) e.owner.delete(e.id);
    held.clear();
  }

  /** Entries currently held across all caches. */
  static get size(): number {
    return held.size;
  }
}

/** A cache's own copies of the keys it is bound to (never mutated by anyone). */
export interface BoundKeys {
  readonly keyKey: Uint8Array;
  readonly valueKey: Uint8Array;
}

/**
 * For {@link EncryptedStore} only (not exported by the state index): after checking, as `assertBound` does, that
 * `cache` is bound to exactly these key bytes, its private copies of them, so a store made per contract call
 * neither copies the keys again nor holds arrays its caller could change.
 */
export function boundKeys(cache: EncryptedStateCache, keyKey: Uint8Array, valueKey: Uint8Array): BoundKeys {
  cache.assertBound(keyKey, valueKey);
  return keysOf(cache);
}
