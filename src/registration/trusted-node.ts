/**
 * The registration half of a node's trusted component (Secret's `registration/{offchain,onchain,seed_exchange}.rs`,
 * spec §6): it owns the node's X25519 registration key and, once bootstrapped or registered, the consensus seeds.
 * Seeds and private keys never leave it except sealed ({@link TrustedNode.seal}).
 *
 * Lifecycle: {@link TrustedNode.bootstrap} (genesis node: creates the seeds) or {@link TrustedNode.create}
 * (new node: key generation only) → an attestation authority signs a report for `registrationPublicKey` and
 * `measurement` → the chain's registration handler (every validator's `authenticateNewNode`) shares the seeds
 * → {@link TrustedNode.initFromSeedShares} → {@link TrustedNode.seal}; a restart is {@link TrustedNode.unseal}.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

import { X25519PrivateKey } from '../compute/x25519.js';
import { createEnclave, type EnclaveOptions, type SecretEnclave } from '../enclave/index.js';
import { NetworkKeys, SEED_LENGTH } from '../enclave/keys.js';
import { type AttestationPolicy, verifyAttestationReport } from './attestation.js';
import { RegistrationError } from './errors.js';
import { BOOTSTRAP_SEED_COUNT, MEASUREMENT_LENGTH, REGISTRATION_KEY_LENGTH } from './limits.js';
import { type Keychain, sealKeychain, unsealKeychain } from './sealing.js';

/** Result of authenticating a new node: what the registration keeper stores. */
export interface NodeAuthentication {
  /** The new node's registration public key (from the report). */
  readonly publicKey: Uint8Array;
  /** All seeds encrypted for it (§2.12), 48 bytes each, concatenated. */
  readonly encryptedSeed: Uint8Array;
}

/** Options common to the constructors. */
export interface TrustedNodeOptions {
  /** Measurement of the code this component runs (see measureTrustedComponent). */
  readonly measurement: Uint8Array;
  /** Registration secret (32 bytes). Default: fresh random. */
  readonly registrationKey?: Uint8Array;
}

/** The trusted registration component of one node. */
export class TrustedNode {
  readonly #registrationSecret: Uint8Array;
  readonly #registrationKey: X25519PrivateKey;
  #seeds: Uint8Array[] | undefined;
  #keys: NetworkKeys | undefined;
  /** This node's X25519 registration public key (what its attestation report binds). */
  readonly registrationPublicKey: Uint8Array;
  /** Measurement of the code this component runs. */
  readonly measurement: Uint8Array;

  private constructor(opts: TrustedNodeOptions, seeds: Uint8Array[] | undefined) {
    if (opts.measurement.length !== MEASUREMENT_LENGTH) {
      throw new RegistrationError('INVALID_REQUEST', `measurement must be ${MEASUREMENT_LENGTH} bytes`);
    }
    const secret = opts.registrationKey ?? new Uint8Array(randomBytes(REGISTRATION_KEY_LENGTH));
    if (secret.length !== REGISTRATION_KEY_LENGTH) {
      throw new RegistrationError(
        'INVALID_REQUEST',
        `registration key must be ${REGISTRATION_KEY_LENGTH} bytes`,
      );
    }
    this.#registrationSecret = secret.slice();
    this.#registrationKey = X25519PrivateKey.fromSeed(this.#registrationSecret);
    this.registrationPublicKey = this.#registrationKey.publicKey.slice();
    this.measurement = opts.measurement.slice();
    if (seeds !== undefined) this.#setSeeds(seeds);
  }

  #setSeeds(seeds: Uint8Array[]): void {
    try {
      this.#keys = NetworkKeys.fromSeeds(seeds);
    } catch (e) {
      throw new RegistrationError('BAD_SEED', 'consensus seeds are invalid', { cause: e });
    }
    this.#seeds = seeds.map((s) => s.slice());
  }

  /**
   * Genesis bootstrap (`ecall_init_bootstrap`): creates {@link BOOTSTRAP_SEED_COUNT} random seeds (or uses
   * `seeds`, for reproducible test networks) and a registration key.
   */
  static bootstrap(opts: TrustedNodeOptions & { readonly seeds?: readonly Uint8Array[] }): TrustedNode {
    const seeds =
      opts.seeds?.map((s) => s.slice()) ??
      Array.from({ length: BOOTSTRAP_SEED_COUNT }, () => new Uint8Array(randomBytes(SEED_LENGTH)));
    return new TrustedNode(opts, seeds);
  }

  /** New node key generation (`ecall_key_gen`): a registration key, no seeds yet. */
  static create(opts: TrustedNodeOptions): TrustedNode {
    return new TrustedNode(opts, undefined);
  }

  /** Rebuilds a node from an unsealed keychain (trusted code only). */
  static fromKeychain(keychain: Keychain, measurement: Uint8Array): TrustedNode {
    if (keychain.registrationKey === undefined) {
      throw new RegistrationError('INVALID_REQUEST', 'keychain has no registration key');
    }
    return new TrustedNode(
      { measurement, registrationKey: keychain.registrationKey },
      keychain.seeds.length === 0 ? undefined : keychain.seeds.map((s) => s.slice()),
    );
  }

  /**
   * Restart: unseals the keychain at `path` bound to `machineKey` and `measurement`.
   * @throws SealError (wrong node / measurement / tampered / missing) — nothing on disk changes.
   */
  static unseal(path: string, machineKey: Uint8Array, measurement: Uint8Array): TrustedNode {
    return TrustedNode.fromKeychain(unsealKeychain(path, { machineKey, measurement }), measurement);
  }

  /** True once the node holds consensus seeds. */
  get hasSeeds(): boolean {
    return this.#keys !== undefined;
  }

  /** The network keys (trusted code only). @throws RegistrationError `NOT_BOOTSTRAPPED`. */
  get keys(): NetworkKeys {
    if (this.#keys === undefined) {
      throw new RegistrationError(
        'NOT_BOOTSTRAPPED',
        'this node has no consensus seeds yet (register first)',
      );
    }
    return this.#keys;
  }

  /** The io public key users encrypt to (`io_exch_key`, `Query/TxKey`). */
  get ioPublicKey(): Uint8Array {
    return this.keys.ioPublicKey.slice();
  }

  /** The seed-exchange public key (`node_exch_key`, "node master key"). */
  get seedExchangePublicKey(): Uint8Array {
    return this.keys.seedExchangePublicKey.slice();
  }

  /**
   * On-chain registration handler (`ecall_authenticate_new_node`), run by every validator's trusted component
   * with the same inputs: verifies the report (see verifyAttestationReport) at the block time, then encrypts
   * every seed for the reported registration key. Deterministic (AES-SIV, block time only).
   * @throws RegistrationError with the rejection code, or `NOT_BOOTSTRAPPED`.
   */
  authenticateNewNode(
    certificate: Uint8Array,
    policy: AttestationPolicy,
    blockTimeNanos: bigint,
  ): NodeAuthentication {
    const keys = this.keys;
    const report = verifyAttestationReport(certificate, policy, blockTimeNanos);
    let encryptedSeed: Uint8Array;
    try {
      encryptedSeed = keys.encryptSeedsFor(report.registrationPublicKey);
    } catch (e) {
      // a low-order X25519 point gives an all-zero shared secret: refuse rather than share under it
      throw new RegistrationError('MALFORMED', 'registration public key is not a usable X25519 key', {
        cause: e,
      });
    }
    return { publicKey: report.registrationPublicKey, encryptedSeed };
  }

  /**
   * Seed delivery (`ecall_init_node`): decrypts the shares with the registration key and the chain's
   * seed-exchange public key, and checks that the seeds reproduce that public key (and `ioPublicKey`, if given).
   * @throws RegistrationError `ALREADY_BOOTSTRAPPED` if the node already has seeds, `BAD_SEED` otherwise.
   */
  initFromSeedShares(
    masterSeedExchangePublicKey: Uint8Array,
    encryptedSeed: Uint8Array,
    ioPublicKey?: Uint8Array,
  ): void {
    if (this.#keys !== undefined) {
      throw new RegistrationError('ALREADY_BOOTSTRAPPED', 'this node already holds consensus seeds');
    }
    let seeds: Uint8Array[];
    try {
      seeds = NetworkKeys.decryptSeedShares(
        this.#registrationKey,
        masterSeedExchangePublicKey,
        encryptedSeed,
      );
    } catch (e) {
      throw new RegistrationError('BAD_SEED', 'encrypted seeds do not decrypt for this node', { cause: e });
    }
    const keys = NetworkKeys.fromSeeds(seeds);
    const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;
    if (!same(keys.seedExchangePublicKey, masterSeedExchangePublicKey)) {
      throw new RegistrationError('BAD_SEED', 'decrypted seeds do not match the chain seed-exchange key');
    }
    if (ioPublicKey !== undefined && !same(keys.ioPublicKey, ioPublicKey)) {
      throw new RegistrationError('BAD_SEED', 'decrypted seeds do not match the chain io key');
    }
    this.#setSeeds(seeds);
  }

  /**
   * Seals seeds and registration key to `path` under `machineKey` and this node's measurement.
   * @throws SealError `SEAL_EXISTS` unless `overwrite`, `SEAL_IO`.
   */
  seal(path: string, machineKey: Uint8Array, opts: { overwrite?: boolean } = {}): void {
    sealKeychain(
      path,
      { seeds: this.#seeds ?? [], registrationKey: this.#registrationSecret },
      {
        machineKey,
        measurement: this.measurement,
        ...(opts.overwrite === undefined ? {} : { overwrite: opts.overwrite }),
      },
    );
  }

  /** The contract-execution enclave of this node, built from its seeds. */
  createEnclave(opts: Omit<EnclaveOptions, 'keys'> = {}): SecretEnclave {
    return createEnclave({ ...opts, keys: this.keys });
  }

  /** Redacted: public keys only. */
  toJSON(): { type: string; registrationPublicKey: string; hasSeeds: boolean } {
    return {
      type: 'TrustedNode',
      registrationPublicKey: Buffer.from(this.registrationPublicKey).toString('hex'),
      hasSeeds: this.hasSeeds,
    };
  }

  /** Redacted. */
  [inspect.custom](): string {
    return `TrustedNode(${Buffer.from(this.registrationPublicKey).toString('hex')}, seeds: ${this.hasSeeds})`;
  }
}
