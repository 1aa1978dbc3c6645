import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { stringToPath } from '@cosmjs/crypto';
import { DirectSecp256k1HdWallet, type EncodeObject, makeSignBytes, Registry } from '@cosmjs/proto-signing';
import { defaultRegistryTypes, SigningStargateClient } from '@cosmjs/stargate';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bech32 } from '@scure/base';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { AuthInfo, SignDoc, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';

import {
  COMPUTE_PROTO_PACKAGE,
  COMPUTE_TYPE_URLS,
  computeTypes,
  decodeComputeMsg,
  isMsgClearAdminEncodeObject,
  isMsgExecuteContractEncodeObject,
  isMsgInstantiateContractEncodeObject,
  isMsgMigrateContractEncodeObject,
  isMsgStoreCodeEncodeObject,
  isMsgUpdateAdminEncodeObject,
  isMsgUpdateParamsEncodeObject,
  isRaAuthenticateEncodeObject,
  type MsgExecuteContractEncodeObject,
  REGISTRATION_TYPE_URLS,
  registrationTypes,
} from '../../src/compute/messages.js';
import { isProtoDecodeError } from '../../src/compute/proto-errors.js';
import {
  type MessageFns,
  MsgClientImpl,
  MsgExecuteContract,
  MsgUpdateParams,
} from '../../src/proto/secret/compute/v1beta1/msg.js';
import { RaAuthenticate } from '../../src/proto/secret/registration/v1beta1/msg.js';
import { populated } from '../proto/wire-helpers.js';

// A throwaway test mnemonic (never funded); Secret's HD path uses coin type 529.
const MNEMONIC =
  'economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone';
const SECRET_HD_PATH = stringToPath("m/44'/529'/0'/0/0");
const CHAIN_ID = 'secret-4';
// Key derivation from a mnemonic costs ~0.7 s (BIP39 PBKDF2): derive once for the file.
let walletPromise: Promise<DirectSecp256k1HdWallet> | undefined;
const testWallet = (): Promise<DirectSecp256k1HdWallet> =>
  (walletPromise ??= DirectSecp256k1HdWallet.fromMnemonic(MNEMONIC, {
    prefix: 'secret',
    hdPaths: [SECRET_HD_PATH],
  }));

describe('registry tables', () => {
  it('computeTypes has one entry per Msg service RPC (plus the legacy MsgMigrateContractProposal)', () => {
    // RPC names from the generated client: its prototype has one method per `rpc` in msg.proto.
    const rpcs = Object.getOwnPropertyNames(MsgClientImpl.prototype).filter((n) => n !== 'constructor');
    assert.equal(rpcs.length, 12);
    const urls = computeTypes.map(([u]) => u);
    for (const rpc of rpcs) assert.ok(urls.includes(`/${COMPUTE_PROTO_PACKAGE}.Msg${rpc}`), rpc);
    assert.ok(urls.includes('/secret.compute.v1beta1.MsgMigrateContractProposal'));
    assert.equal(new Set(urls).size, urls.length);
    assert.equal(urls.length, 13);
    for (const [url, type] of computeTypes) {
      assert.equal(url, COMPUTE_TYPE_URLS[url.split('.').pop() as keyof typeof COMPUTE_TYPE_URLS]);
      assert.equal(typeof type.decode, 'function');
    }
    assert.deepEqual(registrationTypes, [['/secret.registration.v1beta1.RaAuthenticate', RaAuthenticate]]);
  });

  it('every table entry round-trips through a cosmjs Registry, and decodeComputeMsg agrees', () => {
    const registry = new Registry([...computeTypes, ...registrationTypes]);
    for (const [typeUrl, type] of [...computeTypes, ...registrationTypes]) {
      const value = populated(type as unknown as MessageFns<unknown>);
      const bytes = registry.encode({ typeUrl, value });
      assert.ok(bytes.length > 0);
      assert.deepEqual(decodeComputeMsg(typeUrl, bytes), value);
      assert.deepEqual(registry.decode({ typeUrl, value: bytes }), value);
    }
  });

  it('EncodeObject guards', () => {
    const guards = [
      [isMsgStoreCodeEncodeObject, COMPUTE_TYPE_URLS.MsgStoreCode],
      [isMsgInstantiateContractEncodeObject, COMPUTE_TYPE_URLS.MsgInstantiateContract],
      [isMsgExecuteContractEncodeObject, COMPUTE_TYPE_URLS.MsgExecuteContract],
      [isMsgMigrateContractEncodeObject, COMPUTE_TYPE_URLS.MsgMigrateContract],
      [isMsgUpdateAdminEncodeObject, COMPUTE_TYPE_URLS.MsgUpdateAdmin],
      [isMsgClearAdminEncodeObject, COMPUTE_TYPE_URLS.MsgClearAdmin],
      [isMsgUpdateParamsEncodeObject, COMPUTE_TYPE_URLS.MsgUpdateParams],
      [isRaAuthenticateEncodeObject, REGISTRATION_TYPE_URLS.RaAuthenticate],
    ] as const;
    for (const [guard, url] of guards) {
      for (const [, other] of guards) assert.equal(guard({ typeUrl: other, value: {} }), other === url);
      assert.equal(guard({ typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract', value: {} }), false);
    }
    const o: EncodeObject = {
      typeUrl: COMPUTE_TYPE_URLS.MsgExecuteContract,
      value: { msg: new Uint8Array([1]) },
    };
    if (isMsgExecuteContractEncodeObject(o)) assert.deepEqual(o.value.msg, new Uint8Array([1]));
    else assert.fail('guard');
  });
});

describe('a signed transaction carrying MsgExecuteContract (cosmjs direct signing)', () => {
  it('signs with DirectSecp256k1HdWallet, encodes TxRaw, decodes back, verifies the signature', async () => {
    const wallet = await testWallet();
    const [account] = await wallet.getAccounts();
    assert.ok(account);
    assert.ok(account.address.startsWith('secret1'));
    const senderRaw = Uint8Array.from(
      bech32.fromWords(bech32.decode(account.address as `${string}1${string}`).words),
    );

    const registry = new Registry([...defaultRegistryTypes, ...computeTypes]);
    const execute: MsgExecuteContractEncodeObject = {
      typeUrl: COMPUTE_TYPE_URLS.MsgExecuteContract,
      value: {
        sender: senderRaw,
        contract: new Uint8Array(20).fill(0xcc),
        msg: Uint8Array.from({ length: 150 }, (_, i) => (i * 31) & 0xff),
        sentFunds: [{ denom: 'uscrt', amount: '1000' }],
      },
    };
    const client = await SigningStargateClient.offline(wallet, { registry });
    const fee = { amount: [{ denom: 'uscrt', amount: '2500' }], gas: '100000' };
    const txRaw = await client.sign(account.address, [execute], fee, 'memo', {
      accountNumber: 7n,
      sequence: 3,
      chainId: CHAIN_ID,
    });
    const txBytes = TxRaw.encode(txRaw).finish();

    // Decode the wire bytes with cosmjs-types only (no shared objects with the signing path).
    const tx = TxRaw.decode(txBytes);
    const body = TxBody.decode(tx.bodyBytes);
    const authInfo = AuthInfo.decode(tx.authInfoBytes);
    assert.equal(body.memo, 'memo');
    assert.equal(body.messages.length, 1);
    const any = body.messages[0];
    assert.ok(any);
    assert.equal(any.typeUrl, '/secret.compute.v1beta1.MsgExecuteContract');
    assert.deepEqual(
      decodeComputeMsg(COMPUTE_TYPE_URLS.MsgExecuteContract, any.value),
      MsgExecuteContract.fromPartial(execute.value),
    );

    // Verify the signature over SignDoc(bodyBytes, authInfoBytes, chainId, accountNumber).
    const signer = authInfo.signerInfos[0];
    assert.ok(signer?.publicKey);
    assert.equal(signer.publicKey.typeUrl, '/cosmos.crypto.secp256k1.PubKey');
    assert.equal(signer.sequence, 3n);
    const pubkey = PubKey.decode(signer.publicKey.value).key;
    assert.deepEqual(pubkey, account.pubkey);
    const signBytes = makeSignBytes(
      SignDoc.fromPartial({
        bodyBytes: tx.bodyBytes,
        authInfoBytes: tx.authInfoBytes,
        chainId: CHAIN_ID,
        accountNumber: 7n,
      }),
    );
    const signature = tx.signatures[0];
    assert.ok(signature);
    assert.equal(signature.length, 64);
    assert.equal(secp256k1.verify(signature, sha256(signBytes), pubkey, { prehash: false }), true);
    // A changed message would not verify: the signature covers our encoding of the compute message.
    const tampered = TxBody.encode({
      ...body,
      messages: [
        {
          typeUrl: any.typeUrl,
          value: MsgExecuteContract.encode({
            ...MsgExecuteContract.decode(any.value),
            msg: new Uint8Array([1]),
          }).finish(),
        },
      ],
    }).finish();
    const tamperedSignBytes = makeSignBytes(
      SignDoc.fromPartial({
        bodyBytes: tampered,
        authInfoBytes: tx.authInfoBytes,
        chainId: CHAIN_ID,
        accountNumber: 7n,
      }),
    );
    assert.equal(secp256k1.verify(signature, sha256(tamperedSignBytes), pubkey, { prehash: false }), false);
  });

  it('a MsgUpdateParams (nested non-null Params) survives the same path', async () => {
    const wallet = await testWallet();
    const [account] = await wallet.getAccounts();
    assert.ok(account);
    const registry = new Registry(computeTypes);
    const value = {
      authority: account.address,
      params: { compileCost: '0.800000000000000000', maxContractSize: 2097152n },
    };
    const client = await SigningStargateClient.offline(wallet, { registry });
    const txRaw = await client.sign(
      account.address,
      [{ typeUrl: COMPUTE_TYPE_URLS.MsgUpdateParams, value }],
      { amount: [], gas: '200000' },
      '',
      { accountNumber: 0n, sequence: 0, chainId: CHAIN_ID },
    );
    const any = TxBody.decode(TxRaw.decode(TxRaw.encode(txRaw).finish()).bodyBytes).messages[0];
    assert.ok(any);
    assert.deepEqual(
      decodeComputeMsg(COMPUTE_TYPE_URLS.MsgUpdateParams, any.value),
      MsgUpdateParams.fromPartial(value),
    );
  });

  it('a message truncated inside a signed body is a typed error, not a shorter message', () => {
    const bytes = MsgExecuteContract.encode(
      MsgExecuteContract.fromPartial({
        sender: new Uint8Array(20).fill(1),
        msg: new Uint8Array(100).fill(2),
      }),
    ).finish();
    assert.throws(
      () => decodeComputeMsg(COMPUTE_TYPE_URLS.MsgExecuteContract, bytes.subarray(0, bytes.length - 10)),
      (e: unknown) => isProtoDecodeError(e, 'TRUNCATED') && e.name === 'ProtoDecodeError',
    );
  });
});
