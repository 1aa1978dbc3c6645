/**
 * Enclave benchmarks: a private token transfer through the whole trusted path (decrypt input, verify the
 * SIGN_MODE_DIRECT signature or a callback signature, authenticate the contract key, run the contract over
 * encrypted state, encrypt the output, flush) against the same transfer as a bare runtime call with plaintext
 * in-memory storage, measured side by side. The ratio is the price of privacy per tx; the goal column carries
 * the per-core model of shared/spec/performance-limits.md (ECDH cached, reused instance, node:crypto).
 */
import type { SigInfo } from '../src/enclave/index.js';
import { ContractRuntime } from '../src/runtime/index.js';
import { mockBackend, mockEnv, mockInfo } from '../src/testing/index.js';
import { code, type Deployed, hex, TestChain, User } from '../test/enclave/helpers.js';
import { type BenchResult, compare, measure } from './harness.js';

const enc = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));

/** Pre-built transfers (signing is the client's cost, not the enclave's). */
const TXS = 64;

function setup(scheme: 'aes-256-gcm' | 'aes-siv') {
  const chain = new TestChain(scheme);
  const alice = new User(1, chain.enclave.ioPubkey, scheme);
  const bob = new User(2, chain.enclave.ioPubkey, scheme);
  // A contract that holds tokens, so contract-originated (callback-signed) transfers can be measured too.
  const caller = chain.instantiate(code('exerciser-v1'), 2, alice, {});
  const token = chain.instantiate(code('token'), 1, alice, {
    name: 'Tok',
    symbol: 'TOK',
    decimals: 6,
    initial_balances: [
      { address: alice.address, amount: '1000000000000' },
      { address: caller.address, amount: '1000000000000' },
    ],
    minter: null,
  });
  chain.gasLimit = 10_000_000n;
  return { chain, alice, bob, token, caller };
}

type Tx = { wire: Uint8Array; sig: SigInfo; sender: string };

/** User-signed transfers (signing is the client's cost, not the enclave's). */
function userTransfers(alice: User, bob: User, token: Deployed): Tx[] {
  return Array.from({ length: TXS }, (_, i) => {
    const wire = alice.encrypt(token.code.codeHash, { transfer: { recipient: bob.address, amount: '1' } }, i);
    return { wire, sig: alice.signExecute(token.canonical, wire), sender: alice.address };
  });
}

/** Contract-originated transfers: the exerciser emits them as encrypted, callback-signed submessages. */
function callbackTransfers(
  chain: TestChain,
  alice: User,
  bob: User,
  token: Deployed,
  caller: Deployed,
): Tx[] {
  return Array.from({ length: TXS }, (_, i) => {
    const inner = Buffer.from(JSON.stringify({ transfer: { recipient: bob.address, amount: '1' } })).toString(
      'base64',
    );
    const sub = {
      id: 0,
      msg: {
        wasm: {
          execute: {
            contract_addr: token.address,
            code_hash: hex(token.code.codeHash),
            msg: inner,
            send: [],
          },
        },
      },
      gas_limit: null,
      reply_on: 'never',
    };
    const wire = alice.encrypt(caller.code.codeHash, { respond: { messages: [sub] } }, 100 + i);
    const res = chain.enclave.handle(
      chain.call(caller, alice.address, [], alice.signExecute(caller.canonical, wire)),
      wire,
      'execute',
    );
    if (!res.ok) throw new Error('bench setup failed');
    const exec = (res.output.messages[0]!.msg.wasm as { execute: { msg: string; callback_sig: number[] } })
      .execute;
    const empty = new Uint8Array(0);
    return {
      wire: new Uint8Array(Buffer.from(exec.msg, 'base64')),
      sig: {
        txBytes: empty,
        signBytes: empty,
        signMode: 'SIGN_MODE_UNSPECIFIED',
        signature: empty,
        callbackSig: Uint8Array.from(exec.callback_sig),
      },
      sender: caller.address,
    };
  });
}

function enclaveTransfer(scheme: 'aes-256-gcm' | 'aes-siv', signed: 'user' | 'callback'): () => void {
  const { chain, alice, bob, token, caller } = setup(scheme);
  const txs =
    signed === 'user'
      ? userTransfers(alice, bob, token)
      : callbackTransfers(chain, alice, bob, token, caller);
  let i = 0;
  return () => {
    const tx = txs[i++ % TXS]!;
    const res = chain.enclave.handle(chain.call(token, tx.sender, [], tx.sig), tx.wire, 'execute');
    if (!res.ok) throw new Error('bench transfer failed');
  };
}

function enclaveQuery(scheme: 'aes-256-gcm' | 'aes-siv'): () => void {
  const { chain, alice, token } = setup(scheme);
  const qs = Array.from({ length: TXS }, (_, i) =>
    alice.encrypt(token.code.codeHash, { balance: { address: alice.address } }, i),
  );
  const env = chain.env(token.address, '', [], token.key, 1);
  let i = 0;
  return () => {
    const res = chain.enclave.query(
      { code: token.code, env, store: token.store, querier: chain.querier(1), gasLimit: 10_000_000n },
      qs[i++ % TXS]!,
    );
    if (!res.ok) throw new Error('bench query failed');
  };
}

/** The same transfer as a plain runtime call: no decryption, signature, key check or state encryption. */
function runtimeTransfer(): () => void {
  const { wasm, codeHash } = code('token');
  const rt = new ContractRuntime();
  const alice = new User(1, new Uint8Array(32).fill(9), 'aes-siv');
  const bob = new User(2, new Uint8Array(32).fill(9), 'aes-siv');
  const base = {
    codeHash,
    wasm,
    env: mockEnv(),
    info: mockInfo(alice.address),
    backend: mockBackend(),
    gasLimit: 10_000_000n,
  };
  rt.call({
    ...base,
    entry: 'instantiate',
    msg: enc({
      name: 'Tok',
      symbol: 'TOK',
      decimals: 6,
      initial_balances: [{ address: alice.address, amount: '1000000000000' }],
      minter: null,
    }),
  });
  const msg = enc({ transfer: { recipient: bob.address, amount: '1' } });
  return () => {
    const out = rt.call({ ...base, entry: 'execute', msg });
    if (!('ok' in out.result)) throw new Error('bench runtime call failed');
  };
}

/** Benchmark rows for `npm run bench -- enclave`. */
export function run(): Promise<BenchResult[]> {
  const peer = {
    name: 'same transfer, bare runtime call (plaintext state)',
    value: measure(runtimeTransfer()).opsPerSec,
  };
  const rows: BenchResult[] = [];
  for (const scheme of ['aes-256-gcm', 'aes-siv'] as const) {
    rows.push(
      compare(
        `enclave token transfer, user-signed (${scheme})`,
        'tx/s',
        measure(enclaveTransfer(scheme, 'user')).opsPerSec,
        peer,
        {
          text: '≥ 2,000 tx/s (perf model 110 µs + 323 µs node:crypto secp256k1)',
          met: (_r, v) => v >= 2000,
        },
      ),
      compare(
        `enclave token transfer, callback-signed (${scheme})`,
        'tx/s',
        measure(enclaveTransfer(scheme, 'callback')).opsPerSec,
        peer,
        {
          text: '≥ 9,100 tx/s (perf model, ECDH cached, reused instance)',
          met: (_r, v) => v >= 9100,
        },
      ),
      compare(
        `enclave token balance query (${scheme})`,
        'q/s',
        measure(enclaveQuery(scheme)).opsPerSec,
        peer,
      ),
    );
  }
  return Promise.resolve(rows);
}
