/**
 * `verifyParams` on its own: callback signatures (sender not bound, funds bound), SIGN_MODE_DIRECT and
 * LEGACY_AMINO_JSON signatures and the signed-message match for every message type.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { secp256k1 } from '@noble/curves/secp256k1.js';

import { EnclaveError } from '../../src/enclave/errors.js';
import {
  callbackSignature,
  type ExpectedSignedMsg,
  fundsJson,
  verifyParams,
} from '../../src/enclave/tx-verification.js';
import type { SigInfo } from '../../src/enclave/types.js';
import { b64, contractAddress, sha256, User, utf8 } from './helpers.js';

const SECRET = sha256(utf8('callback secret'));
const IO_PUBKEY = new Uint8Array(32).fill(9);
const alice = new User(1, IO_PUBKEY, 'aes-siv');
const bob = new User(2, IO_PUBKEY, 'aes-siv');
const deployed = contractAddress(1);
const contract = { canonical: deployed.canonical, bech32: deployed.address };
const sender = { canonical: alice.canonical, bech32: alice.address };
const msg = utf8('nonce-pubkey-ciphertext');
const EMPTY = new Uint8Array(0);

const rejects = (fn: () => void): void =>
  assert.throws(fn, (e: unknown) => e instanceof EnclaveError && e.kind === 'FailedTxVerification');

function cb(sig: Uint8Array): SigInfo {
  return {
    txBytes: EMPTY,
    signBytes: EMPTY,
    signMode: 'SIGN_MODE_UNSPECIFIED',
    signature: EMPTY,
    callbackSig: sig,
  };
}

/** Sorted-key JSON as cosmjs `serializeSignDoc` produces it. */
function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function aminoSign(user: User, msgs: { type: string; value: Record<string, unknown> }[]): SigInfo {
  const doc = {
    account_number: '7',
    chain_id: 'secret-test-1',
    fee: { amount: [], gas: '200000' },
    memo: '',
    msgs,
    sequence: '0',
  };
  const signBytes = utf8(sortedJson(doc));
  const signature = secp256k1.sign(signBytes, user.privkey, { prehash: true, lowS: true });
  return {
    txBytes: utf8('amino tx'),
    signBytes,
    signMode: 'SIGN_MODE_LEGACY_AMINO_JSON',
    publicKey: user.pubkey,
    signature,
  };
}

describe('callback signatures', () => {
  it('are SHA256(secret ‖ msg ‖ json(funds)) and do not bind the sender', () => {
    const funds = [{ denom: 'uscrt', amount: '10' }];
    assert.equal(fundsJson(funds), '[{"denom":"uscrt","amount":"10"}]');
    assert.equal(fundsJson([]), '[]');
    const sig = callbackSignature(SECRET, msg, funds);
    assert.deepEqual(
      sig,
      sha256(new Uint8Array([...SECRET, ...msg, ...utf8('[{"denom":"uscrt","amount":"10"}]')])),
    );
    const expected: ExpectedSignedMsg = { type: 'execute', contract, msg, funds };
    verifyParams(cb(sig), sender, expected, SECRET, msg);
    verifyParams(cb(sig), { canonical: bob.canonical, bech32: bob.address }, expected, SECRET, msg);
    rejects(() => verifyParams(cb(sig), sender, { ...expected, funds: [] }, SECRET, msg));
    rejects(() => verifyParams(cb(sig), sender, expected, SECRET, utf8('other')));
    rejects(() => verifyParams(cb(sig), sender, expected, sha256(utf8('other secret')), msg));
  });

  it('migrate and admin messages sign empty funds', () => {
    const sig = callbackSignature(SECRET, EMPTY, []);
    verifyParams(cb(sig), sender, { type: 'update_admin', contract, newAdmin: bob.address }, SECRET, EMPTY);
    verifyParams(cb(sig), sender, { type: 'clear_admin', contract }, SECRET, EMPTY);
  });
});

describe('SIGN_MODE_DIRECT', () => {
  it('accepts each signed message type and rejects mismatches', () => {
    verifyParams(
      alice.signExecute(contract.canonical, msg),
      sender,
      { type: 'execute', contract, msg, funds: [] },
      SECRET,
      msg,
    );
    verifyParams(
      alice.signInstantiate(msg, [], bob.address),
      sender,
      { type: 'instantiate', msg, funds: [], admin: bob.address },
      SECRET,
      msg,
    );
    rejects(() =>
      verifyParams(
        alice.signInstantiate(msg, [], bob.address),
        sender,
        { type: 'instantiate', msg, funds: [], admin: '' },
        SECRET,
        msg,
      ),
    );
    verifyParams(
      alice.signMigrate(contract.bech32, msg),
      sender,
      { type: 'migrate', contract, msg },
      SECRET,
      msg,
    );
    rejects(() =>
      verifyParams(
        alice.signMigrate(contract.bech32, msg),
        sender,
        { type: 'execute', contract, msg, funds: [] },
        SECRET,
        msg,
      ),
    );
    verifyParams(
      alice.signUpdateAdmin(contract.bech32, bob.address),
      sender,
      { type: 'update_admin', contract, newAdmin: bob.address },
      SECRET,
      EMPTY,
    );
    rejects(() =>
      verifyParams(
        alice.signUpdateAdmin(contract.bech32, bob.address),
        sender,
        { type: 'update_admin', contract, newAdmin: alice.address },
        SECRET,
        EMPTY,
      ),
    );
    verifyParams(
      alice.signUpdateAdmin(contract.bech32, ''),
      sender,
      { type: 'clear_admin', contract },
      SECRET,
      EMPTY,
    );
  });

  it('rejects malleated high-S signatures, like the Cosmos SDK', () => {
    const good = alice.signExecute(contract.canonical, msg);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${Buffer.from(good.signature.subarray(32)).toString('hex')}`);
    const high = new Uint8Array(64);
    high.set(good.signature.subarray(0, 32));
    high.set(Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'), 32);
    const expected: ExpectedSignedMsg = { type: 'execute', contract, msg, funds: [] };
    verifyParams(good, sender, expected, SECRET, msg);
    rejects(() => verifyParams({ ...good, signature: high }, sender, expected, SECRET, msg));
    rejects(() =>
      verifyParams({ ...good, signature: good.signature.subarray(0, 63) }, sender, expected, SECRET, msg),
    );
  });

  it('rejects a tx whose body differs from the signed body', () => {
    const a = alice.signExecute(contract.canonical, msg);
    const other = alice.signExecute(contract.canonical, utf8('other'));
    rejects(() =>
      verifyParams(
        { ...a, txBytes: other.txBytes },
        sender,
        { type: 'execute', contract, msg, funds: [] },
        SECRET,
        msg,
      ),
    );
    rejects(() =>
      verifyParams(
        { ...a, signBytes: utf8('garbage') },
        sender,
        { type: 'execute', contract, msg, funds: [] },
        SECRET,
        msg,
      ),
    );
    rejects(() =>
      verifyParams(undefined, sender, { type: 'execute', contract, msg, funds: [] }, SECRET, msg),
    );
    rejects(() =>
      verifyParams(
        { ...a, signMode: 'SIGN_MODE_UNSPECIFIED' },
        sender,
        { type: 'execute', contract, msg, funds: [] },
        SECRET,
        msg,
      ),
    );
  });
});

describe('SIGN_MODE_LEGACY_AMINO_JSON', () => {
  const execValue = (s: unknown, funds: unknown[] = []) => ({
    sender: s,
    contract: contract.bech32,
    msg: b64(msg),
    sent_funds: funds,
  });

  it('accepts a signed amino execute (bech32 or base64 addresses) and checks msg, funds and signer', () => {
    const expected: ExpectedSignedMsg = { type: 'execute', contract, msg, funds: [] };
    verifyParams(
      aminoSign(alice, [{ type: 'wasm/MsgExecuteContract', value: execValue(alice.address) }]),
      sender,
      expected,
      SECRET,
      msg,
    );
    verifyParams(
      aminoSign(alice, [{ type: 'wasm/MsgExecuteContract', value: execValue(b64(alice.canonical)) }]),
      sender,
      expected,
      SECRET,
      msg,
    );
    const funded = aminoSign(alice, [
      { type: 'wasm/MsgExecuteContract', value: execValue(alice.address, [{ denom: 'uscrt', amount: '1' }]) },
    ]);
    rejects(() => verifyParams(funded, sender, expected, SECRET, msg));
    verifyParams(funded, sender, { ...expected, funds: [{ denom: 'uscrt', amount: '1' }] }, SECRET, msg);
    // Signed by bob, claimed by alice.
    rejects(() =>
      verifyParams(
        aminoSign(bob, [{ type: 'wasm/MsgExecuteContract', value: execValue(alice.address) }]),
        sender,
        expected,
        SECRET,
        msg,
      ),
    );
    // Tampered sign bytes.
    const good = aminoSign(alice, [{ type: 'wasm/MsgExecuteContract', value: execValue(alice.address) }]);
    const tampered = utf8(new TextDecoder().decode(good.signBytes).replace('"memo":""', '"memo":"x"'));
    rejects(() => verifyParams({ ...good, signBytes: tampered }, sender, expected, SECRET, msg));
  });

  it('matches instantiate admin and migrate/update-admin fields', () => {
    const inst = aminoSign(alice, [
      {
        type: 'wasm/MsgInstantiateContract',
        value: {
          sender: alice.address,
          code_id: '1',
          label: 'l',
          init_msg: b64(msg),
          init_funds: [],
          admin: bob.address,
        },
      },
    ]);
    verifyParams(inst, sender, { type: 'instantiate', msg, funds: [], admin: bob.address }, SECRET, msg);
    rejects(() =>
      verifyParams(inst, sender, { type: 'instantiate', msg, funds: [], admin: '' }, SECRET, msg),
    );
    const mig = aminoSign(alice, [
      {
        type: 'wasm/MsgMigrateContract',
        value: { sender: alice.address, contract: contract.bech32, code_id: '2', msg: b64(msg) },
      },
    ]);
    verifyParams(mig, sender, { type: 'migrate', contract, msg }, SECRET, msg);
    const upd = aminoSign(alice, [
      {
        type: 'wasm/MsgUpdateAdmin',
        value: { sender: alice.address, contract: contract.bech32, new_admin: bob.address },
      },
    ]);
    verifyParams(upd, sender, { type: 'update_admin', contract, newAdmin: bob.address }, SECRET, EMPTY);
    rejects(() => verifyParams(upd, sender, { type: 'clear_admin', contract }, SECRET, EMPTY));
  });
});
