/**
 * Bounded LRU of compiled contract modules keyed by code hash (+ gas table + metering flag, so a module
 * instrumented under other costs is never reused — the CWA-2024-004 lesson). Each entry also holds at most one
 * idle, reset instance for the reuse mode.
 */
import type { CompiledContract, ContractInstance } from './instance.js';
import { DEFAULT_MODULE_CACHE_SIZE } from './limits.js';

/** A cache entry: the compiled module and an idle instance ready for reuse. */
export interface CacheEntry {
  readonly compiled: CompiledContract;
  idle: ContractInstance | undefined;
}

/** Least-recently-used cache over `Map` insertion order (deterministic; only performance depends on it). */
export class ModuleCache {
  private readonly entries = new Map<string, CacheEntry>();
  /** The most recently used entry (already last in `entries`): a repeat hit skips the delete + re-insert. */
  private newest: CacheEntry | undefined;
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number = DEFAULT_MODULE_CACHE_SIZE) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError(`cache capacity must be ≥ 1, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Returns the entry and marks it most recently used. */
  get(key: string): CacheEntry | undefined {
    const e = this.entries.get(key);
    if (e === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    if (this.newest !== e) {
      this.entries.delete(key);
      this.entries.set(key, e);
      this.newest = e;
    }
    return e;
  }

  /** Inserts an entry, evicting the least recently used one beyond capacity. */
  set(key: string, compiled: CompiledContract): CacheEntry {
    const entry: CacheEntry = { compiled, idle: undefined };
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.newest = entry;
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return entry;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  clear(): void {
    this.entries.clear();
    this.newest = undefined;
  }
}
