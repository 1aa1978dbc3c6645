/**
 * Failing calls through LocalChain's public API: contract errors reach the sender decrypted, the chain keeps
 * only ciphertext, state and balances roll back, and the sender's sequence still advances (SDK ante semantics).
 * Also the ante checks on raw txs: bad signatures, replays, wrong chain ids, foreign messages.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DirectSecp256k1Wallet } from '@cosmjs/proto-signing';
import { TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';

import {
  ChainError,
  ContractError,
  createRegistry,
  LocalChain,
  signTx,
  TxError,
} from '../../src/testing/index.js';
import { loadFixture } from '../fixtures/index.js';

const uscrt = (amount: string) => [{ denom: 'uscrt', amount }];

async function setup() {
  const chain = await LocalChain.create({ seed: 'failures', onDebug: false });
  const alice = chain.createAccount({ name: 'alice', balance: uscrt('1000') });
  const bob = chain.createAccount({ name: 'bob', balance: uscrt('10') });
  const token = await chain.storeCode(alice, loadFixture('token'));
  const { address } = await chain.instantiate(
    alice,
    token.codeId,
    {
      name: 'Tok',
      symbol: 'TOK',
      decimals: 6,
      initial_balances: [{ address: alice.address, amount: '100' }],
      minter: null,
    },
    { label: 'tok' },
  );
  const ex = await chain.storeCode(alice, loadFixture('exerciser-v1'));
  const exAddr = (await chain.instantiate(alice, ex.codeId, {}, { label: 'ex' })).address;
  return { chain, alice, bob, token: address, ex: exAddr };
}

describe('LocalChain: failing contract calls', () => {
  it('rejects with a ContractError carrying the decrypted message; state, balances unchanged; sequence advances', async () => {
    const { chain, alice, bob, token } = await setup();
    const before = chain.getAccount(bob.address).sequence;
    const balancesBefore = chain.getBalances(bob);
    await assert.rejects(
      chain.execute(
        bob,
        token,
        { transfer: { recipient: alice.address, amount: '5' } },
        { funds: uscrt('3') },
      ),
      (e: unknown) => {
        assert.ok(e instanceof ContractError);
        assert.equal(e.name, 'ContractError');
        assert.equal(e.message, 'Insufficient funds: balance 0, required 5');
        assert.equal(e.encrypted, true);
        assert.equal(e.code, 'EXECUTE_CONTRACT_FAILED');
        assert.equal(e.codespace, 'compute');
        // the chain itself only has the ciphertext
        assert.match(e.log, /^encrypted: [A-Za-z0-9+/=]+: execute contract failed$/);
        assert.ok(!e.log.includes('Insufficient'));
        assert.match(e.txHash ?? '', /^[0-9A-F]{64}$/);
        // gas used = ante gas + what the failed message consumed: more than the ante alone, less than the limit
        assert.ok(
          e.gasUsed !== undefined && e.gasUsed > 10_000n && e.gasUsed < 1_000_000n,
          String(e.gasUsed),
        );
        assert.equal(chain.getTx(e.txHash!)?.gasUsed, e.gasUsed.toString());
        return true;
      },
    );
    assert.equal(chain.getAccount(bob.address).sequence, before + 1n);
    assert.deepEqual(chain.getBalances(bob), balancesBefore); // the 3uscrt sent along came back
    assert.deepEqual(await chain.query(token, { balance: { address: alice.address } }), { balance: '100' });
    // the failed tx is on record, with its error still encrypted
    const rec = chain.recentTxs(1)[0]!;
    assert.notEqual(rec.code, 0);
    assert.equal(chain.decryptTx(rec)?.error, 'Insufficient funds: balance 0, required 5');
    // and the next tx of the same sender goes through with the advanced sequence
    await chain.execute(alice, token, { transfer: { recipient: bob.address, amount: '5' } });
    await chain.execute(bob, token, { transfer: { recipient: alice.address, amount: '5' } });
  });

  it('rolls back every write of a failed call (set then fail in one message)', async () => {
    const { chain, alice, ex } = await setup();
    await assert.rejects(
      chain.execute(alice, ex, {
        multi: { cmds: [{ set: { key: 'k', value: 'v' } }, { fail: { msg: 'boom' } }] },
      }),
      (e: unknown) => e instanceof ContractError && e.message === 'boom' && e.encrypted,
    );
    assert.deepEqual(await chain.query(ex, { get: { key: 'k' } }), { value: null });
  });

  it('reports a panic as a plaintext enclave failure', async () => {
    const { chain, alice, ex } = await setup();
    await assert.rejects(
      chain.execute(alice, ex, { panic: {} }),
      (e: unknown) => e instanceof ContractError && !e.encrypted && /the contract panicked/.test(e.message),
    );
  });

  it('fails instantiate with the decrypted error, creating nothing', async () => {
    const { chain, alice } = await setup();
    const { codeId } = await chain.storeCode(alice, loadFixture('token'));
    await assert.rejects(
      chain.instantiate(alice, codeId, { name: 'x' }, { label: 'bad' }),
      (e: unknown) =>
        e instanceof ContractError &&
        e.code === 'INSTANTIATE_CONTRACT_FAILED' &&
        e.message.startsWith('Invalid message'),
    );
    assert.equal(chain.contracts().length, 2);
    // a duplicate label is the chain's refusal, not the contract's
    await assert.rejects(
      chain.instantiate(alice, codeId, {}, { label: 'tok' }),
      (e: unknown) =>
        e instanceof TxError && !(e instanceof ContractError) && e.code === 'CONTRACT_ACCOUNT_ALREADY_EXISTS',
    );
  });

  it('fails queries with a ContractError', async () => {
    const { chain, ex } = await setup();
    await assert.rejects(
      chain.query(ex, { fail: { msg: 'no such thing' } }),
      (e: unknown) => e instanceof ContractError && e.message === 'no such thing',
    );
  });

  it('runs out of gas as a TxError, leaving state as it was', async () => {
    const { chain, alice, bob, token } = await setup();
    await assert.rejects(
      chain.execute(
        alice,
        token,
        { transfer: { recipient: bob.address, amount: '1' } },
        { gasLimit: 25_000 },
      ),
      (e: unknown) =>
        e instanceof TxError &&
        !(e instanceof ContractError) &&
        e.code === 'OUT_OF_GAS' &&
        e.gasUsed === 25_000n,
    );
    assert.deepEqual(await chain.query(token, { balance: { address: bob.address } }), { balance: '0' });
    await assert.rejects(
      chain.execute(alice, token, { transfer: { recipient: bob.address, amount: '1' } }, { gasLimit: 100 }),
      (e: unknown) => e instanceof TxError && e.code === 'OUT_OF_GAS' && /txSize/.test(e.log),
    );
  });

  it('rejects sending funds the sender lacks (bank error, not a contract error)', async () => {
    const { chain, bob, ex } = await setup();
    await assert.rejects(
      chain.execute(bob, ex, {}, { funds: uscrt('11') }),
      (e: unknown) =>
        e instanceof TxError && !(e instanceof ContractError) && e.code === 'INSUFFICIENT_FUNDS',
    );
    await assert.rejects(
      chain.send(bob, ex, uscrt('11')),
      (e: unknown) =>
        e instanceof TxError &&
        e.code === 'INSUFFICIENT_FUNDS' &&
        e.gasUsed !== undefined &&
        e.gasUsed > 1000n &&
        chain.getTx(e.txHash!)?.gasUsed === e.gasUsed.toString(),
    );
    assert.deepEqual(chain.getBalance(bob, 'uscrt'), { denom: 'uscrt', amount: '10' });
  });

  it('refuses misuse before anything is sent', async () => {
    const { chain, alice } = await setup();
    const before = chain.accounts().length;
    assert.throws(() => chain.createAccount({ name: 'dave', balance: [{ denom: 'x', amount: '1' }] }), {
      name: 'ChainError',
      code: 'INVALID_ARGUMENT',
    });
    assert.equal(chain.accounts().length, before); // nothing half-created
    assert.throws(() => chain.setBalance('not-an-address', []), {
      name: 'ChainError',
      code: 'INVALID_ARGUMENT',
    });
    assert.throws(() => chain.createAccount({ name: 'alice' }), {
      name: 'ChainError',
      code: 'DUPLICATE_ACCOUNT',
    });
    await assert.rejects(
      chain.execute('nobody', 'secret1xyz', {}),
      (e: unknown) => e instanceof ChainError && e.code === 'UNKNOWN_ACCOUNT',
    );
    await assert.rejects(chain.execute(alice, alice.address, {}), {
      name: 'ChainError',
      code: 'INVALID_ARGUMENT',
    });
    await assert.rejects(chain.instantiate(alice, 99, {}, { label: 'x' }), {
      name: 'ChainError',
      code: 'INVALID_ARGUMENT',
    });
    await chain.close();
    await assert.rejects(chain.query(alice.address, {}), { name: 'ChainError', code: 'CLOSED' });
  });
});

describe('LocalChain: ante checks on raw transactions', () => {
  async function signedSend(
    chain: LocalChain,
    privkey: Uint8Array,
    from: string,
    to: string,
    opts: { sequence: bigint; chainId?: string; accountNumber?: bigint },
  ) {
    const wallet = await DirectSecp256k1Wallet.fromKey(privkey, 'secret');
    const [acc] = await wallet.getAccounts();
    return signTx({
      signer: wallet,
      address: acc!.address,
      pubkey: acc!.pubkey,
      registry: createRegistry(),
      messages: [
        {
          typeUrl: '/cosmos.bank.v1beta1.MsgSend',
          value: { fromAddress: from, toAddress: to, amount: uscrt('1') },
        },
      ],
      chainId: opts.chainId ?? chain.chainId,
      accountNumber: opts.accountNumber ?? chain.getAccount(from).accountNumber,
      sequence: opts.sequence,
      gasLimit: 200_000n,
    });
  }

  it('delivers an externally signed tx once; replay, wrong chain id, wrong signer and garbage are rejected', async () => {
    const chain = await LocalChain.create({ onDebug: false });
    const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
    const wallet = await DirectSecp256k1Wallet.fromKey(key, 'secret');
    const [acc] = await wallet.getAccounts();
    const from = acc!.address;
    chain.setBalance(from, uscrt('100'));
    const to = chain.createAccount().address;

    const tx = await signedSend(chain, key, from, to, { sequence: 0n });
    const ok = await chain.broadcastTx(tx);
    assert.match(ok.txHash, /^[0-9A-F]{64}$/);
    assert.deepEqual(chain.getBalance(to, 'uscrt'), { denom: 'uscrt', amount: '1' });

    await assert.rejects(chain.broadcastTx(tx), { name: 'TxError', code: 'WRONG_SEQUENCE' });
    await assert.rejects(
      chain.broadcastTx(await signedSend(chain, key, from, to, { sequence: 1n, chainId: 'other-1' })),
      {
        name: 'TxError',
        code: 'UNAUTHORIZED',
      },
    );
    await assert.rejects(
      chain.broadcastTx(await signedSend(chain, key, from, to, { sequence: 1n, accountNumber: 999n })),
      { name: 'TxError', code: 'UNAUTHORIZED' },
    );
    // a key that is not the message's signer
    const other = Uint8Array.from({ length: 32 }, (_, i) => 40 - i);
    await assert.rejects(chain.broadcastTx(await signedSend(chain, other, from, to, { sequence: 1n })), {
      name: 'TxError',
      code: 'INVALID_PUBKEY',
    });
    // flipped signature byte
    const bad = Uint8Array.from(await signedSend(chain, key, from, to, { sequence: 1n }));
    bad[bad.length - 5]! ^= 1;
    await assert.rejects(chain.broadcastTx(bad), { name: 'TxError', code: 'UNAUTHORIZED' });
    await assert.rejects(chain.broadcastTx(Uint8Array.of(1, 2, 3)), { name: 'TxError', code: 'TX_DECODE' });
    // the high-S twin of a valid signature is valid ECDSA but malleable: the SDK rejects it
    const good = TxRaw.decode(await signedSend(chain, key, from, to, { sequence: 1n }));
    const sig = good.signatures[0]!;
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const highS = (n - BigInt(`0x${Buffer.from(sig.subarray(32)).toString('hex')}`))
      .toString(16)
      .padStart(64, '0');
    const twin = TxRaw.encode({
      ...good,
      signatures: [Uint8Array.from([...sig.subarray(0, 32), ...Buffer.from(highS, 'hex')])],
    }).finish();
    await assert.rejects(chain.broadcastTx(twin), { name: 'TxError', code: 'UNAUTHORIZED' });
    // none of the rejected txs moved funds or sequence
    assert.equal(chain.getAccount(from).sequence, 1n);
    assert.deepEqual(chain.getBalance(to, 'uscrt'), { denom: 'uscrt', amount: '1' });
    await chain.broadcastTx(await signedSend(chain, key, from, to, { sequence: 1n }));
    assert.deepEqual(chain.getBalance(to, 'uscrt'), { denom: 'uscrt', amount: '2' });
  });
});
