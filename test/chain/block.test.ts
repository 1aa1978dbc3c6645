/**
 * LocalChain.broadcastBlock: a block's txs are prepared on the enclave's worker thread (signatures, input
 * decryption) and then delivered in order. Outcomes, gas, encrypted data/events and the app hash must equal
 * delivering the same txs one by one with broadcastTx on an identical chain.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DirectSecp256k1Wallet } from '@cosmjs/proto-signing';
import { bech32 } from '@scure/base';

import { EncryptionUtils } from '../../src/compute/encryption-utils.js';
import type { EncryptionScheme } from '../../src/compute/scheme.js';
import { createRegistry, LocalChain, signTx, TxError } from '../../src/testing/index.js';
import { loadFixture } from '../fixtures/index.js';

const fromBech32Bytes = (addr: string): Uint8Array =>
  Uint8Array.from(bech32.fromWords(bech32.decode(addr as `${string}1${string}`).words));

interface Wallet {
  readonly signer: DirectSecp256k1Wallet;
  readonly address: string;
  readonly pubkey: Uint8Array;
  readonly io: EncryptionUtils;
}

async function twinChains(scheme: EncryptionScheme, wallets: number) {
  const make = async () => {
    const chain = await LocalChain.create({ seed: 'block-test', scheme, onDebug: false });
    const users: Wallet[] = [];
    for (let i = 0; i < wallets; i++) {
      const signer = await DirectSecp256k1Wallet.fromKey(new Uint8Array(32).fill(i + 1), 'secret');
      const [acc] = await signer.getAccounts();
      const io = new EncryptionUtils({
        ioPubkey: chain.ioPubkey,
        seed: new Uint8Array(32).fill(100 + i),
        scheme,
      });
      users.push({ signer, address: acc!.address, pubkey: acc!.pubkey, io });
      chain.setBalance(acc!.address, [{ denom: 'uscrt', amount: '1000' }]);
    }
    const deployer = chain.createAccount({ name: 'deployer' });
    const { codeId, codeHash } = await chain.storeCode(deployer, loadFixture('token'));
    const { address: token } = await chain.instantiate(
      deployer,
      codeId,
      {
        name: 'Block',
        symbol: 'BLK',
        decimals: 0,
        initial_balances: users.map((u) => ({ address: u.address, amount: '100' })),
      },
      { label: 'block-token' },
    );
    await chain.nextBlock();
    return { chain, users, codeHash, token };
  };
  return [await make(), await make()] as const;
}

async function transferTx(
  chain: LocalChain,
  token: string,
  codeHash: string,
  from: Wallet,
  to: Wallet,
  amount: string,
  sequence: bigint,
  nonce: number,
): Promise<Uint8Array> {
  const msg = from.io.encryptSync(
    codeHash,
    { transfer: { recipient: to.address, amount } },
    new Uint8Array(32).fill(nonce),
  );
  return signTx({
    signer: from.signer,
    address: from.address,
    pubkey: from.pubkey,
    registry: createRegistry(),
    messages: [
      {
        typeUrl: '/secret.compute.v1beta1.MsgExecuteContract',
        value: {
          sender: fromBech32Bytes(from.address),
          contract: fromBech32Bytes(token),
          msg,
          sentFunds: [],
        },
      },
    ],
    chainId: chain.chainId,
    accountNumber: chain.getAccount(from.address).accountNumber,
    sequence,
    gasLimit: 400_000n,
  });
}

const outcomeText = (o: { ok: true; tx: unknown } | { ok: false; error: TxError }): string =>
  JSON.stringify(
    o.ok ? o.tx : { code: o.error.code, log: o.error.log, gas: o.error.gasUsed },
    (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  );

for (const scheme of ['aes-256-gcm', 'aes-siv'] as const) {
  describe(`LocalChain.broadcastBlock (${scheme})`, () => {
    it('equals delivering the same txs one by one: outcomes, gas, encrypted outputs, app hash', async () => {
      const [a, b] = await twinChains(scheme, 6);
      const txs: Uint8Array[] = [];
      const seq = new Map<string, bigint>();
      const next = (w: Wallet): bigint => {
        const s = seq.get(w.address) ?? 0n;
        seq.set(w.address, s + 1n);
        return s;
      };
      for (let i = 0; i < 60; i++) {
        const from = a.users[i % 6]!;
        const to = a.users[(i + 1) % 6]!;
        const amount = i === 40 ? '100000' : '1'; // i = 40: the contract refuses (encrypted error)
        txs.push(await transferTx(a.chain, a.token, a.codeHash, from, to, amount, next(from), i + 1));
      }
      // a replayed tx (wrong sequence), garbage, and a tx whose signature byte was flipped
      txs.splice(30, 0, txs[20]!);
      txs.splice(50, 0, Uint8Array.of(1, 2, 3));
      const flipped = Uint8Array.from(txs[55]!);
      flipped[flipped.length - 5]! ^= 1;
      txs.splice(55, 0, flipped); // before the original: rejected for its signature, not its sequence

      const got = await a.chain.broadcastBlock(txs);
      const want: string[] = [];
      for (const tx of txs) {
        try {
          want.push(outcomeText({ ok: true, tx: await b.chain.broadcastTx(tx) }));
        } catch (e) {
          if (!(e instanceof TxError)) throw e;
          want.push(outcomeText({ ok: false, error: e }));
        }
      }
      assert.equal(got.length, txs.length);
      assert.deepEqual(got.map(outcomeText), want);
      const codes = got.flatMap((o) => (o.ok ? [] : [o.error.code]));
      assert.deepEqual(codes, ['WRONG_SEQUENCE', 'EXECUTE_CONTRACT_FAILED', 'TX_DECODE', 'UNAUTHORIZED']);
      await a.chain.nextBlock();
      await b.chain.nextBlock();
      assert.equal(a.chain.appHash, b.chain.appHash);
      // the block after the inline head really went through the worker
      const stats = a.chain.enclave.prepareStats();
      assert.ok(stats.signatureHits >= 30, `signature hits ${stats.signatureHits}`);
      assert.ok(stats.inputHits >= 30, `input hits ${stats.inputHits}`);
      await a.chain.close();
      await b.chain.close();
    });
  });
}
