/**
 * Contract keys, proofs and state keys across seed rotations (spec §2.9, §2.10): keys are bound to the
 * genesis ikm so they survive rotations, proofs made with the current seed validate after a rotation, and
 * state written before a rotation stays readable after it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  generateAdminProof,
  generateContractKey,
  signContractKey,
  validateAdminProof,
  validateContractKey,
} from '../../src/enclave/contract-key.js';
import { ContractState, deriveStateKeys } from '../../src/enclave/contract-state.js';
import { EnclaveError } from '../../src/enclave/errors.js';
import { NetworkKeys } from '../../src/enclave/keys.js';
import { encodeReplyHeaders, parseReplyHeaders } from '../../src/enclave/reply-params.js';
import { secretsFromKeys } from '../../src/enclave/secrets.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import { seedBytes, sha256, utf8 } from './helpers.js';

const one = secretsFromKeys(NetworkKeys.fromSeeds([seedBytes(1)]));
const two = secretsFromKeys(NetworkKeys.fromSeeds([seedBytes(1), seedBytes(2)]));
const three = secretsFromKeys(NetworkKeys.fromSeeds([seedBytes(1), seedBytes(2), seedBytes(3)]));
const sender = sha256(utf8('sender')).slice(0, 20);
const contract = sha256(utf8('contract')).slice(0, 20);
const codeA = sha256(utf8('code A'));
const codeB = sha256(utf8('code B'));

const isKind = (kind: string) => (e: unknown) => e instanceof EnclaveError && e.kind === kind;

describe('contract keys', () => {
  it('are sha256(sender ‖ BE64(height)) ‖ contract_id and validate only for their contract and code', () => {
    const key = generateContractKey(two, sender, 42n, codeA, contract);
    assert.equal(key.length, 64);
    const be = new Uint8Array(8);
    new DataView(be.buffer).setBigUint64(0, 42n);
    assert.deepEqual(key.subarray(0, 32), sha256(new Uint8Array([...sender, ...be])));
    assert.deepEqual(validateContractKey(two, { og: key }, contract, codeA), { og: key, latest: key });
    assert.throws(
      () => validateContractKey(two, { og: key }, contract, codeB),
      isKind('FailedContractAuthentication'),
    );
    assert.throws(
      () => validateContractKey(two, { og: key }, sender, codeA),
      isKind('FailedContractAuthentication'),
    );
    assert.throws(
      () => validateContractKey(two, undefined, contract, codeA),
      isKind('FailedContractAuthentication'),
    );
    assert.throws(
      () => validateContractKey(two, { og: key.subarray(0, 63) }, contract, codeA),
      isKind('FailedContractAuthentication'),
    );
  });

  it('survive seed rotations (bound to the genesis ikm) but not another network', () => {
    const key = generateContractKey(one, sender, 1n, codeA, contract);
    validateContractKey(three, { og: key }, contract, codeA);
    const other = secretsFromKeys(NetworkKeys.fromSeeds([seedBytes(9)]));
    assert.throws(
      () => validateContractKey(other, { og: key }, contract, codeA),
      isKind('FailedContractAuthentication'),
    );
  });

  it('after migration, the current key is authenticated by its proof for the new code', () => {
    const og = generateContractKey(two, sender, 1n, codeA, contract);
    const current = generateContractKey(two, sender, 5n, codeB, contract, og);
    assert.notDeepEqual(current, generateContractKey(two, sender, 5n, codeB, contract));
    const proof = signContractKey(two, contract, codeB, og, current);
    assert.deepEqual(
      validateContractKey(two, { og, current, currentProof: proof }, contract, codeB).latest,
      current,
    );
    validateContractKey(three, { og, current, currentProof: proof }, contract, codeB);
    assert.throws(
      () => validateContractKey(two, { og, current, currentProof: proof }, contract, codeA),
      isKind('FailedContractAuthentication'),
    );
  });
});

describe('admin proofs', () => {
  it('bind admin and og key, validate after a rotation, and reject other admins', () => {
    const og = generateContractKey(two, sender, 1n, codeA, contract);
    const proof = generateAdminProof(two, sender, og);
    validateAdminProof(two, sender, og, proof);
    validateAdminProof(three, sender, og, proof);
    assert.throws(() => validateAdminProof(two, contract, og, proof), isKind('ValidationFailure'));
    assert.throws(
      () => validateAdminProof(two, sender, generateContractKey(two, sender, 2n, codeA, contract), proof),
      isKind('ValidationFailure'),
    );
    const cleared = generateAdminProof(two, new Uint8Array(0), og);
    assert.throws(() => validateAdminProof(two, sender, og, cleared), isKind('ValidationFailure'));
  });
});

describe('contract state across seed rotations', () => {
  it('reads values written before a rotation and writes new ones under the new seed id', () => {
    const og = generateContractKey(two, sender, 1n, codeA, contract);
    const store = new MemoryStore();
    const salt = { timeNanos: 1n, counterHeight: 1n, counter: 0n };
    const before = new ContractState(store, deriveStateKeys(two, og), { readOnly: false, salt });
    before.set(utf8('k'), utf8('old'));
    before.flush();
    const after = new ContractState(store, deriveStateKeys(three, og), { readOnly: false, salt });
    assert.deepEqual(after.get(utf8('k')), utf8('old'));
    after.set(utf8('k2'), utf8('new'));
    after.flush();
    const reader = new ContractState(store, deriveStateKeys(three, og), { readOnly: true });
    assert.deepEqual(reader.get(utf8('k2')), utf8('new'));
    assert.throws(() => reader.set(utf8('x'), utf8('y')), isKind('UnauthorizedWrite'));
    // Another contract's key cannot read it.
    const stranger = new ContractState(
      store,
      deriveStateKeys(three, generateContractKey(three, sender, 9n, codeA, contract)),
      { readOnly: true },
    );
    assert.equal(stranger.get(utf8('k')), undefined);
  });
});

describe('reply headers', () => {
  it('round-trip REPLY01 ‖ BE64(id) ‖ hash chains and reject truncated ones', () => {
    const params = [
      { subMsgId: 7n, recipientCodeHash: utf8('a'.repeat(64)) },
      { subMsgId: 2n ** 64n - 1n, recipientCodeHash: utf8('b'.repeat(64)) },
    ];
    const bytes = new Uint8Array([...encodeReplyHeaders(params), ...utf8('{"x":1}')]);
    const parsed = parseReplyHeaders(bytes);
    assert.deepEqual(parsed.params, params);
    assert.equal(new TextDecoder().decode(parsed.rest), '{"x":1}');
    assert.deepEqual(parseReplyHeaders(utf8('{"x":1}')).params, []);
    assert.throws(() => parseReplyHeaders(bytes.subarray(0, 40)), isKind('ValidationFailure'));
  });
});
