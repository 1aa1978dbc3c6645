/**
 * A fixed token scenario (instantiate, transfers, query) used by the gas determinism tests, both in-process and
 * from a child process (`node --import tsx test/runtime/token-scenario.ts <mode>` prints JSON).
 */
import { sha256 } from '@noble/hashes/sha2.js';

import type { InstanceMode } from '../../src/runtime/index.js';
import { ContractRuntime } from '../../src/runtime/index.js';
import { MockApi, mockBackend, mockEnv, mockInfo } from '../../src/testing/index.js';
import { loadFixture } from '../fixtures/index.js';

/** Per step: entry, gas used, result bytes (hex); plus the final storage. */
export interface ScenarioRun {
  steps: { entry: string; gasUsed: string; result: string }[];
  storage: [string, string][];
}

/** Runs the scenario on a new runtime. */
export function runTokenScenario(mode: InstanceMode): ScenarioRun {
  const wasm = loadFixture('token');
  const codeHash = sha256(wasm);
  const rt = new ContractRuntime({ instanceMode: mode });
  const api = new MockApi();
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => api.addrMake(n)) as [
    string,
    string,
    string,
  ];
  const backend = mockBackend();
  const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  const steps: ScenarioRun['steps'] = [];
  const run = (entry: 'instantiate' | 'execute' | 'query', sender: string, msg: unknown) => {
    const out = rt.call({
      codeHash,
      wasm,
      entry,
      env: mockEnv(),
      info: mockInfo(sender),
      msg: enc(msg),
      backend,
      gasLimit: 100_000_000n,
    });
    steps.push({
      entry,
      gasUsed: out.gasUsed.toString(),
      result: Buffer.from(out.resultBytes).toString('hex'),
    });
  };
  run('instantiate', alice, {
    name: 'Tok',
    symbol: 'TOK',
    decimals: 6,
    initial_balances: [{ address: alice, amount: '1000' }],
    minter: alice,
  });
  run('execute', alice, { transfer: { recipient: bob, amount: '10' } });
  run('execute', bob, { transfer: { recipient: carol, amount: '3' } });
  run('execute', bob, { transfer: { recipient: carol, amount: '300' } }); // contract error: insufficient funds
  run('execute', alice, { mint: { recipient: carol, amount: '5' } });
  run('query', alice, { balance: { address: carol } });
  run('query', alice, { token_info: {} });
  const storage = backend.storage
    .entries()
    .map(([k, v]) => [Buffer.from(k).toString('hex'), Buffer.from(v).toString('hex')] as [string, string]);
  return { steps, storage };
}

if (process.argv[1]?.endsWith('token-scenario.ts')) {
  process.stdout.write(JSON.stringify(runTokenScenario((process.argv[2] ?? 'fresh') as InstanceMode)));
}
