/** Numeric limits of static validation and instrumentation, each with where its number comes from. */

/** Wasm page size in bytes (the Wasm spec). */
export const WASM_PAGE_SIZE = 65_536;

/**
 * Maximum initial memory at StoreCode, in pages (32 MiB): sgx-vm compatability.rs `MEMORY_LIMIT`
 * (spec secret-compute.md §3.1).
 */
export const STORE_MAX_INITIAL_MEMORY_PAGES = 512;

/**
 * Runtime memory cap of Secret's enclave, in pages (12 MiB): `new_runtime(1024*60, Some(192))` in
 * contract-engine wasm3/mod.rs; a larger initial memory fails with "failed to initialize wasm memory", and the
 * instrumenter forces the maximum to it so `memory.grow` past it returns -1 (spec §3.1, §4.10).
 */
export const SECRET_MAX_MEMORY_PAGES = 192;

/** Features a Secret node supports by default: SecretNetwork app/keepers/keepers.go (spec §3.1). */
export const DEFAULT_SUPPORTED_FEATURES: readonly string[] = ['staking', 'stargate', 'ibc3', 'random'];

/**
 * Fixed cost, in slots, added to every function's frame weight by the stack limiter. It stands for the return
 * address, frame pointer and engine bookkeeping every native frame carries even with no locals; without it a
 * recursion of empty functions would have weight 0 and never hit the limit. Measured on Node 20 (V8 11.3, x64):
 * an empty wasm frame costs ~47 bytes of native stack, so 8 slots (64 bytes) over-approximates it.
 */
export const FRAME_OVERHEAD_SLOTS = 8;

/**
 * Default stack budget per contract call, in 8-byte value slots: Secret's wasm3 runtime stack is 60 KiB
 * (`new_runtime(1024*60, ...)`, spec §3.1), and wasm3 keeps params, locals and operand temporaries in 8-byte
 * slots, so 60 KiB / 8 = 7,680 slots approximates the depth Secret allows.
 *
 * Margin: V8's default native stack (~984 KiB) held at least 125,000 weighted slots before a RangeError in every
 * frame shape measured (empty frames, 1,000 locals, 50 params, 100-deep operand stacks, call_indirect; see
 * test/runtime/wasm/stack-limit.test.ts). The tightest is now a weight-12 frame storing all four value types, whose
 * unweighted dirty-mark scratch locals (instrument.ts) took it from 167,352 to 125,508 slots (13,946 → 10,459
 * frames). Nested contract queries (depth limit 10, each with a fresh budget) thus use at most 76,800 slots, about
 * 61% of that, leaving ~380 KiB for the host's JS frames between levels.
 */
export const DEFAULT_MAX_STACK_SLOTS = 7_680;

/**
 * Leaf functions (no call instructions) whose weight is at most this many slots skip the stack limiter: they
 * cannot recurse, so they add at most 64 slots (512 bytes) of native stack beyond the budget, and most small Rust
 * helpers are leaves, which keeps metering cheap.
 */
export const LEAF_FREE_SLOTS = 64;

/**
 * Granularity, in bytes (a power of two), of the store tracking's dirty marks (instrument.ts): a store below
 * `dirty_low` lowers it to its address rounded down to a multiple of this, a store above a high mark raises it to
 * its address rounded up to one below a multiple. Without it nearly every store of a descending stack or an
 * ascending heap moved a mark (a global write each, ~1.3 µs per token query); with it a call moves them a few
 * times, and a restore rewrites at most this many extra bytes per mark.
 */
export const DIRTY_MARK_GRANULE = 1024;

/**
 * V8's limit on one function body, in bytes (wasm-limits.h `kV8MaxWasmFunctionSize`, Node 20 / V8 11.3). The
 * instrumenter drops its optional store tracking rather than emit a body above it (instrument.ts).
 */
export const V8_MAX_FUNCTION_SIZE = 7_654_321;

/** V8's limit on exports per module (wasm-limits.h `kV8MaxWasmExports`); see {@link V8_MAX_FUNCTION_SIZE}. */
export const V8_MAX_EXPORTS = 100_000;

/** V8's limit on globals per module (wasm-limits.h `kV8MaxWasmGlobals`); see {@link V8_MAX_FUNCTION_SIZE}. */
export const V8_MAX_GLOBALS = 1_000_000;

/** Query recursion limit of Secret's enclave (`RECURSION_LIMIT`, spec §4.10): the most nested contract calls. */
export const MAX_NESTED_CONTRACT_CALLS = 10;
