import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { queryChain } from '../../../src/runtime/imports/query.js';
import { MockQuerier } from '../../../src/testing/index.js';
import { enc, harness, json } from '../helpers.js';

const bankReq = { bank: { balance: { address: 'secret1x', denom: 'uscrt' } } };

describe('query_chain', () => {
  it('answers v1 contracts with {"ok":{"ok":b64}}', () => {
    const querier = new MockQuerier().setBalance('secret1x', [{ denom: 'uscrt', amount: '5' }]);
    const h = harness('v1', { backend: { querier } });
    const answer = JSON.parse(h.readStr(queryChain(h.inst.env, h.region(json(bankReq))))) as {
      ok: { ok: string };
    };
    assert.deepEqual(Object.keys(answer), ['ok']);
    assert.deepEqual(JSON.parse(Buffer.from(answer.ok.ok, 'base64').toString()), {
      amount: { denom: 'uscrt', amount: '5' },
    });
  });
  it('answers v0.10 contracts with {"Ok":{"Ok":b64}} and StdError objects', () => {
    const querier = new MockQuerier({ wasmSmart: () => ({ ok: { error: 'boom' } }) });
    const h = harness('v0.10', { backend: { querier } });
    const req = { wasm: { smart: { contract_addr: 'secret1y', callback_code_hash: 'ab', msg: 'e30=' } } };
    assert.equal(
      h.readStr(queryChain(h.inst.env, h.region(json(req)))),
      '{"Ok":{"Err":{"generic_err":{"msg":"boom"}}}}',
    );
    const h1 = harness('v1', { backend: { querier } });
    assert.equal(h1.readStr(queryChain(h1.inst.env, h1.region(json(req)))), '{"ok":{"error":"boom"}}');
  });
  it('passes system errors through per ABI', () => {
    const querier = new MockQuerier({ wasmSmart: (addr) => ({ error: { no_such_contract: { addr } } }) });
    const req = json({ wasm: { smart: { contract_addr: 'nope', msg: 'e30=' } } });
    const h = harness('v1', { backend: { querier } });
    assert.equal(
      h.readStr(queryChain(h.inst.env, h.region(req))),
      '{"error":{"no_such_contract":{"addr":"nope"}}}',
    );
    const h0 = harness('v0.10', { backend: { querier } });
    assert.equal(
      h0.readStr(queryChain(h0.inst.env, h0.region(req))),
      '{"Err":{"no_such_contract":{"addr":"nope"}}}',
    );
  });
  it('gives the querier the remaining gas and depth + 1, and charges its gas', () => {
    let seen: [bigint, number] | undefined;
    const querier = new MockQuerier({
      other: () => ({ ok: { ok: enc('{}') } }),
      gas: () => ({ cost: 0n, externallyUsed: 777n }),
    });
    const wrapped = {
      query(r: Uint8Array, limit: bigint, depth: number) {
        seen = [limit, depth];
        return querier.query(r, limit, depth);
      },
    };
    const h = harness('v1', { backend: { querier: wrapped }, gasLimit: 50_000n, queryDepth: 3 });
    queryChain(h.inst.env, h.region(json({ custom: {} })));
    assert.deepEqual(seen, [50_000n, 4]);
    assert.equal(h.gasUsed(), 777n);
    assert.equal(h.inst.env.externallyUsed, 777n);
  });
  it('returns ExceededRecursionLimit at depth 10 without calling the querier', () => {
    const querier = new MockQuerier();
    const h = harness('v1', { backend: { querier }, queryDepth: 10 });
    assert.equal(
      h.readStr(queryChain(h.inst.env, h.region(json(bankReq)))),
      '{"error":{"exceeded_recursion_limit":{}}}',
    );
    assert.equal(querier.requests.length, 0);
    const h9 = harness('v1', { backend: { querier: new MockQuerier() }, queryDepth: 9 });
    assert.match(h9.readStr(queryChain(h9.inst.env, h9.region(json(bankReq)))), /^\{"ok":/);
  });
  it('answers InvalidRequest (request echoed in base64) for non-JSON and charges 500', () => {
    const h = harness('v1', { backend: { querier: new MockQuerier() } });
    const answer = JSON.parse(h.readStr(queryChain(h.inst.env, h.region('not json'))));
    assert.equal(answer.error.invalid_request.request, Buffer.from('not json').toString('base64'));
    assert.equal(typeof answer.error.invalid_request.error, 'string');
    assert.equal(h.gasUsed(), 500n);
  });
  it('an unset mock handler throws "not expected to be called"', () => {
    const h = harness('v1', { backend: { querier: new MockQuerier() } });
    assert.throws(
      () => queryChain(h.inst.env, h.region(json({ staking: { bonded_denom: {} } }))),
      /not expected to be called/,
    );
  });
});
