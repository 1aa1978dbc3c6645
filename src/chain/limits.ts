/** LocalChain constants; each says where its number comes from. */

/** Default SDK gas limit of a LocalChain tx: generous for local tests (Secret's own defaults are per-call). */
export const DEFAULT_TX_GAS_LIMIT = 10_000_000n;

/** Largest gas limit a tx may ask for: the keeper's wasm cap of 10^10 wasm gas is 10^7 SDK gas per call × 100. */
export const MAX_TX_GAS_LIMIT = 1_000_000_000n;

/** Cosmos SDK x/auth `DefaultTxSizeCostPerByte` (gas charged per byte of the raw tx by the ante handler). */
export const TX_SIZE_COST_PER_BYTE = 10n;

/** Cosmos SDK x/auth `DefaultSigVerifyCostSecp256k1`. */
export const SIG_VERIFY_COST_SECP256K1 = 1000n;

/** CometBFT default `max_tx_bytes` (1 MiB) is below MsgStoreCode's 1.2 MiB wasm cap; Secret raises it to 2 MiB+. */
export const MAX_TX_BYTES = 4 * 1024 * 1024;

/** Default block interval added by `nextBlock()` without `seconds` (CometBFT's ~5 s block time on Secret). */
export const DEFAULT_BLOCK_SECONDS = 5;

/** Genesis time of a LocalChain without `genesisTime`: fixed so that runs are reproducible (2024-01-01T00:00:00Z). */
export const DEFAULT_GENESIS_TIME_MS = 1_704_067_200_000;

/** Default chain id (Secret's LocalSecret uses `secretdev-1`; ours is distinct on purpose). */
export const DEFAULT_CHAIN_ID = 'secret-local-1';

/** Default denomination of LocalChain balances (Secret's staking token). */
export const DEFAULT_DENOM = 'uscrt';

/**
 * `broadcastBlock`: leading txs of a block run inline while the enclave's prepare worker starts on the rest.
 * 16 txs take the main thread ~6-8 ms, about what the worker needs for the first prepared chunk, so the main
 * thread rarely waits for it.
 */
export const BLOCK_INLINE_HEAD_TXS = 16;

/**
 * `broadcastBlock`: txs per prepare batch after the head. Results of a batch become usable when the main thread
 * yields between batches; 32 txs (~4 ms of worker time) keep the worker ahead without long gaps.
 */
export const BLOCK_PREPARE_CHUNK_TXS = 32;

/**
 * Default worker threads of a `QueryWorkerPool`: two, or fewer on a machine with fewer cores. Queries are
 * CPU-bound; more threads than cores only add switching, and the node's main thread (block execution) needs
 * a core too, so the default stays small and embedders size it to their machine.
 */
export const DEFAULT_QUERY_WORKERS_MAX = 2;

/**
 * Queries per message to a query worker. A message has a fixed cost (postMessage, the worker's wake-up); at 64
 * per message the calling thread spends 1.2-1.7 µs of CPU per query in all (measured, 256 in flight), while a
 * batch of 64 balance queries (~2-3 ms of worker time) is small enough that two workers both get work from a
 * burst of 128.
 */
export const QUERY_BATCH_MAX = 64;

/**
 * Times a query is re-sent because its worker's snapshot was at another committed height than the batch was
 * tagged with (a block committed while the batch was on its way). Each retry is tagged with the new height; a
 * query still unlucky after that many is answered on the main thread, which always sees its own last commit.
 */
export const QUERY_STALE_RETRIES = 3;

/** Restarts of crashed query workers over a pool's life beyond its size; then the pool closes itself. */
export const MAX_QUERY_WORKER_RESTARTS = 4;

/** How long `QueryWorkerPool.close()` lets a worker finish its batch and close LMDB before terminating it. */
export const QUERY_WORKER_CLOSE_TIMEOUT_MS = 2_000;

/** Causes of a query error carried across the thread boundary (keeper → enclave → runtime is at most 3 deep). */
export const MAX_QUERY_ERROR_CAUSES = 4;
