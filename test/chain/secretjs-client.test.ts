/**
 * A LocalChain on Secret mainnet's I/O scheme (aes-siv) accepts what the incumbent client produces: secret.js
 * 1.22 encrypts the contract message (its own EncryptionUtilsImpl against the chain's io key), the tx is signed
 * with cosmjs and delivered with `broadcastTx`, and secret.js decrypts the contract's answer.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

import { DirectSecp256k1Wallet } from '@cosmjs/proto-signing';
import { bech32 } from '@scure/base';

import { createRegistry, LocalChain, signTx } from '../../src/testing/index.js';
import { loadFixture } from '../fixtures/index.js';

interface SecretjsEncryptionUtils {
  encrypt(codeHash: string, msg: object): Promise<Uint8Array>;
  decrypt(ciphertext: Uint8Array, nonce: Uint8Array): Promise<Uint8Array>;
}
// deep require: secret.js' root .d.ts drags its .ts sources into tsc (see test/proto/secretjs-fixtures.ts)
const { EncryptionUtilsImpl } = createRequire(import.meta.url)('secretjs/dist/encryption.js') as {
  EncryptionUtilsImpl: new (url: string, seed?: Uint8Array) => SecretjsEncryptionUtils;
};

describe('LocalChain with a secret.js client', () => {
  it('executes a secret.js-encrypted message and secret.js decrypts the result', async () => {
    const chain = await LocalChain.create({ scheme: 'aes-siv', seed: 'secretjs', onDebug: false });
    const wallet = await DirectSecp256k1Wallet.fromKey(new Uint8Array(32).fill(9), 'secret');
    const [acc] = await wallet.getAccounts();
    const user = acc!.address;
    chain.setBalance(user, [{ denom: 'uscrt', amount: '1000' }]);

    const deployer = chain.createAccount();
    const { codeId, codeHash } = await chain.storeCode(deployer, loadFixture('exerciser-v1'));
    const { address: contract } = await chain.instantiate(deployer, codeId, {}, { label: 'ex' });

    // secret.js would fetch the io key with Query/TxKey; give it the chain's directly
    const utils = new EncryptionUtilsImpl('http://127.0.0.1:1', new Uint8Array(32).fill(3));
    Object.assign(utils, { consensusIoPubKey: chain.ioPubkey });
    const wire = await utils.encrypt(codeHash, { set: { key: 'from-secretjs', value: 'hello' } });
    const getWire = await utils.encrypt(codeHash, { get: { key: 'from-secretjs' } });

    const registry = createRegistry();
    const send = async (msg: Uint8Array, sequence: bigint) => {
      const txBytes = await signTx({
        signer: wallet,
        address: user,
        pubkey: acc!.pubkey,
        registry,
        messages: [
          {
            typeUrl: '/secret.compute.v1beta1.MsgExecuteContract',
            value: { sender: fromBech32Bytes(user), contract: fromBech32Bytes(contract), msg, sentFunds: [] },
          },
        ],
        chainId: chain.chainId,
        accountNumber: chain.getAccount(user).accountNumber,
        sequence,
        gasLimit: 500_000n,
      });
      return chain.broadcastTx(txBytes);
    };
    await send(wire, 0n);
    const got = await send(getWire, 1n);
    // secret.js: decrypt(data, nonce) gives base64 of the contract's data
    const b64 = new TextDecoder().decode(await utils.decrypt(got.data, getWire.subarray(0, 32)));
    assert.equal(Buffer.from(b64, 'base64').toString(), 'hello');
    assert.deepEqual(await chain.query(contract, { get: { key: 'from-secretjs' } }), { value: 'hello' });
  });
});

function fromBech32Bytes(addr: string): Uint8Array {
  return Uint8Array.from(bech32.fromWords(bech32.decode(addr as `${string}1${string}`).words));
}
