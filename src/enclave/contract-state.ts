/**
 * A contract's state during one call (spec §2.9; SecretNetwork contract-engine/src/wasm3/mod.rs `KvCache`,
 * `flush_cache`, db.rs). Writes stay in a plaintext cache (reads see them first); at the end of a successful call
 * the batch is encrypted into the keeper's store in one go, shuffled first when the call had block randomness so
 * the write order does not reveal the contract's key order. Nothing reaches the backing store on failure.
 */
import { EncryptedStore, stateSalt } from '../state/encrypted-store.js';
import { StateError } from '../state/errors.js';
import { type CacheStore, keyString, type KVIterator, type KVStore } from '../state/kv-store.js';
import { MAX_CONTRACT_KEY_LENGTH } from '../state/limits.js';
import { EncryptedStateCache } from '../state/state-cache.js';
import { concat, hkdfKey, sha256 } from './bytes.js';
import { EnclaveError } from './errors.js';
import type { EnclaveSecrets } from './secrets.js';
import type { ContractStore } from './types.js';

/** Value keys with Secret's seed bookkeeping: K_key from seed #2 (index 1), K_val from the last seed. */
export interface StateKeys {
  readonly keyKey: Uint8Array;
  readonly valueKey: Uint8Array;
  /** Seed id stored with written values (Secret writes the number of seeds; 2 is the implicit default). */
  readonly writeSeedId: number;
  readonly valueKeyForSeed: (seedId: number) => Uint8Array | undefined;
  /**
   * Memo of encrypted keys and unchanged values for the contract these keys belong to, kept as long as the keys
   * are (the enclave caches StateKeys per og key); see EncryptedStateCache.
   */
  readonly cache?: EncryptedStateCache;
}

/**
 * `K_key = HKDF(state_ikm[1] ‖ og)`, `K_val = HKDF(state_ikm[last] ‖ og)` (spec §2.9). A network with a
 * single seed uses it for both (Secret always has two after its phase-1 rotation).
 */
export function deriveStateKeys(secrets: EnclaveSecrets, ogKey: Uint8Array): StateKeys {
  const ikm = secrets.stateIkm;
  const n = ikm.length;
  const valueKeyFor = (index: number): Uint8Array => hkdfKey([ikm[index]!, ogKey]);
  const keyKey = hkdfKey([ikm[Math.min(1, n - 1)]!, ogKey]);
  const valueKey = valueKeyFor(n - 1);
  return {
    keyKey,
    valueKey,
    writeSeedId: Math.max(2, n),
    valueKeyForSeed: (seedId) => (seedId >= 1 && seedId <= n ? valueKeyFor(seedId - 1) : undefined),
    cache: new EncryptedStateCache(keyKey, valueKey),
  };
}

/** Adapts the keeper's `{get,set,delete}` store to the state layer's KVStore (no iteration, no branching). */
class BackingStore implements KVStore {
  constructor(private readonly inner: ContractStore) {}
  get(key: Uint8Array): Uint8Array | undefined {
    return this.inner.get(key);
  }
  has(key: Uint8Array): boolean {
    return this.inner.get(key) !== undefined;
  }
  set(key: Uint8Array, value: Uint8Array): void {
    this.inner.set(key, value);
  }
  delete(key: Uint8Array): void {
    this.inner.delete(key);
  }
  iterator(): KVIterator {
    throw new StateError('UNSUPPORTED', 'contract state is not iterable');
  }
  branch(): CacheStore {
    throw new StateError('UNSUPPORTED', 'contract state backing store is not branchable');
  }
}

/** Per-call salt inputs (spec §2.9). */
export interface SaltInputs {
  readonly timeNanos: bigint;
  readonly counterHeight: bigint;
  readonly counter: bigint;
}

type Pending = { readonly key: Uint8Array; readonly value: Uint8Array | null };

/**
 * The read-only EncryptedStore of each StateKeys (StateKeys are immutable, like everything the enclave caches),
 * reading through whatever store a call hands it (`getFrom`): a query builds no store of its own, and its keys and
 * cache are checked once, when the reader is made, instead of on every call.
 */
const readers = new WeakMap<StateKeys, EncryptedStore>();

/** The backing store of the shared readers: never used, they are always handed the call's store. */
const NO_BACKING: ContractStore = {
  get(): never {
    throw new StateError('UNSUPPORTED', 'a shared state reader has no store of its own');
  },
  set(): never {
    throw new StateError('READ_ONLY', 'contract tried to write to storage during a query');
  },
  delete(): never {
    throw new StateError('READ_ONLY', 'contract tried to write to storage during a query');
  },
};

function readerFor(keys: StateKeys): EncryptedStore {
  let reader = readers.get(keys);
  if (reader === undefined) {
    reader = new EncryptedStore(new BackingStore(NO_BACKING), {
      keyKey: keys.keyKey,
      valueKey: keys.valueKey,
      readOnly: true,
      writeSeedId: keys.writeSeedId,
      valueKeyForSeed: keys.valueKeyForSeed,
      cache: keys.cache,
    });
    readers.set(keys, reader);
  }
  return reader;
}

/** Plaintext KV cache over the encrypted contract store, flushed once. */
export class ContractState {
  /** The call's store, read through {@link #reader}. */
  readonly #store: ContractStore;
  /** A writable state's own encrypted store; read-only states have none. */
  readonly #enc: EncryptedStore | undefined;
  /** Reads with the state keys: {@link #enc}, or for a read-only state its keys' shared reader. */
  readonly #reader: EncryptedStore;
  /** Pending writes, made on the first write (a query never has any). */
  #writes: Map<string, Pending> | undefined;
  /** The first value read (null: absent) and its key id: most queries read one key and need no map then. */
  #firstId: string | undefined;
  #firstValue: Uint8Array | null = null;
  /** The other values read so far (null: absent), made on the second distinct read. */
  #reads: Map<string, Uint8Array | null> | undefined;
  readonly #readOnly: boolean;

  constructor(store: ContractStore, keys: StateKeys, options: { readOnly: boolean; salt?: SaltInputs }) {
    this.#readOnly = options.readOnly;
    this.#store = store;
    const salt = options.salt;
    if (options.readOnly && salt === undefined) {
      this.#enc = undefined;
      this.#reader = readerFor(keys);
      return;
    }
    const enc = new EncryptedStore(new BackingStore(store), {
      keyKey: keys.keyKey,
      valueKey: keys.valueKey,
      readOnly: options.readOnly,
      writeSeedId: keys.writeSeedId,
      valueKeyForSeed: keys.valueKeyForSeed,
      salt:
        salt === undefined
          ? undefined
          : constant(
              stateSalt({ timeNanos: salt.timeNanos, height: salt.counterHeight, counter: salt.counter }),
            ),
      cache: keys.cache,
    });
    this.#enc = enc;
    this.#reader = enc;
  }

  /** Read through the write cache, then the read cache, then the encrypted store. */
  get(key: Uint8Array): Uint8Array | undefined {
    // latin1: one char per byte, so the ids sort in byte order (flush relies on it)
    const id = keyString(key);
    const pending = this.#writes?.get(id);
    if (pending !== undefined) return pending.value ?? undefined;
    const firstId = this.#firstId;
    if (id === firstId) return this.#firstValue ?? undefined;
    const cached = this.#reads?.get(id);
    if (cached !== undefined) return cached ?? undefined;
    let value: Uint8Array | undefined;
    try {
      value = this.#reader.getFrom(this.#store, key, id);
    } catch (e) {
      throw backendError(e);
    }
    if (firstId === undefined) {
      this.#firstId = id;
      this.#firstValue = value ?? null;
    } else {
      (this.#reads ??= new Map()).set(id, value ?? null);
    }
    return value;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    if (this.#readOnly) throw new EnclaveError('UnauthorizedWrite');
    if (key.length > MAX_CONTRACT_KEY_LENGTH) {
      // Checked at the write, not at flush: the call fails whole instead of the block commit failing half-way.
      throw new StateError(
        'KEY_TOO_LARGE',
        `storage key of ${key.length} bytes exceeds the maximum of ${MAX_CONTRACT_KEY_LENGTH}`,
      );
    }
    (this.#writes ??= new Map()).set(keyString(key), { key: key.slice(), value: value.slice() });
  }

  remove(key: Uint8Array): void {
    if (this.#readOnly) throw new EnclaveError('UnauthorizedWrite');
    (this.#writes ??= new Map()).set(keyString(key), { key: key.slice(), value: null });
  }

  /** Number of pending writes/removes. */
  get pendingWrites(): number {
    return this.#writes?.size ?? 0;
  }

  /**
   * Encrypt and write the batch: entries in plaintext-key order, shuffled with a PRNG seeded by SHA256(random)
   * when `random` is given (Secret shuffles with ChaCha seeded the same way; the permutation here is this
   * project's own but equally deterministic).
   */
  flush(random?: Uint8Array): void {
    const writes = this.#writes;
    if (writes === undefined || writes.size === 0) return;
    const ids = [...writes.keys()].sort();
    const batch = ids.map((id) => writes.get(id)!);
    if (random !== undefined) shuffle(batch, sha256(random));
    const enc = this.#enc!; // only writable states have writes (set/remove refuse them otherwise)
    try {
      for (const { key, value } of batch) {
        if (value === null) enc.delete(key);
        else enc.set(key, value);
      }
    } catch (e) {
      throw backendError(e);
    }
    writes.clear();
  }
}

/** Deterministic Fisher–Yates driven by SHA256(seed ‖ BE32(block)) output words. */
function shuffle<T>(items: T[], seed: Uint8Array): void {
  const words = new ShuffleWords(seed);
  for (let i = items.length - 1; i > 0; i--) {
    // Rejection sampling keeps the permutation unbiased.
    const bound = i + 1;
    const limit = Math.floor(0x1_0000_0000 / bound) * bound;
    let r = words.next();
    while (r >= limit) r = words.next();
    const j = r % bound;
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
}

/** The big-endian u32 words of SHA256(seed ‖ BE32(0)), SHA256(seed ‖ BE32(1)), … (a class: no closure per flush). */
class ShuffleWords {
  #block = 0;
  #pool: Uint8Array = new Uint8Array(0);
  #pos = 0;

  constructor(private readonly seed: Uint8Array) {}

  next(): number {
    if (this.#pos + 4 > this.#pool.length) {
      const ctr = new Uint8Array(4);
      new DataView(ctr.buffer).setUint32(0, this.#block++, false);
      this.#pool = sha256(concat(this.seed, ctr));
      this.#pos = 0;
    }
    const p = this.#pool;
    const at = this.#pos;
    this.#pos = at + 4;
    return ((p[at]! << 24) | (p[at + 1]! << 16) | (p[at + 2]! << 8) | p[at + 3]!) >>> 0;
  }
}

/**
 * Errors from the keeper's store: a tampered value is an authentication failure of the contract's state; an
 * SDK out-of-gas surfaces as `OutOfGas`; anything else is a failed ocall. Enclave errors pass through.
 */
function backendError(e: unknown): EnclaveError {
  if (e instanceof EnclaveError) return e;
  if (e instanceof StateError && e.code === 'TAMPERED')
    return new EnclaveError('DecryptionError', { cause: e });
  if (e instanceof Error && (e.name === 'OutOfGasError' || (e as { code?: unknown }).code === 'OUT_OF_GAS')) {
    return new EnclaveError('OutOfGas', { cause: e });
  }
  return new EnclaveError('FailedOcall', { cause: e });
}

/** A salt provider returning the call's one salt (a named function: no closure allocation per write). */
function constant(bytes: Uint8Array): () => Uint8Array {
  return () => bytes;
}
