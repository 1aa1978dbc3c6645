/**
 * Contract keys, admin proofs and contract-key proofs (spec §2.9, §2.10; SecretNetwork
 * shared/contract-engine/src/contract_validation.rs `generate_contract_key`, `generate_contract_id`,
 * `validate_contract_key`, `generate_admin_proof`, `generate_contract_key_proof`).
 */
import { be64, bytesEqual, concat, hkdfKey, hmacSha256, safeEqual, sha256 } from './bytes.js';
import { EnclaveError } from './errors.js';
import { CONTRACT_KEY_CACHE_SIZE, CONTRACT_KEY_LENGTH, PROOF_LENGTH } from './limits.js';
import type { EnclaveSecrets } from './secrets.js';
import { validationSecrets } from './secrets.js';
import type { ContractKeyInfo } from './types.js';

/** `contract_id = HMAC(HKDF(state_ikm[0] ‖ sender_id), sender_id ‖ code_hash ‖ contract [‖ og_key])`. */
function contractId(
  secrets: EnclaveSecrets,
  senderId: Uint8Array,
  codeHash: Uint8Array,
  contract: Uint8Array,
  ogKey?: Uint8Array,
): Uint8Array {
  // Always the genesis ikm, so keys stay valid across seed rotations (contract_validation.rs).
  const authKey = hkdfKey([secrets.stateIkm[0]!, senderId]);
  return ogKey === undefined
    ? hmacSha256(authKey, senderId, codeHash, contract)
    : hmacSha256(authKey, senderId, codeHash, contract, ogKey);
}

/**
 * `generate_contract_key`: `sha256(sender ‖ BE64(height)) ‖ contract_id`. Pass `ogKey` for the key a migration
 * issues (it binds the new code hash to the original key).
 */
export function generateContractKey(
  secrets: EnclaveSecrets,
  sender: Uint8Array,
  height: bigint,
  codeHash: Uint8Array,
  contract: Uint8Array,
  ogKey?: Uint8Array,
): Uint8Array {
  const senderId = sha256(sender, be64(height));
  return concat(senderId, contractId(secrets, senderId, codeHash, contract, ogKey));
}

/** `generate_contract_key_proof`: HMAC(contract_key_proof_secret, contract ‖ code_hash ‖ og ‖ new). */
export function contractKeyProof(
  secret: Uint8Array,
  contract: Uint8Array,
  codeHash: Uint8Array,
  ogKey: Uint8Array,
  newKey: Uint8Array,
): Uint8Array {
  return hmacSha256(secret, contract, codeHash, ogKey, newKey);
}

/** Proof for a freshly issued current key, with the last seed's secret. */
export function signContractKey(
  secrets: EnclaveSecrets,
  contract: Uint8Array,
  codeHash: Uint8Array,
  ogKey: Uint8Array,
  newKey: Uint8Array,
): Uint8Array {
  const perSeed = secrets.contractKeyProofSecrets;
  return contractKeyProof(perSeed[perSeed.length - 1]!, contract, codeHash, ogKey, newKey);
}

/**
 * `validate_contract_key`: the env's key must have been issued by this network for this contract running this
 * code. Before any migration the og key's `contract_id` is recomputed; afterwards the current key's proof is
 * checked. Returns the key to use for randomness (latest = current or og). Throws
 * `FailedContractAuthentication` ("failed to authenticate secret contract").
 */
export function validateContractKey(
  secrets: EnclaveSecrets,
  key: ContractKeyInfo | undefined,
  contract: Uint8Array,
  codeHash: Uint8Array,
): { og: Uint8Array; latest: Uint8Array } {
  if (key === undefined || key.og.length !== CONTRACT_KEY_LENGTH) {
    throw new EnclaveError('FailedContractAuthentication');
  }
  // Only successes are cached, keyed by every input byte; failures always recompute (and throw).
  const hasCurrent = key.current !== undefined && key.current.length > 0;
  // Fast path: the keeper hands the same decoded og array for every call of a contract, so the last success
  // with that array is checked field by field (bytes, not identity) before building the string id.
  let last = lastValidated.get(secrets);
  if (last === undefined) {
    last = new WeakMap();
    lastValidated.set(secrets, last);
  }
  const prev = last.get(key.og);
  if (prev !== undefined && sameValidation(prev, contract, codeHash, key)) {
    return { og: key.og, latest: hasCurrent ? key.current : key.og };
  }
  let cache = validatedKeys.get(secrets);
  if (cache === undefined) {
    cache = new Set();
    validatedKeys.set(secrets, cache);
  }
  const id = cacheId(contract, codeHash, key);
  let result: { og: Uint8Array; latest: Uint8Array };
  if (cache.has(id)) {
    result = { og: key.og, latest: hasCurrent ? key.current : key.og };
  } else {
    result = validateUncached(secrets, key, contract, codeHash);
    if (cache.size >= CONTRACT_KEY_CACHE_SIZE) {
      const oldest = cache.values().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.add(id);
  }
  last.set(key.og, {
    contract: contract.slice(),
    codeHash: codeHash.slice(),
    og: key.og.slice(),
    current: (key.current ?? EMPTY).slice(),
    currentProof: (key.currentProof ?? EMPTY).slice(),
  });
  return result;
}

/** Authenticated contract keys per network secrets (see {@link CONTRACT_KEY_CACHE_SIZE}). */
const validatedKeys = new WeakMap<EnclaveSecrets, Set<string>>();

/** Copies of the inputs of the last successful validation per og array object, per network secrets. */
interface Validated {
  readonly contract: Uint8Array;
  readonly codeHash: Uint8Array;
  readonly og: Uint8Array;
  readonly current: Uint8Array;
  readonly currentProof: Uint8Array;
}
const lastValidated = new WeakMap<EnclaveSecrets, WeakMap<Uint8Array, Validated>>();

/** Every input byte equal to a validated one (an absent current key/proof counts as empty, as in cacheId). */
function sameValidation(
  v: Validated,
  contract: Uint8Array,
  codeHash: Uint8Array,
  key: ContractKeyInfo,
): boolean {
  return (
    bytesEqual(v.og, key.og) &&
    bytesEqual(v.contract, contract) &&
    bytesEqual(v.codeHash, codeHash) &&
    bytesEqual(v.current, key.current ?? EMPTY) &&
    bytesEqual(v.currentProof, key.currentProof ?? EMPTY)
  );
}

/** Length-prefixed fields, so no two different inputs share an id. */
function cacheId(contract: Uint8Array, codeHash: Uint8Array, key: ContractKeyInfo): string {
  const parts = [contract, codeHash, key.og, key.current ?? EMPTY, key.currentProof ?? EMPTY];
  let id = '';
  for (const p of parts)
    id += `${p.length}:${Buffer.from(p.buffer, p.byteOffset, p.length).toString('latin1')}`;
  return id;
}

const EMPTY = new Uint8Array(0);

function validateUncached(
  secrets: EnclaveSecrets,
  key: ContractKeyInfo,
  contract: Uint8Array,
  codeHash: Uint8Array,
): { og: Uint8Array; latest: Uint8Array } {
  const og = key.og;
  if (key.current !== undefined && key.current.length > 0) {
    const current = key.current;
    const proof = key.currentProof;
    if (current.length !== CONTRACT_KEY_LENGTH || proof === undefined || proof.length !== PROOF_LENGTH) {
      throw new EnclaveError('FailedContractAuthentication');
    }
    for (const secret of validationSecrets(secrets.contractKeyProofSecrets)) {
      if (safeEqual(contractKeyProof(secret, contract, codeHash, og, current), proof))
        return { og, latest: current };
    }
    throw new EnclaveError('FailedContractAuthentication');
  }
  const senderId = og.subarray(0, 32);
  const expected = contractId(secrets, senderId, codeHash, contract);
  if (!safeEqual(expected, og.subarray(32))) throw new EnclaveError('FailedContractAuthentication');
  return { og, latest: og };
}

/** `generate_admin_proof`: HMAC(admin_proof_secret(last seed), canonical_admin ‖ og_contract_key). */
export function generateAdminProof(
  secrets: EnclaveSecrets,
  admin: Uint8Array,
  ogKey: Uint8Array,
): Uint8Array {
  const perSeed = secrets.adminProofSecrets;
  return hmacSha256(perSeed[perSeed.length - 1]!, admin, ogKey);
}

/**
 * `validate_admin_proof` with the *sender* as admin (migrate, update admin). Throws `ValidationFailure`
 * ("failed to validate transaction") on mismatch.
 */
export function validateAdminProof(
  secrets: EnclaveSecrets,
  sender: Uint8Array,
  ogKey: Uint8Array,
  proof: Uint8Array,
): void {
  if (proof.length === PROOF_LENGTH) {
    for (const secret of validationSecrets(secrets.adminProofSecrets)) {
      if (safeEqual(hmacSha256(secret, sender, ogKey), proof)) return;
    }
  }
  throw new EnclaveError('ValidationFailure');
}
