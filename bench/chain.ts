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
 * bytes), since it bounds the whole path. Block row: the same pre-signed txs (chain side only) one by one vs in
 * 200-tx broadcastBlock calls, whose later txs are prepared (signature, decryption) on the enclave's worker thread.
 */
import { createRequire } from 'node:module';

import { DirectSecp256k1Wallet } from '@cosmjs/proto-signing';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bech32 } from '@scure/base';

import { addressOf, LocalDirectSigner, signerBackend } from '../src/chain/index.js';
import { type Account, createRegistry, EncryptionUtils, LocalChain, signTx } from '../src/index.js';
import { loadFixture } from '../test/fixtures/index.js';
import { type BenchResult, compare, measureAsync, type MeasureOptions } from './harness.js';
import { measurePeer } from './peers.js';

const require = createRequire(import.meta.url);
const fromBech32 = (a: string): Uint8Array =>
  Uint8Array.from(bech32.fromWords(bech32.decode(a as `${string}1${string}`).words));
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

/** Pre-signed txs of the block rows: {@link BLOCK_SENDERS} external wallets, signed in delivery order. */
const BLOCK_SENDERS = 64;
const BLOCK_TXS = 200;
const PRESIGNED = 12_000;

/**
 * Chain side only, pre-signed txs (client signing and encryption untimed): the same ordered txs delivered one by
 * one with broadcastTx, then in 200-tx blocks with broadcastBlock (signature checks and input decryption of each
 * block's later txs prepared on the enclave's worker thread while earlier ones run).
 */
export async function blockRows(): Promise<BenchResult[]> {
  const chain = await LocalChain.create({ seed: 'bench-chain-blocks', onDebug: false });
  const admin = chain.createAccount({ name: 'admin' });
  const registry = createRegistry();
  const senders = await Promise.all(
    Array.from({ length: BLOCK_SENDERS }, async (_, i) => {
      const privkey = Uint8Array.from({ length: 32 }, (_, k) => (k === 0 ? i + 1 : 7));
      const pubkey = secp256k1.getPublicKey(privkey, true);
      const address = addressOf(pubkey, 'secret');
      chain.setBalance(address, [{ denom: 'uscrt', amount: '1' }]);
      const io = new EncryptionUtils({ ioPubkey: chain.ioPubkey, seed: privkey, scheme: chain.scheme });
      return {
        address,
        pubkey,
        io,
        signer: await LocalDirectSigner.create(privkey, pubkey, address, 'secret'),
      };
    }),
  );
  const { codeId, codeHash } = await chain.storeCode(admin, loadFixture('token'));
  const { address: token } = await chain.instantiate(
    admin,
    codeId,
    {
      name: 'Bench',
      symbol: 'BNCH',
      decimals: 6,
      initial_balances: senders.map((u) => ({ address: u.address, amount: '1000000000' })),
      minter: null,
    },
    { label: 'bench-token-blocks', gasLimit: 1_000_000_000 },
  );
  const contract = fromBech32(token);
  const txs: Uint8Array[] = [];
  for (let i = 0; i < PRESIGNED; i++) {
    const u = senders[i % BLOCK_SENDERS]!;
    const msg = u.io.encryptSync(codeHash, { transfer: { recipient: admin.address, amount: '1' } });
    txs.push(
      await signTx({
        signer: u.signer,
        address: u.address,
        pubkey: u.pubkey,
        registry,
        messages: [
          {
            typeUrl: '/secret.compute.v1beta1.MsgExecuteContract',
            value: { sender: fromBech32(u.address), contract, msg, sentFunds: [] },
          },
        ],
        chainId: chain.chainId,
        accountNumber: chain.getAccount(u.address).accountNumber,
        sequence: BigInt(Math.floor(i / BLOCK_SENDERS)),
        gasLimit: 400_000n,
      }),
    );
  }
  let next = 0;
  const take = (): Uint8Array => {
    const tx = txs[next++];
    if (tx === undefined)
      throw new Error(`bench/chain: ${PRESIGNED} pre-signed txs exhausted; raise PRESIGNED`);
    return tx;
  };
  const mOne = await measureAsync(() => chain.broadcastTx(take()), OPTS);
  const mBlock = await measureAsync(
    async () => {
      const failed = (await chain.broadcastBlock(Array.from({ length: BLOCK_TXS }, take))).find((o) => !o.ok);
      if (failed !== undefined && !failed.ok) throw failed.error;
    },
    // longer warm-up: the enclave's worker thread starts with the first block and needs ~1,000 txs to warm up
    { ...OPTS, warmupMs: 1_500, runs: 3 },
  );
  await chain.close();
  return [
    compare(
      `chain: private token transfer, repeat senders, broadcastBlock of ${BLOCK_TXS} pre-signed txs (prepare on a 2nd core; chain side only)`,
      'tx/s',
      mBlock.opsPerSec * BLOCK_TXS,
      { name: 'ours, the same txs one by one via broadcastTx', value: mOne.opsPerSec },
    ),
  ];
}

export async function run(): Promise<BenchResult[]> {
  const blocks = await blockRows();
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
  return [...rows, ...blocks];
}

// `node --import tsx bench/chain.ts` runs this area alone
if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import('./harness.js');
  console.log(formatTable(await run()));
}
