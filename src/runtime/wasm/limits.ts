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
 * recursion of empty functions would have weight 0 and never hit the limit. 4 slots = 32 bytes, V8's fixed
 * part of a Liftoff/TurboFan wasm frame on x64 (measured: see test/runtime/wasm/instrument.test.ts).
 */
export const FRAME_OVERHEAD_SLOTS = 4;

/**
 * Default stack budget per contract call, in 8-byte value slots: Secret's wasm3 runtime stack is 60 KiB
 * (`new_runtime(1024*60, ...)`, spec §3.1), and wasm3 keeps params, locals and operand temporaries in 8-byte
 * slots, so 60 KiB / 8 = 7,680 slots approximates the depth Secret allows. Nested contract calls (queries up to
 * depth 10) each get their own budget; 10 x 7,680 slots stays far below V8's ~984 KiB native stack (each slot costs
 * at most ~10 bytes of native stack in the measured worst case, see the stack-limit tests).
 */
export const DEFAULT_MAX_STACK_SLOTS = 7_680;
