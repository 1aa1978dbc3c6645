/**
 * The seed-derived secrets the enclave's contract logic uses (spec §2.2), gathered once per enclave from the
 * network key hierarchy (src/enclave/keys.ts) into one read-only object, so each module takes exactly what it
 * needs. Nothing in here ever reaches an output.
 */
import type { NetworkKeys } from './keys.js';

/** Seed-derived secrets, index i = seed i (0 = genesis). */
export interface EnclaveSecrets {
  /** `consensus_state_ikm` (order 3) of every seed. */
  readonly stateIkm: readonly Uint8Array[];
  /** `consensus_callback_secret` (order 4) of the last seed. */
  readonly callbackSecret: Uint8Array;
  /** `admin_proof_secret` (order 7) of every seed; the last one signs, older ones validate. */
  readonly adminProofSecrets: readonly Uint8Array[];
  /** `contract_key_proof_secret` (order 8) of every seed; the last one signs. */
  readonly contractKeyProofSecrets: readonly Uint8Array[];
}

/** Collect {@link EnclaveSecrets} from the network keys. */
export function secretsFromKeys(keys: NetworkKeys): EnclaveSecrets {
  const idx = Array.from({ length: keys.seedCount }, (_, i) => i);
  return {
    stateIkm: idx.map((i) => keys.stateIkm(i)),
    callbackSecret: keys.callbackSecret(),
    adminProofSecrets: idx.map((i) => keys.adminProofSecret(i)),
    contractKeyProofSecrets: idx.map((i) => keys.contractKeyProofSecret(i)),
  };
}

/**
 * Secrets accepted when validating an older proof: seeds 1..n-1 (SecretNetwork contract_validation.rs skips the
 * genesis seed). A single-seed network (what a non-SGX chain usually runs) validates with seed 0, the only one.
 */
export function validationSecrets(perSeed: readonly Uint8Array[]): readonly Uint8Array[] {
  return perSeed.length > 1 ? perSeed.slice(1) : perSeed;
}
