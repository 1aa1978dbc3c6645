import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { fromBech32 } from '../../src/keeper/address.js';
import { MsgExecuteContract } from '../../src/proto/secret/compute/v1beta1/msg.js';
import { b64, Chain, snapshot, User } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function deployed() {
  const chain = new Chain();
  const alice = chain.user(1);
  const mallory = chain.user(2);
  const code = await chain.storeCode(alice, 'exerciser-v1');
  const token = await chain.storeCode(alice, 'token');
  const a = await chain.instantiate(alice, code, { set: { key: 'k', value: 'original' } }, 'A');
  const b = await chain.instantiate(alice, code, { set: { key: 'k', value: 'original' } }, 'B');
  return { chain, alice, mallory, code, token, a, b };
}

/** Runs `fn`, expects it to reject with a ComputeError matching `message`, and the store to be byte-identical. */
async function failsCleanly(
  chain: Chain,
  fn: () => Promise<unknown>,
  message: RegExp,
  code?: number,
): Promise<void> {
  const before = snapshot(chain.store);
  await assert.rejects(fn, (e: Error & { code?: number }) => {
    assert.equal(e.name, 'ComputeError');
    assert.match(e.message, message);
    if (code !== undefined) assert.equal(e.code, code);
    return true;
  });
  assert.deepEqual(snapshot(chain.store), before, 'the store must be byte-identical after the failure');
}

describe('hostile inputs fail cleanly (real enclave)', () => {
  it('a user-forged callback_sig', async () => {
    const { chain, alice, a } = await deployed();
    await failsCleanly(
      chain,
      () =>
        chain.execute(
          alice,
          a,
          { set: { key: 'k', value: 'forged' } },
          { callbackSig: new Uint8Array(32).fill(9) },
        ),
      /^callback_sig must be empty in a signed transaction: unauthorized$/,
      4,
    );
    // past the Msg service (an embedder calling the keeper directly), the enclave still refuses it
    const wire = alice.encrypt(a.codeHash, { set: { key: 'k', value: 'forged' } }, 55);
    await failsCleanly(
      chain,
      () =>
        Promise.resolve().then(() =>
          chain.keeper.runTx({}, (ctx) =>
            chain.keeper.execute(
              ctx,
              fromBech32(a.address),
              alice.canonical,
              wire,
              [],
              new Uint8Array(32).fill(9),
            ),
          ),
        ),
      /^Execution error: Enclave: failed to verify transaction signature: execute contract failed$/,
      3,
    );
    assert.equal(await chain.query(alice, a, { get: { key: 'k' } }), '{"value":"original"}');
  });

  it('a message encrypted for another code hash', async () => {
    const { chain, alice, a, token } = await deployed();
    await failsCleanly(
      chain,
      () => chain.execute(alice, a, { set: { key: 'k', value: 'x' } }, { codeHash: token.codeHash }),
      /^Execution error: Enclave: failed to validate transaction: execute contract failed$/,
      3,
    );
  });

  it('a replayed signed message against another contract', async () => {
    const { chain, alice, a, b } = await deployed();
    const { wire } = await chain.execute(alice, a, { set: { key: 'k', value: 'for-a' } });
    // the same signed tx (signature over MsgExecuteContract{contract: A}) presented for contract B
    await failsCleanly(
      chain,
      () => chain.execute(alice, b, {}, { wire, sigFor: a }),
      /failed to verify transaction signature: execute contract failed$/,
    );
    assert.equal(await chain.query(alice, b, { get: { key: 'k' } }), '{"value":"original"}');
  });

  it("someone else's ciphertext signed by an attacker cannot be read by the attacker", async () => {
    const { chain, alice, mallory, a } = await deployed();
    const { wire } = await chain.execute(alice, a, { get: { key: 'k' } });
    // Mallory re-submits Alice's ciphertext in her own signed tx: it runs, but the output is sealed for Alice
    const r = await chain.execute(mallory, a, {}, { wire });
    assert.equal(chain.decryptData(alice, wire, r.data), 'original');
    assert.throws(() => mallory.io.decryptData(r.data, mallory.io.nonceOf(new Uint8Array(wire.length))));
  });

  it('a reentrancy attempt: the contract queries itself and the query tries to write', async () => {
    const { chain, alice, a } = await deployed();
    await failsCleanly(
      chain,
      () =>
        chain.execute(alice, a, {
          multi: {
            cmds: [
              { set: { key: 'k', value: 'during' } },
              {
                query_other: {
                  contract_addr: a.address,
                  code_hash: hex(a.codeHash),
                  msg: { write: { key: 'k', value: 'reentered' } },
                },
              },
            ],
          },
        }),
      // The inner query traps (write during a query). The runtime reports no gas for traps yet, so the enclave
      // charges the inner query its whole limit and the outer call may end out of gas instead of with its own
      // error; either way the tx fails and nothing changes.
      /^(encrypted: .+: execute contract failed|out of gas in location: wasm contract; .*: out of gas)$/,
    );
    assert.equal(await chain.query(alice, a, { get: { key: 'k' } }), '{"value":"original"}');
  });

  it('a query that tries to write', async () => {
    const { chain, alice, a } = await deployed();
    const before = snapshot(chain.store);
    await assert.rejects(
      () => chain.query(alice, a, { write: { key: 'k', value: 'q' } }),
      (e: Error & { code?: number }) => {
        assert.equal(e.name, 'ComputeError');
        assert.equal(e.code, 4);
        assert.match(e.message, /query contract failed$/);
        return true;
      },
    );
    await assert.rejects(() => chain.query(alice, a, { remove: { key: 'k' } }), {
      name: 'ComputeError',
      code: 4,
    });
    assert.deepEqual(snapshot(chain.store), before);
  });

  it('a message whose sender is not the tx signer', async () => {
    const { chain, alice, mallory, a } = await deployed();
    const wire = alice.encrypt(a.codeHash, { set: { key: 'k', value: 'spoofed' } }, 91);
    const msg = MsgExecuteContract.fromPartial({
      sender: alice.canonical,
      contract: fromBech32(a.address),
      msg: wire,
    });
    await failsCleanly(
      chain,
      () =>
        chain.signed(
          mallory,
          '/secret.compute.v1beta1.MsgExecuteContract',
          MsgExecuteContract.encode(msg).finish(),
          () => chain.msgs.ExecuteContract(msg),
        ),
      new RegExp(
        `^\\[Compute\\] Message sender: ${alice.address} is not found in the tx signer set: parse signature failed$`,
      ),
      16,
    );
  });

  it('a plaintext query is refused like Secret (TestQueryNotEncryptedInputError)', async () => {
    const { chain, a } = await deployed();
    await assert.rejects(
      () =>
        chain.queries.QuerySecretContract({
          contractAddress: a.address,
          query: new TextEncoder().encode('{"get":{"key":"k"}}'),
        }),
      {
        name: 'ComputeError',
        code: 4,
        message: 'Execution error: Enclave: failed to decrypt data: query contract failed',
      },
    );
  });

  it('an over-deep query chain fails; a chain within the limit works', async () => {
    const { chain, alice, a } = await deployed();
    assert.equal(await chain.query(alice, a, { recurse: { depth: 8 } }), '{"depth":0}');
    const before = snapshot(chain.store);
    await assert.rejects(() => chain.query(alice, a, { recurse: { depth: 12 } }), {
      name: 'ComputeError',
      code: 4,
    });
    assert.deepEqual(snapshot(chain.store), before);
  });

  it('out of gas is a clean failure with no state change', async () => {
    const { chain, alice, a } = await deployed();
    const tight = new Chain();
    void tight;
    const before = snapshot(chain.store);
    await assert.rejects(
      () =>
        chain.execute(alice, a, {
          multi: { cmds: [{ set: { key: 'k', value: 'spun' } }, { spin: { iterations: '100000000000' } }] },
        }),
      (e: Error & { codespace?: string; code?: number }) =>
        e.name === 'ComputeError' && e.codespace === 'sdk' && e.code === 11,
    );
    assert.deepEqual(snapshot(chain.store), before);
  });

  it('a non-admin cannot migrate; the admin can and state is kept', async () => {
    const chain = new Chain();
    const alice = chain.user(1);
    const bob = chain.user(2);
    const code = await chain.storeCode(alice, 'exerciser-v1');
    const code2 = await chain.storeCode(alice, 'exerciser-v1');
    const c = await chain.instantiate(alice, code, { set: { key: 'k', value: 'v' } }, 'M', {
      admin: alice.address,
    });
    await failsCleanly(
      chain,
      () => chain.migrate(bob, c, code2, {}),
      /^requires migrate from admin: unauthorized$/,
      4,
    );
    await chain.migrate(alice, c, code2, { set: { key: 'm', value: 'migrated' } });
    assert.equal(await chain.query(alice, c, { get: { key: 'k' } }), '{"value":"v"}');
    assert.equal(await chain.query(alice, c, { get: { key: 'm' } }), '{"value":"migrated"}');
    assert.deepEqual(chain.events.find((e) => e.type === 'migrate')?.attributes, [
      { key: 'code_id', value: '2' },
      { key: 'contract_address', value: c.address },
    ]);
    const hist = await chain.queries.ContractHistory({ contractAddress: c.address });
    assert.deepEqual(
      hist.entries.map((e) => [e.operation, e.codeId]),
      [
        [1, 1n],
        [2, 2n],
      ],
    );
    const byCode = await chain.queries.ContractsByCodeId({ codeId: 2n });
    assert.deepEqual(
      byCode.contractInfos.map((x) => x.contractAddress),
      [c.address],
    );
    // admin handover, then clear: nobody can migrate any more
    await failsCleanly(
      chain,
      () => chain.updateAdmin(bob, c, alice.address),
      /^caller is not the admin: unauthorized$/,
      4,
    );
    await assert.rejects(
      () => chain.updateAdmin(alice, c, alice.address),
      /new admin is the same as the old/,
    );
    await chain.updateAdmin(alice, c, bob.address);
    assert.deepEqual(chain.events.find((e) => e.type === 'update_contract_admin')?.attributes, [
      { key: 'contract_address', value: c.address },
      { key: 'new_admin_address', value: bob.address },
    ]);
    await failsCleanly(
      chain,
      () => chain.migrate(alice, c, code, {}),
      /^requires migrate from admin: unauthorized$/,
    );
    await chain.updateAdmin(bob, c, '');
    await failsCleanly(
      chain,
      () => chain.migrate(bob, c, code, {}),
      /^requires migrate from admin: unauthorized$/,
    );
    const info = await chain.queries.ContractInfo({ contractAddress: c.address });
    assert.equal(info.contractInfo?.admin, '');
    assert.equal(info.contractInfo?.adminProof.length, 0, 'admin proofs are never returned');
  });

  it('nothing the keeper stores, emits or returns contains the plaintext', async () => {
    const SECRET = 'hunter2-PLAINTEXT-7f3a';
    const KEY = 'secret-key-91c2';
    const chain = new Chain();
    const alice = chain.user(1);
    const code = await chain.storeCode(alice, 'exerciser-v1');
    const seen: unknown[] = [];
    // capture anything written to the console while the keeper runs (it must log nothing sensitive)
    const debugLines: string[] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const saved = methods.map(
      (m) => Object.getOwnPropertyDescriptor(console, m)?.value as (...args: unknown[]) => void,
    );
    for (const m of methods)
      console[m] = (...args: unknown[]) => void debugLines.push(args.map(String).join(' '));
    let r: { wire: Uint8Array; data: Uint8Array } = { wire: new Uint8Array(0), data: new Uint8Array(0) };
    try {
      const c = await chain.instantiate(alice, code, { set: { key: KEY, value: SECRET } }, 'P');
      seen.push(chain.events, c.data);
      r = await chain.execute(alice, c, {
        multi: {
          cmds: [
            { set: { key: `${KEY}-2`, value: SECRET } },
            {
              respond: {
                attributes: [{ key: 'note', value: SECRET }],
                events: [{ type: 'secret-event', attributes: [{ key: 'v', value: SECRET }] }],
                data: b64(SECRET),
              },
            },
          ],
        },
      });
      seen.push(chain.events, r.data);
      await assert.rejects(
        () => chain.execute(alice, c, { fail: { msg: SECRET } }),
        (e: Error) => {
          seen.push(e.message, String(e.stack));
          return true;
        },
      );
      const q = await chain.queries.QuerySecretContract({
        contractAddress: c.address,
        query: alice.encrypt(c.codeHash, { get: { key: KEY } }, 77),
      });
      seen.push(q.data);
      await assert.rejects(
        () =>
          chain.queries.QuerySecretContract({
            contractAddress: c.address,
            query: alice.encrypt(c.codeHash, { fail: { msg: SECRET } }, 78),
          }),
        (e: Error) => {
          seen.push(e.message);
          return true;
        },
      );
      seen.push(
        await chain.queries.ContractInfo({ contractAddress: c.address }),
        await chain.queries.ContractHistory({ contractAddress: c.address }),
      );
    } finally {
      methods.forEach((m, i) => (console[m] = saved[i]!));
    }
    // the client can read everything back, so the values really went through
    assert.equal(chain.decryptData(alice, r.wire, r.data), SECRET);
    const needles = [SECRET, KEY, '{"set"', b64(SECRET), Buffer.from(SECRET).toString('hex')];
    const haystacks: string[] = [];
    for (const [k, v] of chain.store.iterator()) {
      haystacks.push(
        Buffer.from(k).toString('latin1'),
        Buffer.from(v).toString('latin1'),
        Buffer.from(v).toString('hex'),
        Buffer.from(v).toString('base64'),
      );
    }
    haystacks.push(
      JSON.stringify(seen, (_k, v: unknown) =>
        v instanceof Uint8Array
          ? Buffer.from(v).toString('latin1')
          : typeof v === 'bigint'
            ? v.toString()
            : v,
      ),
    );
    haystacks.push(...debugLines);
    for (const n of needles)
      for (const h of haystacks) assert.ok(!h.includes(n), `plaintext ${JSON.stringify(n)} leaked`);
    void User;
  });
});

describe('call depth (real enclave)', () => {
  it('an unbounded reply → submessage chain stops at depth 100 with code 30 and changes nothing', async () => {
    const chain = new Chain();
    const alice = chain.user(1);
    const code = await chain.storeCode(alice, 'exerciser-v1');
    const a = await chain.instantiate(alice, code, {}, 'A');
    const b = await chain.instantiate(alice, code, {}, 'B');
    const toB = {
      id: 1,
      reply_on: 'always',
      gas_limit: null,
      msg: {
        wasm: {
          execute: {
            contract_addr: b.address,
            code_hash: hex(b.codeHash),
            msg: b64(JSON.stringify({ multi: { cmds: [] } })),
            send: [],
          },
        },
      },
    };
    // every reply A receives sends B another submessage with reply: each level nests one dispatch deeper
    await chain.execute(alice, a, { set_reply: { messages: [toB] } });
    await failsCleanly(
      chain,
      () => chain.execute(alice, a, { respond: { messages: [toB] } }),
      /max call depth exceeded$/,
      30,
    );
  });
});
