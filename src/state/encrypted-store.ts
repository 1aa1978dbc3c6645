import {
  aesSivOpen,
  aesSivOpenWithPrefix,
  type AesSivPrefix,
  aesSivPrefix,
  aesSivSeal,
  aesSivSealWithPrefix,
} from '../compute/aes-siv.js';
import { BranchStore } from './cache-store.js';
import { StateError } from './errors.js';
import {
  assertBytes,
  type CacheStore,
  type IdReader,
  keyString,
  type KVIterator,
  type KVStore,
  READ_BY_ID,
} from './kv-store.js';
import {
  CONSENSUS_SEED_VERSION,
  DEFAULT_STATE_SEED_ID,
  ENCRYPTED_KEY_MAGIC,
  SIV_TAG_LENGTH,
  STATE_ENCRYPTION_VERSION,
  STATE_SALT_LENGTH,
} from './limits.js';
import { boundKeys, EncryptedStateCache, type StateCacheEntry } from './state-cache.js';

/** Zero associated-data strings: Secret encrypts state keys with `Some(&[])` (spec §2.1), not `[""]`. */
const NO_AD: readonly Uint8Array[] = [];

/** Bytes of the fixed part of an encoded `EncryptedKey` before `enc_key_data`. */
const KEY_HEADER_LENGTH = 8 + ENCRYPTED_KEY_MAGIC.length + 2 + 4 + 8;

/** Options of {@link EncryptedStore}. */
export interface EncryptedStoreOptions {
  /** K_key (32 bytes): deterministic key encryption, `HKDF(KDF_SALT, state_ikm[1] ‖ og_contract_key, "")`. */
  readonly keyKey: Uint8Array;
  /** K_val (32 bytes): value encryption, `HKDF(KDF_SALT, state_ikm[last] ‖ og_contract_key, "")`. */
  readonly valueKey: Uint8Array;
  /** Returns the 24-byte salt for the next write (see {@link stateSalt}); required unless `readOnly`. */
  readonly salt?: () => Uint8Array;
  /** Queries: `set`/`delete` throw `StateError('READ_ONLY')`. */
  readonly readOnly?: boolean;
  /** Seed id written with values (number of seeds); > 2 appends a LE16 suffix as Secret does. Default 2. */
  readonly writeSeedId?: number;
  /** Key for values written under another seed id (older seeds after a rotation). */
  readonly valueKeyForSeed?: (seedId: number) => Uint8Array | undefined;
  /**
   * Memo of this contract's encrypted keys and unchanged values, shared across stores (calls) with the same
   * `keyKey`/`valueKey` (checked: a cache bound to other keys is refused). Results, gas and errors are the same
   * with or without it.
   */
  readonly cache?: EncryptedStateCache;
}

/** Parts of the 24-byte value salt (spec §2.9), all uint64. */
export interface StateSaltParts {
  /** Block time in nanoseconds. */
  readonly timeNanos: bigint;
  /** `MSG_COUNTER.height`. */
  readonly height: bigint;
  /** `MSG_COUNTER.counter`. */
  readonly counter: bigint;
}

const U64_END = 1n << 64n;

function u64(value: bigint, what: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value >= U64_END) {
    throw new StateError('INVALID_ARGUMENT', `${what} must be a uint64 bigint`);
  }
  return value;
}

/** The value salt `BE64(block_time_ns) ‖ BE64(height) ‖ BE64(counter)` (spec §2.9). */
export function stateSalt(parts: StateSaltParts): Uint8Array {
  const out = new Uint8Array(STATE_SALT_LENGTH);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, u64(parts.timeNanos, 'timeNanos'));
  dv.setBigUint64(8, u64(parts.height, 'height'));
  dv.setBigUint64(16, u64(parts.counter, 'counter'));
  return out;
}

/**
 * bincode (1.x default config: little-endian, fixed-width ints, u64 length prefixes) of Secret's
 * `EncryptedKey { magic_bytes: "secret", consensus_seed_version: 2u16, state_encryption_version: 3u32, data }`:
 * `LE64(6) ‖ "secret" ‖ LE16(2) ‖ LE32(3) ‖ LE64(len) ‖ encKeyData`.
 */
export function encodeEncryptedKey(encKeyData: Uint8Array): Uint8Array {
  const out = new Uint8Array(KEY_HEADER_LENGTH + encKeyData.length);
  const dv = new DataView(out.buffer);
  let o = 0;
  dv.setBigUint64(o, BigInt(ENCRYPTED_KEY_MAGIC.length), true);
  o += 8;
  out.set(ENCRYPTED_KEY_MAGIC, o);
  o += ENCRYPTED_KEY_MAGIC.length;
  dv.setUint16(o, CONSENSUS_SEED_VERSION, true);
  o += 2;
  dv.setUint32(o, STATE_ENCRYPTION_VERSION, true);
  o += 4;
  dv.setBigUint64(o, BigInt(encKeyData.length), true);
  o += 8;
  out.set(encKeyData, o);
  return out;
}

/** A decoded `EncryptedValue` (spec §2.9). */
export interface EncryptedValueParts {
  /** 24-byte salt, also associated data of `data`. */
  readonly salt: Uint8Array;
  /** `AES-SIV(K_val, value, AD=[enc_key_data, salt])`. */
  readonly data: Uint8Array;
  /** Seed id: the LE16 suffix if present, else 2. */
  readonly seedId: number;
}

/** bincode of `EncryptedValue { salt, data }`: `LE64(24) ‖ salt ‖ LE64(len) ‖ data [‖ LE16(seedId) if > 2]`. */
export function encodeEncryptedValue(
  salt: Uint8Array,
  data: Uint8Array,
  seedId = DEFAULT_STATE_SEED_ID,
): Uint8Array {
  const suffix = seedId > DEFAULT_STATE_SEED_ID ? 2 : 0;
  const out = new Uint8Array(8 + salt.length + 8 + data.length + suffix);
  // lengths are < 2^32: the low four bytes of each LE64 (the high four stay zero), no BigInt/DataView per value
  writeLe32(out, 0, salt.length);
  out.set(salt, 8);
  writeLe32(out, 8 + salt.length, data.length);
  out.set(data, 16 + salt.length);
  if (suffix > 0) {
    const at = 16 + salt.length + data.length;
    out[at] = seedId & 0xff;
    out[at + 1] = seedId >>> 8;
  }
  return out;
}

function writeLe32(out: Uint8Array, at: number, n: number): void {
  out[at] = n & 0xff;
  out[at + 1] = (n >>> 8) & 0xff;
  out[at + 2] = (n >>> 16) & 0xff;
  out[at + 3] = n >>> 24;
}

function readLe32(raw: Uint8Array, at: number): number {
  return (raw[at]! | (raw[at + 1]! << 8) | (raw[at + 2]! << 16) | (raw[at + 3]! << 24)) >>> 0;
}

function malformed(why: string): StateError {
  return new StateError('TAMPERED', `stored contract state value is malformed: ${why}`);
}

/** Parses an encoded `EncryptedValue`; any layout violation is `StateError('TAMPERED')`. */
export function decodeEncryptedValue(raw: Uint8Array): EncryptedValueParts {
  if (raw.length < 16 + STATE_SALT_LENGTH) throw malformed('too short');
  // LE64 fields read as two LE32 halves; a non-zero high half can never match a length below 2^32
  if (readLe32(raw, 0) !== STATE_SALT_LENGTH || readLe32(raw, 4) !== 0) throw malformed('salt length');
  const salt = raw.subarray(8, 8 + STATE_SALT_LENGTH);
  const len = readLe32(raw, 8 + STATE_SALT_LENGTH);
  const start = 16 + STATE_SALT_LENGTH;
  const rest = raw.length - start;
  if (readLe32(raw, 12 + STATE_SALT_LENGTH) !== 0 || (len !== rest && len + 2 !== rest)) {
    throw malformed('data length');
  }
  const end = start + len;
  const data = raw.subarray(start, end);
  const seedId = end === raw.length ? DEFAULT_STATE_SEED_ID : raw[end]! | (raw[end + 1]! << 8);
  return { salt, data, seedId };
}

/** `key` itself after checking it is a 32-byte Uint8Array. */
function check32(key: Uint8Array, what: string): Uint8Array {
  assertBytes(key, what);
  if (key.length !== 32)
    throw new StateError(
      'INVALID_ARGUMENT',
      `${what} expected Uint8Array of length 32, got length=${key.length}`,
    );
  return key;
}

/** A private copy of a checked 32-byte key. */
function copy32(key: Uint8Array, what: string): Uint8Array {
  return check32(key, what).slice();
}

/**
 * Contract state encryption exactly as Secret's enclave writes it (spec §2.9, `db.rs` new format), over any
 * {@link KVStore} — normally the contract's `0x03 ‖ address` prefix store. Callers use plaintext keys; the
 * backing store only ever sees `EncryptedKey`/`EncryptedValue` encodings.
 *
 * - DB key: `encodeEncryptedKey(AES-SIV(K_key, key, AD=[]))` — deterministic, so a plaintext key can be looked up.
 * - DB value: `encodeEncryptedValue(salt, AES-SIV(K_val, value, AD=[enc_key_data, salt]))` — bound to the key
 *   (via the AD) and to the contract (via K_val). Anything that fails to parse or authenticate on read is
 *   `StateError('TAMPERED')` with the `CryptoError` as cause.
 * - No iteration: keys are encrypted, so order is meaningless (`StateError('UNSUPPORTED')`), as in Secret.
 *
 * `branch()` gives a plaintext write buffer whose `write()` encrypts the batch into this store: Secret's
 * `KvCache` + `flush_cache` shape (style §3.4). Not supported: reading Secret's pre-v1.9 "old format".
 */
export class EncryptedStore implements KVStore, IdReader {
  private readonly keyKey: Uint8Array;
  private readonly valueKey: Uint8Array;
  private readonly salt: (() => Uint8Array) | undefined;
  private readonly readOnly: boolean;
  private readonly writeSeedId: number;
  private readonly valueKeyForSeed: ((seedId: number) => Uint8Array | undefined) | undefined;
  private readonly cache: EncryptedStateCache | undefined;

  constructor(
    private readonly backing: KVStore,
    options: EncryptedStoreOptions,
  ) {
    const cache = options.cache;
    if (cache === undefined) {
      this.keyKey = copy32(options.keyKey, 'keyKey');
      this.valueKey = copy32(options.valueKey, 'valueKey');
    } else {
      // same checks, in the same order, as without a cache; the copies are the cache's own
      const keys = boundKeys(cache, check32(options.keyKey, 'keyKey'), check32(options.valueKey, 'valueKey'));
      this.keyKey = keys.keyKey;
      this.valueKey = keys.valueKey;
    }
    this.readOnly = options.readOnly === true;
    this.salt = options.salt;
    if (!this.readOnly && this.salt === undefined) {
      throw new StateError('INVALID_ARGUMENT', 'a writable EncryptedStore needs a salt provider');
    }
    this.writeSeedId = options.writeSeedId ?? DEFAULT_STATE_SEED_ID;
    if (!Number.isInteger(this.writeSeedId) || this.writeSeedId < 1 || this.writeSeedId > 0xffff) {
      throw new StateError('INVALID_ARGUMENT', `writeSeedId must be a u16 >= 1, got ${this.writeSeedId}`);
    }
    this.valueKeyForSeed = options.valueKeyForSeed;
    this.cache = cache;
  }

  /** `enc_key_data` = AES-SIV(K_key, key, AD=[]). */
  encryptKeyData(key: Uint8Array): Uint8Array {
    assertBytes(key, 'key');
    return aesSivSeal(this.keyKey, key, NO_AD);
  }

  /** The backing-store key under which `key`'s value is stored. */
  dbKey(key: Uint8Array): Uint8Array {
    return encodeEncryptedKey(this.encryptKeyData(key));
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.read(this.backing, key, undefined);
  }

  /** `get(key)` for a caller that already has `id = keyString(key)` (see {@link READ_BY_ID}). */
  [READ_BY_ID](id: string, key: Uint8Array): Uint8Array | undefined {
    if (this.get !== EncryptedStore.prototype.get) return this.get(key);
    return this.read(this.backing, key, id);
  }

  /**
   * `get(key)` with `backing` in place of this store's backing store (same keys, cache, checks and errors): one
   * store, built and checked once, serves the reads of many short calls that each bring their own view of the
   * contract's storage (the enclave's queries). `id` is `keyString(key)` when the caller has it.
   */
  getFrom(backing: Pick<KVStore, 'get'>, key: Uint8Array, id?: string): Uint8Array | undefined {
    return this.read(backing, key, id);
  }

  private read(
    backing: Pick<KVStore, 'get'>,
    key: Uint8Array,
    id: string | undefined,
  ): Uint8Array | undefined {
    const entry = this.entry(key, id);
    const dbKey = entry === undefined ? this.dbKey(key) : entry.dbKey;
    const raw = backing.get(dbKey);
    if (raw === undefined) return undefined;
    if (entry !== undefined) {
      const known = EncryptedStateCache.hit(entry, raw);
      if (known !== undefined) return known;
    }
    const { salt, data, seedId } = decodeEncryptedValue(raw);
    const valueKey = this.keyForSeed(seedId);
    let value: Uint8Array;
    try {
      value =
        entry !== undefined && seedId === this.writeSeedId
          ? aesSivOpenWithPrefix(this.valuePrefix(entry), data, [salt])
          : aesSivOpen(valueKey, data, [dbKey.subarray(KEY_HEADER_LENGTH), salt]);
    } catch (cause) {
      throw new StateError('TAMPERED', 'stored contract state value failed authentication', { cause });
    }
    if (entry !== undefined && seedId === this.writeSeedId)
      EncryptedStateCache.remember(entry, raw.slice(), value, false);
    return value;
  }

  has(key: Uint8Array): boolean {
    const entry = this.entry(key);
    return this.backing.has(entry === undefined ? this.dbKey(key) : entry.dbKey);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.assertWritable();
    assertBytes(value, 'value');
    const salt = this.salt!();
    assertBytes(salt, 'salt');
    if (salt.length !== STATE_SALT_LENGTH) {
      throw new StateError(
        'INVALID_ARGUMENT',
        `salt expected Uint8Array of length ${STATE_SALT_LENGTH}, got length=${salt.length}`,
      );
    }
    const entry = this.entry(key);
    const dbKey = entry === undefined ? this.dbKey(key) : entry.dbKey;
    const data =
      entry === undefined
        ? aesSivSeal(this.valueKey, value, [dbKey.subarray(KEY_HEADER_LENGTH), salt])
        : aesSivSealWithPrefix(this.valuePrefix(entry), value, [salt]);
    const raw = encodeEncryptedValue(salt, data, this.writeSeedId);
    this.backing.set(dbKey, raw);
    // `raw` is ours alone (the backing store copied it), so the cache may keep it; `value` is the caller's.
    if (entry !== undefined) EncryptedStateCache.remember(entry, raw, value, true);
  }

  delete(key: Uint8Array): void {
    this.assertWritable();
    const entry = this.entry(key);
    this.backing.delete(entry === undefined ? this.dbKey(key) : entry.dbKey);
    if (entry !== undefined) EncryptedStateCache.forget(entry);
  }

  /**
   * AES-SIV(K_val) with `enc_key_data` as the first AD string, precomputed once per cached key: the entry belongs
   * to a cache bound to this store's K_val (checked at construction), and its dbKey fixes `enc_key_data`.
   */
  private valuePrefix(entry: StateCacheEntry): AesSivPrefix {
    return (entry.valuePrefix ??= aesSivPrefix(this.valueKey, entry.dbKey.subarray(KEY_HEADER_LENGTH)));
  }

  /**
   * The cache entry of `key` (created with its encrypted key on first use), or undefined without a cache. `id` is
   * `keyString(key)` when the caller has it.
   */
  private entry(key: Uint8Array, id?: string): StateCacheEntry | undefined {
    const cache = this.cache;
    if (cache === undefined) return undefined;
    assertBytes(key, 'key');
    const k = id ?? keyString(key);
    return cache.get(k) ?? cache.add(k, this.dbKey(key));
  }

  /** Always throws `StateError('UNSUPPORTED')`: encrypted keys have no meaningful order (Secret has no db_scan). */
  iterator(): KVIterator {
    throw new StateError('UNSUPPORTED', 'iteration over encrypted contract state is not supported');
  }

  branch(): CacheStore {
    return new BranchStore(this);
  }

  private assertWritable(): void {
    if (this.readOnly) throw new StateError('READ_ONLY', 'contract tried to write to storage during a query');
  }

  private keyForSeed(seedId: number): Uint8Array {
    if (seedId === this.writeSeedId) return this.valueKey;
    const key = this.valueKeyForSeed?.(seedId);
    if (key === undefined) {
      throw new StateError(
        'TAMPERED',
        `stored contract state value names seed id ${seedId}, for which no key is configured`,
      );
    }
    return key;
  }
}

/** Length of the backing-store key for a plaintext key of `n` bytes (layout sizing for callers and tests). */
export function encryptedKeyLength(n: number): number {
  return KEY_HEADER_LENGTH + SIV_TAG_LENGTH + n;
}
