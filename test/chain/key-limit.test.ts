/**
 * The largest contract storage key is a consensus rule sized so the full encrypted store key fits LMDB: a longer
 * key fails the contract call when it is written, never the block commit (which would leave a block half-applied).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { MAX_CONTRACT_KEY_LENGTH } from '../../src/state/index.js';
import { ContractError, LocalChain } from '../../src/testing/index.js';
import { loadFixture } from '../fixtures/index.js';

/** exerciser-v1 commands (test/fixtures/contracts/README.md). */
const set = (key: string, value: string) => ({ set: { key, value } });
const get = (key: string) => ({ get: { key } });

const dir = mkdtempSync(join(tmpdir(), 'secret-compute-keylimit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('contract storage key limit on the persistent store', () => {
  it('accepts the maximum, rejects one byte more at the write, and the block still commits whole', async () => {
    const chain = await LocalChain.create({ dir, onDebug: false, durable: false, seed: 'key-limit' });
    const alice = chain.createAccount({ name: 'alice', balance: [{ denom: 'uscrt', amount: '1000000' }] });
    const { codeId } = await chain.storeCode(alice, loadFixture('exerciser-v1'));
    const { address } = await chain.instantiate(alice, codeId, {}, { label: 'keys' });

    const longest = 'k'.repeat(MAX_CONTRACT_KEY_LENGTH);
    await chain.execute(alice, address, set(longest, 'fits'));
    await assert.rejects(chain.execute(alice, address, set(`${longest}x`, 'too long')), (e: unknown) => {
      assert.ok(e instanceof ContractError);
      assert.match(e.message, /failed to execute ocall/);
      return true;
    });
    const height = chain.block.height;
    await chain.nextBlock();
    assert.equal(chain.block.height, height + 1);
    await chain.close();

    const reopened = await LocalChain.create({ dir, onDebug: false, durable: false });
    const { data } = await reopened.execute('alice', address, get(longest));
    assert.equal(new TextDecoder().decode(data), 'fits');
    await reopened.close();
  });
});
