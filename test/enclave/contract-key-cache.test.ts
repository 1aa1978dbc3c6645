/**
 * validateContractKey remembers the last successful validation per og array object (the keeper passes the same
 * decoded array on every call of a contract). A hit must need every input byte to match: these tests change one
 * input at a time, including in place on the very same arrays, and expect the uncached verdict.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { generateContractKey, signContractKey, validateContractKey } from '../../src/enclave/contract-key.js';
import { EnclaveError } from '../../src/enclave/errors.js';
import { NetworkKeys } from '../../src/enclave/keys.js';
import { secretsFromKeys } from '../../src/enclave/secrets.js';
import { seedBytes, sha256, utf8 } from './helpers.js';

const net = secretsFromKeys(NetworkKeys.fromSeeds([seedBytes(1), seedBytes(2)]));
const otherNet = secretsFromKeys(NetworkKeys.fromSeeds([seedBytes(7), seedBytes(8)]));
const sender = sha256(utf8('sender')).slice(0, 20);
const contract = sha256(utf8('contract')).slice(0, 20);
const codeA = sha256(utf8('code A'));
const codeB = sha256(utf8('code B'));
const failed = (e: unknown) => e instanceof EnclaveError && e.kind === 'FailedContractAuthentication';

describe('validateContractKey memo', () => {
  it('serves a repeat with the same arrays, and re-checks when any input byte differs', () => {
    const og = generateContractKey(net, sender, 5n, codeA, contract);
    const key = { og };
    assert.deepEqual(validateContractKey(net, key, contract, codeA), { og, latest: og });
    assert.deepEqual(validateContractKey(net, key, contract, codeA), { og, latest: og });
    // same og array object, other contract / code / network
    assert.throws(() => validateContractKey(net, key, sender, codeA), failed);
    assert.throws(() => validateContractKey(net, key, contract, codeB), failed);
    assert.throws(() => validateContractKey(otherNet, key, contract, codeA), failed);
    // the contract and code arrays changed in place after a success
    const c = contract.slice();
    const h = codeA.slice();
    validateContractKey(net, key, c, h);
    c[0]! ^= 1;
    assert.throws(() => validateContractKey(net, key, c, h), failed);
    c[0]! ^= 1;
    h[31]! ^= 1;
    assert.throws(() => validateContractKey(net, key, c, h), failed);
    h[31]! ^= 1;
    // the og array itself changed in place
    og[40]! ^= 1;
    assert.throws(() => validateContractKey(net, key, contract, codeA), failed);
    og[40]! ^= 1;
    assert.deepEqual(validateContractKey(net, key, contract, codeA), { og, latest: og });
  });

  it('binds the current key and its proof too (after a migration)', () => {
    const og = generateContractKey(net, sender, 6n, codeA, contract);
    const current = generateContractKey(net, sender, 9n, codeB, contract, og);
    const currentProof = signContractKey(net, contract, codeB, og, current);
    const key = { og, current, currentProof };
    assert.deepEqual(validateContractKey(net, key, contract, codeB), { og, latest: current });
    assert.deepEqual(validateContractKey(net, key, contract, codeB), { og, latest: current });
    currentProof[0]! ^= 1;
    assert.throws(() => validateContractKey(net, key, contract, codeB), failed);
    currentProof[0]! ^= 1;
    current[63]! ^= 1;
    assert.throws(() => validateContractKey(net, key, contract, codeB), failed);
    current[63]! ^= 1;
    // dropping the current key: the og key does not authenticate the migrated code
    assert.throws(() => validateContractKey(net, { og }, contract, codeB), failed);
    assert.deepEqual(validateContractKey(net, { og, current, currentProof }, contract, codeB), {
      og,
      latest: current,
    });
  });
});
