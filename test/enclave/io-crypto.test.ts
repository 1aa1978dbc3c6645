import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import { EncryptionUtils } from '../../src/compute/encryption-utils.js';
import { buildInputPlaintext } from '../../src/compute/protocol.js';
import { type EncryptionScheme, wireHeaderLength } from '../../src/compute/scheme.js';
import {
  callbackSignature,
  decryptInput,
  decryptOutput,
  decryptOutputString,
  encryptContractMsg,
  encryptError,
  encryptOutputData,
  encryptReplyId,
  ioContextFor,
} from '../../src/enclave/io-crypto.js';
import { NetworkKeys } from '../../src/enclave/keys.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const utf8 = (b: Uint8Array): string => new TextDecoder().decode(b);
const keys = NetworkKeys.fromSeeds([new Uint8Array(32).fill(7)]);
const CALLER_HASH = 'c'.repeat(64);
const CALLEE_HASH = 'd'.repeat(64);

for (const scheme of ['aes-256-gcm', 'aes-siv'] as EncryptionScheme[]) {
  describe(`io-crypto (${scheme})`, () => {
    const client = new EncryptionUtils({ ioPubkey: keys.ioPublicKey, scheme });
    const wire = client.encryptSync(CALLER_HASH, { go: {} });
    const input = decryptInput(keys, scheme, wire);

    it('contract → contract messages reuse the user nonce/pubkey and decrypt as inputs', () => {
      const plaintext = buildInputPlaintext(CALLEE_HASH, '{"callee":{}}');
      const sub = encryptContractMsg(input, plaintext);
      const got = decryptInput(keys, scheme, sub, Buffer.from(CALLEE_HASH, 'hex'));
      assert.deepEqual(got.nonce, input.nonce);
      assert.deepEqual(got.userPubkey, input.userPubkey);
      assert.equal(utf8(got.msg), '{"callee":{}}');
      // Deterministic: the same message twice is the same bytes (validators agree).
      assert.deepEqual(encryptContractMsg(input, plaintext), sub);
      // callback_sig covers the ciphertext part only.
      const sig = callbackSignature(keys, got.ciphertext, '[]');
      const expected = createHash('sha256')
        .update(keys.callbackSecret())
        .update(sub.subarray(wireHeaderLength(scheme)))
        .update('[]')
        .digest();
      assert.deepEqual(Buffer.from(sig), expected);
    });

    it('reply ids, data and errors round-trip on the network side (reply parsing)', () => {
      const id = enc(`${CALLER_HASH}42`);
      assert.deepEqual(decryptOutput(input, 'reply-id', encryptReplyId(input, id)), id);
      const data = encryptOutputData(input, enc('hi'), CALLER_HASH);
      assert.equal(
        utf8(decryptOutput(input, 'data', data)),
        CALLER_HASH + Buffer.from('hi').toString('base64'),
      );
      const err = encryptError(input, 'Generic error: boom', CALLER_HASH);
      assert.equal(decryptOutputString(input, 'error', err), `${CALLER_HASH}Generic error: boom`);
      assert.throws(() => encryptError(input, 'x', 'abc'), {
        name: 'CryptoError',
        code: 'NON_HEX_CODE_HASH',
      });
    });

    it('ioContextFor(header of the original message) rebuilds the same context', () => {
      const h = wireHeaderLength(scheme);
      const off = h - 64;
      const ctx = ioContextFor(keys, scheme, wire.subarray(off, off + 32), wire.subarray(off + 32, h));
      assert.deepEqual(ctx.txKey, input.txKey);
      assert.deepEqual(encryptOutputData(ctx, enc('x')), encryptOutputData(input, enc('x')));
    });
  });
}
