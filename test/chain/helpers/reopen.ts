/**
 * Second-process half of the persistence test: reopens a LocalChain directory, reports what it sees as JSON on
 * stdout, makes one more transfer and closes (committing it). Usage: reopen.ts <dir> <token address>.
 */
import { LocalChain } from '../../../src/testing/index.js';

const [dir, token] = process.argv.slice(2);
if (dir === undefined || token === undefined) throw new Error('usage: reopen.ts <dir> <token>');
const chain = await LocalChain.create({ dir, onDebug: false });
const [alice, bob] = chain.accounts();
if (alice === undefined || bob === undefined) throw new Error('accounts missing after reopen');
const seen = {
  block: chain.block.height,
  accounts: chain.accounts().map((a) => a.name),
  aliceSequence: chain.getAccount('alice').sequence.toString(),
  bank: chain.getBalance(bob.address, 'uscrt').amount,
  bobTokens: await chain.query(token, { balance: { address: bob.address } }),
  contract: chain.contractInfo(token),
  txs: chain.recentTxs(10).length,
};
await chain.execute(bob, token, { transfer: { recipient: alice.address, amount: '2' } });
await chain.close();
process.stdout.write(JSON.stringify(seen));
