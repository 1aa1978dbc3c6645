/**
 * The registration keeper (Secret's x/registration keeper, module `register`): the untrusted side's record of
 * the chain's master public keys and of every registered node's attestation report and encrypted seed. The
 * seed sharing itself happens in the node's trusted component ({@link TrustedNode.authenticateNewNode});
 * the keeper stores what it returns, so every validator writes the same bytes.
 *
 * Store layout (in the module's own store, as Secret's `keys.go`): `0x01 ‖ registration pubkey` →
 * `RegistrationNodeInfo{certificate, encrypted_seed}` (protobuf); `"NodeExchMasterKey"` / `"IoExchMasterKey"`
 * → `MasterKey{bytes}` (protobuf).
 */
import type { GenesisState } from '../proto/secret/registration/v1beta1/genesis.js';
import { MasterKey } from '../proto/secret/registration/v1beta1/msg.js';
import { RegistrationNodeInfo } from '../proto/secret/registration/v1beta1/types.js';
import type { KVStore } from '../state/index.js';
import { type AttestationPolicy, parseAttestationReport } from './attestation.js';
import { RegistrationError } from './errors.js';
import { REGISTRATION_KEY_LENGTH } from './limits.js';
import type { NodeAuthentication, TrustedNode } from './trusted-node.js';

/** Store prefix of registrations (Secret `RegistrationStorePrefix`). */
export const REGISTRATION_PREFIX = 0x01;
/** Store key of the seed-exchange master public key (Secret `MasterNodeKeyId`). */
export const NODE_EXCH_MASTER_KEY_ID = 'NodeExchMasterKey';
/** Store key of the io master public key (Secret `MasterIoKeyId`). */
export const IO_MASTER_KEY_ID = 'IoExchMasterKey';

const enc = new TextEncoder();

function registrationKey(pubkey: Uint8Array): Uint8Array {
  const k = new Uint8Array(1 + pubkey.length);
  k[0] = REGISTRATION_PREFIX;
  k.set(pubkey, 1);
  return k;
}

function checkKey(key: Uint8Array | undefined, what: string): Uint8Array {
  if (key === undefined || key.length !== REGISTRATION_KEY_LENGTH) {
    throw new RegistrationError(
      'INVALID_REQUEST',
      `${what} must be a ${REGISTRATION_KEY_LENGTH}-byte X25519 public key, got ${key?.length ?? 'none'}`,
    );
  }
  return key;
}

/** Options of {@link createRegistrationKeeper}. */
export interface RegistrationKeeperOptions {
  /** The module's store (give it a prefix store of the app state). */
  readonly store: KVStore;
  /** This node's trusted component (holds the seeds used to share them with new nodes). */
  readonly trusted: TrustedNode;
  /** What reports are accepted. Part of the chain's configuration: identical on every validator. */
  readonly policy: AttestationPolicy;
}

/** Registration keeper. Create with {@link createRegistrationKeeper}. */
export class RegistrationKeeper {
  readonly store: KVStore;
  readonly trusted: TrustedNode;
  readonly policy: AttestationPolicy;

  constructor(opts: RegistrationKeeperOptions) {
    this.store = opts.store;
    this.trusted = opts.trusted;
    this.policy = opts.policy;
  }

  /**
   * Genesis of a new chain from its bootstrap node: the master keys, and (if given) the bootstrap node's own
   * report with its seeds encrypted for itself, as `secretd init-bootstrap` puts into `reg_info`.
   */
  static bootstrapGenesis(bootstrap: TrustedNode, certificate?: Uint8Array): GenesisState {
    const registration: RegistrationNodeInfo[] = [];
    if (certificate !== undefined) {
      const r = parseAttestationReport(certificate);
      registration.push({
        certificate: certificate.slice(),
        encryptedSeed: bootstrap.keys.encryptSeedsFor(r.registrationPublicKey),
      });
    }
    return {
      registration,
      nodeExchMasterKey: { bytes: bootstrap.seedExchangePublicKey },
      ioMasterKey: { bytes: bootstrap.ioPublicKey },
    };
  }

  /**
   * InitGenesis: stores the master keys and registrations. Checks that this node's trusted component (if it has
   * seeds) derives the same master keys, so a node with the wrong seeds fails at start, not at the first tx.
   * @throws RegistrationError `INVALID_REQUEST` (missing/short keys), `BAD_SEED` (keys differ).
   */
  initGenesis(genesis: GenesisState): void {
    const node = checkKey(genesis.nodeExchMasterKey?.bytes, 'node_exch_key');
    const io = checkKey(genesis.ioMasterKey?.bytes, 'io_exch_key');
    if (this.trusted.hasSeeds) {
      if (
        Buffer.compare(this.trusted.seedExchangePublicKey, node) !== 0 ||
        Buffer.compare(this.trusted.ioPublicKey, io) !== 0
      ) {
        throw new RegistrationError('BAD_SEED', "this node's seeds do not derive the genesis master keys");
      }
    }
    const regs = genesis.registration.map((info) => ({
      pubkey: parseAttestationReport(info.certificate).registrationPublicKey,
      info,
    }));
    this.store.set(enc.encode(NODE_EXCH_MASTER_KEY_ID), MasterKey.encode({ bytes: node }).finish());
    this.store.set(enc.encode(IO_MASTER_KEY_ID), MasterKey.encode({ bytes: io }).finish());
    for (const { pubkey, info } of regs) {
      this.store.set(registrationKey(pubkey), RegistrationNodeInfo.encode(info).finish());
    }
  }

  /** ExportGenesis: master keys and every registration in key order. */
  exportGenesis(): GenesisState {
    const registration: RegistrationNodeInfo[] = [];
    const it = this.store.iterator(
      Uint8Array.of(REGISTRATION_PREFIX),
      Uint8Array.of(REGISTRATION_PREFIX + 1),
    );
    try {
      for (const [, v] of it) registration.push(RegistrationNodeInfo.decode(v));
    } finally {
      it.close();
    }
    const node = this.masterKey(NODE_EXCH_MASTER_KEY_ID);
    const io = this.masterKey(IO_MASTER_KEY_ID);
    return {
      registration,
      nodeExchMasterKey: node === undefined ? undefined : { bytes: node },
      ioMasterKey: io === undefined ? undefined : { bytes: io },
    };
  }

  private masterKey(id: string): Uint8Array | undefined {
    const v = this.store.get(enc.encode(id));
    return v === undefined ? undefined : MasterKey.decode(v).bytes;
  }

  /** The seed-exchange master public key ("node master key"). */
  getNodeExchMasterKey(): Uint8Array | undefined {
    return this.masterKey(NODE_EXCH_MASTER_KEY_ID);
  }

  /** The io master public key ("tx key"). */
  getIoMasterKey(): Uint8Array | undefined {
    return this.masterKey(IO_MASTER_KEY_ID);
  }

  /** The stored registration of `pubkey`, if any. */
  getRegistration(pubkey: Uint8Array): RegistrationNodeInfo | undefined {
    const v = this.store.get(registrationKey(pubkey));
    return v === undefined ? undefined : RegistrationNodeInfo.decode(v);
  }

  /**
   * `RegisterNode`: verifies the report in the trusted component at `blockTimeNanos`, stores
   * `RegistrationNodeInfo{certificate, encrypted_seed}` under the reported key and returns it. A key already
   * registered gets its stored entry back (after the report verifies), as Secret's `isNodeAuthenticated`.
   * Writes nothing on failure.
   * @throws RegistrationError (rejection codes, `NOT_BOOTSTRAPPED` before genesis).
   */
  registerNode(certificate: Uint8Array, blockTimeNanos: bigint): NodeAuthentication {
    if (this.getNodeExchMasterKey() === undefined) {
      throw new RegistrationError(
        'NOT_BOOTSTRAPPED',
        'registration genesis (master keys) is not initialized',
      );
    }
    const auth = this.trusted.authenticateNewNode(certificate, this.policy, blockTimeNanos);
    const existing = this.getRegistration(auth.publicKey);
    if (existing !== undefined) return { publicKey: auth.publicKey, encryptedSeed: existing.encryptedSeed };
    this.store.set(
      registrationKey(auth.publicKey),
      RegistrationNodeInfo.encode({ certificate, encryptedSeed: auth.encryptedSeed }).finish(),
    );
    return auth;
  }
}

/** Creates a registration keeper. */
export function createRegistrationKeeper(opts: RegistrationKeeperOptions): RegistrationKeeper {
  return new RegistrationKeeper(opts);
}
