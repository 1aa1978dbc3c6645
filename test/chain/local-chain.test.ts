/**
 * LocalChain through its public API only (what `secret-compute/testing` gives a contract developer): the token
 * contract's lifecycle, the exerciser's migrate/admin flow, debug output and what the chain sees vs. the sender.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

import { LocalChain, TxError } from '../../src/testing/index.js';
import { loadFixture } from '../fixtures/index.js';

const TOKEN = loadFixture('token');
const EXERCISER = loadFixture('exerciser-v1');
const RANDOM = loadFixture('random-v1');
const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
const uscrt = (amount: string) => [{ denom: 'uscrt', amount }];

function attrs(events: { type: string; attributes: { key: string; value: string }[] }[], type: string) {
  return Object.fromEntries(
    events.filter((e) => e.type === type).flatMap((e) => e.attributes.map((a) => [a.key, a.value])),
  );
}

async function tokenChain(scheme?: 'aes-256-gcm' | 'aes-siv') {
  const chain = await LocalChain.create({
    seed: 'local-chain-test',
    onDebug: false,
    ...(scheme ? { scheme } : {}),
  });
  const alice = chain.createAccount({ name: 'alice', balance: uscrt('1000000') });
  const bob = chain.createAccount({ name: 'bob', balance: uscrt('500') });
  const carol = chain.createAccount({ name: 'carol' });
  const { codeId, codeHash } = await chain.storeCode(alice, TOKEN);
  const init = {
    name: 'Tok',
    symbol: 'TOK',
    decimals: 6,
    initial_balances: [{ address: alice.address, amount: '1000' }],
    minter: alice.address,
  };
  const inst = await chain.instantiate(alice, codeId, init, { label: 'tok' });
  return { chain, alice, bob, carol, codeId, codeHash, token: inst.address, inst };
}

describe('LocalChain: token lifecycle', () => {
  for (const scheme of ['aes-256-gcm', 'aes-siv'] as const) {
    it(`stores, instantiates, transfers and queries privately (${scheme})`, async () => {
      const { chain, alice, bob, carol, codeId, codeHash, token, inst } = await tokenChain(scheme);
      assert.equal(codeId, 1);
      assert.match(codeHash, /^[0-9a-f]{64}$/);
      assert.match(token, /^secret1[02-9ac-hj-np-z]{38}$/);
      assert.equal(attrs(inst.events, 'wasm').total_supply, '1000');

      const r = await chain.execute(alice, token, { transfer: { recipient: bob.address, amount: '250' } });
      const wasm = attrs(r.events, 'wasm');
      assert.deepEqual(
        { action: wasm.action, from: wasm.from, to: wasm.to, amount: wasm.amount },
        { action: 'transfer', from: alice.address, to: bob.address, amount: '250' },
      );
      assert.equal(r.data, undefined);
      assert.ok(r.gasUsed > 0n && r.gasUsed <= r.gasWanted);
      assert.match(r.txHash, /^[0-9A-F]{64}$/);

      // validators see ciphertext only: neither the input nor the events carry the plaintext
      const raw = JSON.stringify(r.raw.events);
      assert.ok(!raw.includes('"transfer"') && !raw.includes(bob.address));
      assert.ok(
        r.raw.input !== undefined && !Buffer.from(r.raw.input).toString('latin1').includes('recipient'),
      );

      await chain.execute(bob, token, { transfer: { recipient: carol.address, amount: '50' } });
      assert.deepEqual(await chain.query(token, { balance: { address: alice.address } }), { balance: '750' });
      assert.deepEqual(await chain.query(token, { balance: { address: bob.address } }), { balance: '200' });
      assert.deepEqual(await chain.query(token, { balance: { address: carol.address } }), { balance: '50' });
      assert.deepEqual(await chain.query(token, { token_info: {} }), {
        name: 'Tok',
        symbol: 'TOK',
        decimals: 6,
        total_supply: '1000',
      });
      await chain.execute(alice, token, { mint: { recipient: carol.address, amount: '5' } });
      assert.deepEqual(await chain.query(token, { token_info: {} }), {
        name: 'Tok',
        symbol: 'TOK',
        decimals: 6,
        total_supply: '1005',
      });
      // the contract's state is encrypted at rest
      const state = chain.contractState(token);
      assert.ok(state.length >= 4);
      assert.ok(state.every((e) => !Buffer.from(e.value).toString('latin1').includes('1000')));
    });
  }

  it('accepts gzip-compressed wasm and reuses the code hash', async () => {
    const chain = await LocalChain.create({ onDebug: false });
    const alice = chain.createAccount();
    const raw = await chain.storeCode(alice, TOKEN);
    const gz = await chain.storeCode(alice, gzipSync(TOKEN));
    assert.equal(gz.codeId, raw.codeId + 1);
    assert.equal(gz.codeHash, raw.codeHash);
  });

  it('records each tx with encrypted input/events and lets the sender decrypt them', async () => {
    const { chain, alice, bob, token } = await tokenChain();
    const r = await chain.execute(alice, token, { transfer: { recipient: bob.address, amount: '7' } });
    const rec = chain.getTx(r.txHash);
    assert.ok(rec !== undefined);
    assert.equal(rec.code, 0);
    assert.equal(rec.sender, alice.address);
    assert.equal(rec.contract, token);
    assert.equal(rec.gasUsed, r.gasUsed.toString());
    const seen = chain.decryptTx(rec);
    assert.deepEqual(seen?.input, { transfer: { recipient: bob.address, amount: '7' } });
    assert.equal(attrs(seen.events, 'wasm').amount, '7');
    assert.equal(chain.recentTxs(1)[0]?.hash, r.txHash);
  });

  it('advances blocks with explicit time, and env sees them', async () => {
    const chain = await LocalChain.create({ onDebug: false, genesisTime: new Date('2025-01-01T00:00:00Z') });
    assert.deepEqual(chain.block, { height: 1, time: new Date('2025-01-01T00:00:00Z') });
    await chain.nextBlock();
    await chain.nextBlock({ seconds: 60 });
    assert.deepEqual(chain.block, { height: 3, time: new Date('2025-01-01T00:01:05Z') });
    assert.match(chain.appHash, /^[0-9a-f]{64}$/);
    const alice = chain.createAccount();
    const { codeId } = await chain.storeCode(alice, EXERCISER);
    const { address } = await chain.instantiate(alice, codeId, {}, { label: 'ex' });
    const r = await chain.execute(alice, address, { env: {} });
    const env = JSON.parse(text(r.data)) as {
      env: { block: { height: number; time: string; chain_id: string } };
    };
    assert.equal(env.env.block.height, 3);
    assert.equal(env.env.block.time, '1735689665000000000');
    assert.equal(env.env.block.chain_id, 'secret-local-1');
  });

  it('moves bank funds through signed MsgSend txs', async () => {
    const { chain, alice, carol } = await tokenChain();
    const r = await chain.send(alice, carol, uscrt('300'));
    assert.equal(attrs(r.events, 'transfer').amount, '300uscrt');
    assert.deepEqual(chain.getBalance(carol.address, 'uscrt'), { denom: 'uscrt', amount: '300' });
    assert.deepEqual(chain.getBalance(alice, 'uscrt'), { denom: 'uscrt', amount: '999700' });
    chain.setBalance(carol, [{ denom: 'uatom', amount: '9' }]);
    assert.deepEqual(chain.getBalances(carol), [{ denom: 'uatom', amount: '9' }]);
  });
});

describe('LocalChain: exerciser (data, debug, funds, migrate, admin)', () => {
  it('returns decrypted data and collects debug output', async () => {
    const seen: string[] = [];
    const chain = await LocalChain.create({ onDebug: (c, m) => seen.push(`${c}:${m}`) });
    const alice = chain.createAccount({ balance: uscrt('100') });
    const { codeId } = await chain.storeCode(alice, EXERCISER);
    const { address } = await chain.instantiate(alice, codeId, {}, { label: 'ex', funds: uscrt('40') });
    assert.deepEqual(chain.getBalance(address, 'uscrt'), { denom: 'uscrt', amount: '40' });
    assert.deepEqual(chain.getBalance(alice, 'uscrt'), { denom: 'uscrt', amount: '60' });
    await chain.execute(alice, address, { set: { key: 'k', value: 'secret value' } });
    const got = await chain.execute(alice, address, { get: { key: 'k' } });
    assert.equal(text(got.data), 'secret value');
    assert.ok(got.raw.data !== undefined && !text(got.raw.data).includes('secret value'));
    assert.deepEqual(await chain.query(address, { get: { key: 'k' } }), { value: 'secret value' });
    const dbg = await chain.execute(alice, address, { call_host: { fn: 'debug', msg: 'hello from wasm' } });
    assert.deepEqual(dbg.debug, ['hello from wasm']);
    assert.deepEqual(seen, [`${address}:hello from wasm`]);
  });

  it('migrates only by the admin, then after updateAdmin by the new admin, never after clearAdmin', async () => {
    const chain = await LocalChain.create({ onDebug: false });
    const alice = chain.createAccount({ name: 'alice' });
    const bob = chain.createAccount({ name: 'bob' });
    const v1 = await chain.storeCode(alice, EXERCISER);
    const v2 = await chain.storeCode(alice, RANDOM);
    const { address } = await chain.instantiate(
      alice,
      v1.codeId,
      { set: { key: 'a', value: '1' } },
      { label: 'm', admin: alice },
    );
    assert.equal(chain.contractInfo(address)?.admin, alice.address);

    await assert.rejects(
      chain.migrate(bob, address, v2.codeId, {}),
      (e: unknown) => e instanceof TxError && e.code === 'UNAUTHORIZED',
    );
    const m = await chain.migrate(alice, address, v2.codeId, { set: { key: 'b', value: '2' } });
    assert.ok(m.events.some((e) => e.type === 'migrate'));
    assert.equal(chain.contractInfo(address)?.codeId, v2.codeId);
    assert.equal(chain.contractInfo(address)?.codeHash, v2.codeHash);
    // state survives the migration and the new code reads it
    assert.deepEqual(await chain.query(address, { get: { key: 'a' } }), { value: '1' });
    assert.deepEqual(await chain.query(address, { get: { key: 'b' } }), { value: '2' });

    await chain.updateAdmin(alice, address, bob);
    assert.equal(chain.contractInfo(address)?.admin, bob.address);
    await assert.rejects(
      chain.migrate(alice, address, v1.codeId, {}),
      (e: unknown) => e instanceof TxError && e.code === 'UNAUTHORIZED',
    );
    await chain.migrate(bob, address, v1.codeId, {});
    assert.equal(chain.contractInfo(address)?.codeId, v1.codeId);

    await chain.clearAdmin(bob, address);
    assert.equal(chain.contractInfo(address)?.admin, undefined);
    await assert.rejects(
      chain.migrate(bob, address, v2.codeId, {}),
      (e: unknown) => e instanceof TxError && e.code === 'UNAUTHORIZED',
    );
  });
});

describe('LocalChain: concurrency', () => {
  it('queues concurrent txs of one sender so each signs the next sequence', async () => {
    const { chain, alice, bob, carol, token } = await tokenChain();
    const before = chain.getAccount(alice.address).sequence;
    const results = await Promise.all(
      [bob, carol, bob, carol, bob].map((to) =>
        chain.execute(alice, token, { transfer: { recipient: to.address, amount: '1' } }),
      ),
    );
    assert.equal(new Set(results.map((r) => r.txHash)).size, 5);
    // each input is encrypted when its turn comes: a seeded chain derives the nonce from the sequence, and
    // concurrent calls must not share one (nonce ‖ sender pubkey is the first 64 bytes of the input)
    const nonces = results.map((r) => Buffer.from(r.raw.input!.subarray(0, 32)).toString('hex'));
    assert.equal(new Set(nonces).size, 5);
    assert.equal(chain.getAccount(alice.address).sequence, before + 5n);
    assert.deepEqual(await chain.query(token, { balance: { address: bob.address } }), { balance: '3' });
  });
});

describe('LocalChain: reproducibility', () => {
  it('gives the same addresses, results and app hash for the same seed', async () => {
    const run = async () => {
      const { chain, alice, bob, token } = await tokenChain();
      const r = await chain.execute(alice, token, { transfer: { recipient: bob.address, amount: '1' } });
      await chain.nextBlock();
      return { alice: alice.address, token, hash: r.txHash, app: chain.appHash };
    };
    assert.deepEqual(await run(), await run());
  });
});
