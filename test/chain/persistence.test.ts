/**
 * Persistence across processes: a chain in a directory is closed, a second node process reopens it, sees the
 * same accounts, balances, contracts and encrypted contract state, and adds a tx that this process then sees.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { LocalChain } from '../../src/testing/index.js';
import { loadFixture } from '../fixtures/index.js';

const dir = mkdtempSync(join(tmpdir(), 'secret-compute-chain-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('LocalChain: persistence', () => {
  it('reopens the directory in another process with the same state', async () => {
    const chain = await LocalChain.create({ dir, onDebug: false, durable: false });
    const alice = chain.createAccount({ name: 'alice', balance: [{ denom: 'uscrt', amount: '1000' }] });
    const bob = chain.createAccount({ name: 'bob', balance: [{ denom: 'uscrt', amount: '77' }] });
    const { codeId } = await chain.storeCode(alice, loadFixture('token'));
    const { address: token } = await chain.instantiate(
      alice,
      codeId,
      {
        name: 'Tok',
        symbol: 'TOK',
        decimals: 6,
        initial_balances: [{ address: alice.address, amount: '100' }],
        minter: null,
      },
      { label: 'tok', admin: alice },
    );
    await chain.nextBlock();
    await chain.execute(alice, token, { transfer: { recipient: bob.address, amount: '30' } });
    const app = chain.appHash;
    await chain.close();

    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'helpers/reopen.ts'), dir, token],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(child.status, 0, child.stderr);
    const seen = JSON.parse(child.stdout) as Record<string, unknown>;
    assert.deepEqual(seen, {
      block: 3, // block 2 was committed by close(); the reopened chain continues with the next
      accounts: ['alice', 'bob'],
      aliceSequence: '3',
      bank: '77',
      bobTokens: { balance: '30' },
      contract: {
        address: token,
        codeId,
        codeHash: seen.contract && (seen.contract as { codeHash: string }).codeHash,
        creator: alice.address,
        label: 'tok',
        admin: alice.address,
      },
      txs: 3,
    });

    const again = await LocalChain.create({ dir, onDebug: false });
    try {
      assert.notEqual(again.appHash, app); // the child committed a block of its own
      assert.equal(again.block.height, 4);
      assert.deepEqual(await again.query(token, { balance: { address: bob.address } }), { balance: '28' });
      assert.equal(again.getAccount('bob').sequence, 1n);
      // the same network key: a tx encrypted now is still accepted, and the keyring is intact
      await again.execute('bob', token, { transfer: { recipient: alice.address, amount: '1' } });
      assert.deepEqual(await again.query(token, { balance: { address: alice.address } }), { balance: '73' });
      // one process at a time per directory
      await assert.rejects(LocalChain.create({ dir }), { name: 'ChainError', code: 'LOCKED' });
      await assert.rejects(LocalChain.create({ dir, scheme: 'aes-siv' }), {
        name: 'ChainError',
        code: 'INCOMPATIBLE_DIRECTORY',
      });
    } finally {
      await again.close();
    }
  });
});
