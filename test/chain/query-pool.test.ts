/**
 * QueryWorkerPool: real worker threads reading a real LMDB directory (a persistent LocalChain) answer encrypted
 * smart queries with exactly the bytes and errors of the main thread's keeper on the committed state.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { QueryWorkerPool } from '../../src/chain/query-pool.js';
import { EncryptionUtils } from '../../src/compute/index.js';
import { createEnclave } from '../../src/enclave/index.js';
import { NetworkKeys } from '../../src/enclave/keys.js';
import { createComputeKeeper, fromBech32 } from '../../src/keeper/index.js';
import { LmdbStore } from '../../src/state/index.js';
import { type Account, LocalChain } from '../../src/testing/index.js';
import { loadFixture } from '../fixtures/index.js';

const root = mkdtempSync(join(tmpdir(), 'query-pool-'));
after(() => rmSync(root, { recursive: true, force: true }));

const decoder = new TextDecoder();

let chain: LocalChain;
let pool: QueryWorkerPool;
let alice: Account;
let users: Account[];
let token: { address: string; canonical: Uint8Array; codeHash: string };
let ex: { address: string; canonical: Uint8Array; codeHash: string };
const io = (): EncryptionUtils => new EncryptionUtils({ ioPubkey: chain.ioPubkey, scheme: chain.scheme });
let client: EncryptionUtils;

function wire(c: { codeHash: string }, msg: object): Uint8Array {
  return client.encryptSync(c.codeHash, msg);
}

function answer(w: Uint8Array, data: Uint8Array): unknown {
  return JSON.parse(decoder.decode(client.decryptQueryResult(data, client.nonceOf(w))));
}

/** What the main thread's keeper throws for the query (the chain has no uncommitted writes when called). */
function mainError(contract: Uint8Array, w: Uint8Array): Error {
  try {
    chain.keeper.query(contract, w);
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the main-thread query to fail');
}

/** Class, codes and message of an error and of its causes. */
function shape(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const o = e as Error & Record<string, unknown>;
  return {
    ctor: e.constructor.name,
    name: e.name,
    message: e.message,
    codespace: o.codespace,
    code: o.code,
    kind: o.kind,
    cause: shape(e.cause),
  };
}

before(async () => {
  chain = await LocalChain.create({
    dir: join(root, 'chain'),
    seed: 'query-pool',
    onDebug: false,
    durable: false,
  });
  alice = chain.createAccount({ name: 'alice', balance: [{ denom: 'uscrt', amount: '5000' }] });
  users = Array.from({ length: 16 }, (_, i) => chain.createAccount({ name: `u${i}` }));
  const t = await chain.storeCode(alice, loadFixture('token'));
  const ti = await chain.instantiate(
    alice,
    t.codeId,
    {
      name: 'Tok',
      symbol: 'TOK',
      decimals: 6,
      initial_balances: users.map((u, i) => ({ address: u.address, amount: String(1000 + i) })),
      minter: null,
    },
    { label: 'tok' },
  );
  token = { address: ti.address, canonical: fromBech32(ti.address), codeHash: t.codeHash };
  const e = await chain.storeCode(alice, loadFixture('exerciser-v1'));
  const ei = await chain.instantiate(alice, e.codeId, {}, { label: 'ex' });
  ex = { address: ei.address, canonical: fromBech32(ei.address), codeHash: e.codeHash };
  await chain.nextBlock(); // commit: the pool answers from committed state only
  client = io();
  pool = chain.queryPool({ size: 2 });
});

after(async () => {
  await chain.close();
});

describe('QueryWorkerPool over a persistent LocalChain', () => {
  it('answers many queries in flight with the main-thread keeper’s exact bytes', async () => {
    const wires = Array.from({ length: 300 }, (_, i) =>
      i % 10 === 9
        ? wire(token, { token_info: {} })
        : wire(token, { balance: { address: users[i % users.length]!.address } }),
    );
    const got = await Promise.all(wires.map((w) => pool.query(token.canonical, w)));
    for (let i = 0; i < wires.length; i++) {
      const w = wires[i]!;
      assert.deepEqual(got[i], chain.keeper.query(token.canonical, w));
      assert.deepEqual(got[i], pool.queryInline(token.canonical, w));
    }
    assert.deepEqual(answer(wires[0]!, got[0]!), { balance: '1000' });
    assert.deepEqual(answer(wires[9]!, got[9]!), {
      name: 'Tok',
      symbol: 'TOK',
      decimals: 6,
      total_supply: String(16 * 1000 + 120),
    });
    assert.ok(pool.stats().worker >= 300);
    assert.equal(pool.stats().workersStarted, 2);
  });

  it('answers at the last committed block, in the block env the main thread uses, and sees the next commit', async () => {
    const [u0, u1] = [users[0]!, users[1]!];
    await chain.execute(u0, token.address, { transfer: { recipient: u1.address, amount: '7' } });
    const w = wire(token, { balance: { address: u1.address } });
    // the transfer is in the current (uncommitted) block: the pool still answers from the last commit
    assert.deepEqual(answer(w, await pool.query(token.canonical, w)), { balance: '1001' });
    assert.deepEqual(answer(w, chain.keeper.query(token.canonical, w)), { balance: '1008' });
    await chain.nextBlock();
    assert.deepEqual(answer(w, await pool.query(token.canonical, w)), { balance: '1008' });
    const envWire = wire(ex, { env: {} });
    const envBytes = await pool.query(ex.canonical, envWire);
    assert.deepEqual(envBytes, chain.keeper.query(ex.canonical, envWire));
    const env = answer(envWire, envBytes) as { block: { height: number; chain_id: string } };
    assert.equal(Number(env.block.height), chain.block.height);
    assert.equal(env.block.chain_id, chain.chainId);
  });

  it('fails with the main thread’s error class, code, message and causes', async () => {
    const cases: [string, Uint8Array, Uint8Array][] = [
      ['unknown contract', new Uint8Array(20).fill(9), wire(token, { balance: { address: alice.address } })],
      ['contract error', ex.canonical, wire(ex, { fail: { msg: 'no way' } })],
      ['out of gas', ex.canonical, wire(ex, { spin: { iterations: 1_000_000_000 } })],
      ['write during a query', ex.canonical, wire(ex, { write: { key: 'k', value: 'v' } })],
    ];
    const tampered = wire(token, { balance: { address: alice.address } }).slice();
    tampered[tampered.length - 1]! ^= 1;
    cases.push(['tampered input', token.canonical, tampered]);
    for (const [what, contract, w] of cases) {
      const expected = shape(mainError(contract, w));
      await assert.rejects(pool.query(contract, w), (e) => {
        assert.deepEqual(shape(e), expected, what);
        return true;
      });
    }
    const oog = shape(mainError(ex.canonical, cases[2]![2])) as {
      name: string;
      codespace: string;
      code: number;
    };
    assert.deepEqual([oog.name, oog.codespace, oog.code], ['ComputeError', 'sdk', 11]);
  });

  it('answers contract-to-contract queries in the worker and bank queries on the main thread, identically', async () => {
    const before = pool.stats();
    const c2c = wire(ex, {
      query_other: {
        contract_addr: token.address,
        code_hash: token.codeHash,
        msg: { balance: { address: users[2]!.address } },
      },
    });
    const bank = wire(ex, {
      query_chain: { request: { bank: { balance: { address: alice.address, denom: 'uscrt' } } } },
    });
    const [a, b] = await Promise.all([pool.query(ex.canonical, c2c), pool.query(ex.canonical, bank)]);
    assert.deepEqual(a, chain.keeper.query(ex.canonical, c2c));
    assert.deepEqual(b, chain.keeper.query(ex.canonical, bank));
    assert.deepEqual(JSON.parse(decoder.decode(client.decryptQueryResult(a, client.nonceOf(c2c)))), {
      balance: '1002',
    });
    const raw = JSON.parse(decoder.decode(client.decryptQueryResult(b, client.nonceOf(bank)))) as {
      ok: { ok: string };
    };
    assert.deepEqual(JSON.parse(Buffer.from(raw.ok.ok, 'base64').toString()), {
      amount: { denom: 'uscrt', amount: '5000' },
    });
    const after = pool.stats();
    assert.equal(after.worker - before.worker, 1);
    assert.equal(after.inline - before.inline, 1);
  });

  it('sends a batch again when a block is committed while it waits, and answers from the new commit', async () => {
    const p1 = chain.queryPool({ size: 1 });
    const [u3, u4] = [users[3]!, users[4]!];
    const w = wire(token, { balance: { address: u4.address } });
    assert.deepEqual(answer(w, await p1.query(token.canonical, w)), { balance: '1004' });
    await chain.execute(u3, token.address, { transfer: { recipient: u4.address, amount: '5' } });
    // keep the only worker busy (~0.5 s until out of gas), then queue a query tagged with the current commit
    const slow = p1
      .query(ex.canonical, wire(ex, { spin: { iterations: 1_000_000_000 } }))
      .catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    const q = p1.query(token.canonical, w);
    await chain.nextBlock(); // commits the transfer before the worker reaches the query's batch
    assert.deepEqual(answer(w, await q), { balance: '1009' });
    // q's batch for sure (the slow one too if the worker had not started it before the commit)
    assert.ok(p1.stats().staleBatches >= 1);
    assert.deepEqual(await q, chain.keeper.query(token.canonical, w));
    assert.equal(((await slow) as Error).name, 'ComputeError');
    await p1.close();
  });

  it('needs a persistent chain', async () => {
    const mem = await LocalChain.create({ onDebug: false });
    assert.throws(() => mem.queryPool(), { name: 'ChainError', code: 'INVALID_ARGUMENT' });
    await mem.close();
  });

  it('close() rejects what it has not answered, then everything, and the chain closes its pools', async () => {
    const p2 = chain.queryPool({ size: 1 });
    const w = wire(token, { balance: { address: alice.address } });
    assert.deepEqual(await p2.query(token.canonical, w), chain.keeper.query(token.canonical, w));
    const inFlight = Promise.allSettled(Array.from({ length: 20 }, () => p2.query(token.canonical, w)));
    await p2.close();
    for (const r of await inFlight) {
      assert.equal(r.status, 'rejected');
      assert.deepEqual([r.reason.name, r.reason.code], ['ChainError', 'CLOSED']);
    }
    await assert.rejects(p2.query(token.canonical, w), { name: 'ChainError', code: 'CLOSED' });
    assert.throws(() => p2.queryInline(token.canonical, w), { name: 'ChainError', code: 'CLOSED' });
    await p2.close(); // idempotent
  });
});

describe('QueryWorkerPool on an aes-siv chain', () => {
  it('answers with the main thread’s bytes, and chain.close() closes it', async () => {
    const siv = await LocalChain.create({
      dir: join(root, 'siv'),
      seed: 'query-pool-siv',
      scheme: 'aes-siv',
      onDebug: false,
      durable: false,
    });
    const owner = siv.createAccount({ name: 'owner' });
    const t = await siv.storeCode(owner, loadFixture('token'));
    const { address } = await siv.instantiate(
      owner,
      t.codeId,
      {
        name: 'Siv',
        symbol: 'SIV',
        decimals: 6,
        initial_balances: [{ address: owner.address, amount: '42' }],
        minter: null,
      },
      { label: 'siv' },
    );
    await siv.nextBlock();
    const sivClient = new EncryptionUtils({ ioPubkey: siv.ioPubkey, scheme: 'aes-siv' });
    const contract = fromBech32(address);
    const w = sivClient.encryptSync(t.codeHash, { balance: { address: owner.address } });
    const p = siv.queryPool({ size: 1 });
    const got = await p.query(contract, w);
    assert.deepEqual(got, siv.keeper.query(contract, w));
    assert.deepEqual(JSON.parse(decoder.decode(sivClient.decryptQueryResult(got, sivClient.nonceOf(w)))), {
      balance: '42',
    });
    await siv.close();
    await assert.rejects(p.query(contract, w), { name: 'ChainError', code: 'CLOSED' });
  });
});

describe('QueryWorkerPool: worker failures', () => {
  it('rejects queries of a crashed worker with a typed error, restarts, then closes itself', async () => {
    const dir = join(root, 'crash');
    const store = LmdbStore.open(dir, { durable: false });
    const seed = new Uint8Array(32).fill(3);
    const keeper = createComputeKeeper({
      store,
      enclave: createEnclave({ keys: NetworkKeys.fromSeeds([seed]) }),
    });
    const crashing = new QueryWorkerPool({
      store,
      dir,
      keeper,
      enclave: { seeds: [seed] },
      size: 1,
      workerUrl: new URL('./helpers/crash-query-worker.ts', import.meta.url),
    });
    const q = new Uint8Array(100);
    try {
      await assert.rejects(crashing.query('secret1…' as unknown as Uint8Array, q), {
        name: 'ChainError',
        code: 'INVALID_ARGUMENT',
      });
      assert.equal(crashing.stats().workersStarted, 0);
      for (let i = 0; i < 5; i++) {
        await assert.rejects(crashing.query(new Uint8Array(20), q), (e: Error & { code?: string }) => {
          assert.equal(e.name, 'ChainError');
          assert.equal(e.code, 'QUERY_WORKER_FAILED');
          assert.match(String((e.cause as Error | undefined)?.message), /query worker crashed \(test\)/);
          return true;
        });
      }
      // 1 start + 4 restarts used up: the pool says so instead of starting workers forever
      await assert.rejects(crashing.query(new Uint8Array(20), q), { name: 'ChainError', code: 'CLOSED' });
      assert.equal(crashing.stats().workersStarted, 5);
    } finally {
      await crashing.close();
      store.close();
    }
  });
});
