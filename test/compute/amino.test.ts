import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { makeSignDoc, type Secp256k1HdWallet as AminoWallet, serializeSignDoc } from '@cosmjs/amino';
import { Secp256k1HdWallet } from '@cosmjs/amino';
import { stringToPath } from '@cosmjs/crypto';
import { Registry } from '@cosmjs/proto-signing';
import { AminoTypes, SigningStargateClient } from '@cosmjs/stargate';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { AuthInfo, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';

import { COMPUTE_AMINO_TYPES, createComputeAminoConverters } from '../../src/compute/amino.js';
import { COMPUTE_TYPE_URLS, computeTypes, decodeComputeMsg } from '../../src/compute/messages.js';
import { isProtoDecodeError } from '../../src/compute/proto-errors.js';
import {
  MsgExecuteContract,
  MsgInstantiateContract,
  MsgMigrateContract,
  MsgUpdateAdmin,
} from '../../src/proto/secret/compute/v1beta1/msg.js';
import { type SecretjsSample, secretjsSamples, SENDER_RAW } from '../proto/secretjs-fixtures.js';

const converters = createComputeAminoConverters();
const aminoTypes = new AminoTypes(converters);
/** JSON as it is signed: `undefined` members vanish. */
const json = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

let samples: SecretjsSample[];

describe('amino converters against the JSON secret.js produces', () => {
  before(async () => {
    samples = await secretjsSamples();
  });

  it('covers exactly the six wasm/* amino messages', () => {
    assert.deepEqual(Object.keys(converters).sort(), [
      COMPUTE_TYPE_URLS.MsgClearAdmin,
      COMPUTE_TYPE_URLS.MsgExecuteContract,
      COMPUTE_TYPE_URLS.MsgInstantiateContract,
      COMPUTE_TYPE_URLS.MsgMigrateContract,
      COMPUTE_TYPE_URLS.MsgStoreCode,
      COMPUTE_TYPE_URLS.MsgUpdateAdmin,
    ]);
    for (const [url, c] of Object.entries(converters))
      assert.equal(c.aminoType, `wasm/${url.split('.').pop()}`);
    assert.equal(COMPUTE_AMINO_TYPES.MsgExecuteContract, 'wasm/MsgExecuteContract');
  });

  it('toAmino(our decode of secret.js protobuf) === secret.js toAmino, and fromAmino inverts it', () => {
    assert.equal(samples.length, 9);
    for (const s of samples) {
      const ours = decodeComputeMsg(s.typeUrl, s.proto);
      // Through cosmjs' AminoTypes, as SigningStargateClient uses the converters.
      assert.deepEqual(json(aminoTypes.toAmino({ typeUrl: s.typeUrl, value: ours })), s.amino, s.name);
      const back = aminoTypes.fromAmino(s.amino);
      assert.equal(back.typeUrl, s.typeUrl, s.name);
      assert.deepEqual(back.value, ours, s.name);
    }
  });

  it('the amino sign bytes equal those of the same message built by secret.js', () => {
    for (const s of samples) {
      const ours = aminoTypes.toAmino({ typeUrl: s.typeUrl, value: decodeComputeMsg(s.typeUrl, s.proto) });
      const fee = { amount: [{ denom: 'uscrt', amount: '1' }], gas: '1' };
      const a = serializeSignDoc(makeSignDoc([ours], fee, 'secret-4', '', 1, 2));
      const b = serializeSignDoc(makeSignDoc([s.amino], fee, 'secret-4', '', 1, 2));
      assert.deepEqual(a, b, s.name);
    }
  });

  it('internal callback fields are kept when set, so the signature covers them', () => {
    const m = MsgExecuteContract.fromPartial({
      sender: SENDER_RAW,
      contract: SENDER_RAW,
      msg: new Uint8Array([1]),
      callbackCodeHash: 'ab',
      callbackSig: new Uint8Array([7, 7]),
    });
    const a = aminoTypes.toAmino({ typeUrl: COMPUTE_TYPE_URLS.MsgExecuteContract, value: m });
    assert.deepEqual(json(a.value), {
      sender: 'AQIDBAUGBwgJCgsMDQ4PEBESExQ=',
      contract: 'AQIDBAUGBwgJCgsMDQ4PEBESExQ=',
      msg: 'AQ==',
      sent_funds: [],
      callback_code_hash: 'ab',
      callback_sig: 'Bwc=',
    });
    assert.deepEqual(aminoTypes.fromAmino(a).value, m);
    for (const [typeUrl, value] of [
      [
        COMPUTE_TYPE_URLS.MsgInstantiateContract,
        MsgInstantiateContract.fromPartial({ callbackSig: new Uint8Array([1]), callbackCodeHash: 'h' }),
      ],
      [
        COMPUTE_TYPE_URLS.MsgMigrateContract,
        MsgMigrateContract.fromPartial({ callbackSig: new Uint8Array([1]), callbackCodeHash: 'h' }),
      ],
      [COMPUTE_TYPE_URLS.MsgUpdateAdmin, MsgUpdateAdmin.fromPartial({ callbackSig: new Uint8Array([1]) })],
    ] as const) {
      assert.deepEqual(aminoTypes.fromAmino(aminoTypes.toAmino({ typeUrl, value })).value, value, typeUrl);
    }
  });
});

describe('fromAmino rejects malformed JSON with BAD_AMINO', () => {
  const exec = converters[COMPUTE_TYPE_URLS.MsgExecuteContract];
  const inst = converters[COMPUTE_TYPE_URLS.MsgInstantiateContract];
  const good = { sender: 'AQ==', contract: 'Ag==', msg: 'Aw==', sent_funds: [] };
  const bad = (c: typeof exec, value: unknown, re: RegExp): void =>
    assert.throws(
      () => c?.fromAmino(value),
      (e: unknown) =>
        isProtoDecodeError(e, 'BAD_AMINO') && e.name === 'ProtoDecodeError' && re.test(e.message),
    );

  it('wrong shapes', () => {
    assert.ok(exec && inst);
    bad(exec, null, /JSON object/);
    bad(exec, [], /JSON object/);
    bad(exec, { ...good, sender: undefined }, /"sender" must be a string/);
    bad(exec, { ...good, msg: 'not base64!' }, /"msg" is not valid base64/);
    bad(exec, { ...good, sent_funds: 'uscrt' }, /array of coins/);
    bad(exec, { ...good, sent_funds: [{ denom: 'u' }] }, /"amount" must be a string/);
    const i = { sender: 'AQ==', code_id: '1', label: 'l', init_funds: [] };
    assert.equal((inst.fromAmino(i) as MsgInstantiateContract).codeId, 1n);
    for (const codeId of ['-1', '1.5', '01', '', '18446744073709551616', 1]) {
      bad(inst, { ...i, code_id: codeId }, /code_id/);
    }
    assert.equal(
      (inst.fromAmino({ ...i, code_id: '18446744073709551615' }) as MsgInstantiateContract).codeId,
      18446744073709551615n,
    );
  });
});

describe('legacy amino signing end to end (SigningStargateClient + Secp256k1HdWallet)', () => {
  it('signs a secret.js-shaped MsgExecuteContract; a node-side check rebuilds the sign doc from protobuf and verifies', async () => {
    const wallet: AminoWallet = await Secp256k1HdWallet.fromMnemonic(
      'economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone',
      { prefix: 'secret', hdPaths: [stringToPath("m/44'/529'/0'/0/0")] },
    );
    const [account] = await wallet.getAccounts();
    assert.ok(account);
    const s = samples.find((x) => x.name === 'execute');
    assert.ok(s);
    const client = await SigningStargateClient.offline(wallet, {
      registry: new Registry(computeTypes),
      aminoTypes,
    });
    const fee = { amount: [{ denom: 'uscrt', amount: '2500' }], gas: '100000' };
    const value = decodeComputeMsg(COMPUTE_TYPE_URLS.MsgExecuteContract, s.proto);
    const txRaw = await client.sign(account.address, [{ typeUrl: s.typeUrl, value }], fee, 'm', {
      accountNumber: 4n,
      sequence: 9,
      chainId: 'secret-4',
    });
    const tx = TxRaw.decode(TxRaw.encode(txRaw).finish());
    const body = TxBody.decode(tx.bodyBytes);
    const authInfo = AuthInfo.decode(tx.authInfoBytes);
    assert.equal(authInfo.signerInfos[0]?.modeInfo?.single?.mode, 127); // SIGN_MODE_LEGACY_AMINO_JSON
    const any = body.messages[0];
    assert.ok(any);
    // The body message went protobuf → amino → protobuf inside cosmjs; it must be byte-identical to secret.js'.
    assert.deepEqual(any.value, s.proto);

    // What a node does: decode, convert to amino JSON, rebuild the sign doc, verify.
    const msg = aminoTypes.toAmino({ typeUrl: any.typeUrl, value: decodeComputeMsg(any.typeUrl, any.value) });
    assert.deepEqual(json(msg), s.amino);
    const signBytes = serializeSignDoc(makeSignDoc([msg], fee, 'secret-4', 'm', 4, 9));
    const sig = tx.signatures[0];
    assert.ok(sig);
    assert.equal(secp256k1.verify(sig, sha256(signBytes), account.pubkey, { prehash: false }), true);
  });
});
