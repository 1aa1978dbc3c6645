/**
 * Entry point of the enclave's prepare worker thread (started by prepare.ts with `workerData` = the io private
 * key and the scheme). Each message is one batch buffer; the reply returns that buffer and a results buffer,
 * both transferred. Holds no chain state: everything it computes is a pure function of the batch bytes and the
 * io key.
 */
import { parentPort, workerData } from 'node:worker_threads';

import type { EncryptionScheme } from '../compute/scheme.js';
import { IoKeyAgreement } from './keys.js';
import { decodeBatch, encodeResults, type PreparedTx } from './prepare-codec.js';
import { prepareTx } from './prepare-work.js';

/** `workerData` of the prepare worker. */
export interface PrepareWorkerData {
  readonly ioPrivateKey: Uint8Array;
  readonly scheme: EncryptionScheme;
  /**
   * One Int32 shared with the enclave: nonzero = stop. Checked between txs, so the thread ends itself at a point
   * where it runs JavaScript: `worker.terminate()` landing inside a native call (the libsecp256k1 addon) can
   * abort the whole process.
   */
  readonly stop?: SharedArrayBuffer;
}

/** A batch request: `id` echoes back. A request without a batch only wakes an idle worker to see `stop`. */
export interface PrepareRequest {
  readonly id: number;
  readonly batch?: ArrayBuffer;
}

/** A batch reply; `results` is absent when the batch could not be processed at all. */
export interface PrepareReply {
  readonly id: number;
  readonly batch: ArrayBuffer;
  readonly results?: ArrayBuffer;
}

const port = parentPort;
if (port !== null) {
  const data = workerData as PrepareWorkerData;
  const io = IoKeyAgreement.fromPrivateKey(data.ioPrivateKey);
  data.ioPrivateKey.fill(0);
  const stop = data.stop === undefined ? undefined : new Int32Array(data.stop);
  const stopping = (): boolean => stop !== undefined && Atomics.load(stop, 0) !== 0;
  port.on('message', (req: PrepareRequest) => {
    if (stopping() || req.batch === undefined) {
      if (stopping()) process.exit(0); // in a worker: ends this thread only
      return;
    }
    let results: ArrayBuffer | undefined;
    try {
      const txs = decodeBatch(req.batch);
      const prepared: PreparedTx[] = [];
      for (const tx of txs) {
        if (stopping()) process.exit(0);
        prepared.push(prepareTx(io, data.scheme, tx));
      }
      results = encodeResults(req.batch, prepared);
    } catch {
      results = undefined; // a malformed batch prepares nothing; the txs run inline
    }
    const reply: PrepareReply = {
      id: req.id,
      batch: req.batch,
      ...(results === undefined ? {} : { results }),
    };
    port.postMessage(reply, results === undefined ? [req.batch] : [req.batch, results]);
  });
}
