import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { EncryptionUtils } from '../../src/compute/encryption-utils.js';
import { CryptoError, type CryptoErrorCode } from '../../src/compute/errors.js';
import { encodeInputWire } from '../../src/compute/protocol.js';
import type { EncryptionScheme } from '../../src/compute/scheme.js';
import { X25519PrivateKey } from '../../src/compute/x25519.js';
import {
  decryptInput,
  encryptAttribute,
  encryptError,
  encryptOutputData,
  encryptQueryResult,
} from '../../src/enclave/io-crypto.js';
import { NetworkKeys } from '../../src/enclave/keys.js';
import { type SecretjsEncryptionUtils, secretjsEncryptionUtils } from '../helpers/secretjs.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const utf8 = (b: Uint8Array): string => new TextDecoder().decode(b);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const keys = NetworkKeys.fromSeeds([new Uint8Array(32).fill(7)]);
const userSeed = Uint8Array.from({ length: 32 }, (_, i) => i * 3 + 1);
const CODE_HASH = 'b'.repeat(4) + 'a1'.repeat(30);

/** secret.js 1.22.1 client with the io key injected (no LCD needed). */
function secretjsClient(seed: Uint8Array): SecretjsEncryptionUtils {
  return secretjsEncryptionUtils(seed, keys.ioPublicKey);
}

describe('interop with secret.js 1.22.1 (aes-siv scheme)', () => {
  it('secret.js ciphertext decrypts on our network side; our outputs decrypt in secret.js', async () => {
    const sj = secretjsClient(userSeed);
    const msg = { transfer: { recipient: 'secret1xyz', amount: '1000', memo: 'héllo 🤯' } };
    const wire = await sj.encrypt(CODE_HASH, msg);
    const input = decryptInput(keys, 'aes-siv', wire, Buffer.from(CODE_HASH, 'hex'));
    assert.equal(input.codeHashHex, CODE_HASH);
    assert.deepEqual(JSON.parse(utf8(input.msg)), msg);
    assert.deepEqual(input.userPubkey, await sj.getPubkey());

    const data = encryptOutputData(input, enc('{"ok":true}'));
    assert.equal(utf8(await sj.decrypt(data, input.nonce)), Buffer.from('{"ok":true}').toString('base64'));
    const attr = encryptAttribute(input, 'value', 'transfer ✓');
    assert.equal(utf8(await sj.decrypt(Buffer.from(attr, 'base64'), input.nonce)), 'transfer ✓');
    const err = encryptError(input, 'Generic error: la la 🤯');
    assert.equal(utf8(await sj.decrypt(Buffer.from(err, 'base64'), input.nonce)), 'Generic error: la la 🤯');
    const q = encryptQueryResult(input, 'eyJiYWxhbmNlIjoiMSJ9');
    assert.equal(utf8(await sj.decrypt(q, input.nonce)), 'eyJiYWxhbmNlIjoiMSJ9');
  });

  it('same seed → same pubkey, same tx key, byte-identical wire for the same nonce', async () => {
    const sj = secretjsClient(userSeed);
    const ours = new EncryptionUtils({ ioPubkey: keys.ioPublicKey, seed: userSeed, scheme: 'aes-siv' });
    assert.deepEqual(await ours.getPubkey(), await sj.getPubkey());
    const msg = { a: [1, 2, { b: 'c' }] };
    const theirs = await sj.encrypt(CODE_HASH, msg);
    const nonce = theirs.subarray(0, 32);
    assert.equal(toHex(await ours.getTxEncryptionKey(nonce)), toHex(await sj.getTxEncryptionKey(nonce)));
    assert.equal(toHex(ours.encryptSync(CODE_HASH, msg, nonce)), toHex(theirs));
  });

  it('our client ciphertext opens in secret.js and our client reads secret.js-side boxes', async () => {
    const sj = secretjsClient(userSeed);
    const ours = new EncryptionUtils({ ioPubkey: keys.ioPublicKey, seed: userSeed, scheme: 'aes-siv' });
    const wire = await ours.encrypt(CODE_HASH, { hello: 'world' });
    const nonce = ours.nonceOf(wire);
    // The ciphertext part of an input is an AES-SIV box under the tx key: secret.js's decrypt opens it.
    assert.equal(utf8(await sj.decrypt(wire.subarray(64), nonce)), CODE_HASH + '{"hello":"world"}');
    // And our network side accepts it, and our client decrypts network outputs.
    const input = decryptInput(keys, 'aes-siv', wire);
    assert.equal(utf8(ours.decryptData(encryptOutputData(input, enc('xyz')), nonce)), 'xyz');
    assert.equal(utf8(await ours.decrypt(wire.subarray(64), nonce)), CODE_HASH + '{"hello":"world"}');
  });
});

const schemes: EncryptionScheme[] = ['aes-256-gcm', 'aes-siv'];
const codeHashArb = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .chain((b) => fc.boolean().map((upper) => (upper ? toHex(b).toUpperCase() : toHex(b))));
const msgArb = fc.dictionary(fc.string(), fc.jsonValue()) as fc.Arbitrary<object>;

for (const scheme of schemes) {
  describe(`EncryptionUtils + network side, scheme ${scheme}`, () => {
    it('round-trips any message and code hash (property)', () => {
      const client = new EncryptionUtils({ ioPubkey: keys.ioPublicKey, scheme });
      fc.assert(
        fc.property(codeHashArb, msgArb, fc.uint8Array({ maxLength: 300 }), (hash, msg, data) => {
          const wire = client.encryptSync(hash, msg);
          const input = decryptInput(keys, scheme, wire, Buffer.from(hash, 'hex'));
          assert.equal(input.codeHashHex, hash.toLowerCase());
          assert.equal(utf8(input.msg), JSON.stringify(msg));
          const nonce = client.nonceOf(wire);
          assert.deepEqual(client.decryptData(encryptOutputData(input, data), nonce), data);
          assert.deepEqual(
            client.decryptQueryResult(encryptQueryResult(input, Buffer.from(data).toString('base64')), nonce),
            data,
          );
        }),
        { numRuns: 150 },
      );
    });

    it('two NetworkKeys from the same seed give byte-identical outputs (property)', () => {
      const a = NetworkKeys.fromSeeds([new Uint8Array(32).fill(42)]);
      const b = NetworkKeys.fromSeeds([new Uint8Array(32).fill(42)]);
      const client = new EncryptionUtils({ ioPubkey: a.ioPublicKey, scheme });
      fc.assert(
        fc.property(msgArb, fc.uint8Array({ maxLength: 100 }), fc.string(), (msg, data, text) => {
          const wire = client.encryptSync(CODE_HASH, msg);
          const ia = decryptInput(a, scheme, wire);
          const ib = decryptInput(b, scheme, wire);
          assert.equal(toHex(encryptOutputData(ia, data)), toHex(encryptOutputData(ib, data)));
          assert.equal(encryptAttribute(ia, 'key', text), encryptAttribute(ib, 'key', text));
          assert.equal(encryptError(ia, text), encryptError(ib, text));
          assert.equal(toHex(encryptQueryResult(ia, text)), toHex(encryptQueryResult(ib, text)));
        }),
        { numRuns: 60 },
      );
    });

    it('decodes events and encrypted error strings', () => {
      const client = new EncryptionUtils({ ioPubkey: keys.ioPublicKey, scheme });
      const wire = client.encryptSync(CODE_HASH, { x: 1 });
      const input = decryptInput(keys, scheme, wire);
      const nonce = client.nonceOf(wire);
      const events = client.decryptEvents(
        [
          {
            type: 'wasm',
            attributes: [
              { key: 'contract_address', value: 'secret1contract' },
              {
                key: encryptAttribute(input, 'key', 'action'),
                value: encryptAttribute(input, 'value', 'transfer'),
              },
              { key: 'plain', value: 'text' },
            ],
          },
          { type: 'message', attributes: [{ key: 'module', value: 'compute' }] },
        ],
        nonce,
      );
      assert.deepEqual(events[0]!.attributes, [
        { key: 'contract_address', value: 'secret1contract' },
        { key: 'action', value: 'transfer' },
        { key: 'plain', value: 'text' },
      ]);
      assert.deepEqual(events[1], { type: 'message', attributes: [{ key: 'module', value: 'compute' }] });
      const err = `encrypted: ${encryptError(input, 'Generic error: insufficient funds')}: execute contract failed`;
      assert.equal(client.decryptErrorMessage(err, nonce), 'Generic error: insufficient funds');
      assert.equal(client.decryptErrorMessage('out of gas', nonce), undefined);
      assert.deepEqual(client.decryptSync(new Uint8Array(0), nonce), new Uint8Array(0));
    });
  });
}

describe('nonces', () => {
  it('every message gets a fresh 32-byte nonce', () => {
    const client = new EncryptionUtils({ ioPubkey: keys.ioPublicKey });
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const n = client.nonceOf(client.encryptSync(CODE_HASH, {}));
      assert.equal(n.length, 32);
      assert.ok(n.some((b) => b !== 0));
      seen.add(toHex(n));
    }
    assert.equal(seen.size, 500);
  });
});

describe('bad input → distinct typed errors that leak nothing', () => {
  const secretMsg = { password: 'hunter2-very-secret-plaintext' };
  const forbidden = (input: { txKey: Uint8Array }): string[] => [
    'hunter2',
    toHex(input.txKey),
    toHex(keys.callbackSecret()),
    toHex(new Uint8Array(32).fill(7)),
  ];
  const expectCode =
    (code: CryptoErrorCode, banned: string[]) =>
    (e: unknown): boolean => {
      assert.ok(e instanceof CryptoError, String(e));
      assert.equal(e.code, code, e.message);
      for (const b of banned) assert.ok(!e.message.includes(b), `message leaks: ${e.message}`);
      assert.ok(e.message.length > 10);
      return true;
    };

  for (const scheme of schemes) {
    describe(scheme, () => {
      const client = new EncryptionUtils({ ioPubkey: keys.ioPublicKey, scheme });
      const wire = client.encryptSync(CODE_HASH, secretMsg);
      const input = decryptInput(keys, scheme, wire);
      const banned = forbidden(input);
      const off = scheme === 'aes-siv' ? 0 : 1;
      const flip = (i: number): Uint8Array => {
        const w = wire.slice();
        w[i] = w[i]! ^ 0x01;
        return w;
      };

      it('truncated message', () => {
        const min = scheme === 'aes-siv' ? 82 : 93;
        assert.throws(
          () => decryptInput(keys, scheme, wire.subarray(0, min - 1)),
          expectCode('TRUNCATED', banned),
        );
        assert.throws(() => decryptInput(keys, scheme, new Uint8Array(0)), expectCode('TRUNCATED', banned));
      });
      it('tampered ciphertext, tag, nonce, pubkey', () => {
        assert.throws(
          () => decryptInput(keys, scheme, flip(wire.length - 1)),
          expectCode('AUTH_FAILED', banned),
        );
        assert.throws(
          () => decryptInput(keys, scheme, flip(off + 64 + 3)),
          expectCode('AUTH_FAILED', banned),
        );
        assert.throws(() => decryptInput(keys, scheme, flip(off + 5)), expectCode('AUTH_FAILED', banned));
        assert.throws(
          () => decryptInput(keys, scheme, flip(off + 32 + 5)),
          expectCode('AUTH_FAILED', banned),
        );
      });
      it('wrong (valid) public key → AUTH_FAILED, invalid public key → BAD_PUBLIC_KEY', () => {
        const w = wire.slice();
        w.set(X25519PrivateKey.generate().publicKey, off + 32);
        assert.throws(() => decryptInput(keys, scheme, w), expectCode('AUTH_FAILED', banned));
        w.fill(0, off + 32, off + 64);
        assert.throws(() => decryptInput(keys, scheme, w), expectCode('BAD_PUBLIC_KEY', banned));
      });
      it('wrong network key', () => {
        const other = NetworkKeys.fromSeeds([new Uint8Array(32).fill(8)]);
        assert.throws(() => decryptInput(other, scheme, wire), expectCode('AUTH_FAILED', banned));
      });
      it('wrong code hash', () => {
        assert.throws(
          () => decryptInput(keys, scheme, wire, new Uint8Array(32).fill(0xcc)),
          expectCode('WRONG_CODE_HASH', [...banned, CODE_HASH]),
        );
      });
      it('non-hex code hash (and a plaintext shorter than a hash)', () => {
        const nonce = new Uint8Array(32).fill(5);
        const txKey = keys.txKey(client.getPubkeySync(), nonce);
        const bad = encodeInputWire(
          scheme,
          txKey,
          nonce,
          client.getPubkeySync(),
          enc('z'.repeat(64) + JSON.stringify(secretMsg)),
        );
        assert.throws(
          () => decryptInput(keys, scheme, bad),
          expectCode('NON_HEX_CODE_HASH', [...banned, toHex(txKey)]),
        );
        const short = encodeInputWire(scheme, txKey, nonce, client.getPubkeySync(), enc('ab'.repeat(20)));
        assert.throws(
          () => decryptInput(keys, scheme, short),
          expectCode('TRUNCATED', [...banned, toHex(txKey)]),
        );
        assert.throws(() => client.encryptSync('xyz', {}), expectCode('NON_HEX_CODE_HASH', banned));
      });
      it('tampered output / wrong nonce on the client', () => {
        const nonce = client.nonceOf(wire);
        const data = encryptOutputData(input, enc('secret-output-plaintext'));
        const bad = data.slice();
        bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
        assert.throws(
          () => client.decryptData(bad, nonce),
          expectCode('AUTH_FAILED', ['secret-output-plaintext']),
        );
        assert.throws(() => client.decryptData(data, new Uint8Array(32)), expectCode('AUTH_FAILED', banned));
      });
    });
  }

  it('unknown scheme marker (aes-256-gcm inputs and outputs)', () => {
    const client = new EncryptionUtils({ ioPubkey: keys.ioPublicKey });
    const wire = client.encryptSync(CODE_HASH, secretMsg);
    const input = decryptInput(keys, 'aes-256-gcm', wire);
    const w = wire.slice();
    w[0] = 0x02;
    assert.throws(() => decryptInput(keys, 'aes-256-gcm', w), expectCode('UNKNOWN_SCHEME', forbidden(input)));
    const out = encryptOutputData(input, enc('x'));
    out[0] = 0x7f;
    assert.throws(
      () => client.decryptData(out, client.nonceOf(wire)),
      expectCode('UNKNOWN_SCHEME', forbidden(input)),
    );
  });

  it('aes-256-gcm outputs cannot be moved between places (domain separation)', () => {
    const client = new EncryptionUtils({ ioPubkey: keys.ioPublicKey });
    const wire = client.encryptSync(CODE_HASH, secretMsg);
    const input = decryptInput(keys, 'aes-256-gcm', wire);
    const nonce = client.nonceOf(wire);
    const asAttr = encryptAttribute(input, 'value', Buffer.from('payload').toString('base64'));
    assert.throws(
      () => client.decryptData(Buffer.from(asAttr, 'base64'), nonce),
      expectCode('AUTH_FAILED', []),
    );
    // Forging the domain byte breaks the tag.
    const forged = Uint8Array.from(Buffer.from(asAttr, 'base64'));
    forged[1] = 0x01;
    assert.throws(() => client.decryptData(forged, nonce), expectCode('AUTH_FAILED', []));
  });

  it('rejects bad configuration', () => {
    assert.throws(
      () => new EncryptionUtils({ ioPubkey: new Uint8Array(31) }),
      expectCode('BAD_PUBLIC_KEY', []),
    );
    assert.throws(
      () => new EncryptionUtils({ ioPubkey: keys.ioPublicKey, scheme: 'aes-128-cbc' as EncryptionScheme }),
      expectCode('BAD_CONFIG', []),
    );
    assert.throws(
      () => new EncryptionUtils({ ioPubkey: keys.ioPublicKey, seed: new Uint8Array(5) }),
      expectCode('BAD_KEY_LENGTH', []),
    );
  });
});
