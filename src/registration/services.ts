/**
 * gRPC services of `secret.registration.v1beta1`: the generated `Msg` (RegisterAuth) and `Query` (TxKey,
 * RegistrationKey, EncryptedSeed) interfaces over a {@link RegistrationKeeper}.
 */
import type { Empty } from '../proto/google/protobuf/empty.js';
import type {
  Key,
  Msg,
  RaAuthenticate,
  RaAuthenticateResponse,
} from '../proto/secret/registration/v1beta1/msg.js';
import type {
  Query,
  QueryEncryptedSeedRequest,
  QueryEncryptedSeedResponse,
} from '../proto/secret/registration/v1beta1/query.js';
import { RegistrationError } from './errors.js';
import type { RegistrationKeeper } from './keeper.js';
import { REGISTRATION_KEY_LENGTH } from './limits.js';

/** An SDK event (type + string attributes). */
export interface RegistrationEvent {
  readonly type: string;
  readonly attributes: readonly { readonly key: string; readonly value: string }[];
}

/** Options of {@link createRegistrationMsgServer}. */
export interface RegistrationMsgServerOptions {
  /** Time of the block being executed, unix nanoseconds (the only clock registration uses). */
  readonly blockTimeNanos: () => bigint;
  /** Bech32 of the sender bytes for the event (default: hex). */
  readonly formatSender?: (sender: Uint8Array) => string;
  /** Receives the events of every successful RegisterAuth. */
  readonly onEvents?: (events: RegistrationEvent[]) => void;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Implements the generated registration `Msg` service. */
export class RegistrationMsgServer implements Msg {
  constructor(
    readonly keeper: RegistrationKeeper,
    private readonly opts: RegistrationMsgServerOptions,
  ) {}

  /**
   * `RegisterAuth`: verifies the report (certificate) and shares the seeds with the reported key. Response
   * data is `S: <hex encrypted seed>` and the event is Secret's `message{module=register, signer,
   * encrypted_seed=0x…, node_id=0x<pubkey hex>}`; `events` carries the same events as JSON.
   * `replace_machine_id` is ignored: software attestation has no machine (PPID) allow-list to update. The tx's
   * signature and fee are the ante handler's business, as in Secret.
   */
  RegisterAuth(req: RaAuthenticate): Promise<RaAuthenticateResponse> {
    return Promise.resolve().then(() => {
      if (req.sender.length === 0) throw new RegistrationError('INVALID_REQUEST', 'sender is required');
      if (req.certificate.length === 0)
        throw new RegistrationError('INVALID_REQUEST', 'certificate is required');
      const auth = this.keeper.registerNode(req.certificate, this.opts.blockTimeNanos());
      const events: RegistrationEvent[] = [
        {
          type: 'message',
          attributes: [
            { key: 'module', value: 'register' },
            { key: 'signer', value: (this.opts.formatSender ?? hex)(req.sender) },
            { key: 'encrypted_seed', value: `0x${hex(auth.encryptedSeed)}` },
            { key: 'node_id', value: `0x${hex(auth.publicKey)}` },
          ],
        },
      ];
      this.opts.onEvents?.(events);
      return { data: `S: ${hex(auth.encryptedSeed)}`, events: JSON.stringify(events) };
    });
  }
}

/** Implements the generated registration `Query` service. */
export class RegistrationQueryServer implements Query {
  constructor(readonly keeper: RegistrationKeeper) {}

  /** The io master key users encrypt to. @throws RegistrationError `NOT_BOOTSTRAPPED`. */
  TxKey(_req: Empty): Promise<Key> {
    return Promise.resolve().then(() => ({ key: this.required(this.keeper.getIoMasterKey()) }));
  }

  /** The seed-exchange master key. @throws RegistrationError `NOT_BOOTSTRAPPED`. */
  RegistrationKey(_req: Empty): Promise<Key> {
    return Promise.resolve().then(() => ({ key: this.required(this.keeper.getNodeExchMasterKey()) }));
  }

  /** Encrypted seed of a registered node. @throws RegistrationError `INVALID_REQUEST`, `NOT_REGISTERED`. */
  EncryptedSeed(req: QueryEncryptedSeedRequest): Promise<QueryEncryptedSeedResponse> {
    return Promise.resolve().then(() => {
      if (req.pubKey.length !== REGISTRATION_KEY_LENGTH) {
        throw new RegistrationError('INVALID_REQUEST', `pub_key must be ${REGISTRATION_KEY_LENGTH} bytes`);
      }
      const info = this.keeper.getRegistration(req.pubKey);
      if (info === undefined) {
        throw new RegistrationError('NOT_REGISTERED', `node ${hex(req.pubKey)} is not registered`);
      }
      return { encryptedSeed: info.encryptedSeed };
    });
  }

  private required(key: Uint8Array | undefined): Uint8Array {
    if (key === undefined)
      throw new RegistrationError('NOT_BOOTSTRAPPED', 'registration genesis is not initialized');
    return key;
  }
}

/** Creates the registration `Msg` server. */
export function createRegistrationMsgServer(
  keeper: RegistrationKeeper,
  opts: RegistrationMsgServerOptions,
): RegistrationMsgServer {
  return new RegistrationMsgServer(keeper, opts);
}

/** Creates the registration `Query` server. */
export function createRegistrationQueryServer(keeper: RegistrationKeeper): RegistrationQueryServer {
  return new RegistrationQueryServer(keeper);
}
