// Public surface of the state layer ('secret-compute/state'), exported by name.
export { BranchStore } from './cache-store.js';
export {
  type Change,
  COMMITMENT_DOMAIN,
  CommitmentBuilder,
  computeCommitment,
  GENESIS_COMMITMENT,
} from './commitment.js';
export { type CommitInfo, type CommitStore, MemoryCommitStore, ReadOnlyStore } from './committed-store.js';
export {
  decodeEncryptedValue,
  encodeEncryptedKey,
  encodeEncryptedValue,
  encryptedKeyLength,
  EncryptedStore,
  type EncryptedStoreOptions,
  type EncryptedValueParts,
  stateSalt,
  type StateSaltParts,
} from './encrypted-store.js';
export { OutOfGasError, StateError, type StateErrorCode } from './errors.js';
export { BasicGasMeter, type GasMeter, InfiniteGasMeter, MAX_GAS } from './gas-meter.js';
export { GAS_DESCRIPTORS, GasKVStore, KV_GAS_CONFIG, type KVGasConfig, meteredGet } from './gas-store.js';
export {
  type CacheStore,
  compareBytes,
  equalBytes,
  keyString,
  type KVEntry,
  type KVIterator,
  type KVStore,
  nextStoreVersion,
  type Order,
  STORE_VERSION,
  storeVersion,
  type VersionedStore,
} from './kv-store.js';
export {
  CONSENSUS_SEED_VERSION,
  DEFAULT_STATE_SEED_ID,
  ENCRYPTED_KEY_MAGIC,
  LMDB_MAX_KEY_SIZE,
  MAX_CONTRACT_KEY_LENGTH,
  STATE_ENCRYPTION_VERSION,
  STATE_SALT_LENGTH,
} from './limits.js';
export { LMDB_FORMAT_VERSION, LmdbStore, type LmdbStoreOptions } from './lmdb-store.js';
export { MemoryStore } from './memory-store.js';
export { prefixEnd, PrefixStore } from './prefix-store.js';
export { EncryptedStateCache, type StateCacheEntry } from './state-cache.js';
