import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { b64, Chain } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('contract to contract across ABIs (real enclave)', () => {
  it('a v1 contract calls a v0.10 contract, which calls back; the v1 caller gets its encrypted reply', async () => {
    const chain = new Chain();
    const alice = chain.user(1);
    const v1 = await chain.storeCode(alice, 'exerciser-v1');
    const v010 = await chain.storeCode(alice, 'exerciser-v010');
    const a = await chain.instantiate(alice, v1, {}, 'A-v1');
    const b = await chain.instantiate(alice, v010, {}, 'B-v010');
    await chain.execute(alice, a, { set_reply: { echo_result_data: true } });

    const back = { set: { key: 'back', value: 'from-b' } };
    const bCmd = {
      multi: {
        cmds: [
          { set: { key: 'from', value: 'a' } },
          {
            respond: {
              messages: [
                {
                  wasm: {
                    execute: {
                      contract_addr: a.address,
                      callback_code_hash: hex(a.codeHash),
                      msg: b64(JSON.stringify(back)),
                      send: [],
                    },
                  },
                },
              ],
              data: b64('b-data'),
            },
          },
        ],
      },
    };
    const { wire, data } = await chain.execute(alice, a, {
      respond: {
        messages: [
          {
            id: 5,
            reply_on: 'always',
            gas_limit: null,
            msg: {
              wasm: {
                execute: {
                  contract_addr: b.address,
                  code_hash: hex(b.codeHash),
                  msg: b64(JSON.stringify(bCmd)),
                  send: [],
                },
              },
            },
          },
        ],
      },
    });
    // B ran (v0.10), called A back (v1), and A's reply ran last with B's data
    assert.equal(await chain.query(alice, b, { get: { key: 'from' } }), '{"value":"a"}');
    assert.equal(await chain.query(alice, a, { get: { key: 'back' } }), '{"value":"from-b"}');
    const reply = JSON.parse(
      JSON.parse(await chain.query(alice, a, { get: { key: 'reply/last' } })).value as string,
    );
    assert.equal(reply.id, 5);
    assert.deepEqual(reply.result, { ok: { events: [], data: b64('b-data') } });
    // echo_result_data: the reply's data replaced A's response data
    assert.equal(chain.decryptData(alice, wire, data), 'b-data');
    const types = chain.events.map((e) => e.type);
    assert.deepEqual(
      types.filter((t) => t !== 'message'),
      ['execute', 'wasm', 'wasm', 'execute', 'wasm', 'reply', 'wasm'],
      'A executes, B (v0.10: no execute event) then A again, then A replies',
    );
  });

  it('a failing v0.10 callee is replied to with its decrypted error and its state is dropped', async () => {
    const chain = new Chain();
    const alice = chain.user(1);
    const v1 = await chain.storeCode(alice, 'exerciser-v1');
    const v010 = await chain.storeCode(alice, 'exerciser-v010');
    const a = await chain.instantiate(alice, v1, {}, 'A-v1');
    const b = await chain.instantiate(alice, v010, {}, 'B-v010');
    const bCmd = {
      multi: { cmds: [{ set: { key: 'from', value: 'a' } }, { fail: { msg: 'v010 says no' } }] },
    };
    await chain.execute(alice, a, {
      multi: {
        cmds: [
          { set: { key: 'mine', value: 'kept' } },
          {
            respond: {
              messages: [
                {
                  id: 9,
                  reply_on: 'error',
                  gas_limit: null,
                  msg: {
                    wasm: {
                      execute: {
                        contract_addr: b.address,
                        code_hash: hex(b.codeHash),
                        msg: b64(JSON.stringify(bCmd)),
                        send: [],
                      },
                    },
                  },
                },
              ],
            },
          },
        ],
      },
    });
    assert.equal(await chain.query(alice, a, { get: { key: 'mine' } }), '{"value":"kept"}');
    assert.equal(await chain.query(alice, b, { get: { key: 'from' } }), '{"value":null}');
    const reply = JSON.parse(
      JSON.parse(await chain.query(alice, a, { get: { key: 'reply/last' } })).value as string,
    );
    assert.equal(reply.id, 9);
    assert.match(reply.result.error as string, /v010 says no/);
  });
});
