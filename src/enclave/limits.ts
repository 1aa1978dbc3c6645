/**
 * Named constants of the trusted side, each with where its number comes from.
 */

/**
 * Length of the `nonce ‖ user_pubkey` header of an encrypted input (32 + 32 bytes): SecretNetwork
 * shared/contract-engine/src/types.rs `SecretMessage::from_slice`.
 */
export const SECRET_MESSAGE_HEADER_LENGTH = 64;

/** 32-byte user nonce (same file). */
export const NONCE_LENGTH = 32;

/** 32-byte X25519 user public key (same file). */
export const USER_PUBKEY_LENGTH = 32;

/**
 * The decrypted input starts with the hex code hash of the contract it targets: 64 ASCII hex chars
 * (contract_validation.rs `validate_basic_msg`, `HEX_ENCODED_HASH_SIZE`).
 */
export const HEX_ENCODED_HASH_SIZE = 64;

/** Reply header magic (cosmwasm-types/v1.0/src/results/cosmos_msg.rs `REPLY_ENCRYPTION_MAGIC_BYTES`). */
export const REPLY_ENCRYPTION_MAGIC_BYTES = new TextEncoder().encode('REPLY01');

/** BE64 submessage id following the reply magic (reply_message.rs). */
export const SUB_MSG_ID_LENGTH = 8;

/**
 * Query recursion limit (contract-engine/src/query_chain.rs `RECURSION_LIMIT = 10`): a contract whose env
 * `query_depth >= 10` gets `SystemError::ExceededRecursionLimit` from `query_chain`.
 */
export const RECURSION_LIMIT = 10;

/** Contract key = sender_id(32) ‖ contract_id(32) (contract_validation.rs `CONTRACT_KEY_LENGTH`). */
export const CONTRACT_KEY_LENGTH = 64;

/** HMAC-SHA256 proofs (admin proof, contract-key proof): 32 bytes (contract_validation.rs). */
export const PROOF_LENGTH = 32;

/**
 * Modules analysed (API version, features) kept per code hash. Secret keeps an LRU of compiled modules
 * (`wasm3/module_cache.rs`, default 50 entries); analysis results are tiny, so a larger bound costs nothing.
 */
export const CODE_ANALYSIS_CACHE_SIZE = 256;

/**
 * Contracts whose derived state keys (K_key, K_val) are kept. 64 bytes each; 1024 entries cover the contracts
 * active in a block many times over while bounding memory to ~100 KiB. Eviction only costs two HKDFs.
 */
export const STATE_KEY_CACHE_SIZE = 1024;

/** Bech32 prefix of Secret Network accounts (cosmwasm `BECH32_PREFIX_ACC_ADDR` = "secret"). */
export const DEFAULT_BECH32_PREFIX = 'secret';

/**
 * Contract keys already authenticated (contract ‖ code hash ‖ og ‖ current ‖ proof), per enclave. Validation is
 * a pure function of these bytes and the network secrets, so a hit returns what recomputing would; ~200 bytes
 * per entry, bounded like {@link STATE_KEY_CACHE_SIZE}. Eviction only costs one HKDF + HMAC.
 */
export const CONTRACT_KEY_CACHE_SIZE = 1024;

/**
 * Decoded bech32 addresses (senders, contracts) kept per enclave: a pure function of the string; 4096 entries
 * (~400 KiB) cover the active accounts of many blocks. Eviction only costs one bech32 decode (~2 µs).
 */
export const ADDRESS_CACHE_SIZE = 4096;
