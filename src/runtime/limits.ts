/**
 * Every limit the runtime enforces, as a named constant with where its number comes from. Nothing else in
 * src/runtime may hard-code a size, depth or page count.
 */

// Memory and stack limits of the instrumentation live next to it, in src/runtime/wasm/limits.ts, and are
// re-exported here so this file lists every limit the runtime enforces.
export {
  /** Deterministic stack budget per call, in 8-byte slots (≈ Secret's 60 KiB wasm3 stack). */
  DEFAULT_MAX_STACK_SLOTS,
  /** Secret's runtime memory cap: 192 pages = 12 MiB (`new_runtime(1024 * 60, Some(192))`). */
  SECRET_MAX_MEMORY_PAGES as MAX_MEMORY_PAGES_RUNTIME,
  /** Max initial memory accepted at StoreCode: 512 pages (sgx-vm compatability.rs). */
  STORE_MAX_INITIAL_MEMORY_PAGES as MAX_MEMORY_PAGES_STORE,
  WASM_PAGE_SIZE,
} from './wasm/limits.js';

/** Nested contract queries: enclave `RECURSION_LIMIT = 10`; a contract whose env query depth is ≥ 10 gets ExceededRecursionLimit. */
export const QUERY_RECURSION_LIMIT = 10;

/** Wasm gas cap per call: `MaxGas = 10_000_000_000` wasm gas (x/compute keeper). */
export const MAX_WASM_GAS = 10_000_000_000n;

/** `types.GasMultiplier`: 1000 wasm gas = 1 SDK gas. */
export const GAS_MULTIPLIER = 1000n;

/**
 * Re-entrancy guard: an entry point runs at depth 1; `allocate` called from inside an import runs at depth 2; any
 * deeper guest call is refused with "Maximum call depth exceeded." (CosmWasm packages/vm/src/environment.rs
 * `MAX_CALL_DEPTH`, a JumpCrypto advisory fix).
 */
export const MAX_GUEST_CALL_DEPTH = 2;

/** Max key length for db_read/db_write/db_remove (CosmWasm imports.rs `MAX_LENGTH_DB_KEY`). */
export const MAX_LENGTH_DB_KEY = 64 * 1024;
/** Max value length for db_write (CosmWasm imports.rs `MAX_LENGTH_DB_VALUE`). */
export const MAX_LENGTH_DB_VALUE = 128 * 1024;
/** Max canonical address length for humanize (CosmWasm imports.rs `MAX_LENGTH_CANONICAL_ADDRESS`). */
export const MAX_LENGTH_CANONICAL_ADDRESS = 64;
/** Max human address length for validate/canonicalize (CosmWasm imports.rs `MAX_LENGTH_HUMAN_ADDRESS`). */
export const MAX_LENGTH_HUMAN_ADDRESS = 256;
/** Max query_chain request (CosmWasm imports.rs `MAX_LENGTH_QUERY_CHAIN_REQUEST`). */
export const MAX_LENGTH_QUERY_CHAIN_REQUEST = 64 * 1024;
/** Max ed25519 message for verify/sign (CosmWasm imports.rs `MAX_LENGTH_ED25519_MESSAGE`). */
export const MAX_LENGTH_ED25519_MESSAGE = 128 * 1024;
/** Max items in an ed25519 batch (CosmWasm imports.rs `MAX_COUNT_ED25519_BATCH`). */
export const MAX_COUNT_ED25519_BATCH = 256;
/** ed25519 signature length (RFC 8032). Regions are read up to this length + slack to report code 4 not a trap. */
export const ED25519_SIGNATURE_LEN = 64;
/** ed25519 public key / private key seed length (RFC 8032). */
export const ED25519_KEY_LEN = 32;
/** secp256k1 message hash length (CosmWasm `MESSAGE_HASH_MAX_LEN`). */
export const SECP256K1_HASH_LEN = 32;
/** secp256k1 compact signature r‖s length (CosmWasm `ECDSA_SIGNATURE_LEN`). */
export const SECP256K1_SIGNATURE_LEN = 64;
/** secp256k1 uncompressed public key length (CosmWasm `ECDSA_PUBKEY_MAX_LEN`). */
export const SECP256K1_PUBKEY_MAX_LEN = 65;
/** secp256k1 private key length (SEC 1). */
export const SECP256K1_PRIVKEY_LEN = 32;
/** Max message for secp256k1_sign: same bound as ed25519 messages (Secret reads it unbounded; this keeps memory copies sane). */
export const MAX_LENGTH_SIGN_MESSAGE = 128 * 1024;
/**
 * Max length of a crypto argument Region we read at all. Secret returns a format *code* for a wrong-length hash,
 * signature or key rather than trapping, so we read up to this many bytes and let the import decide; anything
 * longer is a contract bug and traps (CosmWasm `RegionLengthTooBig`).
 */
export const MAX_LENGTH_CRYPTO_ARG = 4 * 1024;
/** Max debug / abort message (CosmWasm imports.rs `MAX_LENGTH_DEBUG`, `MAX_LENGTH_ABORT`). */
export const MAX_LENGTH_DEBUG = 2 * 1024 * 1024;

/**
 * Max bytes read back from an entry point's result Region, per entry point (CosmWasm calls.rs `read_limits`:
 * 64 MiB for every entry point). Secret's enclave parses without a separate deserialization limit, so we add none.
 */
export const RESULT_LIMITS = {
  instantiate: 64 * 1024 * 1024,
  execute: 64 * 1024 * 1024,
  query: 64 * 1024 * 1024,
  migrate: 64 * 1024 * 1024,
  reply: 64 * 1024 * 1024,
  sudo: 64 * 1024 * 1024,
  ibc_channel_open: 64 * 1024 * 1024,
  ibc_channel_connect: 64 * 1024 * 1024,
  ibc_channel_close: 64 * 1024 * 1024,
  ibc_packet_receive: 64 * 1024 * 1024,
  ibc_packet_ack: 64 * 1024 * 1024,
  ibc_packet_timeout: 64 * 1024 * 1024,
} as const;

/**
 * Compiled-module cache size (entries). A compiled contract costs the engine roughly 2–10× its wasm size in
 * machine code; 64 entries of ≤ 2 MiB wasm stays well under 1 GiB even for the largest contracts, while a chain's
 * hot set of codes is typically far smaller. Secret's enclave LRU holds a similar order of magnitude.
 */
export const DEFAULT_MODULE_CACHE_SIZE = 64;

/**
 * Wasm gas budget of the canonical warm-up (`deallocate(allocate(1))` right after instantiation, see
 * `ContractInstance.warmUp`). Not charged to any caller. Rust's dlmalloc needs ~9,900 for it (one 8,192 memory.grow
 * page + ~850 instructions, measured on every fixture); 100x headroom covers other allocators while bounding the
 * unmetered work a hostile `allocate` can force per instantiation to ~500k instructions (< 1 ms). Part of the
 * consensus rule: a warm-up that needs more falls back to the pristine instance on every node alike.
 */
export const WARMUP_GAS_BUDGET = 1_000_000n;

/**
 * Entries in each of `Bech32Api`'s address memos (human → canonical, canonical → human). Speed only (the
 * conversions are pure): 4,096 × ~150 B ≈ 0.6 MB per memo holds a block's worth of distinct senders/recipients.
 */
export const ADDRESS_MEMO_SIZE = 4096;
