/** Limits and constants of registration, attestation and sealing (each says where its number comes from). */

/**
 * How old a report may be relative to the block that includes it: 24 h. Secret checks DCAP collateral
 * (TCB info / QE identity) validity at block time rather than the quote age; a day bounds replay of an old
 * report from a machine whose measurement was later removed while leaving room for slow operator workflows.
 */
export const DEFAULT_MAX_REPORT_AGE_NANOS = 24n * 3600n * 1_000_000_000n;

/**
 * How far a report may be in the future of the block time: 5 minutes, the usual tolerance for clock skew
 * between an operator's machine and BFT time (CometBFT block time is the median of validators' clocks).
 */
export const DEFAULT_MAX_REPORT_FUTURE_NANOS = 5n * 60n * 1_000_000_000n;

/** X25519 registration public key length (Secret `PUBLIC_KEY_SIZE`). */
export const REGISTRATION_KEY_LENGTH = 32;

/** SHA-256 measurement length (the size of SGX MRENCLAVE, which it stands in for). */
export const MEASUREMENT_LENGTH = 32;

/**
 * Number of consensus seeds a bootstrap node creates: 2, as Secret's `ecall_init_bootstrap` (genesis seed +
 * current seed, spec §6 step 1).
 */
export const BOOTSTRAP_SEED_COUNT = 2;

/** Machine key length: 32 bytes (a 256-bit node-local secret, like the SGX seal key derivation key). */
export const MACHINE_KEY_LENGTH = 32;

/** Upper bound on seeds in a sealed keychain: Secret serializes the count as one byte. */
export const MAX_SEEDS = 255;
