/** The runtime against the real Rust test contracts (test/fixtures/contracts/), on both contract ABIs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';

import type { Backend, CallEnv, CallOutcome, EntryPoint, QuerierResult } from '../../src/runtime/index.js';
import { ContractRuntime, envJsonV1, envJsonV010, infoJsonV1, VmError } from '../../src/runtime/index.js';
import { MockApi, mockBackend, mockEnv, mockInfo, MockQuerier } from '../../src/testing/index.js';
import { loadFixture } from '../fixtures/index.js';

const api = new MockApi();
const alice = api.addrMake('alice');
const b64 = (b: Uint8Array | string): string => Buffer.from(b).toString('base64');
const unb64 = (s: string): Buffer => Buffer.from(s, 'base64');
const rt = new ContractRuntime();

function harness(name: string, backendOverrides: Partial<Backend> = {}) {
  const wasm = loadFixture(name);
  const codeHash = sha256(wasm);
  const backend = mockBackend(backendOverrides);
  const env = mockEnv({
    block: {
      height: 5,
      timeNanos: 1_700_000_000_123_456_789n,
      chainId: 'secret-4',
      random: new Uint8Array(32).fill(9),
    },
  });
  const call = (entry: EntryPoint, msg: unknown, e: CallEnv = env, gasLimit = 1_000_000_000n): CallOutcome =>
    rt.call({
      codeHash,
      wasm,
      entry,
      env: e,
      info: mockInfo(alice, [{ denom: 'uscrt', amount: '5' }]),
      msg: Buffer.from(JSON.stringify(msg)),
      backend,
      gasLimit,
      debug: true,
    });
  /** Response data of an execute, decoded. */
  const data = (msg: unknown): string => {
    const out = call('execute', msg);
    assert.ok('ok' in out.result, JSON.stringify(out.result));
    return unb64((out.result.ok as { data: string }).data).toString();
  };
  return { wasm, codeHash, backend, env, call, data };
}

describe('exerciser-v1 (Secret v1 ABI)', () => {
  const h = harness('exerciser-v1');
  h.call('instantiate', {});

  it('receives the exact v1 env and info JSON', () => {
    const got = JSON.parse(h.data({ env: {} })) as { env: unknown; info: unknown };
    assert.deepEqual(got.env, {
      block: { height: 5, time: '1700000000123456789', chain_id: 'secret-4' },
      contract: { address: h.env.contract.address, code_hash: Buffer.from(h.codeHash).toString('hex') },
      transaction: { index: 3, hash: 'E5469DACEC17CEF8A260FD37675ED87E7FB6A2B5AD95193C51308006C7E494B3' },
    });
    assert.deepEqual(got.info, { sender: alice, funds: [{ denom: 'uscrt', amount: '5' }] });
  });

  it('env and info arrive as the exact UTF-8 bytes of their JSON, non-ASCII and lone surrogates included', () => {
    const odd = 'séc-中文-\u{1F600}-\uD800-end';
    const e = mockEnv({
      block: { height: 7, timeNanos: 1n, chainId: odd, random: new Uint8Array(32).fill(1) },
      contract: { address: `${h.env.contract.address}\u00e9` },
    });
    const info = mockInfo(`snd-${odd}`, [{ denom: `u\u{1F600}`, amount: '5' }]);
    const out = rt.call({
      codeHash: h.codeHash,
      wasm: h.wasm,
      entry: 'execute',
      env: e,
      info,
      msg: Buffer.from('{"env":{}}'),
      backend: h.backend,
      gasLimit: 1_000_000_000n,
    });
    assert.ok('ok' in out.result, JSON.stringify(out.result));
    const hex = Buffer.from(h.codeHash).toString('hex');
    const expected = Buffer.concat([
      Buffer.from('{"env":'),
      Buffer.from(envJsonV1(e, hex, false)),
      Buffer.from(',"info":'),
      Buffer.from(infoJsonV1(info)),
      Buffer.from('}'),
    ]);
    assert.deepEqual(unb64((out.result.ok as { data: string }).data), expected);
  });

  it('storage round trip through db_write / db_read / db_remove', () => {
    h.call('execute', { set: { key: 'k', value: 'v' } });
    const out = h.call('execute', { get: { key: 'k' } });
    assert.equal(unb64((out.result as { ok: { data: string } }).ok.data).toString(), 'v');
    h.call('execute', { remove: { key: 'k' } });
    assert.equal((h.call('execute', { get: { key: 'k' } }).result as { ok: { data: null } }).ok.data, null);
  });

  it('address imports', () => {
    assert.deepEqual(JSON.parse(h.data({ call_host: { fn: 'addr_validate', addr: alice } })), { ok: true });
    assert.deepEqual(JSON.parse(h.data({ call_host: { fn: 'addr_validate', addr: alice.toUpperCase() } })), {
      error: 'Address is not normalized',
    });
    const canon = JSON.parse(h.data({ call_host: { fn: 'addr_canonicalize', addr: alice } })) as {
      canonical: string;
    };
    assert.equal(unb64(canon.canonical).length, 20);
    assert.deepEqual(JSON.parse(h.data({ call_host: { fn: 'addr_humanize', canonical: canon.canonical } })), {
      human: alice,
    });
    assert.deepEqual(JSON.parse(h.data({ call_host: { fn: 'addr_canonicalize', addr: '' } })), {
      error: 'Input is empty',
    });
  });

  it('crypto imports', () => {
    const sk = new Uint8Array(32).fill(3);
    const msg = Buffer.from('m');
    const signed = JSON.parse(
      h.data({ call_host: { fn: 'secp256k1_sign', msg: b64(msg), privkey: b64(sk) } }),
    ) as { code: number; signature: string };
    assert.equal(signed.code, 0);
    const pk = secp256k1.getPublicKey(sk, true);
    assert.deepEqual(
      JSON.parse(
        h.data({
          call_host: {
            fn: 'secp256k1_verify',
            hash: b64(sha256(msg)),
            sig: signed.signature,
            pubkey: b64(pk),
          },
        }),
      ),
      { code: 0 },
    );
    assert.deepEqual(
      JSON.parse(
        h.data({
          call_host: {
            fn: 'secp256k1_verify',
            hash: b64(sha256(msg)),
            sig: signed.signature,
            pubkey: b64(pk.subarray(1)),
          },
        }),
      ),
      { code: 5 },
    );
    const rec = secp256k1.sign(sha256(msg), sk, { prehash: false, format: 'recovered' });
    assert.deepEqual(
      JSON.parse(
        h.data({
          call_host: {
            fn: 'secp256k1_recover_pubkey',
            hash: b64(sha256(msg)),
            sig: b64(rec.subarray(1)),
            recovery_param: rec[0],
          },
        }),
      ),
      { code: 0, pubkey: b64(pk) },
    );
    assert.deepEqual(
      JSON.parse(
        h.data({ call_host: { fn: 'secp256k1_sign', msg: b64(msg), privkey: b64(new Uint8Array(3)) } }),
      ),
      { code: 1000, signature: null },
    );
    const edSig = JSON.parse(
      h.data({ call_host: { fn: 'ed25519_sign', msg: b64(msg), privkey: b64(sk) } }),
    ) as { code: number; signature: string };
    assert.equal(edSig.code, 0);
    const edPk = ed25519.getPublicKey(sk);
    assert.deepEqual(
      JSON.parse(
        h.data({
          call_host: { fn: 'ed25519_verify', msg: b64(msg), sig: edSig.signature, pubkey: b64(edPk) },
        }),
      ),
      { code: 0 },
    );
    assert.deepEqual(
      JSON.parse(
        h.data({
          call_host: {
            fn: 'ed25519_batch_verify',
            msgs: [b64(msg)],
            sigs: [edSig.signature],
            pubkeys: [b64(edPk)],
          },
        }),
      ),
      { code: 0 },
    );
    assert.deepEqual(
      JSON.parse(
        h.data({
          call_host: {
            fn: 'ed25519_batch_verify',
            msgs: [b64(msg), b64(msg)],
            sigs: [edSig.signature],
            pubkeys: [b64(edPk), b64(edPk), b64(edPk)],
          },
        }),
      ),
      { code: 7 },
    );
  });

  it('debug, check_gas, gas_evaporate', () => {
    const out = h.call('execute', { call_host: { fn: 'debug', msg: 'hello from wasm' } });
    assert.deepEqual(out.debugLogs, ['hello from wasm']);
    const g = JSON.parse(h.data({ call_host: { fn: 'check_gas' } })) as { gas: string };
    assert.ok(Number(g.gas) > 0);
    // Same-length messages run the same instructions, so differences are the evaporated gas: max(n × 1000, 8000).
    const burn = (amount: number) =>
      h.call('execute', { call_host: { fn: 'gas_evaporate', amount } }).gasUsed;
    assert.equal(burn(8) - burn(1), 0n);
    assert.equal(burn(9) - burn(8), 1000n);
    assert.equal(burn(90) - burn(20), 70_000n);
  });

  it('query_chain: bank query answered in the v1 envelope', () => {
    const hq = harness('exerciser-v1', {
      querier: new MockQuerier().setBalance(alice, [{ denom: 'uscrt', amount: '77' }]),
    });
    hq.call('instantiate', {});
    const res = JSON.parse(
      hq.data({
        call_host: { fn: 'query_chain', request: { bank: { balance: { address: alice, denom: 'uscrt' } } } },
      }),
    ) as { response: string };
    const answer = JSON.parse(res.response) as { ok: { ok: string } };
    assert.deepEqual(JSON.parse(unb64(answer.ok.ok).toString()), {
      amount: { denom: 'uscrt', amount: '77' },
    });
  });

  it('contract errors are values, panics and query writes are typed errors', () => {
    assert.deepEqual(h.call('execute', { fail: { msg: 'boom' } }).result, { error: 'boom' });
    assert.throws(() => h.call('execute', { panic: {} }), {
      kind: 'Runtime',
      message: 'the contract panicked',
    });
    assert.throws(() => h.call('query', { write: { key: 'a', value: 'b' } }), { kind: 'WriteAccessDenied' });
    assert.throws(() => h.call('execute', { spin: { iterations: '100000000' } }, h.env, 1_000_000n), {
      name: 'OutOfGasError',
      gasUsed: 1_000_000n,
    });
    assert.ok('ok' in h.call('execute', { env: {} }).result);
  });

  it('nested queries through a real querier stop at the recursion limit', () => {
    const wasm = loadFixture('exerciser-v1');
    const codeHash = sha256(wasm);
    const querier = new MockQuerier({
      wasmSmart: (_addr, msg, _hash, depth): QuerierResult => {
        try {
          const out = rt.call({
            codeHash,
            wasm,
            entry: 'query',
            env: mockEnv({ queryDepth: depth }),
            msg,
            backend: { ...backend },
            gasLimit: 1_000_000_000n,
          });
          return 'ok' in out.result
            ? { ok: { ok: unb64(out.result.ok as string) } }
            : { ok: { error: out.result.error } };
        } catch (e) {
          assert.ok(e instanceof VmError);
          return { error: { unknown: {} } };
        }
      },
    });
    const backend = mockBackend({ querier });
    const q = (depth: number) =>
      rt.call({
        codeHash,
        wasm,
        entry: 'query',
        env: mockEnv({ queryDepth: 1 }),
        msg: Buffer.from(
          JSON.stringify({
            recurse: { depth, contract_addr: alice, code_hash: Buffer.from(codeHash).toString('hex') },
          }),
        ),
        backend,
        gasLimit: 1_000_000_000n,
      });
    const shallow = q(8);
    assert.ok('ok' in shallow.result, JSON.stringify(shallow.result));
    const deep = q(12);
    assert.ok('error' in deep.result);
    assert.match(JSON.stringify(deep.result), /exceeded_recursion_limit/);
  });
});

describe('random-v1', () => {
  it('sees block.random only because it exports requires_random', () => {
    const h = harness('random-v1');
    h.call('instantiate', {});
    const env = (JSON.parse(h.data({ env: {} })) as { env: { block: { random?: string } } }).env;
    assert.equal(env.block.random, b64(new Uint8Array(32).fill(9)));
    const plain = harness('exerciser-v1');
    plain.call('instantiate', {});
    assert.equal(
      (JSON.parse(plain.data({ env: {} })) as { env: { block: { random?: string } } }).env.block.random,
      undefined,
    );
  });
});

describe('exerciser-v010 (Secret v0.10 ABI)', () => {
  const h = harness('exerciser-v010');
  h.call('instantiate', {});

  it('receives the exact v0.10 env (time in seconds, code hash, null contract_key/transaction)', () => {
    const got = JSON.parse(h.data({ env: {} })) as { env: unknown };
    assert.deepEqual(got.env, {
      block: { height: 5, time: 1_700_000_000, chain_id: 'secret-4' },
      message: { sender: alice, sent_funds: [{ denom: 'uscrt', amount: '5' }] },
      contract: { address: h.env.contract.address },
      contract_key: null,
      contract_code_hash: Buffer.from(h.codeHash).toString('hex'),
      transaction: null,
    });
  });

  it('env arrives as the exact UTF-8 bytes of its JSON, non-ASCII and lone surrogates included', () => {
    const odd = 'séc-中文-\u{1F600}-\uDFFF';
    const e = mockEnv({ block: { height: 7, timeNanos: 1n, chainId: odd } });
    const info = mockInfo(`snd-${odd}`, [{ denom: `u\u{1F600}`, amount: '5' }]);
    const out = rt.call({
      codeHash: h.codeHash,
      wasm: h.wasm,
      entry: 'execute',
      env: e,
      info,
      msg: Buffer.from('{"env":{}}'),
      backend: h.backend,
      gasLimit: 1_000_000_000n,
    });
    assert.ok('ok' in out.result, JSON.stringify(out.result));
    const got = unb64((out.result.ok as { data: string }).data);
    const envBytes = Buffer.from(envJsonV010(e, info, Buffer.from(h.codeHash).toString('hex')));
    assert.deepEqual(got.subarray(7, 7 + envBytes.length), envBytes);
  });

  it('v0.10 address imports trim and use lowercase messages', () => {
    const canon = JSON.parse(h.data({ call_host: { fn: 'canonicalize_address', addr: ` ${alice} ` } })) as {
      canonical: string;
    };
    assert.equal(unb64(canon.canonical).length, 20);
    assert.deepEqual(
      JSON.parse(h.data({ call_host: { fn: 'humanize_address', canonical: canon.canonical } })),
      { human: alice },
    );
    assert.deepEqual(JSON.parse(h.data({ call_host: { fn: 'canonicalize_address', addr: '  ' } })), {
      error: 'input is empty',
    });
  });

  it('debug_print, crypto and errors', () => {
    assert.deepEqual(h.call('execute', { call_host: { fn: 'debug_print', msg: 'v010 says hi' } }).debugLogs, [
      'v010 says hi',
    ]);
    const sk = new Uint8Array(32).fill(4);
    const signed = JSON.parse(
      h.data({ call_host: { fn: 'ed25519_sign', msg: b64('x'), privkey: b64(sk) } }),
    ) as { code: number; signature: string };
    assert.deepEqual(
      JSON.parse(
        h.data({
          call_host: {
            fn: 'ed25519_verify',
            msg: b64('x'),
            sig: signed.signature,
            pubkey: b64(ed25519.getPublicKey(sk)),
          },
        }),
      ),
      { code: 0 },
    );
    assert.deepEqual(h.call('execute', { fail: { msg: 'boom' } }).result, {
      error: { generic_err: { msg: 'boom' } },
    });
    assert.throws(() => h.call('execute', { panic: {} }), {
      kind: 'Runtime',
      message: 'the contract panicked',
    });
    assert.throws(() => h.call('query', { write: { key: 'a', value: 'b' } }), { kind: 'WriteAccessDenied' });
  });

  it('query(msg) takes no env; reply is not an entry point', () => {
    h.call('execute', { set: { key: 'q', value: 'w' } });
    const q = h.call('query', { get: { key: 'q' } }).result;
    assert.ok('ok' in q);
    assert.deepEqual(JSON.parse(unb64(q.ok as string).toString()), { value: 'w' });
    assert.throws(() => h.call('reply', {}), { kind: 'MissingExport' });
  });
});
