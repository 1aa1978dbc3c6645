/**
 * The LocalChain's client signer (libsecp256k1) must sign exactly as cosmjs' DirectSecp256k1Wallet does:
 * same RFC 6979 nonce, same low-S normalization, same StdSignature, for every key and document.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import { DirectSecp256k1Wallet } from '@cosmjs/proto-signing';

import { LocalDirectSigner, signerBackend } from '../../src/chain/signer.js';
import { createRegistry, makeTxSignDoc } from '../../src/chain/tx.js';

/** Platforms with a binary in node_modules/secp256k1/prebuilds (secp256k1@5.0.2). */
const PREBUILT = ['linux-x64', 'darwin-arm64', 'win32-x64'];

function bytes(label: string, n = 32): Uint8Array {
  return createHash('sha256').update(label).digest().subarray(0, n);
}

describe('LocalDirectSigner', () => {
  it('uses libsecp256k1 where the package ships a prebuilt binary (else it is the cosmjs wallet itself)', (t) => {
    const platform = `${process.platform}-${process.arch}`;
    if (!PREBUILT.includes(platform) || process.env.SECRET_COMPUTE_NO_NATIVE_SECP256K1 === '1') {
      t.skip(`no prebuilt addon for ${platform} (or disabled): cosmjs signs`);
      return;
    }
    assert.equal(signerBackend, 'libsecp256k1');
  });

  it('produces byte-identical SIGN_MODE_DIRECT signatures to DirectSecp256k1Wallet', async () => {
    for (let k = 0; k < 12; k++) {
      const privkey = bytes(`key ${k}`);
      const wallet = await DirectSecp256k1Wallet.fromKey(privkey, 'secret');
      const [acc] = await wallet.getAccounts();
      const ours = await LocalDirectSigner.create(privkey, acc!.pubkey, acc!.address, 'secret');
      assert.deepEqual(await ours.getAccounts(), [acc]);
      for (let d = 0; d < 8; d++) {
        const doc = makeTxSignDoc({
          address: acc!.address,
          pubkey: acc!.pubkey,
          registry: createRegistry(),
          messages: [
            {
              typeUrl: '/cosmos.bank.v1beta1.MsgSend',
              value: {
                fromAddress: acc!.address,
                toAddress: acc!.address,
                amount: [{ denom: 'uscrt', amount: String(1 + d * 7919) }],
              },
            },
          ],
          chainId: `secret-${d}`,
          accountNumber: BigInt(k),
          sequence: BigInt(d * 3),
          gasLimit: 200_000n,
          memo: Buffer.from(bytes(`memo ${k}/${d}`, 12)).toString('hex'),
        });
        const expected = await wallet.signDirect(acc!.address, doc);
        assert.deepEqual(await ours.signDirect(acc!.address, doc), expected, `key ${k} doc ${d}`);
        if (ours.signDirectSync !== undefined)
          assert.deepEqual(ours.signDirectSync(acc!.address, doc), expected);
      }
    }
  });

  it('refuses to sign for another address', async () => {
    const privkey = bytes('key x');
    const wallet = await DirectSecp256k1Wallet.fromKey(privkey, 'secret');
    const [acc] = await wallet.getAccounts();
    const ours = await LocalDirectSigner.create(privkey, acc!.pubkey, acc!.address, 'secret');
    const doc = makeTxSignDoc({
      address: acc!.address,
      pubkey: acc!.pubkey,
      registry: createRegistry(),
      messages: [],
      chainId: 'c',
      accountNumber: 0n,
      sequence: 0n,
      gasLimit: 1n,
    });
    await assert.rejects(ours.signDirect('secret1other', doc), /Address secret1other not found in wallet/);
  });
});
