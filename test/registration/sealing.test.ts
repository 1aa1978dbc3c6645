import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import {
  decodeKeychain,
  encodeKeychain,
  loadOrCreateMachineKey,
  measureFiles,
  measureTrustedComponent,
  type SealErrorCode,
  sealKeychain,
  TrustedNode,
  unsealKeychain,
} from '../../src/registration/index.js';
import { AUTHORITY, BLOCK_TIME, bootstrapChain, bytes32, MEASUREMENT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'seal-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `case-${n++}`);
const refused = (code: SealErrorCode) => ({ name: 'SealError', code });

const MACHINE_A = bytes32('machine a');
const MACHINE_B = bytes32('machine b');

/** A registered node: seeds obtained through the real registration flow. */
function registeredNode(): TrustedNode {
  const { keeper } = bootstrapChain();
  const node = TrustedNode.create({ measurement: MEASUREMENT });
  const { encryptedSeed } = keeper.registerNode(
    AUTHORITY.attest(node.registrationPublicKey, MEASUREMENT, BLOCK_TIME),
    BLOCK_TIME,
  );
  node.initFromSeedShares(keeper.getNodeExchMasterKey()!, encryptedSeed);
  return node;
}

describe('sealing', () => {
  it('round trip: a restart unseals the same seeds and registration key without re-registering', () => {
    const node = registeredNode();
    const path = join(fresh());
    node.seal(path, MACHINE_A);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const restarted = TrustedNode.unseal(path, MACHINE_A, MEASUREMENT);
    assert.deepEqual(restarted.registrationPublicKey, node.registrationPublicKey);
    assert.deepEqual(restarted.ioPublicKey, node.ioPublicKey);
    assert.deepEqual(restarted.keys.stateIkm(0), node.keys.stateIkm(0));
    assert.deepEqual(restarted.keys.callbackSecret(), node.keys.callbackSecret());
    // the sealed file contains no seed or key in clear
    const raw = readFileSync(path);
    assert.equal(raw.includes(Buffer.from(bytes32('genesis seed'))), false);
    assert.equal(raw.includes(Buffer.from(bytes32('current seed'))), false);
  });

  it('a node without seeds yet (after key gen) seals and unseals its registration key', () => {
    const node = TrustedNode.create({ measurement: MEASUREMENT });
    const path = fresh();
    node.seal(path, MACHINE_A);
    const back = TrustedNode.unseal(path, MACHINE_A, MEASUREMENT);
    assert.equal(back.hasSeeds, false);
    assert.deepEqual(back.registrationPublicKey, node.registrationPublicKey);
  });

  it('refuses a file sealed by another node', () => {
    const path = fresh();
    registeredNode().seal(path, MACHINE_B);
    assert.throws(() => TrustedNode.unseal(path, MACHINE_A, MEASUREMENT), refused('SEAL_WRONG_NODE'));
  });

  it('refuses a file sealed by another measurement (other trusted code)', () => {
    const path = fresh();
    registeredNode().seal(path, MACHINE_A);
    assert.throws(
      () => TrustedNode.unseal(path, MACHINE_A, bytes32('upgraded code')),
      (e: Error & { code?: string }) =>
        e.name === 'SealError' && e.code === 'SEAL_WRONG_MEASUREMENT' && /measurement/.test(e.message),
    );
  });

  it('refuses the file with any single flipped bit (every byte position tried), and leaves it untouched', () => {
    const path = fresh();
    registeredNode().seal(path, MACHINE_A);
    const original = readFileSync(path);
    const tampered = fresh();
    const codes = new Set<string>();
    for (let i = 0; i < original.length; i++) {
      const bad = Buffer.from(original);
      bad[i]! ^= 1 << (i % 8);
      writeFileSync(tampered, bad);
      assert.throws(
        () => unsealKeychain(tampered, { machineKey: MACHINE_A, measurement: MEASUREMENT }),
        (e: Error & { code?: string }) => {
          codes.add(e.code!);
          return e.name === 'SealError';
        },
      );
      assert.deepEqual(readFileSync(tampered), bad, 'unseal never writes');
    }
    // magic → MALFORMED, fingerprint → WRONG_NODE, measurement → WRONG_MEASUREMENT, iv/ct/tag → TAMPERED
    assert.deepEqual([...codes].sort(), [
      'SEAL_MALFORMED',
      'SEAL_TAMPERED',
      'SEAL_WRONG_MEASUREMENT',
      'SEAL_WRONG_NODE',
    ]);
    assert.throws(
      () => unsealKeychain(fresh(), { machineKey: MACHINE_A, measurement: MEASUREMENT }),
      refused('SEAL_NOT_FOUND'),
    );
    writeFileSync(tampered, original.subarray(0, 60));
    assert.throws(
      () => unsealKeychain(tampered, { machineKey: MACHINE_A, measurement: MEASUREMENT }),
      refused('SEAL_MALFORMED'),
    );
  });

  it('never overwrites an existing sealed file unless asked; overwrite is atomic and leaves no temp files', () => {
    const d = fresh();
    rmSync(d, { force: true });
    const sub = mkdtempSync(join(dir, 'atomic-'));
    const path = join(sub, 'keychain.sealed');
    const a = registeredNode();
    a.seal(path, MACHINE_A);
    const before = readFileSync(path);
    const b = registeredNode();
    assert.throws(() => b.seal(path, MACHINE_A), refused('SEAL_EXISTS'));
    assert.deepEqual(readFileSync(path), before);
    // a failed write (directory gone) leaves nothing behind and throws SEAL_IO
    assert.throws(() => a.seal(join(sub, 'missing-dir', 'x.sealed'), MACHINE_A), refused('SEAL_IO'));
    b.seal(path, MACHINE_A, { overwrite: true });
    assert.deepEqual(
      TrustedNode.unseal(path, MACHINE_A, MEASUREMENT).registrationPublicKey,
      b.registrationPublicKey,
    );
    assert.deepEqual(readdirSync(sub), ['keychain.sealed']);
    assert.throws(
      () =>
        sealKeychain(
          path,
          { seeds: [new Uint8Array(3)] },
          { machineKey: MACHINE_A, measurement: MEASUREMENT, overwrite: true },
        ),
      refused('SEAL_MALFORMED'),
    );
    assert.deepEqual(
      TrustedNode.unseal(path, MACHINE_A, MEASUREMENT).registrationPublicKey,
      b.registrationPublicKey,
    );
  });

  it('machine key: created once (0600), reused, wrong size refused', () => {
    const path = fresh();
    const k1 = loadOrCreateMachineKey(path);
    assert.equal(k1.length, 32);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(loadOrCreateMachineKey(path), k1);
    writeFileSync(path, Buffer.alloc(31));
    assert.throws(() => loadOrCreateMachineKey(path), refused('SEAL_MALFORMED'));
  });

  it('keychain encoding round-trips and rejects trailing or truncated bytes', () => {
    const k = { seeds: [bytes32('a'), bytes32('b')], registrationKey: bytes32('r') };
    assert.deepEqual(decodeKeychain(encodeKeychain(k)), k);
    const e = encodeKeychain(k);
    assert.throws(() => decodeKeychain(e.subarray(0, e.length - 1)), refused('SEAL_MALFORMED'));
    assert.throws(() => decodeKeychain(Uint8Array.from([...e, 0])), refused('SEAL_MALFORMED'));
  });
});

describe('measurement', () => {
  it('of the trusted component on disk is stable, and changes with any file byte, path, or file set', () => {
    const m = measureTrustedComponent();
    assert.equal(m.length, 32);
    assert.deepEqual(measureTrustedComponent(), m);
    const files = [
      { path: 'enclave/a.ts', content: new TextEncoder().encode('export const a = 1;') },
      { path: 'enclave/b.ts', content: new TextEncoder().encode('export const b = 2;') },
    ];
    const base = measureFiles(files);
    assert.deepEqual(measureFiles([...files].reverse()), base, 'order-independent');
    assert.notDeepEqual(
      measureFiles([files[0]!, { ...files[1]!, content: new TextEncoder().encode('export const b = 3;') }]),
      base,
    );
    assert.notDeepEqual(measureFiles([files[0]!, { ...files[1]!, path: 'enclave/c.ts' }]), base);
    assert.notDeepEqual(measureFiles([files[0]!]), base);
    // a different directory set is a different component
    assert.notDeepEqual(measureTrustedComponent({ dirs: ['enclave'] }), m);
  });
});
