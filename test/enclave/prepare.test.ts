/**
 * enclave.prepare(): signature checks and input decryption on a worker thread ahead of execution. Everything here
 * compares a prepared enclave with an inline one built from the same seeds: verdicts, errors, gas, state and
 * encrypted outputs must be identical, whatever was prepared, tampered with, or lost with the worker.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';

import { gcmSealKeyBlocks } from '../../src/compute/gcm-box.js';
import type { EncryptionScheme } from '../../src/compute/scheme.js';
import { createEnclave, type SecretEnclave } from '../../src/enclave/enclave.js';
import { NetworkKeys } from '../../src/enclave/keys.js';
import { decodeResults, encodeBatch, encodeResults } from '../../src/enclave/prepare-codec.js';
import type { EnclaveResult, SigInfo, WasmOutput } from '../../src/enclave/types.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import {
  code,
  contractAddress,
  type Deployed,
  replacer,
  SCHEMES,
  seedBytes,
  TestChain,
  User,
  utf8,
} from './helpers.js';

const enclaves: SecretEnclave[] = [];
after(async () => {
  await Promise.all(enclaves.map((e) => e.close()));
});

/** An enclave over the same seeds as TestChain's default one (so contract keys validate in both). */
function twin(
  scheme: EncryptionScheme,
  prepare?: Parameters<typeof createEnclave>[0]['prepare'],
): SecretEnclave {
  const e = createEnclave({
    keys: NetworkKeys.fromSeeds([seedBytes(7)]),
    ioScheme: scheme,
    ...(prepare === undefined ? {} : { prepare }),
  });
  enclaves.push(e);
  return e;
}

/** One user tx of the scenario: the env sender, the wire msg and its SigInfo. */
interface Tx {
  readonly label: string;
  readonly sender: User;
  readonly msg: Uint8Array;
  readonly sigInfo: SigInfo;
}

/** A token contract on two chains with identical state, and users funded on both. */
function setup(scheme: EncryptionScheme): {
  a: TestChain;
  b: TestChain;
  da: Deployed;
  db: Deployed;
  users: User[];
} {
  const a = new TestChain(scheme);
  const b = new TestChain(scheme);
  enclaves.push(a.enclave, b.enclave);
  const users = [1, 2, 3, 4, 5].map((s) => new User(s, a.enclave.ioPubkey, scheme));
  const init = {
    name: 'Prep',
    symbol: 'PRP',
    decimals: 6,
    initial_balances: users.map((u) => ({ address: u.address, amount: '1000' })),
  };
  const da = a.instantiate(code('token'), 1, users[0]!, init);
  const db = b.instantiate(code('token'), 1, users[0]!, init);
  return { a, b, da, db, users };
}

/** Valid transfers plus every kind of tx the inline path rejects or fails. */
function scenarioTxs(users: User[], d: Deployed): Tx[] {
  const txs: Tx[] = [];
  const transfer = (from: User, to: User, amount: string, nonce: number): Uint8Array =>
    from.encrypt(d.code.codeHash, { transfer: { recipient: to.address, amount } }, nonce);
  users.forEach((u, i) => {
    const msg = transfer(u, users[(i + 1) % users.length]!, String(i + 1), 10 + i);
    txs.push({ label: `transfer ${i}`, sender: u, msg, sigInfo: u.signExecute(d.canonical, msg) });
  });
  const [u0, u1, u2] = [users[0]!, users[1]!, users[2]!];
  // contract error (encrypted for the sender)
  const over = transfer(u0, u1, '999999', 30);
  txs.push({ label: 'overspend', sender: u0, msg: over, sigInfo: u0.signExecute(d.canonical, over) });
  // a valid signature of another tx
  const m1 = transfer(u1, u2, '1', 31);
  const other = u1.signExecute(d.canonical, transfer(u1, u2, '2', 32));
  txs.push({
    label: 'signature of another tx',
    sender: u1,
    msg: m1,
    sigInfo: { ...u1.signExecute(d.canonical, m1), signature: other.signature },
  });
  // a validly signed execute of another input, or of the same input for another contract (the signed message
  // does not match the call: prepared signed-execute fields and inline decoding must reject alike)
  const m5 = transfer(u0, u1, '1', 37);
  const m6 = transfer(u0, u1, '1', 38);
  txs.push({ label: 'msg not signed', sender: u0, msg: m6, sigInfo: u0.signExecute(d.canonical, m5) });
  const m7 = transfer(u1, u0, '1', 39);
  const elsewhere = new Uint8Array(20).fill(9);
  txs.push({ label: 'contract not signed', sender: u1, msg: m7, sigInfo: u1.signExecute(elsewhere, m7) });
  // signed by u2, executed as u1
  const m2 = transfer(u2, u1, '1', 33);
  txs.push({ label: 'wrong sender', sender: u1, msg: m2, sigInfo: u2.signExecute(d.canonical, m2) });
  // plaintext input (falls back to plaintext, then a user signature never verifies)
  const plain = utf8(JSON.stringify({ transfer: { recipient: u1.address, amount: '1' } }));
  txs.push({ label: 'plaintext', sender: u0, msg: plain, sigInfo: u0.signExecute(d.canonical, plain) });
  // encrypted for another code hash
  const wrongHash = u0.encrypt(
    new Uint8Array(32).fill(1),
    { transfer: { recipient: u1.address, amount: '1' } },
    34,
  );
  txs.push({
    label: 'wrong code hash',
    sender: u0,
    msg: wrongHash,
    sigInfo: u0.signExecute(d.canonical, wrongHash),
  });
  // executed tx body differs from the signed one
  const m3 = transfer(u0, u1, '1', 35);
  const s3 = u0.signExecute(d.canonical, m3);
  const raw = TxRaw.decode(s3.txBytes);
  const body = TxBody.decode(raw.bodyBytes);
  const tampered = TxRaw.encode({
    ...raw,
    bodyBytes: TxBody.encode({ ...body, memo: 'x' }).finish(),
  }).finish();
  txs.push({ label: 'body not signed', sender: u0, msg: m3, sigInfo: { ...s3, txBytes: tampered } });
  // amino mode with a direct sign doc (fails JSON parse after the signature check)
  const m4 = transfer(u1, u0, '1', 36);
  txs.push({
    label: 'amino mode',
    sender: u1,
    msg: m4,
    sigInfo: { ...u1.signExecute(d.canonical, m4), signMode: 'SIGN_MODE_LEGACY_AMINO_JSON' },
  });
  return txs;
}

const show = (r: EnclaveResult<WasmOutput>): string => JSON.stringify(r, replacer);

function stateOf(d: Deployed): string {
  return JSON.stringify([...d.store.iterator()], replacer);
}

function run(chain: TestChain, enclave: SecretEnclave, d: Deployed, tx: Tx): EnclaveResult<WasmOutput> {
  return enclave.handle(chain.call(d, tx.sender.address, [], tx.sigInfo), tx.msg, 'execute');
}

/**
 * Runs `txs` with `enclave` and with a fresh inline enclave, each over its own copy of `d`'s state (fresh
 * enclaves share the per-height message counter), and asserts identical results and state.
 */
function sameAsInline(chain: TestChain, d: Deployed, enclave: SecretEnclave, txs: readonly Tx[]): void {
  const inline = twin(chain.scheme, { workers: 0 });
  const d1 = { ...d, store: d.store.clone() };
  const d2 = { ...d, store: d.store.clone() };
  for (const tx of txs)
    assert.equal(show(run(chain, enclave, d1, tx)), show(run(chain, inline, d2, tx)), tx.label);
  assert.equal(stateOf(d1), stateOf(d2));
  assert.ok(txs.length === 0 || stateOf(d1) !== stateOf(d), 'the txs changed the state');
}

for (const scheme of SCHEMES) {
  describe(`enclave.prepare (${scheme})`, () => {
    it('gives byte-identical verdicts, errors, gas, outputs and state to the inline path', async () => {
      const { a, b, da, db, users } = setup(scheme);
      const txs = scenarioTxs(users, da);
      const report = await a.enclave.prepare(txs.map((t) => t.sigInfo));
      assert.equal(report.txs, txs.length);
      // 5 transfers, overspend, 2 unsigned messages, wrong sender (valid under its own key), plaintext, wrong
      // hash, amino: verified
      assert.equal(report.signatures, 12);
      // every encrypted input of this network decrypts ahead (not the plaintext one)
      assert.equal(report.inputs, txs.length - 1);
      for (const tx of txs) {
        const ra = run(a, a.enclave, da, tx);
        const rb = run(b, b.enclave, db, tx);
        assert.equal(show(ra), show(rb), tx.label);
      }
      assert.equal(stateOf(da), stateOf(db));
      const okCount = txs.filter((t) => t.label.startsWith('transfer')).length;
      const stats = a.enclave.prepareStats();
      assert.ok(stats.signatureHits >= okCount, `signature hits ${stats.signatureHits}`);
      assert.ok(stats.inputHits >= okCount, `input hits ${stats.inputHits}`);
      assert.equal(b.enclave.prepareStats().signatureHits, 0);
    });

    it('prepares instantiate inputs and signatures too', async () => {
      const { a, b, users } = setup(scheme);
      const c = code('token');
      const init = { name: 'Two', symbol: 'TWO', decimals: 2, initial_balances: [] };
      const msg = users[1]!.encrypt(c.codeHash, init, 50);
      const sigInfo = users[1]!.signInstantiate(msg);
      const report = await a.enclave.prepare([sigInfo]);
      assert.deepEqual(report, { txs: 1, signatures: 1, inputs: 1 });
      const call = (chain: TestChain) => ({
        ...chain.call({ code: c, store: new MemoryStore() } as Deployed, users[1]!.address, [], sigInfo),
        env: chain.env(contractAddress(5).address, users[1]!.address),
      });
      const before = a.enclave.prepareStats();
      const ra = a.enclave.init(call(a), msg, '');
      const rb = b.enclave.init(call(b), msg, '');
      assert.equal(ra.ok, true);
      assert.equal(JSON.stringify(ra, replacer), JSON.stringify(rb, replacer));
      assert.equal(a.enclave.prepareStats().inputHits, before.inputHits + 1);
      assert.equal(a.enclave.prepareStats().signatureHits, before.signatureHits + 1);
    });

    it('rejects a tx that was tampered with after it was prepared, exactly as inline', async () => {
      const { a, b, da, db, users } = setup(scheme);
      const u = users[0]!;
      const cases: [string, (t: { msg: Uint8Array; sigInfo: SigInfo }) => void][] = [
        ['signature', (t) => void (t.sigInfo.signature[5]! ^= 1)],
        ['sign bytes', (t) => void (t.sigInfo.signBytes[t.sigInfo.signBytes.length - 3]! ^= 1)],
        ['tx bytes', (t) => void (t.sigInfo.txBytes[t.sigInfo.txBytes.length - 70]! ^= 1)],
        ['wire ciphertext', (t) => void (t.msg[t.msg.length - 1]! ^= 1)],
        ['wire nonce', (t) => void (t.msg[t.msg.length - (t.msg.length - 70)]! ^= 1)],
      ];
      for (const [what, tamper] of cases) {
        const msg = u.encrypt(
          da.code.codeHash,
          { transfer: { recipient: users[1]!.address, amount: '1' } },
          60,
        );
        const sigInfo = u.signExecute(da.canonical, msg);
        const report = await a.enclave.prepare([sigInfo]);
        assert.equal(report.signatures, 1);
        // the caller's own arrays are changed in place after prepare()
        const t = { msg, sigInfo };
        tamper(t);
        const tx: Tx = { label: what, sender: u, msg: t.msg, sigInfo: t.sigInfo };
        const ra = run(a, a.enclave, da, tx);
        const rb = run(b, b.enclave, db, tx);
        assert.equal(ra.ok, false, `${what}: must be rejected`);
        assert.equal(show(ra), show(rb), what);
      }
      assert.equal(stateOf(da), stateOf(db));
    });

    it('uses a prepared input only for the identical wire (same nonce and key, other ciphertext)', async () => {
      const { a, b, da, db, users } = setup(scheme);
      const [u, v] = [users[0]!, users[1]!];
      const w1 = u.encrypt(da.code.codeHash, { transfer: { recipient: v.address, amount: '7' } }, 80);
      const w2 = u.encrypt(da.code.codeHash, { transfer: { recipient: v.address, amount: '9' } }, 80);
      const header = scheme === 'aes-siv' ? 64 : 65;
      assert.deepEqual(w1.subarray(0, header), w2.subarray(0, header));
      assert.notDeepEqual(w1, w2);
      await a.enclave.prepare([u.signExecute(da.canonical, w1)]);
      const tx: Tx = { label: 'same header', sender: u, msg: w2, sigInfo: u.signExecute(da.canonical, w2) };
      const ra = run(a, a.enclave, da, tx);
      assert.equal(ra.ok, true);
      assert.equal(show(ra), show(run(b, b.enclave, db, tx)));
      assert.equal(stateOf(da), stateOf(db));
      assert.equal(a.enclave.prepareStats().inputHits, 0);
    });

    it('creates no positive fact for a tx that does not verify, so nothing can be forged through prepare()', async () => {
      const { a, da, users } = setup(scheme);
      const u = users[0]!;
      const msg = u.encrypt(
        da.code.codeHash,
        { transfer: { recipient: users[1]!.address, amount: '1' } },
        70,
      );
      const good = u.signExecute(da.canonical, msg);
      const forged: SigInfo = { ...good, signature: new Uint8Array(64).fill(3) };
      const report = await a.enclave.prepare([forged]);
      assert.equal(report.signatures, 0);
      assert.equal(a.enclave.preparedSignatureValid(forged), false);
      const r = run(a, a.enclave, da, { label: 'forged', sender: u, msg, sigInfo: forged });
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.error.kind === 'enclave' && r.error.error.kind === 'FailedTxVerification');
      // the caches are not reachable through the enclave object
      assert.deepEqual(Object.keys(a.enclave).sort(), ['bech32Prefix', 'ioPubkey', 'ioScheme']);
      // a verdict for the genuine tx does not cover a tx with its signature but other bytes
      await a.enclave.prepare([good]);
      assert.equal(a.enclave.preparedSignatureValid(good), true);
      const other = u.signExecute(
        da.canonical,
        u.encrypt(da.code.codeHash, { transfer: { recipient: u.address, amount: '1' } }, 71),
      );
      assert.equal(a.enclave.preparedSignatureValid({ ...other, signature: good.signature }), false);
      assert.equal(a.enclave.preparedSignatureValid({ ...good, publicKey: users[1]!.pubkey }), false);
    });
  });
}

describe('enclave.prepare: worker lifecycle', () => {
  const scheme: EncryptionScheme = 'aes-256-gcm';

  it('is optional: with 0 workers prepare() does nothing and calls run inline', async () => {
    const { b, db, users } = setup(scheme);
    const off = twin(scheme, { workers: 0 });
    const tx = scenarioTxs(users, db)[0]!;
    assert.deepEqual(await off.prepare([tx.sigInfo]), { txs: 0, signatures: 0, inputs: 0 });
    sameAsInline(b, db, off, [tx]);
  });

  it('falls back to inline when the worker crashes, losing no state', async () => {
    const { b, db, users } = setup(scheme);
    const crashing = twin(scheme, { workerUrl: new URL('./prepare-crash-worker.mjs', import.meta.url) });
    const txs = scenarioTxs(users, db).slice(0, 5);
    const report = await crashing.prepare(txs.map((t) => t.sigInfo));
    assert.deepEqual(report, { txs: 0, signatures: 0, inputs: 0 });
    // restarts are bounded: later calls settle too
    for (let i = 0; i < 5; i++) assert.equal((await crashing.prepare([txs[0]!.sigInfo])).txs, 0);
    sameAsInline(b, db, crashing, txs);
  });

  it('settles pending prepares on close() and keeps working inline afterwards', async () => {
    const { b, db, users } = setup(scheme);
    const e = twin(scheme);
    const txs = scenarioTxs(users, db).slice(0, 5);
    const pending = e.prepare(txs.map((t) => t.sigInfo)); // worker still starting
    await e.close();
    assert.equal((await pending).txs, 0);
    assert.deepEqual(await e.prepare([txs[0]!.sigInfo]), { txs: 0, signatures: 0, inputs: 0 });
    sameAsInline(b, db, e, txs);
  });

  it('close() while a running worker has batches in flight: they settle, calls keep working inline', async () => {
    const { b, db, users } = setup(scheme);
    const e = twin(scheme);
    const txs = scenarioTxs(users, db);
    assert.ok((await e.prepare(txs.map((t) => t.sigInfo))).txs > 0); // the worker is up and warm
    const many = Array.from({ length: 20 }, () => txs.map((t) => t.sigInfo)).flat();
    const pending = e.prepare(many); // several chunks queued; the first one starts at once
    await e.close(); // the worker ends itself between two txs
    assert.ok((await pending).txs < many.length);
    assert.deepEqual(await e.prepare([txs[0]!.sigInfo]), { txs: 0, signatures: 0, inputs: 0 });
    sameAsInline(b, db, e, txs.slice(0, 5));
  });

  it('never keeps a process alive (awaited prepare, un-awaited prepare, no close)', () => {
    const child = fileURLToPath(new URL('./prepare-exit-child.ts', import.meta.url));
    for (const mode of ['await', 'no-await']) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', child, mode], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.match(out, mode === 'await' ? /prepared 1 1 1/ : /started/);
    }
  });

  it('results round-trip input facts, with and without the seal key blocks', () => {
    const txBytes = Uint8Array.from({ length: 120 }, (_, i) => i);
    const batch = encodeBatch([
      { txBytes, signBytes: new Uint8Array(3), signMode: 'SIGN_MODE_DIRECT', signature: new Uint8Array(64) },
    ]);
    const wire = new Uint8Array(batch, 4 + 17 + 20, 90);
    const txKey = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    const sealKeyBlocks = gcmSealKeyBlocks(txKey);
    const plaintext = Uint8Array.of(1, 2, 3);
    const results = encodeResults(batch, [
      { inputs: [{ wire, plaintext, txKey, sealKeyBlocks }] },
      { inputs: [{ wire, plaintext, txKey }] },
    ]);
    const [a, b] = decodeResults(batch, 2, results);
    assert.deepEqual(
      a?.inputs.map((i) => [i.wire, i.plaintext, i.txKey, i.sealKeyBlocks]),
      [[wire, plaintext, txKey, sealKeyBlocks]],
    );
    assert.deepEqual(
      b?.inputs.map((i) => [i.wire, i.plaintext, i.txKey, i.sealKeyBlocks]),
      [[wire, plaintext, txKey, undefined]],
    );
  });

  it('results round-trip signed execute fields; fields outside the batch are dropped, not copied', () => {
    const txBytes = Uint8Array.from({ length: 120 }, (_, i) => i);
    const batch = encodeBatch([
      { txBytes, signBytes: new Uint8Array(3), signMode: 'SIGN_MODE_DIRECT', signature: new Uint8Array(64) },
    ]);
    const view = (off: number, len: number): Uint8Array => new Uint8Array(batch, 4 + 17 + off, len);
    const execute = {
      sender: view(0, 20),
      contract: view(20, 20),
      msg: view(40, 60),
      sentFunds: [{ denom: 'uscrt', amount: '12' }],
    };
    const message = { typeUrl: '/secret.compute.v1beta1.MsgExecuteContract', value: view(0, 110) };
    const facts = (m: object) => ({
      signature: { decoded: { signerKeys: [], signerAddresses: [], messages: [m as typeof message] } },
      inputs: [],
    });
    const results = encodeResults(batch, [
      facts({ ...message, execute }),
      facts({ ...message, execute: { ...execute, msg: execute.msg.slice() } }), // a copy: not bound
    ]);
    const [a, b] = decodeResults(batch, 2, results);
    assert.deepEqual(a?.signature?.decoded?.messages, [{ ...message, execute }]);
    assert.equal(a?.signature?.decoded?.messages[0]?.execute?.msg.buffer, batch);
    assert.deepEqual(b?.signature?.decoded?.messages, [message]);
  });

  it('result decoding refuses offsets outside the batch', () => {
    const batch = encodeBatch([]);
    const results = new ArrayBuffer(1 + 4);
    new DataView(results).setUint32(1, 1); // one input …
    const bad = new Uint8Array(results.byteLength + 8);
    bad.set(new Uint8Array(results));
    new DataView(bad.buffer).setUint32(5, 1_000_000); // … at an offset far outside the batch
    assert.throws(() => decodeResults(batch, 1, bad.buffer), RangeError);
  });
});
