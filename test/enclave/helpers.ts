/**
 * Test harness for the enclave: a user with a secp256k1 account key and an X25519 I/O key, SIGN_MODE_DIRECT
 * transactions built with cosmjs-types, an in-memory contract store per contract, and a minimal keeper-like
 * driver that stores codes and routes nested queries back into the enclave.
 */
import { createHash } from 'node:crypto';

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { bech32 } from '@scure/base';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { AuthInfo, SignDoc, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';

import { EncryptionUtils } from '../../src/compute/encryption-utils.js';
import type { EncryptionScheme } from '../../src/compute/scheme.js';
import { createEnclave, type SecretEnclave } from '../../src/enclave/enclave.js';
import { NetworkKeys } from '../../src/enclave/keys.js';
import type {
  Coin,
  ContractKeyInfo,
  EnclaveCall,
  EnclaveEnv,
  QuerierResponse,
  SigInfo,
  UntrustedQuerier,
} from '../../src/enclave/types.js';
import {
  MsgClearAdmin,
  MsgExecuteContract,
  MsgInstantiateContract,
  MsgMigrateContract,
  MsgUpdateAdmin,
} from '../../src/proto/secret/compute/v1beta1/msg.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import { loadFixture } from '../fixtures/index.js';

export const CHAIN_ID = 'secret-test-1';
export const SCHEMES: readonly EncryptionScheme[] = ['aes-256-gcm', 'aes-siv'];

export function seedBytes(fill: number): Uint8Array {
  return new Uint8Array(32).fill(fill);
}

export function sha256(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(b).digest());
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export function b64(b: Uint8Array): string {
  return Buffer.from(b).toString('base64');
}

export function fromB64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function text(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

export function toBech32(bytes: Uint8Array): string {
  return bech32.encode('secret', bech32.toWords(bytes), 1023);
}

/** An account: secp256k1 signing key plus an X25519 I/O key for the chain's scheme. */
export class User {
  readonly privkey: Uint8Array;
  readonly pubkey: Uint8Array;
  readonly address: string;
  readonly canonical: Uint8Array;
  readonly io: EncryptionUtils;

  constructor(seed: number, ioPubkey: Uint8Array, scheme: EncryptionScheme) {
    this.privkey = sha256(new Uint8Array([seed, 1]));
    this.pubkey = secp256k1.getPublicKey(this.privkey, true);
    this.canonical = ripemd160(sha256(this.pubkey));
    this.address = toBech32(this.canonical);
    this.io = new EncryptionUtils({ ioPubkey, seed: sha256(new Uint8Array([seed, 2])), scheme });
  }

  /** Encrypt a message for a contract (deterministic nonce derived from `nonceSeed`). */
  encrypt(codeHash: Uint8Array, msg: object, nonceSeed = 0): Uint8Array {
    return this.io.encryptSync(hex(codeHash), msg, sha256(new Uint8Array([nonceSeed, 3])));
  }

  /** Sign a SIGN_MODE_DIRECT tx with the given messages. */
  sign(messages: { typeUrl: string; value: Uint8Array }[], accountNumber = 7n): SigInfo {
    const bodyBytes = TxBody.encode(TxBody.fromPartial({ messages, memo: '' })).finish();
    const authInfoBytes = AuthInfo.encode(
      AuthInfo.fromPartial({
        signerInfos: [
          {
            publicKey: {
              typeUrl: '/cosmos.crypto.secp256k1.PubKey',
              value: PubKey.encode({ key: this.pubkey }).finish(),
            },
            modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
            sequence: 0n,
          },
        ],
        fee: { amount: [], gasLimit: 200000n },
      }),
    ).finish();
    const signBytes = SignDoc.encode(
      SignDoc.fromPartial({ bodyBytes, authInfoBytes, chainId: CHAIN_ID, accountNumber }),
    ).finish();
    const signature = secp256k1.sign(signBytes, this.privkey, { prehash: true, lowS: true });
    const txBytes = TxRaw.encode(
      TxRaw.fromPartial({ bodyBytes, authInfoBytes, signatures: [signature] }),
    ).finish();
    return { txBytes, signBytes, signMode: 'SIGN_MODE_DIRECT', publicKey: this.pubkey, signature };
  }

  signInstantiate(msg: Uint8Array, funds: Coin[] = [], admin = ''): SigInfo {
    return this.sign([
      {
        typeUrl: '/secret.compute.v1beta1.MsgInstantiateContract',
        value: MsgInstantiateContract.encode(
          MsgInstantiateContract.fromPartial({
            sender: this.canonical,
            codeId: 1n,
            label: 'x',
            initMsg: msg,
            initFunds: funds,
            admin,
          }),
        ).finish(),
      },
    ]);
  }

  signExecute(contract: Uint8Array, msg: Uint8Array, funds: Coin[] = []): SigInfo {
    return this.sign([
      {
        typeUrl: '/secret.compute.v1beta1.MsgExecuteContract',
        value: MsgExecuteContract.encode(
          MsgExecuteContract.fromPartial({ sender: this.canonical, contract, msg, sentFunds: funds }),
        ).finish(),
      },
    ]);
  }

  signMigrate(contract: string, msg: Uint8Array): SigInfo {
    return this.sign([
      {
        typeUrl: '/secret.compute.v1beta1.MsgMigrateContract',
        value: MsgMigrateContract.encode(
          MsgMigrateContract.fromPartial({ sender: this.address, contract, codeId: 2n, msg }),
        ).finish(),
      },
    ]);
  }

  signUpdateAdmin(contract: string, newAdmin: string): SigInfo {
    return newAdmin === ''
      ? this.sign([
          {
            typeUrl: '/secret.compute.v1beta1.MsgClearAdmin',
            value: MsgClearAdmin.encode(
              MsgClearAdmin.fromPartial({ sender: this.address, contract }),
            ).finish(),
          },
        ])
      : this.sign([
          {
            typeUrl: '/secret.compute.v1beta1.MsgUpdateAdmin',
            value: MsgUpdateAdmin.encode(
              MsgUpdateAdmin.fromPartial({ sender: this.address, contract, newAdmin }),
            ).finish(),
          },
        ]);
  }
}

/** A stored code. */
export interface Code {
  readonly wasm: Uint8Array;
  readonly codeHash: Uint8Array;
}

export function code(name: string): Code {
  const wasm = loadFixture(name);
  return { wasm, codeHash: sha256(wasm) };
}

/** A deployed contract as the keeper would track it. */
export interface Deployed {
  code: Code;
  address: string;
  canonical: Uint8Array;
  store: MemoryStore;
  key: ContractKeyInfo;
  adminProof: Uint8Array;
}

export function contractAddress(n: number): { address: string; canonical: Uint8Array } {
  const canonical = sha256(new Uint8Array([n, 9])).slice(0, 20);
  return { address: toBech32(canonical), canonical };
}

/** A querier that must not be called. */
export const NO_QUERIER: UntrustedQuerier = {
  query(): QuerierResponse {
    throw new Error('querier not expected to be called');
  },
};

/** The test chain: one enclave, block context, deployed contracts by address. */
export class TestChain {
  readonly enclave: SecretEnclave;
  readonly contracts = new Map<string, Deployed>();
  height = 100n;
  timeNanos = 1_700_000_000_000_000_000n;
  random: Uint8Array | undefined = undefined;
  gasLimit = 1_000_000_000n;

  constructor(
    readonly scheme: EncryptionScheme,
    seeds: readonly Uint8Array[] = [seedBytes(7)],
  ) {
    this.enclave = createEnclave({ keys: NetworkKeys.fromSeeds(seeds), ioScheme: scheme });
  }

  env(
    contract: string,
    sender: string,
    funds: Coin[] = [],
    key?: ContractKeyInfo,
    queryDepth = 0,
  ): EnclaveEnv {
    return {
      block: {
        height: this.height,
        timeNanos: this.timeNanos,
        chainId: CHAIN_ID,
        ...(this.random === undefined ? {} : { random: this.random }),
      },
      message: { sender, sentFunds: funds },
      contract: { address: contract },
      ...(key === undefined ? {} : { contractKey: key }),
      queryDepth,
      ...(queryDepth > 0 ? {} : { transaction: { index: 0, hash: 'AB'.repeat(32) } }),
    };
  }

  /** Routes `wasm.smart` queries to deployed contracts through the enclave, like the keeper's plugin. */
  querier(depth: number): UntrustedQuerier {
    return {
      query: (request, { gasLimit, queryDepth }): QuerierResponse => {
        const req = JSON.parse(text(request)) as {
          wasm?: { smart?: { contract_addr: string; msg: string } };
        };
        const smart = req.wasm?.smart;
        if (smart === undefined)
          return { response: utf8('{"Err":{"unsupported_request":{"kind":"x"}}}'), gasUsed: 0n };
        const c = this.contracts.get(smart.contract_addr);
        if (c === undefined) {
          return {
            response: utf8(`{"Err":{"no_such_contract":{"addr":"${smart.contract_addr}"}}}`),
            gasUsed: 0n,
          };
        }
        void depth;
        const res = this.enclave.query(
          {
            code: c.code,
            env: this.env(c.address, '', [], c.key, queryDepth),
            store: c.store,
            querier: this.querier(queryDepth),
            gasLimit,
          },
          fromB64(smart.msg),
        );
        if (res.ok)
          return { response: utf8(`{"Ok":{"Ok":"${b64(res.output.data)}"}}`), gasUsed: res.gasUsed };
        const e = res.error;
        const msg = e.kind === 'contract' ? `${e.message}: query contract failed` : e.error.message;
        return {
          response: utf8(JSON.stringify({ Ok: { Err: { generic_err: { msg } } } })),
          gasUsed: res.gasUsed,
        };
      },
    };
  }

  call(c: Deployed, sender: string, funds: Coin[] = [], sigInfo?: SigInfo): EnclaveCall {
    return {
      code: c.code,
      env: this.env(c.address, sender, funds, c.key),
      store: c.store,
      querier: this.querier(0),
      gasLimit: this.gasLimit,
      ...(sigInfo === undefined ? {} : { sigInfo }),
    };
  }

  /** Instantiate `codeObj` at address #n as `user`; throws if it fails. */
  instantiate(codeObj: Code, n: number, user: User, initMsg: object, admin = ''): Deployed {
    const { address, canonical } = contractAddress(n);
    const msg = user.encrypt(codeObj.codeHash, initMsg, n);
    const store = new MemoryStore();
    const res = this.enclave.init(
      {
        code: codeObj,
        env: this.env(address, user.address),
        store,
        querier: this.querier(0),
        gasLimit: this.gasLimit,
        sigInfo: user.signInstantiate(msg, [], admin),
      },
      msg,
      admin,
    );
    if (!res.ok) throw new Error(`init failed: ${JSON.stringify(res.error, replacer)}`);
    const d: Deployed = {
      code: codeObj,
      address,
      canonical,
      store,
      key: { og: res.output.contractKey },
      adminProof: res.output.adminProof,
    };
    this.contracts.set(address, d);
    return d;
  }
}

/** JSON.stringify replacer for bytes/bigint, for test diagnostics. */
export function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Uint8Array) return `0x${hex(v)}`;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Error) return { name: v.name, message: v.message };
  return v;
}

/** Every byte/string in a value, flattened to text forms (utf8, hex, base64) for leak checks. */
export function allTextForms(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 20) return;
    if (v instanceof Uint8Array) {
      parts.push(Buffer.from(v).toString('latin1'), hex(v), b64(v));
    } else if (typeof v === 'string') {
      parts.push(v);
    } else if (v instanceof Error) {
      parts.push(v.name, v.message, String(v.stack));
      walk(v.cause, depth + 1);
      for (const k of Object.keys(v)) walk((v as unknown as Record<string, unknown>)[k], depth + 1);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
    } else if (typeof v === 'object' && v !== null) {
      for (const x of Object.values(v)) walk(x, depth + 1);
    } else {
      parts.push(String(v));
    }
  };
  walk(value, 0);
  return parts.join('\n');
}
