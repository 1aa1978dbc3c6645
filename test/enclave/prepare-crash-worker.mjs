// A prepare worker that dies on its first batch (for test/enclave/prepare.test.ts): the enclave must fall back to
// inline verification and decryption.
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', () => {
  throw new Error('prepare worker crashed on purpose');
});
