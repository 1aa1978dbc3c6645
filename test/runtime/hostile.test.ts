/** The contracts engineer's hostile fixtures (test/fixtures/contracts/hostile/) through ContractRuntime. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { sha256 } from '@noble/hashes/sha2.js';

import type { EntryPoint } from '../../src/runtime/index.js';
import { ContractRuntime, OutOfGasError, VmError } from '../../src/runtime/index.js';
import { MockApi, mockBackend, mockEnv, mockInfo } from '../../src/testing/index.js';
import { loadFixture } from '../fixtures/index.js';

interface Case {
  entry: EntryPoint;
  kind: string;
  message: string;
  detail?: RegExp;
  /** Run instantiate (which must succeed) first, e.g. to store the key that triggers the hostility. */
  instantiateFirst?: boolean;
}

/** Expected typed failure per hostile fixture (gas limit 10^8 wasm gas). */
const CASES: Record<string, Case[]> = {
  'infinite-loop': [{ entry: 'execute', kind: 'GasDepletion', message: 'execution ran out of gas' }],
  'memory-bomb': [{ entry: 'query', kind: 'GasDepletion', message: 'execution ran out of gas' }],
  'deep-recursion': [
    { entry: 'execute', kind: 'StackOverflow', message: 'the contract has run out of space on the stack' },
  ],
  floats: [
    {
      entry: 'instantiate',
      kind: 'StaticValidation',
      message: 'found floating point operation in module code',
    },
  ],
  'huge-allocate': [
    {
      entry: 'execute',
      kind: 'Communication',
      message: 'failed to read memory',
      detail: /exceeds address space/,
    },
    {
      entry: 'query',
      kind: 'Communication',
      message: 'failed to read memory',
      detail: /Tried to access memory/,
    },
  ],
  'zero-allocate': [
    {
      entry: 'execute',
      kind: 'Communication',
      message: 'failed to allocate memory',
      detail: /zero Wasm address/,
    },
  ],
  'reentrant-allocate': [
    {
      instantiateFirst: true,
      entry: 'execute',
      kind: 'Runtime',
      message: 'calling a function in the contract failed for an unexpected reason',
      detail: /Maximum call depth exceeded/,
    },
  ],
  'oob-region': [
    {
      entry: 'execute',
      kind: 'Communication',
      message: 'failed to read memory',
      detail: /could not be dereferenced/,
    },
    {
      entry: 'query',
      kind: 'Communication',
      message: 'failed to read memory',
      detail: /Tried to access memory/,
    },
  ],
  'oob-region-overflow': [
    {
      entry: 'execute',
      kind: 'Communication',
      message: 'failed to read memory',
      detail: /exceeds address space/,
    },
    { entry: 'query', kind: 'Communication', message: 'failed to read memory', detail: /exceeds capacity/ },
  ],
  'bad-result-json': [
    { entry: 'execute', kind: 'Serialization', message: 'failed to deserialize data' },
    { entry: 'query', kind: 'Serialization', message: 'failed to deserialize data' },
  ],
  unreachable: [{ entry: 'execute', kind: 'Runtime', message: 'the contract panicked' }],
  'start-function': [
    { entry: 'execute', kind: 'StaticValidation', message: 'tried to load invalid wasm code' },
  ],
  'two-memories': [
    { entry: 'execute', kind: 'StaticValidation', message: 'failed to initialize wasm memory' },
  ],
  'memory-over-runtime': [
    { entry: 'execute', kind: 'StaticValidation', message: 'failed to initialize wasm memory' },
  ],
  'missing-allocate': [
    {
      entry: 'execute',
      kind: 'MissingExport',
      message: 'calling a function in the contract failed for an unexpected reason',
    },
  ],
  'missing-interface-version': [
    { entry: 'execute', kind: 'StaticValidation', message: 'tried to load invalid wasm code' },
  ],
  'unknown-import': [{ entry: 'execute', kind: 'Instantiation', message: 'tried to load invalid wasm code' }],
  'no-memory-export': [
    { entry: 'execute', kind: 'Instantiation', message: 'failed to initialize wasm memory' },
  ],
};

const api = new MockApi();
const alice = api.addrMake('alice');
const token = loadFixture('token');
/** Hostile fixtures ignore their message. */
const msgFor = (_entry: EntryPoint): Uint8Array => Buffer.from('{}');

for (const mode of ['reuse', 'fresh'] as const) {
  describe(`hostile fixtures (${mode} instances)`, () => {
    const rt = new ContractRuntime({ instanceMode: mode });
    const backend = mockBackend();
    const tokenCall = () =>
      rt.call({
        codeHash: sha256(token),
        wasm: token,
        entry: 'instantiate',
        env: mockEnv(),
        info: mockInfo(alice),
        msg: Buffer.from(
          JSON.stringify({ name: 'Tok', symbol: 'TOK', decimals: 6, initial_balances: [], minter: null }),
        ),
        backend: mockBackend(),
        gasLimit: 100_000_000n,
      });

    for (const [name, cases] of Object.entries(CASES)) {
      it(`${name}: typed failure, then the runtime keeps working`, () => {
        const wasm = loadFixture(`hostile/${name}`);
        for (const c of cases) {
          if (c.instantiateFirst === true) {
            const init = rt.call({
              codeHash: sha256(wasm),
              wasm,
              entry: 'instantiate',
              env: mockEnv(),
              info: mockInfo(alice),
              msg: msgFor('instantiate'),
              backend,
              gasLimit: 100_000_000n,
            });
            assert.ok('ok' in init.result);
          }
          const run = () =>
            rt.call({
              codeHash: sha256(wasm),
              wasm,
              entry: c.entry,
              env: mockEnv(),
              info: mockInfo(alice),
              msg: msgFor(c.entry),
              backend,
              gasLimit: 100_000_000n,
            });
          assert.throws(run, (e) => {
            assert.ok(e instanceof VmError, String(e));
            assert.equal(e.kind, c.kind);
            assert.equal(e.message, c.message);
            if (c.detail !== undefined) assert.match(e.detail ?? '', c.detail);
            if (c.kind === 'GasDepletion')
              assert.ok(e instanceof OutOfGasError && e.gasUsed === 100_000_000n);
            return true;
          });
          // Same code again: identical failure (no state carried over from the failed instance).
          assert.throws(run, { kind: c.kind, message: c.message });
        }
        assert.ok('ok' in tokenCall().result);
      });
    }

    it('fixtures whose other entry points are benign keep serving them after a failure', () => {
      for (const name of ['infinite-loop', 'deep-recursion', 'unreachable', 'floats', 'oob-region']) {
        const wasm = loadFixture(`hostile/${name}`);
        const instantiate = () =>
          rt.call({
            codeHash: sha256(wasm),
            wasm,
            entry: name === 'floats' ? 'execute' : 'instantiate',
            env: mockEnv(),
            info: mockInfo(alice),
            msg: msgFor('instantiate'),
            backend,
            gasLimit: 100_000_000n,
          });
        assert.ok('ok' in instantiate().result, name);
      }
    });
  });
}
