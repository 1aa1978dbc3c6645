/**
 * The dispatcher table (every reply_on × callee outcome × nesting) end to end: real enclave, exerciser-v1 as
 * caller and callee, exerciser-v010 as the nested callee (so the nested rows cross ABIs).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { b64, Chain, type Contract, snapshot, type User } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

type ReplyOn = 'never' | 'success' | 'error' | 'always';
type Outcome = 'ok' | 'fail';
type Nesting = 'direct' | 'nested';

function expected(
  replyOn: ReplyOn,
  outcome: Outcome,
  nesting: Nesting,
): { txOk: boolean; reply?: 'ok' | 'error' } {
  if (outcome === 'ok')
    return { txOk: true, ...(replyOn === 'success' || replyOn === 'always' ? { reply: 'ok' as const } : {}) };
  if (replyOn === 'never' || replyOn === 'success') return { txOk: false };
  // a failure below the callee carries no encrypted reply info: Secret aborts ("an sdk error occurred …")
  if (nesting === 'nested') return { txOk: false };
  return { txOk: true, reply: 'error' };
}

function wasmExec(target: Contract, cmd: unknown, v010 = false) {
  const hashKey = v010 ? 'callback_code_hash' : 'code_hash';
  return {
    wasm: {
      execute: {
        contract_addr: target.address,
        [hashKey]: hex(target.codeHash),
        msg: b64(JSON.stringify(cmd)),
        send: [],
      },
    },
  };
}

describe('dispatch table end to end', () => {
  let chain: Chain;
  let alice: User;
  let v1: { codeId: bigint; codeHash: Uint8Array };
  let v010: { codeId: bigint; codeHash: Uint8Array };
  let n = 0;

  before(async () => {
    chain = new Chain();
    alice = chain.user(1);
    v1 = await chain.storeCode(alice, 'exerciser-v1');
    v010 = await chain.storeCode(alice, 'exerciser-v010');
  });

  const get = async (c: Contract, key: string) =>
    (JSON.parse(await chain.query(alice, c, { get: { key } })) as { value: string | null }).value;

  for (const replyOn of ['never', 'success', 'error', 'always'] as const) {
    for (const outcome of ['ok', 'fail'] as const) {
      for (const nesting of ['direct', 'nested'] as const) {
        const spec = expected(replyOn, outcome, nesting);
        it(`reply_on ${replyOn}, callee ${outcome}, ${nesting}: ${spec.txOk ? 'commits' : 'reverts'}${spec.reply ? `, reply ${spec.reply}` : ''}`, async () => {
          n++;
          const a = await chain.instantiate(alice, v1, {}, `A${n}`);
          const b = await chain.instantiate(alice, v1, {}, `B${n}`);
          const c = await chain.instantiate(alice, v010, {}, `C${n}`);
          await chain.execute(alice, a, { set_reply: { echo_result_data: true } });
          const bCmd =
            nesting === 'direct'
              ? outcome === 'ok'
                ? {
                    multi: {
                      cmds: [{ set: { key: 'b', value: '1' } }, { respond: { data: b64('from-b') } }],
                    },
                  }
                : { multi: { cmds: [{ set: { key: 'b', value: '1' } }, { fail: { msg: 'boom' } }] } }
              : {
                  multi: {
                    cmds: [
                      { set: { key: 'b', value: '1' } },
                      {
                        respond: {
                          data: b64('from-b'),
                          messages: [
                            {
                              id: 0,
                              reply_on: 'never',
                              gas_limit: null,
                              msg: wasmExec(
                                c,
                                outcome === 'ok'
                                  ? { set: { key: 'c', value: '1' } }
                                  : { fail: { msg: 'deep boom' } },
                                false,
                              ),
                            },
                          ],
                        },
                      },
                    ],
                  },
                };
          const cmd = {
            multi: {
              cmds: [
                { set: { key: 'a', value: '1' } },
                {
                  respond: {
                    data: b64('from-a'),
                    messages: [{ id: 7, reply_on: replyOn, gas_limit: null, msg: wasmExec(b, bCmd) }],
                  },
                },
              ],
            },
          };
          const before = snapshot(chain.store);
          if (!spec.txOk) {
            await assert.rejects(() => chain.execute(alice, a, cmd), { name: 'ComputeError' });
            assert.deepEqual(snapshot(chain.store), before, 'a failed tx leaves the store byte-identical');
            return;
          }
          const { wire, data } = await chain.execute(alice, a, cmd);
          assert.equal(await get(a, 'a'), '1');
          assert.equal(await get(b, 'b'), outcome === 'ok' ? '1' : null);
          if (nesting === 'nested') assert.equal(await get(c, 'c'), outcome === 'ok' ? '1' : null);
          const last = await get(a, 'reply/last');
          if (spec.reply === undefined) {
            assert.equal(last, null);
            assert.equal(chain.decryptData(alice, wire, data), 'from-a');
            return;
          }
          const reply = JSON.parse(last ?? 'null') as {
            id: number;
            result: { ok?: { events: unknown[]; data: string | null }; error?: string };
          };
          assert.equal(reply.id, 7);
          if (spec.reply === 'ok') {
            assert.deepEqual(reply.result.ok, { events: [], data: b64('from-b') });
            assert.equal(chain.decryptData(alice, wire, data), 'from-b', 'last non-nil reply data wins');
          } else {
            assert.match(reply.result.error ?? '', /boom/);
            assert.equal(chain.decryptData(alice, wire, data), 'from-a');
          }
        });
      }
    }
  }
});
