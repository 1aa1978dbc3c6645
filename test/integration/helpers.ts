/**
 * End-to-end harness: the real enclave (createEnclave) and real contracts behind the keeper's Msg/Query services.
 * Users sign SIGN_MODE_DIRECT txs (test/enclave/helpers.ts `User`) containing exactly the message the Msg server
 * receives, as a chain's ante handler would hand them over.
 */
import { createHash } from 'node:crypto';

import type { EncryptionScheme } from '../../src/compute/scheme.js';
import { createEnclave, type SecretEnclave } from '../../src/enclave/enclave.js';
import { NetworkKeys } from '../../src/enclave/keys.js';
import type { Coin } from '../../src/enclave/types.js';
import { fromBech32 } from '../../src/keeper/address.js';
import { MemoryBankKeeper } from '../../src/keeper/bank-keeper.js';
import { LocalBlockContext } from '../../src/keeper/block-context.js';
import type { SdkEvent, TxInfo } from '../../src/keeper/expected-keepers.js';
import { type ComputeKeeper, createComputeKeeper } from '../../src/keeper/keeper.js';
import { createMsgServer, type MsgServer } from '../../src/keeper/msg-server.js';
import { createQueryServer, type QueryServer } from '../../src/keeper/query-server.js';
import {
  MsgClearAdmin,
  MsgExecuteContract,
  MsgInstantiateContract,
  MsgMigrateContract,
  MsgStoreCode,
  MsgUpdateAdmin,
} from '../../src/proto/secret/compute/v1beta1/msg.js';
import { MemoryStore } from '../../src/state/index.js';
import { CHAIN_ID, User } from '../enclave/helpers.js';
import { loadFixture } from '../fixtures/index.js';

export { User };

const enc = new TextEncoder();
const dec = new TextDecoder();

export function sha256(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(b).digest());
}

export function b64(b: Uint8Array | string): string {
  return Buffer.from(typeof b === 'string' ? enc.encode(b) : b).toString('base64');
}

/** Every key/value of the store, hex-encoded, for byte-exact before/after comparisons. */
export function snapshot(store: MemoryStore): string[] {
  const out: string[] = [];
  for (const [k, v] of store.iterator())
    out.push(`${Buffer.from(k).toString('hex')}=${Buffer.from(v).toString('hex')}`);
  return out;
}

/** A deployed contract. */
export interface Contract {
  readonly address: string;
  readonly codeHash: Uint8Array;
  readonly codeId: bigint;
}

/** One chain: state, real enclave, keeper, services. */
export class Chain {
  readonly store = new MemoryStore();
  readonly enclave: SecretEnclave;
  readonly block = new LocalBlockContext({ chainId: CHAIN_ID });
  readonly bank = new MemoryBankKeeper();
  readonly keeper: ComputeKeeper;
  readonly msgs: MsgServer;
  readonly queries: QueryServer;
  /** Events of the last successful RPC. */
  events: SdkEvent[] = [];
  gasUsed = 0n;
  private tx: TxInfo | undefined;
  private txCount = 0;

  constructor(readonly scheme: EncryptionScheme = 'aes-256-gcm') {
    this.enclave = createEnclave({
      keys: NetworkKeys.fromSeeds([new Uint8Array(32).fill(7)]),
      ioScheme: scheme,
    });
    this.keeper = createComputeKeeper({
      store: this.store,
      enclave: this.enclave,
      bank: this.bank,
      block: this.block,
      txGasLimit: 20_000_000n,
    });
    this.msgs = createMsgServer(this.keeper, {
      tx: () => this.tx,
      onResult: (_rpc, r) => {
        this.events = r.events;
        this.gasUsed = r.gasUsed;
      },
    });
    this.queries = createQueryServer(this.keeper);
    this.keeper.beginBlock();
  }

  user(n: number, funds = '1000000'): User {
    const u = new User(n, this.enclave.ioPubkey, this.scheme);
    this.keeper.runTx({}, (ctx) => this.bank.mint(ctx, u.address, [{ denom: 'uscrt', amount: funds }]));
    return u;
  }

  /** Signs a tx with `typeUrl`/`encoded` as its only message and runs `fn` as that tx. */
  async signed<R>(
    user: User,
    typeUrl: string,
    encoded: Uint8Array,
    fn: () => Promise<R>,
    sigOverride?: TxInfo['sigInfo'],
  ): Promise<R> {
    const sigInfo = sigOverride ?? user.sign([{ typeUrl, value: encoded }]);
    this.tx = {
      index: this.txCount++,
      hash: Buffer.from(sha256(sigInfo.txBytes)).toString('hex').toUpperCase(),
      sigInfo,
    };
    try {
      return await fn();
    } finally {
      this.tx = undefined;
    }
  }

  async storeCode(
    user: User,
    name: string,
    upload?: Uint8Array,
  ): Promise<{ codeId: bigint; codeHash: Uint8Array }> {
    const wasm = loadFixture(name);
    const msg = MsgStoreCode.fromPartial({ sender: user.canonical, wasmByteCode: upload ?? wasm });
    const r = await this.signed(
      user,
      '/secret.compute.v1beta1.MsgStoreCode',
      MsgStoreCode.encode(msg).finish(),
      () => this.msgs.StoreCode(msg),
    );
    return { codeId: r.codeId, codeHash: sha256(wasm) };
  }

  async instantiate(
    user: User,
    code: { codeId: bigint; codeHash: Uint8Array },
    init: object,
    label: string,
    opts: { admin?: string; funds?: Coin[]; nonce?: number } = {},
  ): Promise<Contract & { wire: Uint8Array; data: Uint8Array }> {
    const wire = user.encrypt(code.codeHash, init, opts.nonce ?? this.txCount + 100);
    const msg = MsgInstantiateContract.fromPartial({
      sender: user.canonical,
      codeId: code.codeId,
      label,
      initMsg: wire,
      initFunds: opts.funds ?? [],
      admin: opts.admin ?? '',
    });
    const r = await this.signed(
      user,
      '/secret.compute.v1beta1.MsgInstantiateContract',
      MsgInstantiateContract.encode(msg).finish(),
      () => this.msgs.InstantiateContract(msg),
    );
    return { address: r.address, codeHash: code.codeHash, codeId: code.codeId, wire, data: r.data };
  }

  /** Executes `cmd` on `contract` as `user`; returns the wire msg (for decryption) and the response data. */
  async execute(
    user: User,
    contract: Contract,
    cmd: object,
    opts: {
      funds?: Coin[];
      callbackSig?: Uint8Array;
      codeHash?: Uint8Array;
      wire?: Uint8Array;
      sigFor?: Contract;
    } = {},
  ): Promise<{ wire: Uint8Array; data: Uint8Array }> {
    const wire = opts.wire ?? user.encrypt(opts.codeHash ?? contract.codeHash, cmd, this.txCount + 200);
    const msg = MsgExecuteContract.fromPartial({
      sender: user.canonical,
      contract: fromBech32(contract.address),
      msg: wire,
      sentFunds: opts.funds ?? [],
      callbackSig: opts.callbackSig ?? new Uint8Array(0),
    });
    // `sigFor` lets a test present a signature made for a different contract (replay)
    const signedMsg = opts.sigFor === undefined ? msg : { ...msg, contract: fromBech32(opts.sigFor.address) };
    const r = await this.signed(
      user,
      '/secret.compute.v1beta1.MsgExecuteContract',
      MsgExecuteContract.encode(signedMsg).finish(),
      () => this.msgs.ExecuteContract(msg),
    );
    return { wire, data: r.data };
  }

  async migrate(
    user: User,
    contract: Contract,
    code: { codeId: bigint; codeHash: Uint8Array },
    cmd: object,
  ): Promise<Uint8Array> {
    const wire = user.encrypt(code.codeHash, cmd, this.txCount + 300);
    const msg = MsgMigrateContract.fromPartial({
      sender: user.address,
      contract: contract.address,
      codeId: code.codeId,
      msg: wire,
    });
    const r = await this.signed(
      user,
      '/secret.compute.v1beta1.MsgMigrateContract',
      MsgMigrateContract.encode(msg).finish(),
      () => this.msgs.MigrateContract(msg),
    );
    return r.data;
  }

  async updateAdmin(user: User, contract: Contract, newAdmin: string): Promise<void> {
    if (newAdmin === '') {
      const msg = MsgClearAdmin.fromPartial({ sender: user.address, contract: contract.address });
      await this.signed(
        user,
        '/secret.compute.v1beta1.MsgClearAdmin',
        MsgClearAdmin.encode(msg).finish(),
        () => this.msgs.ClearAdmin(msg),
      );
      return;
    }
    const msg = MsgUpdateAdmin.fromPartial({ sender: user.address, contract: contract.address, newAdmin });
    await this.signed(
      user,
      '/secret.compute.v1beta1.MsgUpdateAdmin',
      MsgUpdateAdmin.encode(msg).finish(),
      () => this.msgs.UpdateAdmin(msg),
    );
  }

  /** Smart query; returns the decrypted answer JSON text. */
  async query(user: User, contract: Contract, cmd: object): Promise<string> {
    const wire = user.encrypt(contract.codeHash, cmd, this.txCount + 400);
    const r = await this.queries.QuerySecretContract({ contractAddress: contract.address, query: wire });
    return dec.decode(user.io.decryptQueryResult(r.data, user.io.nonceOf(wire)));
  }

  /** Decrypted response data of a call made with `wire`. */
  decryptData(user: User, wire: Uint8Array, data: Uint8Array): string {
    return dec.decode(user.io.decryptData(data, user.io.nonceOf(wire)));
  }
}
