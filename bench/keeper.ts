/**
 * Keeper benchmarks: a user-signed private token transfer through the whole untrusted path (tx branch, gas
 * meter, instance cost, contract lookup, gas-metered prefix store, events, dispatch, commit) against the same
 * transfer handed straight to the enclave, side by side. The ratio is the keeper's overhead per tx. A second
 * row measures a contract → contract call (encrypted submessage with reply) through the dispatcher.
 */
import type { SigInfo } from '../src/enclave/index.js';
import { fromBech32 } from '../src/keeper/address.js';
import { contractStorePrefix } from '../src/keeper/keys.js';
import { PrefixStore } from '../src/state/index.js';
import { Chain, type Contract, User } from '../test/integration/helpers.js';
import { type BenchResult, compare, measure } from './harness.js';

const TXS = 64;
const enc = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));
const b64 = (o: unknown): string => Buffer.from(enc(o)).toString('base64');

interface Tx {
  wire: Uint8Array;
  sigInfo: SigInfo;
}

async function setup() {
  const chain = new Chain();
  const alice = chain.user(1);
  const bob = new User(2, chain.enclave.ioPubkey, chain.scheme);
  const tokenCode = await chain.storeCode(alice, 'token');
  const token = await chain.instantiate(
    alice,
    tokenCode,
    {
      name: 'Tok',
      symbol: 'TOK',
      decimals: 6,
      initial_balances: [{ address: alice.address, amount: '1000000000000' }],
      minter: null,
    },
    'tok',
  );
  const exCode = await chain.storeCode(alice, 'exerciser-v1');
  const a = await chain.instantiate(alice, exCode, {}, 'A');
  const b = await chain.instantiate(alice, exCode, {}, 'B');
  return { chain, alice, bob, token, a, b };
}

function signedExecutes(alice: User, contract: Contract, cmd: (i: number) => object): Tx[] {
  return Array.from({ length: TXS }, (_, i) => {
    const wire = alice.encrypt(contract.codeHash, cmd(i), i);
    return { wire, sigInfo: alice.signExecute(fromBech32(contract.address), wire) };
  });
}

/** Runs the keeper benchmarks. */
export async function run(): Promise<BenchResult[]> {
  const { chain, alice, bob, token, a, b } = await setup();
  const keeper = chain.keeper;
  const tokenAddr = fromBech32(token.address);
  const transfers = signedExecutes(alice, token, () => ({
    transfer: { recipient: bob.address, amount: '1' },
  }));

  let i = 0;
  const viaKeeper = measure(() => {
    const tx = transfers[i++ % TXS]!;
    keeper.runTx({ tx: { index: 0, hash: 'AB'.repeat(32), sigInfo: tx.sigInfo } }, (ctx) =>
      keeper.execute(ctx, tokenAddr, alice.canonical, tx.wire, []),
    );
  });

  // the same ecall with what the keeper would pass, minus the keeper
  const info = keeper.getContractInfo(tokenAddr)!;
  const codeInfo = keeper.getCodeInfo(info.codeId)!;
  const wasm = keeper.getWasm(info.codeId)!;
  const og = chain.store.get(new Uint8Array([0x06, ...tokenAddr]))!;
  const { ContractKey } = await import('../src/proto/secret/compute/v1beta1/types.js');
  const key = ContractKey.decode(og);
  const store = new PrefixStore(chain.store, contractStorePrefix(tokenAddr));
  const block = chain.block.current();
  let j = 0;
  const direct = measure(() => {
    const tx = transfers[j++ % TXS]!;
    const res = chain.enclave.handle(
      {
        code: { wasm, codeHash: codeInfo.codeHash },
        env: {
          block: { height: block.height, timeNanos: block.timeNanos, chainId: block.chainId },
          message: { sender: alice.address, sentFunds: [] },
          contract: { address: token.address },
          contractKey: { og: key.ogContractKey },
          queryDepth: 0,
          transaction: { index: 0, hash: 'AB'.repeat(32) },
        },
        store,
        querier: { query: () => ({ response: enc({ Err: { unknown: {} } }), gasUsed: 0n }) },
        gasLimit: 10_000_000_000n,
        sigInfo: tx.sigInfo,
      },
      tx.wire,
      'execute',
    );
    if (!res.ok) throw new Error('direct transfer failed');
  });

  // contract → contract: A executes B with reply_on always (encrypted submessage, callback sig, reply)
  const hex = Buffer.from(b.codeHash).toString('hex');
  const calls = signedExecutes(alice, a, (n) => ({
    respond: {
      messages: [
        {
          id: n,
          reply_on: 'always',
          gas_limit: null,
          msg: {
            wasm: {
              execute: {
                contract_addr: b.address,
                code_hash: hex,
                msg: b64({ set: { key: 'k', value: 'v' } }),
                send: [],
              },
            },
          },
        },
      ],
    },
  }));
  const aAddr = fromBech32(a.address);
  let k = 0;
  const submsg = measure(() => {
    const tx = calls[k++ % TXS]!;
    keeper.runTx({ tx: { index: 0, hash: 'AB'.repeat(32), sigInfo: tx.sigInfo } }, (ctx) =>
      keeper.execute(ctx, aAddr, alice.canonical, tx.wire, []),
    );
  });

  return [
    compare(
      'keeper: signed private token transfer (tx branch → enclave → commit)',
      'tx/s',
      viaKeeper.opsPerSec,
      {
        name: 'same ecall without the keeper',
        value: direct.opsPerSec,
      },
      { text: 'keeper overhead ≤ 25% (ratio ≥ 0.75)', met: (r) => r >= 0.75 },
    ),
    compare('keeper: contract→contract submessage + reply (3 ecalls)', 'tx/s', submsg.opsPerSec, {
      name: 'keeper transfer (1 ecall)',
      value: viaKeeper.opsPerSec,
    }),
  ];
}
