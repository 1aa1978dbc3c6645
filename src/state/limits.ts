/** Named constants of the state layer, each with where its number comes from. */

/** Secret `ENCRYPTED_KEY_MAGIC_BYTES` (enclave shared/crypto consts.rs): prefix of every new-format state key. */
export const ENCRYPTED_KEY_MAGIC = new TextEncoder().encode('secret');

/** Secret `CONSENSUS_SEED_VERSION` (consts.rs), a u16 in every new-format state key. */
export const CONSENSUS_SEED_VERSION = 2;

/** Secret `STATE_ENCRYPTION_VERSION` (consts.rs), a u32 in every new-format state key. */
export const STATE_ENCRYPTION_VERSION = 3;

/** Salt length of an `EncryptedValue`: BE64(block time ns) ‖ BE64(height) ‖ BE64(counter) (spec §2.9). */
export const STATE_SALT_LENGTH = 24;

/** Seed id implied when an encrypted value carries no seed-id suffix (spec §2.9: "missing suffix means 2"). */
export const DEFAULT_STATE_SEED_ID = 2;

/** AES-SIV tag length (RFC 5297): every encrypted key/value is 16 bytes longer than its plaintext. */
export const SIV_TAG_LENGTH = 16;

/**
 * LMDB's maximum key size as compiled into the `lmdb` package (its docs: "keys up to 1978 bytes"). Longer keys are
 * refused when written to the working state, so a commit can never fail half-way on one.
 */
export const LMDB_MAX_KEY_SIZE = 1978;

/** Bytes in front of every encrypted state key in the module store: `0x03 ‖ contract address(20)` (spec §1.6). */
export const CONTRACT_STATE_PREFIX_LENGTH = 21;

/**
 * Largest plaintext contract storage key, a consensus rule: the full store key (prefix, bincode header, SIV tag
 * and the key) must fit {@link LMDB_MAX_KEY_SIZE}, so a write that the embedded database would refuse is rejected
 * when the contract makes it (the call fails and nothing is written) instead of at block commit. 1978 − 21 − 44 =
 * 1913 bytes; Secret contracts key by short prefixes and addresses, far below this.
 */
export const MAX_CONTRACT_KEY_LENGTH =
  LMDB_MAX_KEY_SIZE -
  CONTRACT_STATE_PREFIX_LENGTH -
  (8 + ENCRYPTED_KEY_MAGIC.length + 2 + 4 + 8) -
  SIV_TAG_LENGTH;

/**
 * Plaintext keys the process-wide encrypted-state cache (state-cache.ts) remembers, over all contracts. With the
 * key and value caps below an entry is at most ~1.5 KiB, so the cache stays under ~12 MiB; a busy token contract
 * touches a few keys per tx, and 8,192 covers thousands of recurring accounts. Performance only: any size is correct.
 */
export const STATE_CACHE_ENTRIES = 8_192;

/** Longest plaintext key (bytes) the state cache remembers; CosmWasm keys are short prefixes plus addresses. */
export const STATE_CACHE_MAX_KEY_LENGTH = 256;

/** Largest plaintext value (bytes) the state cache remembers (balances, configs; larger values are re-decrypted). */
export const STATE_CACHE_MAX_VALUE_LENGTH = 512;
