import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';

import { X25519PrivateKey } from '../../src/compute/x25519.js';
import { deriveSeedKey, ENCRYPTED_SEED_SIZE, KEY_ORDER, NetworkKeys } from '../../src/enclave/keys.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const seed7 = new Uint8Array(32).fill(7);

function assertPrefixSuffix(actual: Uint8Array, prefix: string, suffix: string): void {
  const h = toHex(actual);
  assert.ok(h.startsWith(prefix) && h.endsWith(suffix), `${h} should be ${prefix}…${suffix}`);
}

describe('NetworkKeys', () => {
  it('matches the spec §2.2 worked HKDF vectors for seed 07×32', () => {
    assertPrefixSuffix(deriveSeedKey(seed7, KEY_ORDER.seedExchange), '5bb5f278', 'ed961');
    assertPrefixSuffix(deriveSeedKey(seed7, KEY_ORDER.ioExchange), '5c694607', '550ad');
    assertPrefixSuffix(deriveSeedKey(seed7, KEY_ORDER.stateIkm), '5e8506dd', 'ea2f2');
    const keys = NetworkKeys.fromSeeds([seed7]);
    assertPrefixSuffix(keys.stateIkm(), '5e8506dd', 'ea2f2');
    // The io public key is X25519 of the order-2 key.
    assert.deepEqual(keys.ioPublicKey, X25519PrivateKey.fromSeed(deriveSeedKey(seed7, 2)).publicKey);
    assert.deepEqual(
      keys.seedExchangePublicKey,
      X25519PrivateKey.fromSeed(deriveSeedKey(seed7, 1)).publicKey,
    );
  });

  it('derives per-seed secrets from every seed and single ones from the last seed', () => {
    const s0 = new Uint8Array(32).fill(1);
    const s1 = new Uint8Array(32).fill(2);
    const keys = NetworkKeys.fromSeeds([s0, s1]);
    assert.equal(keys.seedCount, 2);
    assert.deepEqual(keys.stateIkm(0), deriveSeedKey(s0, 3));
    assert.deepEqual(keys.stateIkm(1), deriveSeedKey(s1, 3));
    assert.deepEqual(keys.stateIkm(), deriveSeedKey(s1, 3));
    assert.deepEqual(keys.callbackSecret(), deriveSeedKey(s1, 4));
    assert.deepEqual(keys.randomEncryptionKey(0), deriveSeedKey(s0, 5));
    assert.deepEqual(keys.initialRandomnessSeed(), deriveSeedKey(s1, 6));
    assert.deepEqual(keys.adminProofSecret(0), deriveSeedKey(s0, 7));
    assert.deepEqual(keys.contractKeyProofSecret(), deriveSeedKey(s1, 8));
    assert.deepEqual(keys.ioPublicKey, NetworkKeys.fromSeeds([s1]).ioPublicKey);
    assert.throws(() => keys.stateIkm(2), { name: 'CryptoError', code: 'BAD_CONFIG' });
  });

  it('returns copies: mutating a returned secret does not change the next one', () => {
    const keys = NetworkKeys.fromSeeds([seed7]);
    const a = keys.callbackSecret();
    a.fill(0);
    assert.notDeepEqual(keys.callbackSecret(), a);
    const pk = keys.ioPublicKey;
    assert.notEqual(pk, NetworkKeys.fromSeeds([seed7]).ioPublicKey);
  });

  it('copies the seeds it is given (caller zeroing its buffer does not change keys)', () => {
    const s = new Uint8Array(32).fill(9);
    const keys = NetworkKeys.fromSeeds([s]);
    const before = toHex(keys.ioPublicKey);
    s.fill(0);
    const user = X25519PrivateKey.generate();
    assert.equal(toHex(keys.ioPublicKey), before);
    assert.equal(toHex(keys.ioSharedSecret(user.publicKey)), toHex(user.sharedSecret(keys.ioPublicKey)));
  });

  it('io shared secret and tx key agree with the user side, also across cache evictions', () => {
    const keys = NetworkKeys.fromSeeds([seed7]);
    const users = Array.from({ length: 20 }, () => X25519PrivateKey.generate());
    for (let round = 0; round < 2; round++) {
      for (const u of users)
        assert.deepEqual(keys.ioSharedSecret(u.publicKey), u.sharedSecret(keys.ioPublicKey));
    }
    assert.throws(() => keys.txKey(users[0]!.publicKey, new Uint8Array(31)), {
      name: 'CryptoError',
      code: 'BAD_KEY_LENGTH',
    });
    assert.throws(() => keys.ioSharedSecret(new Uint8Array(32)), {
      name: 'CryptoError',
      code: 'BAD_PUBLIC_KEY',
    });
  });

  it('never reveals seeds or private keys through JSON, inspect, toString or enumeration', () => {
    const keys = NetworkKeys.fromSeeds([seed7]);
    const secrets = [
      toHex(seed7),
      toHex(deriveSeedKey(seed7, 1)),
      toHex(deriveSeedKey(seed7, 2)),
      toHex(deriveSeedKey(seed7, 3)),
      toHex(deriveSeedKey(seed7, 4)),
    ];
    const renderings = [
      JSON.stringify(keys),
      inspect(keys, { showHidden: true, depth: 10 }),
      String(keys),
      JSON.stringify(
        Object.entries(keys).map(([k, v]) => [k, v instanceof Uint8Array ? toHex(v) : String(v)]),
      ),
    ];
    for (const r of renderings) for (const s of secrets) assert.ok(!r.includes(s), r);
    assert.ok(JSON.stringify(keys).includes(toHex(keys.ioPublicKey)));
  });

  it('rejects empty seed lists and wrong seed lengths', () => {
    assert.throws(() => NetworkKeys.fromSeeds([]), { name: 'CryptoError', code: 'BAD_KEY_LENGTH' });
    assert.throws(() => NetworkKeys.fromSeeds([new Uint8Array(31)]), {
      name: 'CryptoError',
      code: 'BAD_KEY_LENGTH',
    });
  });

  it('shares seeds with a new node (§2.12) and the node rebuilds identical keys', () => {
    const seeds = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const keys = NetworkKeys.fromSeeds(seeds);
    const node = X25519PrivateKey.generate();
    const shares = keys.encryptSeedsFor(node.publicKey);
    assert.equal(shares.length, 2 * ENCRYPTED_SEED_SIZE);
    const got = NetworkKeys.decryptSeedShares(node, keys.seedExchangePublicKey, shares);
    assert.deepEqual(got, seeds);
    assert.deepEqual(NetworkKeys.fromSeeds(got).ioPublicKey, keys.ioPublicKey);
    const other = X25519PrivateKey.generate();
    assert.throws(() => NetworkKeys.decryptSeedShares(other, keys.seedExchangePublicKey, shares), {
      name: 'CryptoError',
      code: 'AUTH_FAILED',
    });
    assert.throws(() => NetworkKeys.decryptSeedShares(node, keys.seedExchangePublicKey, shares.subarray(1)), {
      name: 'CryptoError',
      code: 'TRUNCATED',
    });
  });
});
