// Child process for the crash test: opens the lmdb store in argv[2] and commits blocks forever until killed.
// Prints "ready <height>" once open, then "<height>" after every commit.
import { LmdbStore } from '../../../src/state/index.js';
import { applyBlock } from './blocks.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: commit-loop <dir>');
const store = LmdbStore.open(dir, { durable: process.env.DURABLE === '1' });
process.stdout.write(`ready ${store.height}\n`);
for (let n = Number(store.height) + 1; ; n++) {
  applyBlock(store, n);
  store.commit(n);
  process.stdout.write(`${n}\n`);
}
