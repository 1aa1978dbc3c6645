/**
 * LocalChain throughput: private token transfers per second through the FULL tx path a test author's call takes —
 * client encryption, cosmjs SIGN_MODE_DIRECT signing (DirectSecp256k1Wallet), TxRaw encoding, chain-side decode
 * and ante checks (signature, sequence), keeper + enclave execution (which verifies the signature again), tx
 * indexing, and decryption of the result for the sender.
 *
 * Rows: repeat senders (64 funded accounts in rotation) and a new user key per tx (a never-seen secp256k1 and
 * X25519 key each time: new cosmjs wallet, new ECDH on both sides); encrypted queries. Peer, measured in the same
 * run: @oraichain/cw-simulate (metered) on the same token.wasm — a plaintext, unsigned in-process simulator, i.e.
 * what our privacy and signature checks cost relative to the usual CosmWasm testing tool. Also the client's
 * signing step alone (LocalChain's libsecp256k1 signer vs cosmjs' DirectSecp256k1Wallet, which produce identical
 * bytes), since it bounds the whole path.
 */
import { createRequire } from 'node:module';

import { DirectSecp256k1Wallet } from '@cosmjs/proto-signing';

import { LocalDirectSigner, signerBackend } from '../src/chain/index.js';
import { type Account, createRegistry, LocalChain, signTx } from '../src/index.js';
import { loadFixture } from '../test/fixtures/index.js';
import { type BenchResult, compare, measureAsync, type MeasureOptions } from './harness.js';
import { measurePeer } from './peers.js';

const require = createRequire(import.meta.url);
const OPTS: MeasureOptions = { warmupMs: 150, runs: 5, runMs: 300 };
const REPEAT_USERS = 64;
/** Funded never-used senders for the new-key row; more than the row can consume at ~1 ms per tx. */
const NEW_USER_POOL = 2500;

type SimCtor = Parameters<typeof measurePeer>[0];

async function setup(): Promise<{ chain: LocalChain; token: string; repeat: Account[]; fresh: Account[] }> {
  const chain = await LocalChain.create({ seed: 'bench-chain', onDebug: false });
  const admin = chain.createAccount({ name: 'admin' });
  const repeat = Array.from({ length: REPEAT_USERS }, (_, i) => chain.createAccount({ name: `user-${i}` }));
  const fresh = Array.from({ length: NEW_USER_POOL }, (_, i) => chain.createAccount({ name: `new-${i}` }));
  const { codeId } = await chain.storeCode(admin, loadFixture('token'));
  const { address } = await chain.instantiate(
    admin,
    codeId,
    {
      name: 'Bench',
      symbol: 'BNCH',
      decimals: 6,
      initial_balances: [...repeat, ...fresh].map((u) => ({ address: u.address, amount: '1000000000' })),
      minter: null,
    },
    { label: 'bench-token', gasLimit: 1_000_000_000 },
  );
  return { chain, token: address, repeat, fresh };
}

export async function run(): Promise<BenchResult[]> {
  const { chain, token, repeat, fresh } = await setup();
  const sink = repeat[0]!.address;
  let i = 0;
  const transferFrom = async (u: Account): Promise<void> => {
    await chain.execute(u, token, { transfer: { recipient: sink, amount: '1' } });
  };
  const repeatTx = () => transferFrom(repeat[i++ % repeat.length]!);
  for (const u of repeat) await transferFrom(u); // every repeat sender has signed once: wallet and ECDH cached
  const mRepeat = await measureAsync(repeatTx, OPTS);

  let n = 0;
  const newUserTx = () => {
    const u = fresh[n++];
    if (u === undefined)
      throw new Error(`bench/chain: new-user pool of ${NEW_USER_POOL} exhausted; raise NEW_USER_POOL`);
    return transferFrom(u);
  };
  const mNew = await measureAsync(newUserTx, OPTS);

  let q = 0;
  const mQuery = await measureAsync(
    () => chain.query(token, { balance: { address: repeat[q++ % repeat.length]!.address } }),
    OPTS,
  );

  // the client's share: encoding + cosmjs signing of one MsgExecuteContract-sized tx
  const wallet = await DirectSecp256k1Wallet.fromKey(
    Uint8Array.from({ length: 32 }, (_, k) => k + 1),
    'secret',
  );
  const [acc] = await wallet.getAccounts();
  const registry = createRegistry();
  const local = await LocalDirectSigner.create(
    Uint8Array.from({ length: 32 }, (_, k) => k + 1),
    acc!.pubkey,
    acc!.address,
    'secret',
  );
  const signOnce = (signer: typeof local) =>
    signTx({
      signer,
      address: acc!.address,
      pubkey: acc!.pubkey,
      registry,
      messages: [
        {
          typeUrl: '/cosmos.bank.v1beta1.MsgSend',
          value: { fromAddress: acc!.address, toAddress: sink, amount: [{ denom: 'uscrt', amount: '1' }] },
        },
      ],
      chainId: chain.chainId,
      accountNumber: 1n,
      sequence: 0n,
      gasLimit: 200_000n,
    });
  const mSignCosmjs = await measureAsync(() => signOnce(wallet), OPTS);
  const mSign = await measureAsync(() => signOnce(local), OPTS);
  await chain.close();

  let peer: { executes: number; queries: number } | undefined;
  let peerProblem: string | undefined;
  try {
    const App = (require('@oraichain/cw-simulate') as { CWSimulateApp: SimCtor }).CWSimulateApp;
    peer = await measurePeer(App, { metering: true, gasLimit: 100_000_000_000 });
  } catch (e) {
    peerProblem = (e as Error).message;
  }
  const peerName = '@oraichain/cw-simulate metered (plaintext, unsigned)';
  const withPeer = (value: number | undefined) =>
    value === undefined ? undefined : { name: peerName, value };

  const rows: BenchResult[] = [
    compare(
      'chain: private token transfer, repeat senders (sign→decode→verify→deliver→decrypt)',
      'tx/s',
      mRepeat.opsPerSec,
      withPeer(peer?.executes),
    ),
    compare('chain: private token transfer, new user key per tx', 'tx/s', mNew.opsPerSec, {
      name: 'ours, repeat senders',
      value: mRepeat.opsPerSec,
    }),
    compare(
      'chain: encrypted balance query (encrypt→enclave→decrypt)',
      'queries/s',
      mQuery.opsPerSec,
      withPeer(peer?.queries),
    ),
    compare(`chain: client tx signing alone (LocalChain signer, ${signerBackend})`, 'tx/s', mSign.opsPerSec, {
      name: 'cosmjs DirectSecp256k1Wallet (same bytes)',
      value: mSignCosmjs.opsPerSec,
    }),
  ];
  if (peerProblem !== undefined) rows[0] = { ...rows[0]!, notes: `peer not measured: ${peerProblem}` };
  return rows;
}

// `node --import tsx bench/chain.ts` runs this area alone
if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import('./harness.js');
  console.log(formatTable(await run()));
}
