// Wire interop with the real secret.js client: what it encodes we decode field for field, and what we encode
// its (independently generated, protobufjs-based) decoders read back.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { base64 } from '@scure/base';
import * as sjsMsg from 'secretjs/dist/protobuf/secret/compute/v1beta1/msg.js';
import * as sjsQuery from 'secretjs/dist/protobuf/secret/compute/v1beta1/query.js';
import * as sjsRegMsg from 'secretjs/dist/protobuf/secret/registration/v1beta1/msg.js';

import { COMPUTE_TYPE_URLS, decodeComputeMsg } from '../../src/compute/messages.js';
import {
  MsgClearAdmin,
  MsgExecuteContract,
  MsgInstantiateContract,
  MsgMigrateContract,
  MsgStoreCode,
  MsgUpdateAdmin,
} from '../../src/proto/secret/compute/v1beta1/msg.js';
import {
  QuerySecretContractRequest,
  QuerySecretContractResponse,
} from '../../src/proto/secret/compute/v1beta1/query.js';
import { RaAuthenticate } from '../../src/proto/secret/registration/v1beta1/msg.js';
import {
  ADMIN,
  CODE_HASH,
  CONTRACT,
  CONTRACT_RAW,
  encryptionUtils,
  type SecretjsSample,
  secretjsSamples,
  SENDER,
  SENDER_RAW,
  WASM_GZ,
} from './secretjs-fixtures.js';

let samples: SecretjsSample[];
const sample = (name: string): SecretjsSample => {
  const s = samples.find((x) => x.name === name);
  assert.ok(s, name);
  return s;
};

/** Checks the secret.js wire layout `nonce(32) ‖ pubkey(32) ‖ AES-SIV(code_hash ‖ json)` of an encrypted input. */
function assertEncryptedInput(b: Uint8Array): void {
  // 16-byte SIV tag + 64 hex chars of code hash + at least "{}".
  assert.ok(b.length >= 32 + 32 + 16 + 64 + 2, `encrypted input too short: ${b.length}`);
  assert.deepEqual(b.subarray(32, 64), encryptionUtils().pubkey);
}

describe('secret.js → our generated decoders', () => {
  before(async () => {
    samples = await secretjsSamples();
  });

  it('MsgExecuteContract: every field', () => {
    const s = sample('execute');
    assert.equal(s.typeUrl, COMPUTE_TYPE_URLS.MsgExecuteContract);
    const m = decodeComputeMsg(COMPUTE_TYPE_URLS.MsgExecuteContract, s.proto);
    assert.deepEqual(m.sender, SENDER_RAW);
    assert.deepEqual(m.contract, CONTRACT_RAW);
    assertEncryptedInput(m.msg);
    assert.deepEqual(m.sentFunds, [
      { denom: 'uscrt', amount: '1000000' },
      { denom: 'ibc/ABCD', amount: '7' },
    ]);
    assert.equal(m.callbackCodeHash, '');
    assert.equal(m.callbackSig.length, 0);
    // The same bytes through secret.js' own decoder give the same ciphertext.
    assert.deepEqual(m.msg, sjsMsg.MsgExecuteContract.decode(s.proto).msg);
    // Canonical encoding: re-encoding our decoded message reproduces secret.js' bytes exactly.
    assert.deepEqual(MsgExecuteContract.encode(m).finish(), s.proto);
  });

  it('MsgExecuteContract without funds', () => {
    const s = sample('execute (no funds)');
    const m = decodeComputeMsg(COMPUTE_TYPE_URLS.MsgExecuteContract, s.proto);
    assert.deepEqual(m.sentFunds, []);
    assert.deepEqual(MsgExecuteContract.encode(m).finish(), s.proto);
  });

  it('MsgInstantiateContract: every field, including max uint64 code id and a non-ASCII label', () => {
    const s = sample('instantiate');
    assert.equal(s.typeUrl, COMPUTE_TYPE_URLS.MsgInstantiateContract);
    const m = decodeComputeMsg(COMPUTE_TYPE_URLS.MsgInstantiateContract, s.proto);
    assert.deepEqual(m.sender, SENDER_RAW);
    assert.equal(m.codeId, 18446744073709551615n);
    assert.equal(m.label, 'my token 🚀');
    assertEncryptedInput(m.initMsg);
    assert.deepEqual(m.initFunds, [{ denom: 'uscrt', amount: '5' }]);
    assert.equal(m.admin, ADMIN);
    assert.equal(m.callbackCodeHash, '');
    assert.equal(m.callbackSig.length, 0);
    assert.deepEqual(MsgInstantiateContract.encode(m).finish(), s.proto);
  });

  it('MsgStoreCode: every field', () => {
    const s = sample('store code');
    const m = decodeComputeMsg(COMPUTE_TYPE_URLS.MsgStoreCode, s.proto);
    assert.deepEqual(m, {
      sender: SENDER_RAW,
      wasmByteCode: new Uint8Array(WASM_GZ),
      source: 'https://github.com/scrtlabs/secret-template',
      builder: 'enigmampc/secret-contract-optimizer:1.0.10',
    });
    assert.deepEqual(MsgStoreCode.encode(m).finish(), s.proto);
  });

  it('MsgMigrateContract, MsgUpdateAdmin, MsgClearAdmin (bech32 string addresses)', () => {
    const mig = decodeComputeMsg(COMPUTE_TYPE_URLS.MsgMigrateContract, sample('migrate').proto);
    assert.equal(mig.sender, SENDER);
    assert.equal(mig.contract, CONTRACT);
    assert.equal(mig.codeId, 42n);
    assertEncryptedInput(mig.msg);
    assert.deepEqual(MsgMigrateContract.encode(mig).finish(), sample('migrate').proto);

    const ua = decodeComputeMsg(COMPUTE_TYPE_URLS.MsgUpdateAdmin, sample('update admin').proto);
    assert.deepEqual(ua, {
      sender: SENDER,
      newAdmin: ADMIN,
      contract: CONTRACT,
      callbackSig: new Uint8Array(0),
    });
    assert.deepEqual(MsgUpdateAdmin.encode(ua).finish(), sample('update admin').proto);

    const ca = decodeComputeMsg(COMPUTE_TYPE_URLS.MsgClearAdmin, sample('clear admin').proto);
    assert.deepEqual(ca, { sender: SENDER, contract: CONTRACT, callbackSig: new Uint8Array(0) });
    assert.deepEqual(MsgClearAdmin.encode(ca).finish(), sample('clear admin').proto);
  });

  it('QuerySecretContractRequest built by secret.js', async () => {
    const query = await encryptionUtils().encrypt(CODE_HASH, { balance: { address: SENDER, key: 'vk' } });
    const bytes = new Uint8Array(
      sjsQuery.QuerySecretContractRequest.encode({ contract_address: CONTRACT, query }).finish(),
    );
    const m = QuerySecretContractRequest.decode(bytes);
    assert.equal(m.contractAddress, CONTRACT);
    assert.deepEqual(m.query, new Uint8Array(query));
    assert.deepEqual(QuerySecretContractRequest.encode(m).finish(), bytes);
  });
});

describe('our encoders → secret.js decoders', () => {
  it('MsgExecuteContract, including the internal callback fields secret.js never sets', () => {
    const ours = MsgExecuteContract.fromPartial({
      sender: SENDER_RAW,
      contract: CONTRACT_RAW,
      msg: Uint8Array.from({ length: 120 }, (_, i) => i),
      callbackCodeHash: CODE_HASH,
      sentFunds: [{ denom: 'uscrt', amount: '12345678901234567890' }],
      callbackSig: new Uint8Array(32).fill(9),
    });
    const theirs = sjsMsg.MsgExecuteContract.decode(MsgExecuteContract.encode(ours).finish());
    assert.deepEqual(
      { ...theirs, sender: [...theirs.sender], contract: [...theirs.contract] },
      {
        sender: [...SENDER_RAW],
        contract: [...CONTRACT_RAW],
        msg: ours.msg,
        callback_code_hash: CODE_HASH,
        sent_funds: [{ denom: 'uscrt', amount: '12345678901234567890' }],
        callback_sig: ours.callbackSig,
      },
    );
  });

  it('MsgInstantiateContract (uint64 code id beyond 2^53 survives as a string in secret.js)', () => {
    const ours = MsgInstantiateContract.fromPartial({
      sender: SENDER_RAW,
      callbackCodeHash: '',
      codeId: 9007199254740993n,
      label: 'label',
      initMsg: new Uint8Array([1, 2, 3]),
      initFunds: [
        { denom: 'a', amount: '1' },
        { denom: 'b', amount: '2' },
      ],
      admin: ADMIN,
    });
    const theirs = sjsMsg.MsgInstantiateContract.decode(MsgInstantiateContract.encode(ours).finish());
    assert.equal(theirs.code_id, '9007199254740993');
    assert.equal(theirs.label, 'label');
    assert.deepEqual([...theirs.init_msg], [1, 2, 3]);
    assert.deepEqual(theirs.init_funds, ours.initFunds);
    assert.equal(theirs.admin, ADMIN);
    assert.deepEqual([...theirs.sender], [...SENDER_RAW]);
  });

  it('MsgStoreCode and MsgMigrateContract', () => {
    const store = MsgStoreCode.fromPartial({
      sender: SENDER_RAW,
      wasmByteCode: WASM_GZ,
      source: 's',
      builder: 'b',
    });
    const s = sjsMsg.MsgStoreCode.decode(MsgStoreCode.encode(store).finish());
    assert.deepEqual([...s.wasm_byte_code], [...WASM_GZ]);
    assert.equal(s.source, 's');
    assert.equal(s.builder, 'b');

    const mig = MsgMigrateContract.fromPartial({
      sender: SENDER,
      contract: CONTRACT,
      codeId: 7n,
      msg: new Uint8Array([5]),
      callbackSig: new Uint8Array([1]),
      callbackCodeHash: 'h',
    });
    const m = sjsMsg.MsgMigrateContract.decode(MsgMigrateContract.encode(mig).finish());
    assert.deepEqual(
      { sender: m.sender, contract: m.contract, code_id: m.code_id, cch: m.callback_code_hash },
      { sender: SENDER, contract: CONTRACT, code_id: '7', cch: 'h' },
    );
    assert.deepEqual([...m.msg, ...m.callback_sig], [5, 1]);
  });

  it('QuerySecretContractRequest/Response', () => {
    const req = QuerySecretContractRequest.encode({
      contractAddress: CONTRACT,
      query: new Uint8Array([1, 2]),
    }).finish();
    const r = sjsQuery.QuerySecretContractRequest.decode(req);
    assert.equal(r.contract_address, CONTRACT);
    assert.deepEqual([...r.query], [1, 2]);
    // The node answers with base64 of the encrypted result in `data` (spec §2.8): bytes survive untouched.
    const data = base64.decode('AAECAwQ=');
    const resp = sjsQuery.QuerySecretContractResponse.decode(
      QuerySecretContractResponse.encode({ data }).finish(),
    );
    assert.deepEqual([...resp.data], [...data]);
  });

  it('registration RaAuthenticate: secret.js ignores the newer replace_machine_id field, reads the rest', () => {
    const ra = RaAuthenticate.fromPartial({
      sender: SENDER_RAW,
      certificate: new Uint8Array([2, 4, 0, 0, 0, 1, 2, 3, 4]),
      replaceMachineId: 'm1',
    });
    const theirs = sjsRegMsg.RaAuthenticate.decode(RaAuthenticate.encode(ra).finish());
    assert.deepEqual([...theirs.sender], [...SENDER_RAW]);
    assert.deepEqual([...theirs.certificate], [...ra.certificate]);
    // And the reverse: secret.js' encoding is a valid RaAuthenticate for us.
    const back = RaAuthenticate.decode(new Uint8Array(sjsRegMsg.RaAuthenticate.encode(theirs).finish()));
    assert.deepEqual(back, { ...ra, replaceMachineId: '' });
  });
});
