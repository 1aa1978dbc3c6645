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
}

/** A batch request: `id` echoes back. */
export interface PrepareRequest {
  readonly id: number;
  readonly batch: ArrayBuffer;
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
  port.on('message', (req: PrepareRequest) => {
    let results: ArrayBuffer | undefined;
    try {
      const prepared: PreparedTx[] = decodeBatch(req.batch).map((tx) => prepareTx(io, data.scheme, tx));
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
