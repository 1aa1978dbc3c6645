import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { contractAddress, fromBech32, toBech32 } from '../../src/keeper/address.js';

describe('contractAddress', () => {
  it('matches the Secret keeper test vector (code 1, instance 1)', () => {
    const creator = fromBech32('secret146f8pd35a348vujedsekw4ayf848x4sae9u3fl');
    assert.equal(toBech32(contractAddress(1n, 1n, creator)), 'secret1hqy37xwhgaj6dlnevnsr5q2077uv36ceqd74ec');
  });
  it('differs per instance and per creator', () => {
    const creator = fromBech32('secret146f8pd35a348vujedsekw4ayf848x4sae9u3fl');
    const a = toBech32(contractAddress(1n, 2n, creator));
    const b = toBech32(contractAddress(2n, 1n, creator));
    assert.notEqual(a, 'secret1hqy37xwhgaj6dlnevnsr5q2077uv36ceqd74ec');
    assert.notEqual(a, b);
  });
});

describe('fromBech32', () => {
  it('rejects a wrong prefix', () => {
    assert.throws(() => fromBech32(toBech32(new Uint8Array(20).fill(1), 'cosmos')), {
      name: 'ComputeError',
      codespace: 'sdk',
      code: 7,
      message: /invalid Bech32 prefix; expected secret, got cosmos/,
    });
  });
  it('rejects an empty string and a bad checksum', () => {
    assert.throws(() => fromBech32(''), { name: 'ComputeError', code: 7 });
    assert.throws(() => fromBech32('secret146f8pd35a348vujedsekw4ayf848x4sae9u3fm'), {
      name: 'ComputeError',
      code: 7,
    });
  });
  it('round-trips', () => {
    const bytes = Uint8Array.from({ length: 20 }, (_, i) => i);
    assert.deepEqual(fromBech32(toBech32(bytes)), bytes);
  });
});
