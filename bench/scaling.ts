/**
 * Scaling (issue #9 cases 4 and 5), all through the keeper + real enclave (bench/keeper.ts harness):
 * - per-call cost of a private token transfer and of an encrypted balance query with 10^3, 10^5 and 10^6 keys in
 *   the contract's store. The store is prefilled the way the enclave itself would write it: token balance entries
 *   (`b` ‖ canonical address → u128 BE) encrypted with the contract's own state keys (AES-SIV key + value, real
 *   salts) through the state layer's EncryptedStore into the contract's prefix store, in one pass per level (a
 *   transfer per key would take ~10^6 txs). Side by side: the same transfer on the plaintext runtime over the
 *   in-memory MemoryStorage (src/testing) prefilled with the same plaintext entries.
 * - the same transfer on the 2 MB contract (token-big.wasm) vs token.wasm;
 * - call chains of depth 1, 5, 10: exerciser-v1 contracts each executing the next through an encrypted wasm
 *   submessage (depth 1 = a single contract call);
 * - resident memory per 1,000 instantiated contracts (rss delta / 1000 in a child process);
 * - store + compile latency of a 200 KB contract (bench/fixtures/token-200k.wasm) and a 2 MB one (token-big.wasm),
 *   cold (unique bytes: a custom section with a counter, so neither our module cache nor V8's native module cache
 *   can hit) and cached (same code again: MsgStoreCode + instantiate of a stored, compiled code).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { bech32 } from '@scure/base';

import { deriveStateKeys } from '../src/enclave/contract-state.js';
import { NetworkKeys } from '../src/enclave/keys.js';
import { secretsFromKeys } from '../src/enclave/secrets.js';
import { contractStorePrefix } from '../src/keeper/keys.js';
import { getContractKey } from '../src/keeper/store.js';
import { ContractRuntime } from '../src/runtime/index.js';
import { EncryptedStore, PrefixStore, stateSalt } from '../src/state/index.js';
import { mockBackend, mockEnv, mockInfo } from '../src/testing/index.js';
import { cmd, subMsg, v1Msg } from '../test/fixtures/exerciser.js';
import { loadFixture } from '../test/fixtures/index.js';
import { type BenchResult, compare, measure, measureAsync, type MeasureOptions } from './harness.js';
import { BenchChain, hex, NETWORK_SEED, sha256, type TokenSetup, tokenSetup, TxPool } from './keeper.js';
import { loaderArgs, repoUrl } from './paths.js';

const RUNS: MeasureOptions = { warmupMs: 60, runs: 5, runMs: 120 };
const LEVELS: readonly number[] = process.env.BENCH_SCALING_LEVELS?.split(',').map(Number) ?? [
  1_000, 100_000, 1_000_000,
];
const USERS = 64;

/** One plotted series: per-call µs against stored keys. */
export interface Series {
  name: string;
  points: [keys: number, usPerCall: number][];
}
/** Filled by {@link run}; bench/index.ts plots it. */
export const scalingSeries: Series[] = [];

/** Deterministic 20-byte "address" for prefilled balances (never one of the real users). */
function fakeCanonical(i: number): Uint8Array {
  const a = new Uint8Array(20);
  a[0] = 0xfe;
  new DataView(a.buffer).setUint32(16, i);
  return a;
}
const balanceKey = (canon: Uint8Array): Uint8Array => {
  const k = new Uint8Array(canon.length + 1);
  k[0] = 0x62; // b'b', the token contract's PREFIX_BALANCE
  k.set(canon, 1);
  return k;
};
const ONE_TOKEN = (() => {
  const v = new Uint8Array(16);
  v[15] = 1;
  return v;
})();

/** Writes balances [from, to) into the contract's encrypted store exactly as the enclave would. */
function prefillEncrypted(s: TokenSetup, from: number, to: number): void {
  const ck = getContractKey(s.chain.store, s.contract.canonical);
  if (ck === undefined) throw new Error('no contract key');
  const keys = deriveStateKeys(secretsFromKeys(NetworkKeys.fromSeeds([NETWORK_SEED])), ck.ogContractKey);
  let counter = 0n;
  const enc = new EncryptedStore(new PrefixStore(s.chain.store, contractStorePrefix(s.contract.canonical)), {
    keyKey: keys.keyKey,
    valueKey: keys.valueKey,
    writeSeedId: keys.writeSeedId,
    valueKeyForSeed: keys.valueKeyForSeed,
    salt: () => stateSalt({ timeNanos: 1n, height: 1n, counter: counter++ }),
  });
  for (let i = from; i < to; i++) enc.set(balanceKey(fakeCanonical(i)), ONE_TOKEN);
}

/** The contract must read a prefilled entry back (same keys, same layout): query one and decrypt the answer. */
function checkPrefill(s: TokenSetup, i: number): void {
  const u = s.users[1]!;
  const address = bech32.encode('secret', bech32.toWords(fakeCanonical(i)));
  const wire = u.io.encryptSync(hex(s.code.codeHash), { balance: { address } });
  const nonce = wire.subarray(wire.length > 0 && s.chain.scheme === 'aes-256-gcm' ? 1 : 0).subarray(0, 32);
  const answer = u.io.decryptQueryResult(s.chain.query(s.contract.canonical, wire), nonce);
  const text = new TextDecoder().decode(answer);
  if (text !== '{"balance":"1"}') throw new Error(`prefilled entry not readable by the contract: ${text}`);
}

/** The plaintext reference: token.wasm on the runtime alone over MemoryStorage (metered, no encryption). */
class PlainToken {
  readonly rt = new ContractRuntime();
  readonly backend = mockBackend();
  readonly wasm = loadFixture('token');
  readonly codeHash = sha256(this.wasm);
  readonly users: string[];
  private i = 0;
  constructor(users: string[]) {
    this.users = users;
    this.call('instantiate', users[0]!, {
      name: 'Bench',
      symbol: 'BNCH',
      decimals: 6,
      initial_balances: users.map((address) => ({ address, amount: '1000000000000' })),
      minter: null,
    });
  }
  call(entry: 'instantiate' | 'execute', sender: string, msg: object): void {
    const out = this.rt.call({
      codeHash: this.codeHash,
      wasm: this.wasm,
      entry,
      env: mockEnv(),
      info: mockInfo(sender),
      msg: new TextEncoder().encode(JSON.stringify(msg)),
      backend: this.backend,
      gasLimit: 10_000_000_000n,
    });
    if ('error' in out.result) throw new Error(`plain ${entry}: ${JSON.stringify(out.result.error)}`);
  }
  transfer(): void {
    this.call('execute', this.users[this.i++ % this.users.length]!, {
      transfer: { recipient: this.users[0]!, amount: '1' },
    });
  }
  prefill(from: number, to: number): void {
    for (let i = from; i < to; i++) this.backend.storage.set(balanceKey(fakeCanonical(i)), ONE_TOKEN);
  }
}

async function stateSize(): Promise<BenchResult[]> {
  const ids = Array.from({ length: USERS }, (_, i) => `scale-${i}`);
  const s = await tokenSetup(ids);
  const { chain, code, contract, users } = s;
  const transfer = { transfer: { recipient: users[0]!.address, amount: '1' } };
  const pool = new TxPool(
    Array.from({ length: 1_200 }, (_, i) =>
      chain.prepareExecute(users[i % USERS]!, contract.canonical, code.codeHash, transfer),
    ),
  );
  const queries = users.map((u) => u.io.encryptSync(hex(code.codeHash), { balance: { address: u.address } }));
  for (let i = 0; i < USERS; i++) await chain.deliver(pool.next());
  const plain = new PlainToken(users.map((u) => u.address));
  // warm-up so the first level is not also measuring V8 tiering up the wasm and the hot JS paths
  for (let i = 0; i < 400; i++) {
    await chain.deliver(pool.next());
    chain.query(contract.canonical, queries[i % USERS]!);
    plain.transfer();
  }

  const rows: BenchResult[] = [];
  const ours: Series = { name: 'private transfer (keeper + enclave, encrypted state)', points: [] };
  const oursQ: Series = { name: 'private balance query (keeper + enclave)', points: [] };
  const plainS: Series = { name: 'plaintext transfer (runtime + MemoryStorage)', points: [] };
  let filled = 0;
  for (const level of LEVELS) {
    const t0 = performance.now();
    prefillEncrypted(s, filled, level);
    plain.prefill(filled, level);
    filled = level;
    checkPrefill(s, level - 1);
    process.stderr.write(
      `bench: scaling prefill to ${level} keys ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    const tx = await measureAsync(() => chain.deliver(pool.next()), RUNS);
    let qi = 0;
    const q = measure(() => chain.query(contract.canonical, queries[qi++ % USERS]!), RUNS);
    const p = measure(() => plain.transfer(), RUNS);
    ours.points.push([level, tx.usPerOp]);
    oursQ.points.push([level, q.usPerOp]);
    plainS.points.push([level, p.usPerOp]);
    const label = level.toLocaleString('en-US');
    rows.push(
      compare(`scaling: private transfer, ${label} stored keys`, 'tx/s', tx.opsPerSec, {
        name: 'plaintext runtime + MemoryStorage',
        value: p.opsPerSec,
      }),
      compare(`scaling: private balance query, ${label} stored keys`, 'queries/s', q.opsPerSec),
    );
  }
  scalingSeries.push(ours, oursQ, plainS);
  return rows;
}

/**
 * Runs {@link stateSize} in a child process: its 10^6-entry stores stay out of this heap, and a larger young
 * generation (--max-semi-space-size) makes the prefill ≈ 1.5x faster (fewer scavenges promoting store entries).
 */
function stateSizeInChild(): BenchResult[] {
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(
    process.execPath,
    ['--max-semi-space-size=64', ...loaderArgs(), self, 'size-child'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  const r = JSON.parse(out.trim().split('\n').pop()!) as { rows: BenchResult[]; series: Series[] };
  scalingSeries.push(...r.series);
  return r.rows;
}

async function bigContract(): Promise<BenchResult[]> {
  const out: Record<string, number> = {};
  for (const fixture of ['token', 'token-big'] as const) {
    const s = await tokenSetup(
      Array.from({ length: 16 }, (_, i) => `${fixture}-${i}`),
      fixture,
    );
    const transfer = { transfer: { recipient: s.users[0]!.address, amount: '1' } };
    const pool = new TxPool(
      Array.from({ length: 600 }, (_, i) =>
        s.chain.prepareExecute(s.users[i % 16]!, s.contract.canonical, s.code.codeHash, transfer),
      ),
    );
    out[fixture] = (await measureAsync(() => s.chain.deliver(pool.next()), RUNS)).opsPerSec;
  }
  return [
    compare('scaling: private transfer on the 2 MB contract (token-big.wasm)', 'tx/s', out['token-big']!, {
      name: 'token.wasm (55 KB)',
      value: out.token!,
    }),
  ];
}

async function callChains(): Promise<BenchResult[]> {
  const chain = new BenchChain();
  const admin = chain.user('chain-admin');
  const code = await chain.storeCode(admin, loadFixture('exerciser-v1'));
  const codeHashHex = hex(code.codeHash);
  const contracts: { address: string; canonical: Uint8Array }[] = [];
  for (let i = 0; i < 10; i++) contracts.push(await chain.instantiate(admin, code, {}, `exerciser-${i}`));
  const rows: BenchResult[] = [];
  let depth1 = 0;
  for (const depth of [1, 5, 10]) {
    // innermost first: contract depth-1 does nothing; contract k executes contract k+1 with the inner message
    let msg: object = { noop: {} };
    for (let k = depth - 2; k >= 0; k--)
      msg = cmd.respond({
        messages: [subMsg(v1Msg.execute(contracts[k + 1]!.address, codeHashHex, msg as never))],
      }) as object;
    const pool = new TxPool(
      Array.from({ length: 300 }, () =>
        chain.prepareExecute(admin, contracts[0]!.canonical, code.codeHash, msg),
      ),
    );
    const m = await measureAsync(() => chain.deliver(pool.next()), RUNS);
    if (depth === 1) depth1 = m.opsPerSec;
    rows.push(
      compare(
        `scaling: call chain depth ${depth} (exerciser-v1 → … via encrypted submessages)`,
        'tx/s',
        m.opsPerSec,
        depth === 1 ? undefined : { name: 'depth 1 ÷ depth (linear cost)', value: depth1 / depth },
      ),
    );
  }
  return rows;
}

/** Child-process body: rss delta per 1,000 instantiated token contracts. */
async function rssChild(): Promise<void> {
  const chain = new BenchChain();
  const admin = chain.user('rss-admin');
  const code = await chain.storeCode(admin, loadFixture('token'));
  const init = {
    name: 'Bench',
    symbol: 'BNCH',
    decimals: 6,
    initial_balances: [{ address: admin.address, amount: '1' }],
    minter: null,
  };
  await chain.instantiate(admin, code, init, 'warm');
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < 1_000; i++) await chain.instantiate(admin, code, init, `c-${i}`);
  gc?.();
  const after = process.memoryUsage().rss;
  process.stdout.write(JSON.stringify({ perContract: (after - before) / 1_000, before, after }) + '\n');
}

function memory(): BenchResult[] {
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ['--expose-gc', ...loaderArgs(), self, 'rss-child'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as { perContract: number };
  return [
    {
      name: 'scaling: resident memory per instantiated token contract (rss delta / 1,000, child process)',
      unit: 'KiB',
      value: Math.round(r.perContract / 102.4) / 10,
      notes: 'lower is better (this row is not a rate)',
    },
  ];
}

/** `wasm` + a custom section holding `n`: new bytes and a new code hash, same code. */
function variant(wasm: Uint8Array, n: number): Uint8Array {
  const name = new TextEncoder().encode('bench');
  const payload = new TextEncoder().encode(`${n}-${Math.random()}`);
  const body = new Uint8Array([name.length, ...name, ...payload]);
  const out = new Uint8Array(wasm.length + 2 + body.length);
  out.set(wasm);
  out.set([0, body.length], wasm.length); // custom section id 0, size < 128 (one LEB128 byte)
  out.set(body, wasm.length + 2);
  return out;
}

async function storeCompile(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  const contracts = [
    ['200 KB', new Uint8Array(readFileSync(repoUrl('bench/fixtures/token-200k.wasm')))],
    ['2 MB', loadFixture('token-big')],
  ] as const;
  for (const [label, wasm] of contracts) {
    const chain = new BenchChain();
    const admin = chain.user(`compile-${label}`);
    const init = { name: 'B', symbol: 'BNCH', decimals: 6, initial_balances: [], minter: null };
    let n = 0;
    const opts: MeasureOptions = { warmupMs: 0, runs: 3, runMs: 300 };
    // cold: unique bytes → our module cache and V8's NativeModule cache both miss
    const cold = await measureAsync(async () => {
      const code = await chain.storeCode(admin, variant(wasm, n++));
      await chain.instantiate(admin, code, init, `cold-${n}`);
    }, opts);
    const coldStore = await measureAsync(async () => chain.storeCode(admin, variant(wasm, n++)), opts);
    const same = await chain.storeCode(admin, wasm);
    await chain.instantiate(admin, same, init, `warm-${n++}`);
    // cached: the code is stored and compiled; a new instance of it (module cache hit)
    const cached = await measureAsync(() => chain.instantiate(admin, same, init, `cached-${n++}`), opts);
    const ms = (x: number): number => 1000 / x;
    rows.push(
      {
        ...compare(
          `scaling: store (MsgStoreCode) ${label} contract, unique bytes`,
          'ms',
          ms(coldStore.opsPerSec),
        ),
        notes: 'lower is better',
      },
      {
        ...compare(
          `scaling: store + first instantiate ${label} contract, cold (compile + instrument)`,
          'ms',
          ms(cold.opsPerSec),
          { name: 'instantiate of stored, compiled code (cached)', value: ms(cached.opsPerSec) },
        ),
        notes: 'lower is better; ratio = cold / cached',
      },
    );
  }
  return rows;
}

export async function run(): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  for (const [name, part] of [
    ['state size', () => Promise.resolve(stateSizeInChild())],
    ['2 MB contract', bigContract],
    ['call chains', callChains],
    ['memory', () => Promise.resolve(memory())],
    ['store/compile', storeCompile],
  ] as const) {
    const t0 = performance.now();
    rows.push(...(await part()));
    process.stderr.write(`bench: scaling/${name} ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  if (process.argv[2] === 'rss-child') await rssChild();
  else if (process.argv[2] === 'size-child') {
    const rows = await stateSize();
    process.stdout.write(JSON.stringify({ rows, series: scalingSeries }) + '\n');
  } else if (process.argv[2] === 'part') {
    const parts: Record<string, () => Promise<BenchResult[]> | BenchResult[]> = {
      size: stateSize,
      big: bigContract,
      chains: callChains,
      memory,
      compile: storeCompile,
    };
    console.log(await parts[process.argv[3] ?? 'size']!());
  }
}
