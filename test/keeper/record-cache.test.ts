/**
 * The keeper decodes ContractInfo / CodeInfo / ContractKey once per stored byte array (store.ts `*Shared`), and
 * toBech32 remembers the last encoding per array. These tests pin that every write path is seen at once: migrate,
 * update/clear admin, a rolled-back tx, genesis import, and bytes changed in place.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { sha256 } from '@noble/hashes/sha2.js';

import type {
  EnclaveCall,
  EnclaveResult,
  HandleType,
  QueryOutput,
  WasmOutput,
} from '../../src/enclave/types.js';
import { toBech32 } from '../../src/keeper/address.js';
import { exportGenesis, initGenesis } from '../../src/keeper/genesis.js';
import { contractKey } from '../../src/keeper/keys.js';
import * as st from '../../src/keeper/store.js';
import { LmdbStore, MemoryCommitStore, MemoryStore } from '../../src/state/index.js';
import { FakeEnclave, fakeWasm } from './helpers/fake-enclave.js';
import { assert, json, setup, user } from './helpers/setup.js';

/** Records the code hash and contract key each execute/query was given. */
class RecordingEnclave extends FakeEnclave {
  readonly seen: { codeHash: string; og: string; current: string }[] = [];

  private note(call: EnclaveCall): void {
    const k = call.env.contractKey;
    this.seen.push({
      codeHash: Buffer.from(call.code.codeHash).toString('hex'),
      og: Buffer.from(k?.og ?? []).toString('hex'),
      current: Buffer.from(k?.current ?? []).toString('hex'),
    });
  }

  override handle(call: EnclaveCall, msg: Uint8Array, handleType: HandleType): EnclaveResult<WasmOutput> {
    this.note(call);
    return super.handle(call, msg, handleType);
  }

  override query(call: EnclaveCall, msg: Uint8Array): EnclaveResult<QueryOutput> {
    this.note(call);
    return super.query(call, msg);
  }
}

const sha256hex = (b: Uint8Array) => Buffer.from(sha256(b)).toString('hex');

/** A stored ContractInfo record with the given code id and label (the other fields do not matter here). */
function contractInfo(codeId: bigint, label: string) {
  return {
    codeId,
    creator: user(1),
    label,
    created: { blockHeight: 1n, txIndex: 0n },
    ibcPortId: '',
    admin: '',
    adminProof: new Uint8Array(32),
    requireGovernance: false,
  };
}

describe('shared record decodes', () => {
  it('execute and query see a migration at once: new code, current contract key', () => {
    const enclave = new RecordingEnclave();
    const h = setup({ enclave });
    const code1 = h.store_('exerciser');
    const code2 = h.store_('exerciser-b');
    const c = h.instantiate(code1, 'M', {}, toBech32(h.alice));
    h.execute(c, { set: { key: 'k', value: '1' } });
    h.get(c, 'k');
    const before = enclave.seen.splice(0);
    assert.equal(before.length, 2);
    for (const s of before) {
      assert.equal(s.codeHash, sha256hex(fakeWasm('exerciser')));
      assert.equal(s.current, '');
    }
    h.run((ctx) => h.keeper.migrate(ctx, c, h.alice, code2, json({})));
    h.execute(c, { set: { key: 'k', value: '2' } });
    assert.equal(h.get(c, 'k'), '2');
    const after = enclave.seen.splice(0);
    assert.equal(after.length, 2);
    for (const s of after) {
      assert.equal(s.codeHash, sha256hex(fakeWasm('exerciser-b')));
      assert.equal(s.og, before[0]!.og);
      assert.equal(s.current, '07'.repeat(64));
    }
  });

  it('inside an uncommitted block (in-memory and LMDB working state), queries see a migration at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'record-cache-'));
    const lmdb = LmdbStore.open(dir, { durable: false });
    try {
      for (const store of [new MemoryCommitStore(new MemoryStore()), lmdb]) {
        store.set(Uint8Array.of(0xff), Uint8Array.of(1)); // a block in progress: the working state has buffered writes
        const enclave = new RecordingEnclave();
        const h = setup({ enclave, store });
        const code1 = h.store_('exerciser');
        const code2 = h.store_('exerciser-b');
        const c = h.instantiate(code1, 'M', {}, toBech32(h.alice));
        h.execute(c, { set: { key: 'k', value: '1' } });
        assert.equal(h.get(c, 'k'), '1');
        assert.equal(h.get(c, 'k'), '1'); // the second query may reuse the first one's code and keys
        h.run((ctx) => h.keeper.migrate(ctx, c, h.alice, code2, json({})));
        assert.equal(h.get(c, 'k'), '1');
        const seen = enclave.seen.splice(0);
        assert.deepEqual(
          seen.map((s) => s.codeHash),
          [...Array<string>(3).fill(sha256hex(fakeWasm('exerciser'))), sha256hex(fakeWasm('exerciser-b'))],
        );
        assert.equal(seen.at(-1)!.current, '07'.repeat(64));
      }
    } finally {
      lmdb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('queries reuse code and keys only while the store is unchanged: direct writes and in-place changes are seen', () => {
    const enclave = new RecordingEnclave();
    const h = setup({ enclave });
    const code1 = h.store_('exerciser');
    const code2 = h.store_('exerciser-b');
    const c = h.instantiate(code1, 'Q', { set: { key: 'k', value: 'v' } }, toBech32(h.alice));
    const hash1 = sha256hex(fakeWasm('exerciser'));
    const hash2 = sha256hex(fakeWasm('exerciser-b'));
    enclave.seen.splice(0);
    assert.equal(h.get(c, 'k'), 'v');
    assert.equal(h.get(c, 'k'), 'v');
    assert.deepEqual(
      enclave.seen.splice(0).map((s) => s.codeHash),
      [hash1, hash1],
    );
    // a write straight into the keeper's store (no tx, no keeper method) is seen by the next query
    const info = st.getContractInfo(h.store, c)!;
    st.setContractInfo(h.store, c, { ...info, codeId: code2 });
    assert.equal(h.get(c, 'k'), 'v');
    assert.equal(enclave.seen.at(-1)!.codeHash, hash2);
    // bytes changed in place in the store's own array (a contract violation) are seen too
    const raw = h.store.get(contractKey(c))!;
    assert.equal(raw[0], 0x08);
    const patched = Uint8Array.from(raw);
    patched[1] = Number(code1); // field 1 (code_id) varint, a small id
    raw.set(patched);
    assert.equal(h.get(c, 'k'), 'v');
    assert.equal(enclave.seen.at(-1)!.codeHash, hash1);
    // a removed contract is "not found" at once, and stays so
    h.store.delete(contractKey(c));
    for (let i = 0; i < 2; i++) {
      assert.throws(() => h.keeper.query(c, json({ get: { key: 'k' } })), {
        name: 'ComputeError',
        message: /contract: not found/,
      });
    }
  });

  it('a query address array changed in place between queries reaches the contract its bytes name', () => {
    const enclave = new RecordingEnclave();
    const h = setup({ enclave });
    const code1 = h.store_('exerciser');
    const code2 = h.store_('exerciser-b');
    const a = h.instantiate(code1, 'A', { set: { key: 'k', value: 'in a' } }, toBech32(h.alice));
    const b = h.instantiate(code2, 'B', { set: { key: 'k', value: 'in b' } }, toBech32(h.alice));
    const addr = Uint8Array.from(a);
    enclave.seen.splice(0);
    for (let i = 0; i < 2; i++) {
      addr.set(a);
      assert.equal(h.get(addr, 'k'), 'in a');
      assert.equal(h.get(addr, 'k'), 'in a');
      addr.set(b);
      assert.equal(h.get(addr, 'k'), 'in b');
    }
    const hash1 = sha256hex(fakeWasm('exerciser'));
    const hash2 = sha256hex(fakeWasm('exerciser-b'));
    assert.deepEqual(
      enclave.seen.map((s) => s.codeHash),
      [hash1, hash1, hash2, hash1, hash1, hash2],
    );
  });

  it('a rolled-back migration leaves execute on the old code', () => {
    const enclave = new RecordingEnclave();
    const h = setup({ enclave });
    const code1 = h.store_('exerciser');
    const code2 = h.store_('exerciser-b');
    const c = h.instantiate(code1, 'R', {}, toBech32(h.alice));
    h.execute(c, {});
    assert.throws(
      () =>
        h.run((ctx) => {
          h.keeper.migrate(ctx, c, h.alice, code2, json({}));
          h.keeper.execute(ctx, c, h.alice, json({}), []);
          throw new Error('abort after migrate');
        }),
      /abort after migrate/,
    );
    // inside the aborted tx the migrated records were seen
    assert.equal(enclave.seen.at(-1)!.codeHash, sha256hex(fakeWasm('exerciser-b')));
    h.execute(c, {});
    assert.equal(enclave.seen.at(-1)!.codeHash, sha256hex(fakeWasm('exerciser')));
    assert.equal(enclave.seen.at(-1)!.current, '');
  });

  it('admin changes (update, clear) are seen by the next migrate attempt', () => {
    const h = setup();
    const code1 = h.store_('exerciser');
    const code2 = h.store_('exerciser-b');
    const c = h.instantiate(code1, 'A', {}, toBech32(h.alice));
    const bob = user(2);
    h.execute(c, {});
    h.run((ctx) => h.keeper.updateAdmin(ctx, c, h.alice, toBech32(bob)));
    assert.equal(h.keeper.getContractInfo(c)?.admin, toBech32(bob));
    assert.throws(() => h.run((ctx) => h.keeper.migrate(ctx, c, h.alice, code2, json({}))), {
      name: 'ComputeError',
      message: /requires migrate from admin/,
    });
    h.run((ctx) => h.keeper.updateAdmin(ctx, c, bob, ''));
    h.execute(c, {});
    assert.equal(h.keeper.getContractInfo(c)?.admin, '');
    assert.throws(() => h.run((ctx) => h.keeper.migrate(ctx, c, bob, code2, json({}))), {
      name: 'ComputeError',
      message: /requires migrate from admin/,
    });
  });

  it('genesis import into a used store: contracts run with the imported records', () => {
    const enclave = new RecordingEnclave();
    const src = setup();
    const code = src.store_('exerciser');
    const c = src.instantiate(code, 'G', { set: { key: 'k', value: 'v' } });
    const g = exportGenesis(src.store);
    const h = setup({ enclave });
    initGenesis(h.store, g);
    assert.equal(h.get(c, 'k'), 'v');
    assert.equal(enclave.seen.at(-1)!.codeHash, sha256hex(fakeWasm('exerciser')));
  });

  it('decodes once per stored array, afresh after a rewrite or an in-place change', () => {
    const store = new MemoryStore();
    const addr = user(5);
    const info = contractInfo(1n, 'x');
    st.setContractInfo(store, addr, info);
    const a = st.getContractInfoShared(store, addr)!;
    assert.equal(st.getContractInfoShared(store, addr), a, 'same stored bytes: the same decoded object');
    st.setContractInfo(store, addr, { ...info, codeId: 2n });
    assert.equal(st.getContractInfoShared(store, addr)!.codeId, 2n);
    // bytes changed in place (a contract violation by some other code) are not served from the memo
    const raw = store.get(contractKey(addr))!;
    const other = Uint8Array.from(raw);
    other[1] = 3; // field 1 (code_id) varint
    raw.set(other);
    assert.equal(st.getContractInfoShared(store, addr)!.codeId, 3n);
    // a branch's overlay value and a discarded branch
    const b = store.branch();
    st.setContractInfo(b, addr, { ...info, codeId: 9n });
    assert.equal(st.getContractInfoShared(b, addr)!.codeId, 9n);
    b.discard();
    assert.equal(st.getContractInfoShared(b, addr)!.codeId, 3n);
    assert.equal(st.getContractInfo(store, addr)!.codeId, 3n);
  });

  it('stores that return a fresh array per read (LMDB) are served by bytes, and see every rewrite', () => {
    const inner = new MemoryStore();
    class Copying extends MemoryStore {
      override get(k: Uint8Array): Uint8Array | undefined {
        return inner.get(k)?.slice();
      }
      override set(k: Uint8Array, v: Uint8Array): void {
        inner.set(k, v);
      }
    }
    const store = new Copying();
    const addr = user(6);
    const info = contractInfo(4n, 'lmdb');
    st.setContractInfo(store, addr, info);
    const a = st.getContractInfoShared(store, addr)!;
    assert.equal(a.codeId, 4n);
    assert.equal(st.getContractInfoShared(store, addr), a, 'equal bytes in a new array: the same decode');
    st.setContractInfo(store, addr, { ...info, codeId: 5n });
    assert.equal(st.getContractInfoShared(store, addr)!.codeId, 5n);
    st.setContractInfo(store, addr, info);
    assert.equal(st.getContractInfoShared(store, addr)!.codeId, 4n);
  });

  it('toBech32 re-encodes an array changed in place', () => {
    const a = user(1);
    const s1 = toBech32(a);
    assert.equal(toBech32(a), s1);
    a[0] = 2;
    assert.equal(toBech32(a), toBech32(Uint8Array.from(a)));
    assert.notEqual(toBech32(a), s1);
    assert.notEqual(toBech32(a, 'cosmos'), toBech32(a));
  });
});
