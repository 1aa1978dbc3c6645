/**
 * Output post-processing seals every encrypted output of one response as one batch (gcm-box.ts): pinned bytes
 * for a fixed network seed, user seed and nonce (validators on every machine must produce exactly these), two
 * enclaves agree, batch order = output order, and the client decrypts every box on its own.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { EncryptionUtils } from '../../src/compute/encryption-utils.js';
import type { EncryptionScheme } from '../../src/compute/scheme.js';
import { IoChannel } from '../../src/enclave/io-channel.js';
import { NetworkKeys } from '../../src/enclave/keys.js';
import {
  type OutputContext,
  processContractError,
  processQueryResult,
  processResponse,
} from '../../src/enclave/output.js';
import type { WasmOutput } from '../../src/enclave/types.js';

const CODE_HASH = 'ab'.repeat(32);
const CALLER_HASH = 'cd'.repeat(32);
const USER_SEED = new Uint8Array(32).fill(3);
const NONCE = Uint8Array.from({ length: 32 }, (_, i) => 100 + i);
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const fromB64 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'base64'));
const utf8 = (b: Uint8Array): string => new TextDecoder().decode(b);

const ADDR = 'secret1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu';
/** A token transfer's response, with a plaintext attribute, an event and data. */
const RESPONSE = {
  messages: [],
  attributes: [
    { key: 'action', value: 'transfer' },
    { key: 'from', value: ADDR },
    { key: 'amount', value: '10', encrypted: false },
    { key: 'amount', value: '10' },
  ],
  events: [{ type: 'transfer', attributes: [{ key: 'recipient', value: ADDR }] }],
  data: b64('{"transfer":{"status":"success"}}'),
};

function context(
  scheme: EncryptionScheme,
  replyTo?: bigint,
): { ctx: OutputContext; client: EncryptionUtils } {
  const keys = NetworkKeys.fromSeeds([new Uint8Array(32).fill(7)]);
  const client = new EncryptionUtils({ ioPubkey: keys.ioPublicKey, seed: USER_SEED, scheme });
  const wire = client.encryptSync(CODE_HASH, { transfer: {} }, NONCE);
  const { channel } = IoChannel.open(keys, scheme, wire);
  const replyParams =
    replyTo === undefined
      ? []
      : [{ subMsgId: replyTo, recipientCodeHash: new TextEncoder().encode(CALLER_HASH) }];
  return {
    ctx: {
      apiVersion: 'v1',
      channel,
      ownCodeHashHex: CODE_HASH,
      replyParams,
      callbackSecret: keys.callbackSecret(),
    },
    client,
  };
}

/** Every sealed box of a response, in output order. */
function boxesOf(out: WasmOutput): Uint8Array[] {
  const attrs = [...out.attributes, ...out.events.flatMap((e) => e.attributes)].filter(
    (a) => a.key !== 'amount' || a.value !== '10',
  );
  const boxes = attrs.flatMap((a) => [fromB64(a.key), fromB64(a.value)]);
  if (out.data !== null) boxes.push(out.data);
  if (out.replyInfo !== undefined) boxes.push(out.replyInfo.internalMsgId);
  return boxes;
}

function summary(out: WasmOutput): string[] {
  return boxesOf(out).map(toHex);
}

describe('output sealing (aes-256-gcm)', () => {
  it('pinned bytes of a transfer response for a fixed tx key', () => {
    const out = processResponse(context('aes-256-gcm').ctx, RESPONSE);
    assert.deepEqual(out.attributes[2], { key: 'amount', value: '10' });
    assert.deepEqual(summary(out), PINNED);
  });

  it('two enclaves from the same seed produce identical bytes', () => {
    const a = processResponse(context('aes-256-gcm').ctx, RESPONSE);
    const b = processResponse(context('aes-256-gcm').ctx, RESPONSE);
    assert.deepEqual(a, b);
  });

  it('boxes are one batch in output order: IV_k = IV_0 xor k', () => {
    const out = processResponse(context('aes-256-gcm', 9n).ctx, RESPONSE);
    const boxes = boxesOf(out);
    assert.equal(boxes.length, 2 * 4 + 1 + 1); // 3 sealed attributes + 1 event attribute, data, reply id
    const iv0 = Buffer.from(boxes[0]!.subarray(2, 14));
    boxes.forEach((box, k) => {
      const iv = Buffer.from(box.subarray(2, 14));
      assert.deepEqual(iv.subarray(0, 8), iv0.subarray(0, 8));
      assert.equal((iv.readUInt32BE(8) ^ iv0.readUInt32BE(8)) >>> 0, k);
    });
  });

  it('the client opens every box on its own; equal plaintexts in one response differ on the wire', () => {
    const { ctx, client } = context('aes-256-gcm');
    const out = processResponse(ctx, {
      ...RESPONSE,
      attributes: [...RESPONSE.attributes, { key: 'action', value: 'transfer' }],
    });
    const plain = out.attributes.map((a) =>
      a.key === 'amount' && a.value === '10'
        ? a
        : {
            key: client.decryptAttribute(a.key, NONCE, 'key'),
            value: client.decryptAttribute(a.value, NONCE),
          },
    );
    assert.deepEqual(
      plain,
      [...RESPONSE.attributes, { key: 'action', value: 'transfer' }].map(({ key, value }) => ({
        key,
        value,
      })),
    );
    assert.notEqual(out.attributes[0]!.key, out.attributes[4]!.key);
    assert.equal(client.decryptAttribute(out.events[0]!.attributes[0]!.value, NONCE), ADDR);
    const long = 'x'.repeat(300);
    for (const value of ['héllo ✓ 🎉', long, `${long}é`, '']) {
      const o = processResponse(ctx, { attributes: [{ key: 'k', value }] });
      assert.equal(client.decryptAttribute(o.attributes[0]!.value, NONCE), value);
    }
    assert.equal(utf8(client.decryptData(out.data!, NONCE)), '{"transfer":{"status":"success"}}');
  });

  it('errors and their reply id are one batch; query results a batch of one', () => {
    const { ctx, client } = context('aes-256-gcm', 4n);
    const err = processContractError(ctx, 'Generic error: boom');
    assert.ok(err.encrypted && err.replyInfo !== undefined);
    const e = Buffer.from(err.ciphertext!.subarray(2, 14));
    const r = Buffer.from(err.replyInfo.internalMsgId.subarray(2, 14));
    assert.deepEqual(e.subarray(0, 8), r.subarray(0, 8));
    assert.equal((e.readUInt32BE(8) ^ r.readUInt32BE(8)) >>> 0, 1);
    assert.equal(
      client.decryptErrorMessage(`${err.message}: execute contract failed`, NONCE),
      `${CALLER_HASH}Generic error: boom`,
    );
    const q = processQueryResult(context('aes-256-gcm').ctx, b64('{"balance":"5"}'));
    assert.equal(utf8(client.decryptQueryResult(q.data, NONCE)), '{"balance":"5"}');
  });

  it('wasm messages are sealed first in the same batch and still open as the callee’s input', () => {
    const keys = NetworkKeys.fromSeeds([new Uint8Array(32).fill(7)]);
    const { ctx } = context('aes-256-gcm');
    const inner = '{"receive":{}}';
    const out = processResponse(ctx, {
      ...RESPONSE,
      messages: [
        {
          id: 5,
          reply_on: 'success',
          msg: {
            wasm: { execute: { contract_addr: ADDR, code_hash: CALLER_HASH, msg: b64(inner), send: [] } },
          },
        },
      ],
    });
    const exec = (out.messages[0]!.msg.wasm as { execute: { msg: string; callback_sig: number[] } }).execute;
    const wire = fromB64(exec.msg);
    const opened = IoChannel.open(keys, 'aes-256-gcm', wire);
    const text = utf8(opened.plaintext);
    assert.ok(text.startsWith(CALLER_HASH) && text.endsWith(inner));
    assert.deepEqual(opened.channel.header(), ctx.channel.header());
    const sig = createHash('sha256')
      .update(keys.callbackSecret())
      .update(opened.ciphertext)
      .update('[]')
      .digest();
    assert.deepEqual(Uint8Array.from(exec.callback_sig), new Uint8Array(sig));
    // The message is item 0 of the response's batch; the attributes follow at 1, 2, …
    const msgIv = Buffer.from(wire.subarray(65, 77));
    const attrIv = Buffer.from(fromB64(out.attributes[0]!.key).subarray(2, 14));
    assert.deepEqual(msgIv.subarray(0, 8), attrIv.subarray(0, 8));
    assert.equal((msgIv.readUInt32BE(8) ^ attrIv.readUInt32BE(8)) >>> 0, 1);
    assert.throws(() => ctx.channel.messageOf(ctx.channel.seal('data', new Uint8Array(3))), {
      name: 'CryptoError',
      code: 'BAD_CONFIG',
    });
  });

  it('random responses: every sealed output opens, plaintext ones pass through, IVs follow output order', () => {
    const { ctx, client } = context('aes-256-gcm');
    const attr = fc.record({
      key: fc.string({ maxLength: 40, unit: 'grapheme' }),
      value: fc.string({ maxLength: 300, unit: 'grapheme-composite' }),
      encrypted: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(attr, { maxLength: 6 }),
        fc.array(fc.record({ type: fc.constant('ev'), attributes: fc.array(attr, { maxLength: 4 }) }), {
          maxLength: 3,
        }),
        fc.option(fc.uint8Array({ maxLength: 80 }), { nil: undefined }),
        (attributes, events, data) => {
          const resp = {
            attributes,
            events,
            data: data === undefined ? null : Buffer.from(data).toString('base64'),
          };
          const out = processResponse(ctx, resp);
          assert.deepEqual(processResponse(ctx, resp), out);
          const all = [...attributes, ...events.flatMap((e) => e.attributes)];
          const got = [...out.attributes, ...out.events.flatMap((e) => e.attributes)];
          const sealed: Uint8Array[] = [];
          all.forEach((a, i) => {
            const g = got[i]!;
            if (!a.encrypted) return assert.deepEqual(g, { key: a.key, value: a.value });
            assert.equal(client.decryptAttribute(g.key, NONCE, 'key'), a.key);
            assert.equal(client.decryptAttribute(g.value, NONCE), a.value);
            sealed.push(fromB64(g.key), fromB64(g.value));
          });
          if (data !== undefined) {
            assert.deepEqual(client.decryptData(out.data!, NONCE), data);
            sealed.push(out.data!);
          }
          const ivs = sealed.map((b) => Buffer.from(b.subarray(2, 14)));
          ivs.forEach((iv, k) => {
            assert.deepEqual(iv.subarray(0, 8), ivs[0]!.subarray(0, 8));
            assert.equal((iv.readUInt32BE(8) ^ ivs[0]!.readUInt32BE(8)) >>> 0, k);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a malformed response fails before anything is sealed, with the same error as before', () => {
    const { ctx } = context('aes-256-gcm');
    assert.throws(() => processResponse(ctx, { ...RESPONSE, data: 5 }), {
      name: 'EnclaveError',
      kind: 'FailedToDeserialize',
    });
    assert.throws(() => processResponse(ctx, { ...RESPONSE, attributes: [{ key: 'a' }] }), {
      name: 'EnclaveError',
      kind: 'FailedToDeserialize',
    });
  });
});

describe('output sealing (aes-siv, Secret format: every box on its own)', () => {
  it('each output is AES-SIV of its plaintext alone (unchanged by batching)', () => {
    const { ctx, client } = context('aes-siv');
    const out = processResponse(ctx, RESPONSE);
    assert.equal(client.decryptAttribute(out.attributes[0]!.key, NONCE, 'key'), 'action');
    const again = processResponse(ctx, { ...RESPONSE, attributes: [RESPONSE.attributes[0]!] });
    assert.equal(again.attributes[0]!.key, out.attributes[0]!.key);
  });
});

/** Computed once by this implementation; any change here is a consensus change of every aes-256-gcm output. */
const PINNED: string[] = [
  '01022a1e32fd74ba23c6f4182c96d66a91a2ddbb15c4c257b2e558d387bb748b2168516d',
  '01032a1e32fd74ba23c6f4182c973fe155fc21460fcc976243584731eda2c12d9f090917c199',
  '01022a1e32fd74ba23c6f4182c94e847d036acfb4411d067e1e566789deb7581a77c',
  '01032a1e32fd74ba23c6f4182c95c899517782c125df02cbe314a8d27873d072dffaeb0ae1b05ed7508ccabcca1db29a7ca1658f22f798caf6eb9ec168ecd6476840d821e4e08076d52599',
  '01022a1e32fd74ba23c6f4182c927d57b7d7b48334f5dda94220a9f0f7b660008973fa7e',
  '01032a1e32fd74ba23c6f4182c930b22e4d185e9f5e0c8d97dd2c341a276b025',
  '01022a1e32fd74ba23c6f4182c903a8628628f6e1b1c11b1f2148fc81c6bb75309ded3003abb12',
  '01032a1e32fd74ba23c6f4182c9155accbe4260d90a3f6cfec4f07d1792116a5999307a15f3ccf539ef504fc1c804cb44d44eab79e687e7b99e08326a52dcb1b432839343c203827540228',
  '01012a1e32fd74ba23c6f4182c9e3898cb4b254af7499cb5f9b21d75c1de105c77f1f3e2aaa6af5c1a0218c245e65df561911dcbbbb42c8a75ea5fe01c97cf5b3a6298dd095a20a96b9d',
];
