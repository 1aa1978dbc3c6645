import { describe, it } from 'node:test';

import { toBech32 } from '../../src/keeper/address.js';
import { computeError, ComputeErrors, SdkErrors } from '../../src/keeper/errors.js';
import { marshalReply, redactError } from '../../src/keeper/msg-dispatcher.js';
import { assert, execMsg, type Harness, setup, snapshot, text, user } from './helpers/setup.js';

type Outcome = 'ok' | 'fail';
type ReplyOn = 'never' | 'success' | 'error' | 'always';
type Nesting = 'direct' | 'nested';

interface Spec {
  txOk: boolean;
  reply?: 'ok' | 'error';
}

/** Secret/wasmd semantics (spec §4.8): what happens to the caller for each reply_on × outcome. */
function expected(replyOn: ReplyOn, outcome: Outcome, nesting: Nesting): Spec {
  if (outcome === 'ok') {
    return { txOk: true, ...(replyOn === 'success' || replyOn === 'always' ? { reply: 'ok' as const } : {}) };
  }
  if (replyOn === 'never' || replyOn === 'success') return { txOk: false };
  // a failure inside the callee's own submessages carries no encrypted reply info: Secret aborts the whole call
  // ("an sdk error occurred while sending a sub-message"); the callee's own contract error is replied to.
  if (nesting === 'nested') return { txOk: false };
  return { txOk: true, reply: 'error' };
}

function deploy(h: Harness) {
  const code = h.store_();
  const a = h.instantiate(code, 'A');
  const b = h.instantiate(code, 'B');
  const c = h.instantiate(code, 'C');
  // A echoes the callee's data from its reply, so reply data replacing response data is visible
  h.execute(a, { set_reply: { echo: true } });
  return { a, b, c };
}

describe('DispatchSubmessages', () => {
  for (const replyOn of ['never', 'success', 'error', 'always'] as const) {
    for (const outcome of ['ok', 'fail'] as const) {
      for (const nesting of ['direct', 'nested'] as const) {
        const spec = expected(replyOn, outcome, nesting);
        it(`reply_on ${replyOn}, callee ${outcome}, ${nesting}: ${spec.txOk ? 'commits' : 'reverts'}${spec.reply ? `, reply ${spec.reply}` : ''}`, () => {
          const h = setup();
          const { a, b, c } = deploy(h);
          const calleeCmd =
            nesting === 'direct'
              ? outcome === 'ok'
                ? { multi: [{ set: { key: 'b', value: '1' } }, { respond: { data: 'from-b' } }] }
                : { multi: [{ set: { key: 'b', value: '1' } }, { fail: 'boom' }] }
              : {
                  multi: [
                    { set: { key: 'b', value: '1' } },
                    {
                      respond: {
                        data: 'from-b',
                        messages: [
                          execMsg(
                            c,
                            outcome === 'ok' ? { set: { key: 'c', value: '1' } } : { fail: 'deep boom' },
                          ),
                        ],
                      },
                    },
                  ],
                };
          const before = snapshot(h.store);
          const run = () =>
            h.execute(a, {
              multi: [
                { set: { key: 'a', value: '1' } },
                { respond: { data: 'from-a', messages: [execMsg(b, calleeCmd, replyOn, 7)] } },
              ],
            });
          if (!spec.txOk) {
            assert.throws(run, (e: Error & { codespace?: string }) => e.name === 'ComputeError');
            assert.deepEqual(snapshot(h.store), before, 'state must be byte-identical after a failed tx');
            return;
          }
          const res = run();
          assert.equal(h.get(a, 'a'), '1');
          assert.equal(
            h.get(b, 'b'),
            outcome === 'ok' ? '1' : null,
            'callee state committed iff it succeeded',
          );
          if (nesting === 'nested') assert.equal(h.get(c, 'c'), outcome === 'ok' ? '1' : null);
          const replies = h.replies(a);
          if (spec.reply === undefined) {
            assert.deepEqual(replies, []);
            assert.equal(text(res.result.data), 'from-a');
          } else if (spec.reply === 'ok') {
            assert.deepEqual(replies, [{ id: '7', result: { ok: { events: [], data: 'from-b' } } }]);
            assert.equal(text(res.result.data), 'echo:from-b', 'last non-nil reply data wins');
          } else {
            assert.deepEqual(replies, [{ id: '7', result: { error: 'boom' } }]);
            assert.equal(text(res.result.data), 'from-a');
          }
          // the failed callee's events are dropped; a successful one's are emitted into the tx
          const wasmFromB = res.events.filter(
            (e) => e.type === 'wasm' && e.attributes[0]?.value === toBech32(b),
          );
          assert.equal(wasmFromB.length, outcome === 'ok' ? 1 : 0);
        });
      }
    }
  }

  it('runs messages strictly in order with each reply right after its submessage', () => {
    const h = setup();
    const { a, b } = deploy(h);
    h.execute(a, { set_reply: {} });
    const start = h.enclave.calls.length;
    h.execute(a, {
      respond: {
        messages: [
          execMsg(b, { set: { key: 'x', value: '1' } }, 'always', 1),
          execMsg(b, { fail: 'second' }, 'error', 2),
          execMsg(b, { set: { key: 'y', value: '1' } }, 'never', 3),
          execMsg(b, { set: { key: 'z', value: '1' } }, 'success', 4),
        ],
      },
    });
    const order = h.enclave.calls.slice(start).map((c) => c.type);
    assert.deepEqual(
      h.replies(a).map((r) => [r.id, 'ok' in r.result ? 'ok' : r.result.error]),
      [
        ['1', 'ok'],
        ['2', 'second'],
        ['4', 'ok'],
      ],
    );
    assert.equal(h.get(b, 'x'), '1');
    assert.equal(h.get(b, 'y'), '1');
    assert.equal(h.get(b, 'z'), '1');
    assert.deepEqual(order, [
      'execute',
      'execute',
      'reply',
      'execute',
      'reply',
      'execute',
      'execute',
      'reply',
    ]);
  });

  it('a failing reply aborts the whole tx and reverts everything', () => {
    const h = setup();
    const { a, b } = deploy(h);
    h.execute(a, { set_reply: { fail: 'reply says no' } });
    const before = snapshot(h.store);
    assert.throws(
      () =>
        h.execute(a, { respond: { messages: [execMsg(b, { set: { key: 'x', value: '1' } }, 'always', 1)] } }),
      (e: Error & { code: number }) =>
        e.name === 'ComputeError' && /reply to contract failed/.test(e.message),
    );
    assert.deepEqual(snapshot(h.store), before);
  });

  it('finalize_tx stops the remaining messages; a later dispatch fails with ErrLastTx', () => {
    const h = setup();
    const { a, b } = deploy(h);
    h.execute(a, {
      respond: {
        messages: [
          execMsg(b, { set: { key: 'x', value: '1' } }),
          { msg: { finalize_tx: {} } },
          execMsg(b, { set: { key: 'y', value: '1' } }),
        ],
      },
    });
    assert.equal(h.get(b, 'x'), '1');
    assert.equal(h.get(b, 'y'), null);
    const before = snapshot(h.store);
    assert.throws(
      () =>
        h.execute(a, {
          respond: {
            messages: [
              execMsg(b, { respond: { messages: [{ msg: { finalize_tx: {} } }] } }),
              execMsg(b, { set: { key: 'y', value: '1' } }),
            ],
          },
        }),
      { name: 'ComputeError', code: ComputeErrors.LastTx.code },
    );
    assert.deepEqual(snapshot(h.store), before);
  });

  it('an over-deep call chain fails with code 30 and changes nothing', () => {
    const h = setup();
    const { a } = deploy(h);
    const before = snapshot(h.store);
    assert.throws(
      () => h.execute(a, { recurse: {} }, 100_000_000n),
      (e: Error & { code: number; codespace: string }) => {
        assert.equal(e.codespace, 'compute');
        assert.equal(e.code, 30);
        assert.match(e.message, /max call depth exceeded$/);
        return true;
      },
    );
    assert.deepEqual(snapshot(h.store), before);
    // exactly 101 contract executions ran: the top level plus 100 nested levels
    assert.equal(h.enclave.calls.filter((c) => c.msg === '{"recurse":{}}').length, 101);
  });

  it('a forged callback_sig fails cleanly with no state change', () => {
    const h = setup();
    const { a, b } = deploy(h);
    const before = snapshot(h.store);
    assert.throws(
      () =>
        h.execute(a, {
          respond: {
            messages: [execMsg(b, { set: { key: 'x', value: 'stolen' } }, 'never', 0, { forge_sig: true })],
          },
        }),
      (e: Error & { code: number }) => {
        assert.equal(
          e.message,
          'dispatch: submessages: Execution error: Enclave: failed to verify transaction signature: execute contract failed',
        );
        return e.code === 3;
      },
    );
    assert.deepEqual(snapshot(h.store), before);
  });

  it('a gas-limited submessage that runs out fails the encrypted reply path as an sdk error', () => {
    const h = setup();
    const { a, b } = deploy(h);
    const before = snapshot(h.store);
    assert.throws(
      () =>
        h.execute(a, {
          respond: { messages: [{ ...execMsg(b, { burn: 50_000_000 }, 'error', 1), gas_limit: 30_000 }] },
        }),
      (e: Error) =>
        /an sdk error occurred while sending a sub-message: the error was redacted \(codespace: sdk, code: 11\)/.test(
          e.message,
        ),
    );
    assert.deepEqual(snapshot(h.store), before);
  });

  it('a gas-limited submessage that runs out without reply aborts with SubMsg hit gas limit', () => {
    const h = setup();
    const { a, b } = deploy(h);
    assert.throws(
      () =>
        h.execute(a, {
          respond: { messages: [{ ...execMsg(b, { burn: 50_000_000 }, 'never'), gas_limit: 30_000 }] },
        }),
      (e: Error & { codespace: string; code: number }) =>
        e.codespace === 'sdk' && e.code === 11 && /SubMsg hit gas limit: out of gas/.test(e.message),
    );
  });

  it('running out of the tx gas is a clean out-of-gas failure with no state change', () => {
    const h = setup();
    const { a } = deploy(h);
    const before = snapshot(h.store);
    assert.throws(
      () => h.execute(a, { multi: [{ set: { key: 'k', value: 'v' } }, { burn: 10_000_000_000 }] }, 200_000n),
      {
        name: 'ComputeError',
        codespace: 'sdk',
        code: 11,
      },
    );
    assert.deepEqual(snapshot(h.store), before);
  });

  it('bank sends are plaintext replies with the SubMsg id', () => {
    const h = setup();
    const { a } = deploy(h);
    h.execute(a, { set_reply: {} });
    h.run((ctx) =>
      h.keeper.bank.sendCoins(ctx, toBech32(h.alice), toBech32(a), [{ denom: 'uscrt', amount: '100' }]),
    );
    const res = h.execute(a, {
      respond: {
        messages: [
          {
            id: 42,
            reply_on: 'always',
            msg: {
              bank: { send: { to_address: toBech32(user(5)), amount: [{ denom: 'uscrt', amount: '60' }] } },
            },
          },
        ],
      },
    });
    assert.deepEqual(h.replies(a), [{ id: '42', result: { ok: { events: [], data: null } } }]);
    const bal = h.run((ctx) => h.bank.getBalance(ctx, toBech32(user(5)), 'uscrt')).result;
    assert.equal(bal.amount, '60');
    assert.ok(res.events.some((e) => e.type === 'transfer'));
    // insufficient funds with reply_on error: plaintext reply with the redacted SDK error
    h.execute(a, {
      respond: {
        messages: [
          {
            id: 43,
            reply_on: 'error',
            msg: {
              bank: { send: { to_address: toBech32(user(5)), amount: [{ denom: 'uscrt', amount: '1000' }] } },
            },
          },
        ],
      },
    });
    assert.deepEqual(h.replies(a)[1], {
      id: '43',
      result: {
        error:
          'the error was redacted (codespace: sdk, code: 5). For more info use latest localsecret and reproduce the issue',
      },
    });
  });

  it('rejects Custom, BankMsg::Burn and unknown reply_on with the spec errors', () => {
    const h = setup();
    const { a } = deploy(h);
    assert.throws(
      () => h.execute(a, { respond: { messages: [{ msg: { custom: { x: 1 } } }] } }),
      (e: Error) => e.message.endsWith('Custom variant not supported: invalid CosmosMsg from the contract'),
    );
    assert.throws(
      () => h.execute(a, { respond: { messages: [{ msg: { bank: { burn: { amount: [] } } } }] } }),
      (e: Error) => e.message.endsWith('Unknown variant of Bank: invalid CosmosMsg from the contract'),
    );
    assert.throws(
      () =>
        h.execute(a, {
          respond: {
            messages: [
              {
                reply_on: 'sometimes',
                msg: { bank: { send: { to_address: toBech32(user(5)), amount: [] } } },
              },
            ],
          },
        }),
      (e: Error & { code: number }) => e.message.endsWith('ReplyOn value: invalid') && e.code === 13,
    );
    assert.throws(
      () =>
        h.execute(a, {
          respond: {
            messages: [
              { msg: { staking: { delegate: { validator: 'v', amount: { denom: 'uscrt', amount: '1' } } } } },
            ],
          },
        }),
      (e: Error) => /unrecognized message type: \/cosmos.staking.v1beta1.MsgDelegate/.test(e.message),
    );
  });
});

describe('redactError', () => {
  it('passes contract errors through without the encrypted prefix and op suffix', () => {
    assert.equal(redactError(computeError(ComputeErrors.ExecuteFailed, 'encrypted: QUJD')), 'QUJD');
    assert.equal(redactError(computeError(ComputeErrors.InstantiateFailed, 'encrypted: QUJD')), 'QUJD');
  });
  it('redacts everything else to codespace/code', () => {
    assert.equal(
      redactError(
        computeError(SdkErrors.InsufficientFunds, 'spendable balance 0uscrt is smaller than 1uscrt'),
      ),
      'the error was redacted (codespace: sdk, code: 5). For more info use latest localsecret and reproduce the issue',
    );
    assert.equal(redactError(computeError(SdkErrors.InsufficientFunds, 'x'), false), 'x: insufficient funds');
  });
});

describe('marshalReply', () => {
  it('matches Go json.Marshal(Reply) field order and omitempty', () => {
    assert.equal(
      new TextDecoder().decode(
        marshalReply({
          id: new TextEncoder().encode('7'),
          result: { ok: { events: [] } },
          wasOrigMsgEncrypted: false,
          isEncrypted: false,
        }),
      ),
      '{"id":"Nw==","result":{"ok":{"events":[]}},"was_orig_msg_encrypted":false,"is_encrypted":false}',
    );
  });
});

describe('message encoding errors', () => {
  it('are the submessage’s own error, so reply_on error receives them (redacted)', () => {
    const h = setup();
    const code = h.store_();
    const a = h.instantiate(code, 'A');
    h.execute(a, { set_reply: {} });
    h.execute(a, {
      respond: { messages: [{ id: 3, reply_on: 'error', msg: { custom: { anything: true } } }] },
    });
    assert.deepEqual(h.replies(a), [
      {
        id: '3',
        result: {
          error:
            'the error was redacted (codespace: compute, code: 10). For more info use latest localsecret and reproduce the issue',
        },
      },
    ]);
  });
});
