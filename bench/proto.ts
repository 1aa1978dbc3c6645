/**
 * Message decoding benchmarks: our strict `decodeComputeMsg` (wire check + ts-proto decode) against secret.js
 * 1.22.1's protobufjs-based decoders and against the lenient generated `decode` alone (the cost of strictness),
 * side by side in the same run. Sizes: a typical MsgExecuteContract (≈ 250 B: two addresses, a 150-byte
 * encrypted input, one coin) and a MsgStoreCode carrying 800 KB of wasm (a large real contract upload).
 */
import * as sjs from 'secretjs/dist/protobuf/secret/compute/v1beta1/msg.js';

import { COMPUTE_TYPE_URLS, decodeComputeMsg } from '../src/compute/messages.js';
import { MsgExecuteContract, MsgStoreCode } from '../src/proto/secret/compute/v1beta1/msg.js';
import { type BenchResult, compare, measure } from './harness.js';

/** Deterministic filler bytes (benchmarks need no randomness). */
const filler = (n: number, salt: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 131 + salt) & 0xff);

export function run(): Promise<BenchResult[]> {
  const exec = MsgExecuteContract.encode(
    MsgExecuteContract.fromPartial({
      sender: filler(20, 1),
      contract: filler(20, 2),
      msg: filler(150, 3),
      sentFunds: [{ denom: 'uscrt', amount: '1000000' }],
    }),
  ).finish();
  const store = MsgStoreCode.encode(
    MsgStoreCode.fromPartial({
      sender: filler(20, 4),
      wasmByteCode: filler(800 * 1024, 5),
      source: 's',
      builder: 'b',
    }),
  ).finish();

  const rows: BenchResult[] = [];
  const execStrict = measure(() => decodeComputeMsg(COMPUTE_TYPE_URLS.MsgExecuteContract, exec));
  const execSjs = measure(() => sjs.MsgExecuteContract.decode(exec));
  const execLenient = measure(() => MsgExecuteContract.decode(exec));
  rows.push(
    compare('decode MsgExecuteContract (strict)', 'msg/s', execStrict.opsPerSec, {
      name: 'secret.js 1.22.1 protobufjs decode',
      value: execSjs.opsPerSec,
    }),
    compare('decode MsgExecuteContract (strict)', 'msg/s', execStrict.opsPerSec, {
      name: 'generated ts-proto decode (lenient)',
      value: execLenient.opsPerSec,
    }),
  );
  const mb = store.length / 2 ** 20;
  const storeStrict = measure(() => decodeComputeMsg(COMPUTE_TYPE_URLS.MsgStoreCode, store), {
    runs: 5,
    runMs: 300,
  });
  const storeSjs = measure(() => sjs.MsgStoreCode.decode(store), { runs: 5, runMs: 300 });
  rows.push(
    compare('decode MsgStoreCode 800 KB (strict, copies input)', 'MiB/s', storeStrict.opsPerSec * mb, {
      name: 'secret.js 1.22.1 protobufjs decode (no copy)',
      value: storeSjs.opsPerSec * mb,
    }),
  );
  return Promise.resolve(rows);
}
