import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

import { sha256 } from '@noble/hashes/sha2.js';

import { toBech32 } from '../../src/keeper/address.js';
import { LocalBlockContext } from '../../src/keeper/block-context.js';
import { ComputeErrors } from '../../src/keeper/errors.js';
import { exportGenesis, initGenesis } from '../../src/keeper/genesis.js';
import { codeKey, randomKey } from '../../src/keeper/keys.js';
import { compileGas, DEFAULT_PARAMS } from '../../src/keeper/params.js';
import { MemoryStore } from '../../src/state/index.js';
import { fakeWasm } from './helpers/fake-enclave.js';
import { assert, execMsg, json, setup, snapshot, text } from './helpers/setup.js';

describe('storeCode', () => {
  it('assigns ids from 1, hashes the uncompressed code and charges the compile cost', () => {
    const h = setup();
    const wasm = fakeWasm('exerciser');
    const store = (upload: Uint8Array) => h.run((ctx) => h.keeper.storeCode(ctx, h.alice, upload));
    const a = store(wasm);
    const b = store(new Uint8Array(gzipSync(wasm)));
    assert.equal(b.result.codeId, a.result.codeId + 1n);
    assert.deepEqual(b.result.codeHash, sha256(wasm));
    assert.equal(a.gasUsed, compileGas(DEFAULT_PARAMS, wasm.length));
    assert.equal(compileGas(DEFAULT_PARAMS, 1000), 800n);
    assert.ok(h.store.has(codeKey(a.result.codeId)));
  });

  it('rejects oversize code (code 31) and invalid wasm (code 15) without state change', () => {
    const h = setup();
    const before = snapshot(h.store);
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set(fakeWasm('x'));
    assert.throws(() => h.run((ctx) => h.keeper.storeCode(ctx, h.alice, big)), {
      name: 'ComputeError',
      code: 31,
      message: 'max contract size exceeded',
    });
    assert.deepEqual(snapshot(h.store), before);
    // gzip: the limit applies to the uncompressed size (params.max_contract_size)
    h.run((ctx) =>
      h.keeper.updateParams(ctx, toBech32(new Uint8Array(20).fill(99)), {
        compileCost: '0.8',
        maxContractSize: 100n,
      }),
    );
    const afterParams = snapshot(h.store);
    const padded = new Uint8Array(200);
    padded.set(fakeWasm('x'));
    assert.throws(() => h.run((ctx) => h.keeper.storeCode(ctx, h.alice, new Uint8Array(gzipSync(padded)))), {
      code: 31,
    });
    assert.deepEqual(snapshot(h.store), afterParams);
    assert.throws(() => h.run((ctx) => h.keeper.storeCode(ctx, h.alice, json({ not: 'wasm' }))), {
      name: 'ComputeError',
      code: 15,
      message: 'Error during static Wasm validation: not a fake contract: create contract failed',
    });
    assert.deepEqual(snapshot(h.store), afterParams);
  });
});

describe('instantiate', () => {
  it('enforces label uniqueness, stores info/history/index/key/label and emits events', () => {
    const h = setup();
    const code = h.store_();
    const res = h.run((ctx) =>
      h.keeper.instantiate(ctx, code, h.alice, '', json({ set: { key: 'a', value: 'b' } }), 'L', []),
    );
    const addr = toBech32(res.result.address);
    assert.deepEqual(
      res.events.map((e) => e.type),
      ['instantiate', 'wasm'],
    );
    assert.deepEqual(res.events[0]?.attributes, [
      { key: 'contract_address', value: addr },
      { key: 'code_id', value: code.toString() },
    ]);
    const info = h.keeper.getContractInfo(res.result.address);
    assert.equal(info?.label, 'L');
    assert.equal(info?.codeId, code);
    assert.equal(h.get(res.result.address, 'a'), 'b');
    const before = snapshot(h.store);
    assert.throws(() => h.instantiate(code, 'L'), {
      name: 'ComputeError',
      code: 6,
      message: 'L: contract account already exists',
    });
    assert.throws(() => h.instantiate(99n, 'other'), {
      name: 'ComputeError',
      code: 9,
      message: 'code: not found',
    });
    assert.deepEqual(snapshot(h.store), before);
  });

  it('moves the deposit and reports contract errors in the Go wrap shape', () => {
    const h = setup();
    const code = h.store_();
    const r = h.run((ctx) =>
      h.keeper.instantiate(ctx, code, h.alice, '', json({}), 'D', [{ denom: 'uscrt', amount: '25' }]),
    );
    assert.equal(
      h.run((ctx) => h.bank.getBalance(ctx, toBech32(r.result.address), 'uscrt')).result.amount,
      '25',
    );
    const before = snapshot(h.store);
    assert.throws(
      () => h.instantiate(code, 'E', { fail: 'nope' }),
      (e: Error & { code: number }) => {
        assert.equal(
          e.message,
          `encrypted: ${Buffer.from('nope').toString('base64')}: instantiate contract failed`,
        );
        return e.code === 2;
      },
    );
    assert.deepEqual(snapshot(h.store), before);
  });
});

describe('execute', () => {
  it('fails for an unknown contract with contract: not found', () => {
    const h = setup();
    assert.throws(() => h.execute(new Uint8Array(20).fill(7), {}), {
      name: 'ComputeError',
      code: 9,
      message: 'contract: not found',
    });
  });

  it('passes env with block random from 0xFF‖LE64(height), tx index/hash and sender', () => {
    const h = setup();
    const code = h.store_();
    const c = h.instantiate(code, 'R');
    h.keeper.beginBlock();
    const b = h.keeper.block.current();
    assert.deepEqual(h.store.get(randomKey(b.height)), b.random);
    const env = JSON.parse(text(h.execute(c, { env: {} }).result.data) ?? '') as Json;
    assert.equal(env.block.height, b.height.toString());
    assert.equal(env.block.random, Buffer.from(b.random!).toString('base64'));
    assert.equal(env.message.sender, toBech32(h.alice));
    assert.deepEqual(env.transaction, { index: 0, hash: h.tx.hash });
    assert.equal(env.queryDepth, 0);
  });

  it('validates custom events (code 21) and emits wasm-<type> with contract_address first', () => {
    const h = setup();
    const code = h.store_();
    const c = h.instantiate(code, 'EV');
    const ok = h.execute(c, {
      respond: {
        attributes: [{ key: 'a', value: '1' }],
        events: [{ type: ' transfer ', attributes: [{ key: ' k ', value: ' v ' }] }],
      },
    });
    assert.deepEqual(ok.result.data, null);
    assert.deepEqual(
      ok.events.map((e) => [e.type, e.attributes.map((a) => `${a.key}=${a.value}`)]),
      [
        ['execute', [`contract_address=${toBech32(c)}`]],
        ['wasm', [`contract_address=${toBech32(c)}`, 'a=1']],
        ['wasm-transfer', [`contract_address=${toBech32(c)}`, 'k=v']],
      ],
    );
    const cases: [unknown, string][] = [
      [{ type: 'ab', attributes: [] }, "Event type too short: 'ab': invalid event"],
      [
        { type: 'abc', attributes: [{ key: ' ', value: 'x' }] },
        'Empty attribute key. Value: x: invalid event',
      ],
      [
        { type: 'abc', attributes: [{ key: 'k', value: ' ' }] },
        'Empty attribute value. Key: k: invalid event',
      ],
      [
        { type: 'abc', attributes: [{ key: '_k', value: 'v' }] },
        "Attribute key starts with reserved prefix _: '_k': invalid event",
      ],
    ];
    for (const [ev, msg] of cases) {
      assert.throws(() => h.execute(c, { respond: { events: [ev] } }), {
        name: 'ComputeError',
        code: ComputeErrors.InvalidEvent.code,
        message: msg,
      });
    }
  });
});

describe('query', () => {
  it('runs read-only with depth 1 and sender "" and rejects writes (code 4) leaving state identical', () => {
    const h = setup();
    const code = h.store_();
    const c = h.instantiate(code, 'Q', { set: { key: 'k', value: 'v' } });
    const env = JSON.parse(text(h.keeper.query(c, json({ env: {} }))) ?? '') as Json;
    assert.equal(env.queryDepth, 1);
    assert.equal(env.message.sender, '');
    assert.equal(env.transaction, undefined);
    const before = snapshot(h.store);
    assert.throws(() => h.keeper.query(c, json({ write: { key: 'k', value: 'w' } })), {
      name: 'ComputeError',
      code: 4,
      message:
        'Execution error: Enclave: contract tried to write to storage during a query: query contract failed',
    });
    assert.deepEqual(snapshot(h.store), before);
  });

  it('consecutive queries each see their own contract, key, block and depth (the env is reused only when equal)', () => {
    const block = new LocalBlockContext({ chainId: 'env-1' });
    const h = setup({ block });
    const code = h.store_();
    const c1 = h.instantiate(code, 'E1');
    const c2 = h.instantiate(code, 'E2');
    const envOf = (c: Uint8Array) => JSON.parse(text(h.keeper.query(c, json({ env: {} }))) ?? '') as Json;
    const a = envOf(c1);
    assert.deepEqual(envOf(c1), a);
    assert.equal(a.contract.address, toBech32(c1));
    const b = envOf(c2);
    assert.equal(b.contract.address, toBech32(c2));
    assert.notEqual(b.contractKey.og, a.contractKey.og);
    block.nextBlock();
    const d = envOf(c1);
    assert.equal(BigInt(d.block.height as string), BigInt(a.block.height as string) + 1n);
    assert.notEqual(d.block.timeNanos, a.block.timeNanos);
    assert.equal(d.contract.address, a.contract.address);
    assert.equal(envOf(c1).block.height, d.block.height);
  });

  it('bank, contract_info and wasm smart plugins answer in Go casing; unknown kinds are unsupported', () => {
    const h = setup();
    const code = h.store_();
    const a = h.instantiate(code, 'QA');
    const b = h.instantiate(code, 'QB', { set: { key: 'x', value: 'y' } });
    const ask = (req: unknown) =>
      JSON.parse(text(h.execute(a, { query_chain: req }).result.data) ?? '') as Json;
    const bal = ask({ bank: { balance: { address: toBech32(h.alice), denom: 'uscrt' } } });
    assert.deepEqual(JSON.parse(Buffer.from(bal.Ok.Ok as string, 'base64').toString()), {
      amount: { denom: 'uscrt', amount: '1000000' },
    });
    const info = ask({ wasm: { contract_info: { contract_addr: toBech32(b) } } });
    assert.deepEqual(JSON.parse(Buffer.from(info.Ok.Ok as string, 'base64').toString()), {
      code_id: Number(code),
      creator: toBech32(h.alice),
      admin: '',
      pinned: false,
    });
    assert.deepEqual(ask({ custom: {} }), { Err: { unsupported_request: { kind: 'custom' } } });
    assert.deepEqual(
      ask({ wasm: { smart: { contract_addr: toBech32(new Uint8Array(20).fill(3)), msg: '' } } }),
      {
        Err: { no_such_contract: { addr: toBech32(new Uint8Array(20).fill(3)) } },
      },
    );
    const smart = h.execute(a, { query_other: { contract_addr: toBech32(b), msg: { get: { key: 'x' } } } });
    assert.equal(text(smart.result.data), 'y');
  });
});

describe('genesis', () => {
  it('round-trips: export → import into an empty store → export is identical and contracts keep working', () => {
    const h = setup();
    const code = h.store_();
    const c = h.instantiate(code, 'G1', { set: { key: 'k', value: 'v1' } }, toBech32(h.alice));
    h.instantiate(code, 'G2', { set: { key: 'k', value: 'v2' } });
    h.run((ctx) =>
      h.keeper.updateParams(ctx, toBech32(new Uint8Array(20).fill(99)), {
        compileCost: '1.5',
        maxContractSize: 1000n,
      }),
    );
    const g = exportGenesis(h.store);
    assert.equal(g.codes.length, 1);
    assert.equal(g.contracts.length, 2);
    assert.equal(g.params?.compileCost, '1500000000000000000');
    const fresh = new MemoryStore();
    initGenesis(fresh, g);
    assert.deepEqual(exportGenesis(fresh), g);
    // contract state and keys were imported: the contract still answers, and ids continue after the genesis ones
    const h2 = setup();
    initGenesis(h2.store, g);
    assert.equal(h2.get(c, 'k'), 'v1');
    assert.equal(h2.store_(), code + 1n);
  });

  it('rejects a bad genesis without writing anything', () => {
    const h = setup();
    const code = h.store_();
    h.instantiate(code, 'G1');
    const g = exportGenesis(h.store);
    const bad = structuredClone(g);
    bad.codes[0]!.codeBytes = new Uint8Array([1, 2, 3]);
    const fresh = new MemoryStore();
    assert.throws(() => initGenesis(fresh, bad), { name: 'ComputeError', code: 8 });
    const dupe = structuredClone(g);
    dupe.contracts.push(dupe.contracts[0]!);
    assert.throws(() => initGenesis(fresh, dupe), { name: 'ComputeError', code: 8 });
    const seq = structuredClone(g);
    seq.sequences.push({ idKey: Uint8Array.of(0x02, 1), value: 1n });
    assert.throws(() => initGenesis(fresh, seq), { name: 'ComputeError', code: 8 });
    assert.deepEqual(snapshot(fresh), []);
  });
});

void execMsg;

/* eslint-disable-next-line @typescript-eslint/no-explicit-any -- env/query JSON read loosely in assertions */
type Json = Record<string, any>;

describe('gas', () => {
  it('charges 20,000 SDK gas per call plus wasm gas / 1000 + 1', async () => {
    const { FAKE_CALL_GAS } = await import('./helpers/fake-enclave.js');
    const h = setup();
    const code = h.store_();
    const c = h.instantiate(code, 'GAS');
    assert.equal(h.execute(c, {}).gasUsed, 20_000n + FAKE_CALL_GAS / 1000n + 1n);
  });
});

describe('pluggable routing', () => {
  it('routes staking messages through the MessageRouter with the contract as signer', () => {
    const routed: { typeUrl: string; signer: string }[] = [];
    const h = setup({
      router: {
        route: (ctx, msg) => {
          routed.push({ typeUrl: msg.typeUrl, signer: msg.signer });
          ctx.emit({ type: 'delegate', attributes: [{ key: 'validator', value: 'v' }] });
          return {};
        },
      },
    });
    const code = h.store_();
    const c = h.instantiate(code, 'S');
    const r = h.execute(c, {
      respond: {
        messages: [
          { msg: { staking: { delegate: { validator: 'v', amount: { denom: 'uscrt', amount: '5' } } } } },
        ],
      },
    });
    assert.deepEqual(routed, [{ typeUrl: '/cosmos.staking.v1beta1.MsgDelegate', signer: toBech32(c) }]);
    assert.ok(r.events.some((e) => e.type === 'delegate'));
  });

  it('answers custom queries through a plugin', () => {
    const h = setup({ queryPlugins: { custom: (_ctx, req) => ({ echoed: req }) } });
    const code = h.store_();
    const c = h.instantiate(code, 'CQ');
    const out = JSON.parse(
      text(h.execute(c, { query_chain: { custom: { ping: 1 } } }).result.data) ?? '',
    ) as Json;
    assert.deepEqual(JSON.parse(Buffer.from(out.Ok.Ok as string, 'base64').toString()), {
      echoed: { ping: 1 },
    });
  });
});

describe('IBC port binding', () => {
  it('binds wasm.<addr> for code with IBC entry points and refuses migrating it to code without them', () => {
    const h = setup({
      analyzeCode: (w) => ({ hasIbcEntryPoints: new TextDecoder().decode(w) === 'fake:ibc' }),
    });
    const ibcCode = h.store_('ibc');
    const plainCode = h.store_('plain');
    const c = h.instantiate(ibcCode, 'I', {}, toBech32(h.alice));
    assert.equal(h.keeper.getContractInfo(c)?.ibcPortId, `wasm.${toBech32(c)}`);
    const info = JSON.parse(
      text(
        h.execute(c, { query_chain: { wasm: { contract_info: { contract_addr: toBech32(c) } } } }).result
          .data,
      ) ?? '',
    ) as Json;
    assert.equal(
      JSON.parse(Buffer.from(info.Ok.Ok as string, 'base64').toString()).ibc_port,
      `wasm.${toBech32(c)}`,
    );
    const before = snapshot(h.store);
    assert.throws(() => h.run((ctx) => h.keeper.migrate(ctx, c, h.alice, plainCode, json({}))), {
      name: 'ComputeError',
      code: 5,
      message: 'requires ibc callbacks: migrate contract failed',
    });
    assert.deepEqual(snapshot(h.store), before);
    // a plain contract migrated to IBC code gets its port bound
    const p = h.instantiate(plainCode, 'P', {}, toBech32(h.alice));
    assert.equal(h.keeper.getContractInfo(p)?.ibcPortId, '');
    h.run((ctx) => h.keeper.migrate(ctx, p, h.alice, ibcCode, json({})));
    assert.equal(h.keeper.getContractInfo(p)?.ibcPortId, `wasm.${toBech32(p)}`);
  });
});

describe('runTx', () => {
  it('reports the gas a failed tx consumed', async () => {
    const { txGasUsedOf } = await import('../../src/keeper/keeper.js');
    const h = setup();
    const code = h.store_();
    const c = h.instantiate(code, 'F');
    assert.throws(
      () => h.execute(c, { fail: 'x' }),
      (e: unknown) => txGasUsedOf(e) === 20_000n + 100n + 1n,
    );
    assert.throws(
      () => h.execute(c, { burn: 10_000_000_000 }, 50_000n),
      (e: unknown) => txGasUsedOf(e) === 50_000n,
    );
  });
});
