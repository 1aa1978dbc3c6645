/** Keeper limits, each with where its number comes from. */

/** SecretNetwork x/compute/internal/types/validation.go `MaxWasmSize`: largest raw (possibly gzipped) upload. */
export const MAX_WASM_UPLOAD_SIZE = 2 * 1024 * 1024;
/** keeper.go `uncompress`: gunzip output is read through a 2 MiB `io.LimitReader` (silently truncated). */
export const MAX_GUNZIP_SIZE = 2 * 1024 * 1024;
/** types/validation.go `MaxLabelSize`. */
export const MAX_LABEL_SIZE = 512;
/** types/validation.go `MaxBuildTagSize`: longest `builder` string. */
export const MAX_BUILDER_SIZE = 128;
/** wasmd `DefaultMaxCallDepth` (Secret keeps 100): nested message dispatch levels. */
export const MAX_CALL_DEPTH = 100;
/** Enclave `RECURSION_LIMIT` (contract-engine query_chain.rs): deepest `query_depth` allowed. */
export const MAX_QUERY_DEPTH = 10;
/** types/events.go `eventTypeMinLength`: custom event types must be longer than this after trimming. */
export const EVENT_TYPE_MIN_LENGTH = 2;
/**
 * Decoded ContractInfo / CodeInfo / ContractKey records kept per kind (store.ts), by their bytes: one per live
 * contract or code is enough to skip the protobuf decode on every call; ~1 KiB each at most. Performance only.
 */
export const DECODED_RECORD_CACHE_SIZE = 1024;

/**
 * Contracts whose code and keys a query may take from the keeper's last read instead of the store, while the
 * store reports the same version (see `ComputeKeeper.contractInstance`). Small: entries hold the contract's wasm
 * array, which the store holds anyway while it is current.
 */
export const INSTANCE_CACHE_SIZE = 64;
