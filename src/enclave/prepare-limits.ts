/**
 * Named constants of the enclave's prepare worker (signature checks and input decryption ahead of execution),
 * each with where its number comes from.
 */

/**
 * Worker threads started by default. The target machine has 2 cores: one runs the block's txs (main thread),
 * one prepares the next txs. More workers only help on more cores; the option of the same name overrides it.
 */
export const DEFAULT_PREPARE_WORKERS = 1;

/**
 * Txs per message to a worker. A message costs tens of µs of serialization and event-loop hops, a tx ~130 µs of
 * worker time; 64 amortizes the former to < 1 µs/tx while results still arrive in steps of a few ms, so
 * block execution can start consuming them long before the whole block is prepared.
 */
export const PREPARE_CHUNK_TXS = 64;

/**
 * Prepared txs kept (signature facts) and prepared inputs kept (decrypted messages), each. Several blocks of
 * a few thousand txs; entries are only a speed-up, so FIFO eviction of unused ones changes no result.
 */
export const PREPARED_CACHE_MAX_ENTRIES = 16_384;

/**
 * Bytes the prepared caches may pin (tx bytes, sign bytes, decrypted inputs), together. 32 MiB bounds a node's
 * extra memory whatever the txs' size; a prepare() of more than this simply keeps the newest facts.
 */
export const PREPARED_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Candidate signer keys the worker tries per tx (the AuthInfo secp256k1 keys, then SigInfo.publicKey). Normal txs
 * have one signer; the bound keeps a crafted tx with thousands of signer infos from costing thousands of
 * verifications on the worker. Keys beyond it are verified inline if they turn out to be the signer.
 */
export const PREPARE_MAX_SIGNER_KEYS = 8;

/**
 * Worker restarts after a crash before prepare() gives up for the life of the enclave (it then does nothing and
 * every tx is verified and decrypted inline, exactly as without prepare).
 */
export const MAX_PREPARE_WORKER_RESTARTS = 3;

/**
 * How long close() waits for a worker to end itself (it checks between txs, ~0.1-0.2 ms apart) before
 * terminating it. 1 s only matters for a worker stuck in something unexpected.
 */
export const PREPARE_CLOSE_TIMEOUT_MS = 1_000;
