import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

import { b64, Chain, snapshot } from './helpers.js';

describe('keeper end to end (real enclave, real contracts)', () => {
  it('stores, instantiates, executes and queries an encrypted v1 contract', async () => {
    const chain = new Chain();
    const alice = chain.user(1);
    const code = await chain.storeCode(alice, 'exerciser-v1');
    assert.equal(code.codeId, 1n);
    const c = await chain.instantiate(alice, code, { set: { key: 'greeting', value: 'hi' } }, 'ex1');
    assert.match(c.address, /^secret1/);
    const ev = chain.events.find((e) => e.type === 'instantiate');
    assert.deepEqual(ev?.attributes, [
      { key: 'contract_address', value: c.address },
      { key: 'code_id', value: '1' },
    ]);
    const { wire, data } = await chain.execute(alice, c, { get: { key: 'greeting' } });
    assert.equal(chain.decryptData(alice, wire, data), 'hi');
    assert.equal(await chain.query(alice, c, { get: { key: 'greeting' } }), '{"value":"hi"}');
    const wasmEv = chain.events.find((e) => e.type === 'wasm');
    assert.equal(wasmEv?.attributes[0]?.key, 'contract_address');
    assert.equal(wasmEv?.attributes[0]?.value, c.address);
  });

  it('accepts gzip uploads and hashes the uncompressed code', async () => {
    const chain = new Chain();
    const alice = chain.user(1);
    const { loadFixture } = await import('../fixtures/index.js');
    const raw = loadFixture('exerciser-v1');
    const code = await chain.storeCode(alice, 'exerciser-v1', new Uint8Array(gzipSync(raw)));
    const info = await chain.queries.Code({ codeId: code.codeId });
    assert.equal(info.codeInfo?.codeHash, Buffer.from(code.codeHash).toString('hex'));
    assert.equal(info.wasm.length, raw.length);
    void b64;
    void snapshot;
  });
});

describe('block randomness (random-v1)', () => {
  it('passes the stored per-block random to contracts that require it, derived per contract', async () => {
    const chain = new Chain();
    const alice = chain.user(1);
    const code = await chain.storeCode(alice, 'random-v1');
    const a = await chain.instantiate(alice, code, {}, 'R1');
    const b = await chain.instantiate(alice, code, {}, 'R2');
    const envOf = async (c: typeof a) => {
      const { wire, data } = await chain.execute(alice, c, { env: {} });
      return JSON.parse(chain.decryptData(alice, wire, data)) as {
        env: { block: { random?: string; height: number } };
      };
    };
    const ea = await envOf(a);
    const eb = await envOf(b);
    assert.equal(Buffer.from(ea.env.block.random ?? '', 'base64').length, 32);
    assert.notEqual(ea.env.block.random, eb.env.block.random, 'the enclave derives a per-contract random');
    const plain = await chain.storeCode(alice, 'exerciser-v1');
    const p = await chain.instantiate(alice, plain, {}, 'P');
    const { wire, data } = await chain.execute(alice, p, { env: {} });
    const ep = JSON.parse(chain.decryptData(alice, wire, data)) as {
      env: { block: Record<string, unknown> };
    };
    assert.equal(ep.env.block.random, undefined, 'contracts without requires_random get none');
  });
});
