/**
 * A query worker that crashes (uncaught exception) on its first batch: lets test/chain/query-pool.test.ts check
 * what the pool does when a real worker thread dies with queries in flight.
 */
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (req: { queries?: ArrayBuffer }) => {
  if (req.queries !== undefined) throw new Error('query worker crashed (test)');
  parentPort?.close();
});
