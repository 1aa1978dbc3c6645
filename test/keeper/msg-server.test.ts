import { describe, it } from 'node:test';

import { fromBech32, toBech32 } from '../../src/keeper/address.js';
import type { TxResult } from '../../src/keeper/keeper.js';
import { createMsgServer } from '../../src/keeper/msg-server.js';
import { createQueryServer } from '../../src/keeper/query-server.js';
import { fakeWasm } from './helpers/fake-enclave.js';
import { assert, json, setup, snapshot, user } from './helpers/setup.js';

function services() {
  const h = setup();
  const results: [string, TxResult<unknown>][] = [];
  const msgs = createMsgServer(h.keeper, { tx: () => h.tx, onResult: (rpc, r) => results.push([rpc, r]) });
  const queries = createQueryServer(h.keeper);
  return { h, msgs, queries, results };
}

const EMPTY = new Uint8Array(0);

describe('MsgServer', () => {
  it('StoreCode emits the message events and validates like ValidateBasic', async () => {
    const { h, msgs, results } = services();
    const r = await msgs.StoreCode({
      sender: h.alice,
      wasmByteCode: fakeWasm('exerciser'),
      source: '',
      builder: '',
    });
    assert.equal(r.codeId, 1n);
    const alice = toBech32(h.alice);
    assert.deepEqual(results[0]?.[1].events, [
      {
        type: 'message',
        attributes: [
          { key: 'module', value: 'compute' },
          { key: 'sender', value: alice },
          { key: 'signer', value: alice },
        ],
      },
      { type: 'message', attributes: [{ key: 'code_id', value: '1' }] },
    ]);
    await assert.rejects(msgs.StoreCode({ sender: h.alice, wasmByteCode: EMPTY, source: '', builder: '' }), {
      name: 'ComputeError',
      codespace: 'sdk',
      code: 18,
    });
    await assert.rejects(
      msgs.StoreCode({ sender: h.alice, wasmByteCode: fakeWasm('x'), source: 'http://x.org/a', builder: '' }),
      { code: 18 },
    );
    await assert.rejects(
      msgs.StoreCode({ sender: h.alice, wasmByteCode: fakeWasm('x'), source: '', builder: 'Bad Builder' }),
      { code: 18 },
    );
    await assert.rejects(
      msgs.StoreCode({ sender: EMPTY, wasmByteCode: fakeWasm('x'), source: '', builder: '' }),
      { code: 7 },
    );
    await msgs.StoreCode({
      sender: h.alice,
      wasmByteCode: fakeWasm('x'),
      source: 'https://github.com/x/y',
      builder: 'enigmampc/secret-contract-optimizer:1.0.10',
    });
  });

  it('InstantiateContract / ExecuteContract return data and emit message{module,sender,contract_address}', async () => {
    const { h, msgs, results } = services();
    await msgs.StoreCode({ sender: h.alice, wasmByteCode: fakeWasm('exerciser'), source: '', builder: '' });
    const base = {
      sender: h.alice,
      callbackCodeHash: '',
      codeId: 1n,
      initFunds: [],
      callbackSig: EMPTY,
      admin: '',
    };
    await assert.rejects(msgs.InstantiateContract({ ...base, label: '', initMsg: json({}) }), {
      code: 11,
      message: 'label is required: empty',
    });
    await assert.rejects(msgs.InstantiateContract({ ...base, label: 'x'.repeat(513), initMsg: json({}) }), {
      code: 12,
    });
    await assert.rejects(
      msgs.InstantiateContract({
        ...base,
        label: 'L',
        initMsg: json({}),
        initFunds: [{ denom: 'uscrt', amount: '0' }],
      }),
      {
        codespace: 'sdk',
        code: 10,
        message: '0uscrt: invalid coins',
      },
    );
    const inst = await msgs.InstantiateContract({
      ...base,
      label: 'L',
      initMsg: json({ respond: { data: 'hello' } }),
    });
    assert.equal(new TextDecoder().decode(inst.data), 'hello');
    const last = results.at(-1)?.[1].events.at(-1);
    assert.deepEqual(last, {
      type: 'message',
      attributes: [
        { key: 'module', value: 'compute' },
        { key: 'sender', value: toBech32(h.alice) },
        { key: 'contract_address', value: inst.address },
      ],
    });
    const contract = fromBech32(inst.address);
    const ex = await msgs.ExecuteContract({
      sender: h.alice,
      contract,
      msg: json({ respond: { data: 'x' } }),
      callbackCodeHash: '',
      sentFunds: [],
      callbackSig: EMPTY,
    });
    assert.equal(new TextDecoder().decode(ex.data), 'x');
    assert.equal(results.at(-1)?.[1].events[0]?.type, 'message');
  });

  it('UpdateAdmin / ClearAdmin / UpdateParams and the unsupported governance RPCs', async () => {
    const { h, msgs, queries } = services();
    await msgs.StoreCode({ sender: h.alice, wasmByteCode: fakeWasm('exerciser'), source: '', builder: '' });
    const alice = toBech32(h.alice);
    const bob = toBech32(user(2));
    const inst = await msgs.InstantiateContract({
      sender: h.alice,
      callbackCodeHash: '',
      codeId: 1n,
      label: 'A',
      initMsg: json({}),
      initFunds: [],
      callbackSig: EMPTY,
      admin: alice,
    });
    await assert.rejects(
      msgs.UpdateAdmin({ sender: alice, newAdmin: alice, contract: inst.address, callbackSig: EMPTY }),
      {
        message: 'new admin is the same as the old: invalid CosmosMsg from the contract',
      },
    );
    await msgs.UpdateAdmin({ sender: alice, newAdmin: bob, contract: inst.address, callbackSig: EMPTY });
    assert.equal((await queries.ContractInfo({ contractAddress: inst.address })).contractInfo?.admin, bob);
    await assert.rejects(msgs.ClearAdmin({ sender: alice, contract: inst.address, callbackSig: EMPTY }), {
      codespace: 'sdk',
      code: 4,
      message: 'caller is not the admin: unauthorized',
    });
    await msgs.ClearAdmin({ sender: bob, contract: inst.address, callbackSig: EMPTY });
    assert.equal((await queries.ContractInfo({ contractAddress: inst.address })).contractInfo?.admin, '');

    const before = snapshot(h.store);
    await assert.rejects(
      msgs.UpdateParams({
        authority: alice,
        params: { compileCost: '1000000000000000000', maxContractSize: 5n },
      }),
      { code: 4 },
    );
    assert.deepEqual(snapshot(h.store), before);
    await msgs.UpdateParams({
      authority: toBech32(user(99)),
      params: { compileCost: '2000000000000000000', maxContractSize: 5n },
    });
    assert.deepEqual((await queries.Params({})).params, {
      compileCost: '2000000000000000000',
      maxContractSize: 5n,
    });

    await assert.rejects(
      msgs.UpgradeProposalPassed({ senderAddress: alice, mrEnclaveHash: new Uint8Array(32) }),
      { codespace: 'sdk', code: 37 },
    );
    await assert.rejects(msgs.SetContractGovernance({ sender: alice, contractAddress: inst.address }), {
      code: 37,
    });
  });
});

describe('QueryServer', () => {
  it('answers the classic RPCs and rejects the non-SGX-sync ones', async () => {
    const { h, msgs, queries } = services();
    await msgs.StoreCode({ sender: h.alice, wasmByteCode: fakeWasm('exerciser'), source: '', builder: '' });
    await msgs.StoreCode({ sender: h.alice, wasmByteCode: fakeWasm('other'), source: '', builder: '' });
    const inst = await msgs.InstantiateContract({
      sender: h.alice,
      callbackCodeHash: '',
      codeId: 1n,
      label: 'the-label',
      initMsg: json({}),
      initFunds: [],
      callbackSig: EMPTY,
      admin: '',
    });
    const codes = await queries.Codes({});
    assert.deepEqual(
      codes.codeInfos.map((c) => c.codeId),
      [1n, 2n],
    );
    assert.match(codes.codeInfos[0]!.codeHash, /^[0-9a-f]{64}$/);
    assert.equal((await queries.CodeHashByCodeId({ codeId: 1n })).codeHash, codes.codeInfos[0]!.codeHash);
    assert.equal(
      (await queries.CodeHashByContractAddress({ contractAddress: inst.address })).codeHash,
      codes.codeInfos[0]!.codeHash,
    );
    assert.equal((await queries.LabelByAddress({ contractAddress: inst.address })).label, 'the-label');
    assert.equal((await queries.AddressByLabel({ label: 'the-label' })).contractAddress, inst.address);
    await assert.rejects(queries.AddressByLabel({ label: 'nope' }), { codespace: 'sdk', code: 9 });
    await assert.rejects(queries.Code({ codeId: 0n }), { code: 13, message: 'code id: invalid' });
    await assert.rejects(queries.Code({ codeId: 9n }), { code: 9 });
    assert.deepEqual((await queries.Code({ codeId: 2n })).wasm, fakeWasm('other'));
    const hist = await queries.ContractHistory({ contractAddress: inst.address });
    assert.equal(hist.entries.length, 1);
    const byCode = await queries.ContractsByCodeId({ codeId: 1n });
    assert.equal(byCode.contractInfos[0]?.contractAddress, inst.address);
    assert.equal(byCode.contractInfos[0]?.contractInfo?.created, undefined);
    await assert.rejects(queries.ContractInfo({ contractAddress: toBech32(user(5)) }), { code: 9 });
    await assert.rejects(queries.EcallRecord({ height: 1n }), { codespace: 'sdk', code: 37 });
    await assert.rejects(queries.BlockTraces({ height: 1n }), { code: 37 });
  });
});
