/**
 * State benchmarks: reads, writes and block commits on the in-memory store and the persistent LMDB store at
 * 10^3, 10^5 and 10^6 keys, with LevelDB (classic-level, the other embedded ordered KV store with prebuilt
 * binaries for Node 20) measured side by side as the peer; plus the cost of Secret's state encryption per
 * operation against the same operation in plaintext.
 *
 * Workload: 32-byte hashed keys, 64-byte values, uniformly random access to existing keys. A "block" is 1,000
 * overwrites followed by a commit (LMDB: one write transaction with fsync; LevelDB: one `batch` with
 * `sync: true`). Prefill uses 100,000-key transactions without fsync.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ClassicLevel } from 'classic-level';

import { EncryptedStore, LmdbStore, MemoryStore, stateSalt } from '../src/state/index.js';
import { type BenchResult, compare, measure, measureAsync, type MeasureOptions } from './harness.js';

const SIZES = [1_000, 100_000, 1_000_000] as const;
const BLOCK_WRITES = 1_000;
const PREFILL_CHUNK = 100_000;
const OPTS: MeasureOptions = { runs: 3, runMs: 150, warmupMs: 100, minBatchMs: 20 };
const SLOW_OPTS: MeasureOptions = { runs: 3, runMs: 300, warmupMs: 100, minBatchMs: 1 };

function makeKeys(n: number): Buffer[] {
  const keys: Buffer[] = new Array<Buffer>(n);
  const seed = Buffer.alloc(4);
  for (let i = 0; i < n; i++) {
    seed.writeUInt32BE(i, 0);
    keys[i] = createHash('sha256').update(seed).digest();
  }
  return keys;
}

function value(i: number, gen: number): Uint8Array {
  const v = new Uint8Array(64);
  new DataView(v.buffer).setUint32(0, i);
  new DataView(v.buffer).setUint32(4, gen);
  return v;
}

/** Cheap deterministic index stream (LCG); bench-only, never on a consensus path. */
function indexStream(n: number): () => number {
  let x = 0x9e3779b9;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % n;
  };
}

const label = (n: number) => (n >= 1_000_000 ? '1e6' : n >= 100_000 ? '1e5' : '1e3');

async function benchSize(n: number, dir: string): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  const keys = makeKeys(n);
  const vals = keys.map((_, i) => value(i, 0));
  const tag = `@${label(n)} keys`;

  // --- memory ---
  const mem = new MemoryStore();
  for (let i = 0; i < n; i++) mem.set(keys[i]!, vals[i]!);
  let next = indexStream(n);
  const memGet = measure(() => mem.get(keys[next()]!), OPTS);
  next = indexStream(n);
  let gen = 1;
  const memSet = measure(() => mem.set(keys[next()]!, value(0, gen++)), OPTS);
  next = indexStream(n);
  const memBranch = measure(() => mem.branch().get(keys[next()]!), OPTS);
  next = indexStream(n);
  const memBlock = measure(() => {
    const b = mem.branch();
    for (let j = 0; j < BLOCK_WRITES; j++) b.set(keys[next()]!, vals[j]!);
    b.write();
  }, SLOW_OPTS);

  // --- lmdb ---
  const lmdbDir = join(dir, `lmdb-${n}`);
  let height = 0;
  {
    const fill = LmdbStore.open(lmdbDir, { durable: false });
    for (let i = 0; i < n; i += PREFILL_CHUNK) {
      for (let j = i; j < Math.min(n, i + PREFILL_CHUNK); j++) fill.set(keys[j]!, vals[j]!);
      fill.commit(++height);
    }
    fill.close();
  }
  const lmdb = LmdbStore.open(lmdbDir);
  next = indexStream(n);
  const lmdbGet = measure(() => lmdb.get(keys[next()]!), OPTS);
  next = indexStream(n);
  const lmdbBlock = measure(() => {
    for (let j = 0; j < BLOCK_WRITES; j++) lmdb.set(keys[next()]!, vals[j]!);
    lmdb.commit(++height);
  }, SLOW_OPTS);
  lmdb.close();

  // --- classic-level (LevelDB) peer ---
  const level = new ClassicLevel<Buffer, Buffer>(join(dir, `level-${n}`), {
    keyEncoding: 'buffer',
    valueEncoding: 'buffer',
  });
  await level.open();
  for (let i = 0; i < n; i += PREFILL_CHUNK / 10) {
    const ops = [];
    for (let j = i; j < Math.min(n, i + PREFILL_CHUNK / 10); j++)
      ops.push({ type: 'put' as const, key: keys[j]!, value: Buffer.from(vals[j]!) });
    await level.batch(ops);
  }
  next = indexStream(n);
  const levelGet = await measureAsync(() => level.get(keys[next()]!), OPTS);
  next = indexStream(n);
  const levelBlock = await measureAsync(async () => {
    const ops = [];
    for (let j = 0; j < BLOCK_WRITES; j++)
      ops.push({ type: 'put' as const, key: keys[next()]!, value: Buffer.from(vals[j]!) });
    await level.batch(ops, { sync: true });
  }, SLOW_OPTS);
  await level.close();

  rows.push(
    compare(`memory get ${tag}`, 'ops/s', memGet.opsPerSec),
    compare(`memory set ${tag}`, 'ops/s', memSet.opsPerSec),
    compare(`memory branch()+get ${tag} (O(1) branch)`, 'ops/s', memBranch.opsPerSec),
    compare(`memory block: branch, ${BLOCK_WRITES} sets, write() ${tag}`, 'blocks/s', memBlock.opsPerSec),
    compare(`lmdb get (sync) ${tag}`, 'ops/s', lmdbGet.opsPerSec, {
      name: 'classic-level get (await)',
      value: levelGet.opsPerSec,
    }),
    compare(`lmdb commit of ${BLOCK_WRITES}-write block, fsync ${tag}`, 'blocks/s', lmdbBlock.opsPerSec, {
      name: 'classic-level batch sync:true',
      value: levelBlock.opsPerSec,
    }),
  );
  return rows;
}

function benchEncryption(): BenchResult[] {
  const n = 100_000;
  const keys = makeKeys(n).map((k) => k.subarray(0, 16));
  const plain = new MemoryStore();
  const backing = new MemoryStore();
  const salt = stateSalt({ timeNanos: 1n, height: 1n, counter: 1n });
  const enc = new EncryptedStore(backing, {
    keyKey: new Uint8Array(32).fill(1),
    valueKey: new Uint8Array(32).fill(2),
    salt: () => salt,
  });
  for (let i = 0; i < n; i++) {
    plain.set(keys[i]!, value(i, 0));
    enc.set(keys[i]!, value(i, 0));
  }
  let next = indexStream(n);
  const plainGet = measure(() => plain.get(keys[next()]!), OPTS);
  next = indexStream(n);
  const encGet = measure(() => enc.get(keys[next()]!), OPTS);
  next = indexStream(n);
  const plainSet = measure(() => plain.set(keys[next()]!, value(1, 1)), OPTS);
  next = indexStream(n);
  const encSet = measure(() => enc.set(keys[next()]!, value(1, 1)), OPTS);
  return [
    compare('encrypted get (AES-SIV key + open, 16 B key, 64 B value) @1e5', 'ops/s', encGet.opsPerSec, {
      name: 'plaintext memory get',
      value: plainGet.opsPerSec,
    }),
    compare('encrypted set (AES-SIV key + seal, 16 B key, 64 B value) @1e5', 'ops/s', encSet.opsPerSec, {
      name: 'plaintext memory set',
      value: plainSet.opsPerSec,
    }),
  ];
}

/** Runs the state benchmarks (about a minute; the 10^6 prefill dominates). */
export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-state-'));
  try {
    const rows: BenchResult[] = [];
    for (const n of SIZES) rows.push(...(await benchSize(n, dir)));
    rows.push(...benchEncryption());
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
