/**
 * Contract → contract traffic through the enclave, with the test itself playing the keeper: encrypted wasm
 * submessages with callback signatures, reply routing (REPLY01 headers, internal_msg_id, reply enclave
 * signature, nested chains), and encrypted contract → contract queries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { EnclaveResult, SigInfo, WasmOutput } from '../../src/enclave/types.js';
import {
  b64,
  code,
  type Deployed,
  fromB64,
  hex,
  replacer,
  SCHEMES,
  TestChain,
  text,
  User,
  utf8,
} from './helpers.js';

function ok<T>(r: EnclaveResult<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${JSON.stringify(r.error, replacer)}`);
  return r.output;
}

function callbackSig(sig: Uint8Array): SigInfo {
  const empty = new Uint8Array(0);
  return {
    txBytes: empty,
    signBytes: empty,
    signMode: 'SIGN_MODE_UNSPECIFIED',
    signature: empty,
    callbackSig: sig,
  };
}

interface WasmExec {
  contract_addr: string;
  msg: string;
  callback_sig: number[];
  send?: { denom: string; amount: string }[];
  code_hash?: string;
}

function wasmExecuteOf(out: WasmOutput, i = 0): WasmExec {
  const m = out.messages[i];
  assert.ok(m !== undefined, 'expected a submessage');
  const wasm = m.msg.wasm as { execute?: WasmExec } | undefined;
  assert.ok(wasm?.execute !== undefined, 'expected a wasm execute message');
  return wasm.execute;
}

for (const scheme of SCHEMES) {
  describe(`enclave submessages and replies (${scheme})`, () => {
    const setup = () => {
      const chain = new TestChain(scheme);
      const alice = new User(1, chain.enclave.ioPubkey, scheme);
      const a = chain.instantiate(code('exerciser-v1'), 1, alice, {});
      const b = chain.instantiate(code('exerciser-v1'), 2, alice, {});
      return { chain, alice, a, b };
    };

    /** Alice executes `contract` with `msg`. */
    const run = (chain: TestChain, alice: User, contract: Deployed, msg: object, nonce: number) => {
      const wire = alice.encrypt(contract.code.codeHash, msg, nonce);
      const res = chain.enclave.handle(
        chain.call(contract, alice.address, [], alice.signExecute(contract.canonical, wire)),
        wire,
        'execute',
      );
      return { wire, res };
    };

    /** The keeper's part: run a wasm execute submessage produced by `from`. */
    const deliver = (chain: TestChain, from: Deployed, exec: WasmExec) => {
      const target = chain.contracts.get(exec.contract_addr)!;
      return chain.enclave.handle(
        chain.call(target, from.address, exec.send ?? [], callbackSig(Uint8Array.from(exec.callback_sig))),
        fromB64(exec.msg),
        'execute',
      );
    };

    /** The keeper's part: Go's Reply JSON for a callee result, handed to the caller's `reply`. */
    const replyTo = (
      chain: TestChain,
      caller: Deployed,
      originalWire: Uint8Array,
      calleeRes: EnclaveResult<WasmOutput>,
    ) => {
      const info = calleeRes.ok
        ? calleeRes.output.replyInfo
        : calleeRes.error.kind === 'contract'
          ? calleeRes.error.replyInfo
          : undefined;
      assert.ok(info !== undefined, 'callee must report reply info');
      let result: string;
      if (calleeRes.ok) {
        const d = calleeRes.output.data;
        result = `{"ok":{"events":[],"data":${d === null ? 'null' : JSON.stringify(b64(d))}}}`;
      } else {
        assert.equal(calleeRes.error.kind, 'contract');
        if (calleeRes.error.kind !== 'contract') throw new Error('unreachable');
        result = `{"error":${JSON.stringify(b64(calleeRes.error.ciphertext!))}}`;
      }
      const json = `{"id":${JSON.stringify(b64(info.internalMsgId))},"result":${result},"was_orig_msg_encrypted":true,"is_encrypted":true}`;
      const header = originalWire.subarray(0, chain.enclave.ioHeaderLength);
      const msg = new Uint8Array([...header, ...utf8(json)]);
      return {
        msg,
        sig: info.internalReplyEnclaveSig,
        run: (
          target: Deployed = caller,
          sig: Uint8Array = info.internalReplyEnclaveSig,
          m: Uint8Array = msg,
        ) => chain.enclave.handle(chain.call(target, target.address, [], callbackSig(sig)), m, 'reply'),
      };
    };

    const getValue = (
      chain: TestChain,
      alice: User,
      c: Deployed,
      key: string,
      nonce: number,
    ): string | null => {
      const { wire, res } = run(chain, alice, c, { get: { key } }, nonce);
      const d = ok(res).data;
      return d === null ? null : text(alice.io.decryptData(d, alice.io.nonceOf(wire)));
    };

    const subMsg = (target: Deployed, msg: object, id: number, replyOn: string) => ({
      id,
      msg: {
        wasm: {
          execute: {
            contract_addr: target.address,
            code_hash: hex(target.code.codeHash),
            msg: b64(utf8(JSON.stringify(msg))),
            send: [],
          },
        },
      },
      gas_limit: null,
      reply_on: replyOn,
    });

    it('encrypts wasm submessages, zeroes their id, and signs them so the callee accepts the call', () => {
      const { chain, alice, a, b } = setup();
      const { res } = run(
        chain,
        alice,
        a,
        { respond: { messages: [subMsg(b, { set: { key: 'from_a', value: 'x' } }, 7, 'never')] } },
        2,
      );
      const out = ok(res);
      assert.equal(out.messages.length, 1);
      const m = out.messages[0]!;
      assert.equal(m.id, 0n);
      assert.equal(m.wasMsgEncrypted, true);
      const exec = wasmExecuteOf(out);
      assert.equal(exec.callback_sig.length, 32);
      assert.ok(!text(fromB64(exec.msg)).includes('from_a'), 'submessage must be encrypted');
      const callee = ok(deliver(chain, a, exec));
      assert.equal(callee.replyInfo, undefined, 'no reply requested');
      assert.equal(getValue(chain, alice, b, 'from_a', 3), 'x');
      // The signature binds the ciphertext and the funds.
      const forgedFunds = chain.enclave.handle(
        chain.call(
          b,
          a.address,
          [{ denom: 'uscrt', amount: '1' }],
          callbackSig(Uint8Array.from(exec.callback_sig)),
        ),
        fromB64(exec.msg),
        'execute',
      );
      assert.equal(forgedFunds.ok, false);
    });

    it('routes a successful callee result back into the caller reply with the original id', () => {
      const { chain, alice, a, b } = setup();
      const { wire, res } = run(
        chain,
        alice,
        a,
        {
          respond: {
            messages: [
              subMsg(
                b,
                { multi: { cmds: [{ set: { key: 'k', value: 'x' } }, { get: { key: 'k' } }] } },
                7,
                'always',
              ),
            ],
          },
        },
        4,
      );
      const callee = deliver(chain, a, wasmExecuteOf(ok(res)));
      const calleeOut = ok(callee);
      assert.ok(calleeOut.replyInfo !== undefined);
      const reply = replyTo(chain, a, wire, callee);
      const replied = ok(reply.run());
      const nonce = alice.io.nonceOf(wire);
      const attrs = Object.fromEntries(
        replied.attributes.map((x) => [
          alice.io.decryptAttribute(x.key, nonce, 'key'),
          alice.io.decryptAttribute(x.value, nonce),
        ]),
      );
      assert.equal(attrs.reply_id, '7');
      assert.equal(attrs.reply_ok, 'true');
      const stored = JSON.parse(getValue(chain, alice, a, 'reply/last', 5)!) as unknown;
      assert.deepEqual(stored, { id: 7, result: { ok: { events: [], data: b64(utf8('x')) } } });
    });

    it('routes a callee error into the caller reply, decrypted', () => {
      const { chain, alice, a, b } = setup();
      const { wire, res } = run(
        chain,
        alice,
        a,
        { respond: { messages: [subMsg(b, { fail: { msg: 'boom "quoted"' } }, 9, 'error')] } },
        6,
      );
      const callee = deliver(chain, a, wasmExecuteOf(ok(res)));
      assert.equal(callee.ok, false);
      ok(replyTo(chain, a, wire, callee).run());
      const stored = JSON.parse(getValue(chain, alice, a, 'reply/last', 7)!) as unknown;
      assert.deepEqual(stored, { id: 9, result: { error: 'boom \\"quoted\\"' } });
    });

    it('refuses forged replies and replies addressed to another code', () => {
      const { chain, alice, a, b } = setup();
      const { wire, res } = run(
        chain,
        alice,
        a,
        { respond: { messages: [subMsg(b, { get: { key: 'none' } }, 1, 'always')] } },
        8,
      );
      const callee = deliver(chain, a, wasmExecuteOf(ok(res)));
      const reply = replyTo(chain, a, wire, callee);
      const forgedSig = reply.sig.slice();
      forgedSig[0] = forgedSig[0]! ^ 1;
      const bad = reply.run(a, forgedSig);
      assert.ok(
        !bad.ok && bad.error.kind === 'enclave' && bad.error.error.kind === 'FailedTxVerification',
        JSON.stringify(bad, replacer),
      );
      // A different id with the original signature.
      const header = reply.msg.subarray(0, chain.enclave.ioHeaderLength);
      const json = text(reply.msg.subarray(chain.enclave.ioHeaderLength)).replace(
        /"id":"[^"]+"/,
        `"id":"${b64(utf8('1'))}"`,
      );
      const t = reply.run(a, reply.sig, new Uint8Array([...header, ...utf8(json)]));
      assert.ok(
        !t.ok && t.error.kind === 'enclave' && t.error.error.kind === 'FailedTxVerification',
        JSON.stringify(t, replacer),
      );
      // A correctly signed reply delivered to a contract running other code.
      const other = chain.instantiate(code('random-v1'), 3, alice, {});
      const wrong = reply.run(other);
      assert.ok(
        !wrong.ok && wrong.error.kind === 'enclave' && wrong.error.error.kind === 'ValidationFailure',
        JSON.stringify(wrong, replacer),
      );
      ok(reply.run());
    });

    it('carries the reply chain through nested submessages (A → B → C, replies C → B → A)', () => {
      const { chain, alice, a, b } = setup();
      const c = chain.instantiate(code('exerciser-v1'), 3, alice, {});
      // B, when called, sends to C with reply; C returns data.
      const toB = {
        respond: {
          messages: [
            subMsg(
              c,
              { multi: { cmds: [{ set: { key: 'c', value: 'deep' } }, { get: { key: 'c' } }] } },
              22,
              'always',
            ),
          ],
        },
      };
      const { wire, res } = run(
        chain,
        alice,
        a,
        { respond: { messages: [subMsg(b, toB, 11, 'always')] } },
        9,
      );
      const bRes = deliver(chain, a, wasmExecuteOf(ok(res)));
      const bOut = ok(bRes);
      assert.ok(bOut.replyInfo !== undefined, 'B was called with a reply request');
      const cRes = deliver(chain, b, wasmExecuteOf(bOut));
      // C replies to B …
      const bReply = ok(replyTo(chain, b, wire, cRes).run());
      // … and B's reply output now carries the route back to A (the chain inside C's reply id).
      assert.ok(bReply.replyInfo !== undefined, 'B reply must report back to A');
      const bStored = JSON.parse(getValue(chain, alice, b, 'reply/last', 10)!) as { id: number };
      assert.equal(bStored.id, 22);
      // A receives B's reply-produced result as its reply to submessage 11.
      ok(replyTo(chain, a, wire, { ok: true, output: bReply, gasUsed: 0n }).run());
      const aStored = JSON.parse(getValue(chain, alice, a, 'reply/last', 11)!) as { id: number };
      assert.equal(aStored.id, 11);
    });

    it('encrypts contract → contract queries and decrypts the answers and errors', () => {
      const { chain, alice, a, b } = setup();
      run(chain, alice, b, { set: { key: 'q', value: 'answer' } }, 12);
      const { wire, res } = run(
        chain,
        alice,
        a,
        {
          query_other: {
            contract_addr: b.address,
            code_hash: hex(b.code.codeHash),
            msg: { get: { key: 'q' } },
          },
        },
        13,
      );
      const out = ok(res);
      assert.deepEqual(JSON.parse(text(alice.io.decryptData(out.data!, alice.io.nonceOf(wire)))), {
        value: 'answer',
      });
      const failing = run(
        chain,
        alice,
        a,
        {
          query_other: {
            contract_addr: b.address,
            code_hash: hex(b.code.codeHash),
            msg: { fail: { msg: 'nope' } },
          },
        },
        14,
      );
      assert.equal(failing.res.ok, false);
      if (failing.res.ok || failing.res.error.kind !== 'contract') return;
      const plain = alice.io.decryptErrorMessage(failing.res.error.message, alice.io.nonceOf(failing.wire));
      assert.match(plain!, /query_other failed: .*nope/);
    });

    it('plaintext inputs (IBC hooks) produce plaintext outputs and plaintext callbacks the callee accepts', () => {
      const { chain, alice, a, b } = setup();
      const plain = utf8(
        JSON.stringify({
          respond: {
            messages: [subMsg(b, { set: { key: 'via_ibc', value: 'p' } }, 3, 'never')],
            data: b64(utf8('raw')),
          },
        }),
      );
      const out = ok(
        chain.enclave.handle(
          chain.call(a, 'secret1ibcmodule', []),
          plain,
          'ibc_wasm_hooks_incoming_transfer',
        ),
      );
      assert.equal(text(out.data!), 'raw', 'plaintext input → plaintext data');
      const m = out.messages[0]!;
      assert.equal(m.wasMsgEncrypted, false);
      assert.equal(m.id, 3n, 'plaintext submessages keep their id');
      const exec = wasmExecuteOf(out);
      assert.equal(text(fromB64(exec.msg)), '{"set":{"key":"via_ibc","value":"p"}}');
      ok(deliver(chain, a, exec));
      assert.equal(getValue(chain, alice, b, 'via_ibc', 17), 'p');
      // The same plaintext with a forged callback signature is refused.
      const forged = chain.enclave.handle(
        chain.call(b, a.address, [], callbackSig(new Uint8Array(32))),
        fromB64(exec.msg),
        'execute',
      );
      assert.ok(
        !forged.ok && forged.error.kind === 'enclave' && forged.error.error.kind === 'FailedTxVerification',
        'forged',
      );
      // Raw IBC channel entry points are not available.
      const ibc = chain.enclave.handle(chain.call(a, '', []), plain, 'ibc_packet_receive');
      assert.ok(!ibc.ok && ibc.error.kind === 'enclave' && ibc.error.error.kind === 'NotImplemented', 'ibc');
    });

    it('nested contract queries stop at the recursion limit (10)', () => {
      const { chain, alice, a } = setup();
      const recurse = (depth: number) => {
        const q = alice.encrypt(a.code.codeHash, { recurse: { depth } }, 200 + depth);
        const r = chain.enclave.query(
          {
            code: a.code,
            env: chain.env(a.address, '', [], a.key, 1),
            store: a.store,
            querier: chain.querier(1),
            gasLimit: 10n ** 10n,
          },
          q,
        );
        return { q, r };
      };
      const shallow = recurse(3);
      assert.ok(shallow.r.ok, 'depth 3 works');
      assert.deepEqual(
        JSON.parse(text(alice.io.decryptQueryResult(shallow.r.output.data, alice.io.nonceOf(shallow.q)))),
        { depth: 0 },
      );
      const deep = recurse(12);
      assert.ok(!deep.r.ok && deep.r.error.kind === 'contract', 'depth 12 fails inside the contract');
      const plain = alice.io.decryptErrorMessage(deep.r.error.message, alice.io.nonceOf(deep.q));
      assert.ok(plain?.includes('exceeded_recursion_limit'), 'the innermost query hit the limit');
    });

    it('v0.10 contracts send encrypted wasm messages with callback_code_hash that v1 callees accept', () => {
      const { chain, alice, b } = setup();
      const old = chain.instantiate(code('exerciser-v010'), 4, alice, {});
      const v010Msg = {
        wasm: {
          execute: {
            contract_addr: b.address,
            callback_code_hash: hex(b.code.codeHash),
            msg: b64(utf8('{"set":{"key":"from_v010","value":"ok"}}')),
            send: [],
          },
        },
      };
      const { res } = run(chain, alice, old, { respond: { messages: [v010Msg] } }, 15);
      const out = ok(res);
      assert.equal(out.apiVersion, 'v0.10');
      assert.equal(out.messages[0]!.replyOn, 'never');
      ok(deliver(chain, old, wasmExecuteOf(out)));
      assert.equal(getValue(chain, alice, b, 'from_v010', 16), 'ok');
    });
  });
}
