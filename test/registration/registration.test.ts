import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

import { aesSivOpen } from '../../src/compute/aes-siv.js';
import { X25519PrivateKey } from '../../src/compute/x25519.js';
import { NetworkKeys } from '../../src/enclave/keys.js';
import { GenesisState } from '../../src/proto/secret/registration/v1beta1/genesis.js';
import { RaAuthenticate } from '../../src/proto/secret/registration/v1beta1/msg.js';
import {
  AttestationAuthority,
  createRegistrationKeeper,
  createRegistrationMsgServer,
  createRegistrationQueryServer,
  DEFAULT_MAX_REPORT_AGE_NANOS,
  DEFAULT_MAX_REPORT_FUTURE_NANOS,
  parseAttestationReport,
  readPublishedKeys,
  type RegistrationErrorCode,
  RegistrationKeeper,
  TrustedNode,
  verifyAttestationReport,
  writePublishedKeys,
} from '../../src/registration/index.js';
import { MemoryStore } from '../../src/state/index.js';
import { AUTHORITY, BLOCK_TIME, bootstrapChain, bytes32, MEASUREMENT, policy } from './helpers.js';

const rejected = (code: RegistrationErrorCode) => ({ name: 'RegistrationError', code });

describe('registration: full flow', () => {
  it('genesis → attest → RegisterAuth → EncryptedSeed query → new node derives the same network keys', async () => {
    const { bootstrap, keeper } = bootstrapChain();
    const msgs = createRegistrationMsgServer(keeper, { blockTimeNanos: () => BLOCK_TIME });
    const queries = createRegistrationQueryServer(keeper);

    assert.deepEqual((await queries.TxKey({})).key, bootstrap.ioPublicKey);
    assert.deepEqual((await queries.RegistrationKey({})).key, bootstrap.seedExchangePublicKey);

    const node = TrustedNode.create({ measurement: MEASUREMENT });
    assert.equal(node.hasSeeds, false);
    assert.throws(() => node.keys, rejected('NOT_BOOTSTRAPPED'));
    const cert = AUTHORITY.attest(node.registrationPublicKey, MEASUREMENT, BLOCK_TIME - 1_000_000_000n);
    // the tx goes over the wire as protobuf
    const req = RaAuthenticate.decode(
      RaAuthenticate.encode({
        sender: bytes32('sender').subarray(0, 20),
        certificate: cert,
        replaceMachineId: '',
      }).finish(),
    );
    let events: unknown[] = [];
    const msgs2 = createRegistrationMsgServer(keeper, {
      blockTimeNanos: () => BLOCK_TIME,
      onEvents: (e) => (events = e),
    });
    const res = await msgs2.RegisterAuth(req);
    assert.match(res.data, /^S: [0-9a-f]{192}$/);
    assert.deepEqual(JSON.parse(res.events), events);

    const { encryptedSeed } = await queries.EncryptedSeed({ pubKey: node.registrationPublicKey });
    assert.equal(encryptedSeed.length, 96);
    assert.equal(res.data, `S: ${Buffer.from(encryptedSeed).toString('hex')}`);
    node.initFromSeedShares(
      (await queries.RegistrationKey({})).key,
      encryptedSeed,
      (await queries.TxKey({})).key,
    );
    assert.deepEqual(node.ioPublicKey, bootstrap.ioPublicKey);
    assert.deepEqual(node.keys.stateIkm(0), bootstrap.keys.stateIkm(0));
    assert.deepEqual(node.keys.callbackSecret(), bootstrap.keys.callbackSecret());
    void msgs;
  });

  it('each seed share is §2.12 exactly: AES-SIV(raw X25519(seed_exchange_sk, node_pk), seed_i, AD=[node_pk])', () => {
    const { keeper } = bootstrapChain();
    const nodeSecret = bytes32('node registration secret');
    const node = TrustedNode.create({ measurement: MEASUREMENT, registrationKey: nodeSecret });
    const { encryptedSeed } = keeper.registerNode(
      AUTHORITY.attest(node.registrationPublicKey, MEASUREMENT, BLOCK_TIME),
      BLOCK_TIME,
    );
    // independent computation from the node side: raw shared secret, no HKDF
    const raw = X25519PrivateKey.fromSeed(nodeSecret).sharedSecret(keeper.getNodeExchMasterKey()!);
    const s0 = aesSivOpen(raw, encryptedSeed.subarray(0, 48), [node.registrationPublicKey]);
    const s1 = aesSivOpen(raw, encryptedSeed.subarray(48, 96), [node.registrationPublicKey]);
    assert.deepEqual(s0, bytes32('genesis seed'));
    assert.deepEqual(s1, bytes32('current seed'));
    assert.deepEqual(NetworkKeys.fromSeeds([s0, s1]).seedExchangePublicKey, keeper.getNodeExchMasterKey());
  });

  it('is deterministic across validators: two keepers with the same seeds store identical bytes', () => {
    const a = bootstrapChain();
    const b = bootstrapChain();
    const node = TrustedNode.create({ measurement: MEASUREMENT });
    const cert = AUTHORITY.attest(node.registrationPublicKey, MEASUREMENT, BLOCK_TIME);
    a.keeper.registerNode(cert, BLOCK_TIME);
    b.keeper.registerNode(cert, BLOCK_TIME);
    const dump = (s: MemoryStore) => [...s.iterator()].map(([k, v]) => Buffer.concat([k, v]).toString('hex'));
    assert.deepEqual(dump(a.store), dump(b.store));
    assert.equal(a.keeper.exportGenesis().registration.length, 2);
  });

  it('genesis round-trips through protobuf and a node with other seeds is refused at InitGenesis', () => {
    const { keeper, bootstrap } = bootstrapChain();
    const g = GenesisState.decode(GenesisState.encode(keeper.exportGenesis()).finish());
    const copy = createRegistrationKeeper({ store: new MemoryStore(), trusted: bootstrap, policy: policy() });
    copy.initGenesis(g);
    assert.deepEqual(copy.exportGenesis(), keeper.exportGenesis());
    const other = TrustedNode.bootstrap({ measurement: MEASUREMENT });
    const wrong = createRegistrationKeeper({ store: new MemoryStore(), trusted: other, policy: policy() });
    assert.throws(() => wrong.initGenesis(g), rejected('BAD_SEED'));
    assert.throws(
      () => wrong.initGenesis({ ...g, ioMasterKey: { bytes: new Uint8Array(31) } }),
      rejected('INVALID_REQUEST'),
    );
  });

  it('published key files (init-bootstrap style) round-trip and are never replaced', () => {
    const { keeper } = bootstrapChain();
    const dir = mkdtempSync(join(tmpdir(), 'pubkeys-'));
    try {
      const g = keeper.exportGenesis();
      writePublishedKeys(dir, g);
      assert.deepEqual(readPublishedKeys(dir), {
        nodeExchMasterKey: g.nodeExchMasterKey!.bytes,
        ioMasterKey: g.ioMasterKey!.bytes,
      });
      assert.equal(
        readFileSync(join(dir, 'io-master-key.txt'), 'utf8'),
        Buffer.from(g.ioMasterKey!.bytes).toString('base64'),
      );
      assert.throws(() => writePublishedKeys(dir, g), { code: 'EEXIST' });
      writeFileSync(join(dir, 'io-master-key.txt'), 'AAAA');
      assert.throws(() => readPublishedKeys(dir), rejected('INVALID_REQUEST'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('re-registering the same key returns the stored seed; queries reject unknown and short keys', async () => {
    const { keeper } = bootstrapChain();
    const node = TrustedNode.create({ measurement: MEASUREMENT });
    const cert = AUTHORITY.attest(node.registrationPublicKey, MEASUREMENT, BLOCK_TIME);
    const first = keeper.registerNode(cert, BLOCK_TIME);
    const again = keeper.registerNode(
      AUTHORITY.attest(node.registrationPublicKey, MEASUREMENT, BLOCK_TIME + 1n),
      BLOCK_TIME,
    );
    assert.deepEqual(again.encryptedSeed, first.encryptedSeed);
    const q = createRegistrationQueryServer(keeper);
    await assert.rejects(q.EncryptedSeed({ pubKey: bytes32('nobody') }), rejected('NOT_REGISTERED'));
    await assert.rejects(q.EncryptedSeed({ pubKey: new Uint8Array(5) }), rejected('INVALID_REQUEST'));
  });

  it('before genesis: queries and RegisterAuth fail with NOT_BOOTSTRAPPED; a fresh node cannot share seeds', async () => {
    const node = TrustedNode.create({ measurement: MEASUREMENT });
    const keeper = createRegistrationKeeper({ store: new MemoryStore(), trusted: node, policy: policy() });
    const q = createRegistrationQueryServer(keeper);
    await assert.rejects(q.TxKey({}), rejected('NOT_BOOTSTRAPPED'));
    const m = createRegistrationMsgServer(keeper, { blockTimeNanos: () => BLOCK_TIME });
    const cert = AUTHORITY.attest(node.registrationPublicKey, MEASUREMENT, BLOCK_TIME);
    await assert.rejects(
      m.RegisterAuth({ sender: new Uint8Array(20), certificate: cert, replaceMachineId: '' }),
      rejected('NOT_BOOTSTRAPPED'),
    );
    assert.throws(() => node.authenticateNewNode(cert, policy(), BLOCK_TIME), rejected('NOT_BOOTSTRAPPED'));
  });

  it('seed delivery refuses shares for another node and a node that already has seeds', () => {
    const { keeper, bootstrap } = bootstrapChain();
    const a = TrustedNode.create({ measurement: MEASUREMENT });
    const b = TrustedNode.create({ measurement: MEASUREMENT });
    const { encryptedSeed } = keeper.registerNode(
      AUTHORITY.attest(a.registrationPublicKey, MEASUREMENT, BLOCK_TIME),
      BLOCK_TIME,
    );
    const master = keeper.getNodeExchMasterKey()!;
    assert.throws(() => b.initFromSeedShares(master, encryptedSeed), rejected('BAD_SEED'));
    assert.throws(() => a.initFromSeedShares(master, encryptedSeed.subarray(0, 47)), rejected('BAD_SEED'));
    assert.throws(
      () => a.initFromSeedShares(master, encryptedSeed, bytes32('not the io key')),
      rejected('BAD_SEED'),
    );
    a.initFromSeedShares(master, encryptedSeed);
    assert.throws(() => a.initFromSeedShares(master, encryptedSeed), rejected('ALREADY_BOOTSTRAPPED'));
    assert.throws(
      () => bootstrap.initFromSeedShares(master, encryptedSeed),
      rejected('ALREADY_BOOTSTRAPPED'),
    );
  });
});

describe('registration: every rejection path has its own code and writes nothing', () => {
  const node = TrustedNode.create({ measurement: MEASUREMENT });
  const pk = node.registrationPublicKey;

  function expectRejected(
    cert: Uint8Array,
    code: RegistrationErrorCode,
    p = policy(),
    time = BLOCK_TIME,
  ): void {
    const { keeper, store } = bootstrapChain(p);
    const before = [...store.iterator()].length;
    assert.throws(() => keeper.registerNode(cert, time), rejected(code));
    assert.equal([...store.iterator()].length, before, 'nothing written');
    assert.equal(keeper.getRegistration(pk), undefined);
  }

  it('bad signature (one flipped bit in the signature, or in the signed body)', () => {
    const cert = AUTHORITY.attest(pk, MEASUREMENT, BLOCK_TIME);
    const sig = cert.slice();
    sig[sig.length - 10]! ^= 0x01;
    expectRejected(sig, 'BAD_SIGNATURE');
    const body = cert.slice();
    body[45]! ^= 0x80; // inside the registration key: the authority did not sign this key
    expectRejected(body, 'BAD_SIGNATURE');
  });

  it('unknown measurement (modified trusted code), even when validly signed', () => {
    expectRejected(AUTHORITY.attest(pk, bytes32('patched enclave'), BLOCK_TIME), 'UNKNOWN_MEASUREMENT');
  });

  it('stale: older than the window, or too far in the future; the window edges are accepted', () => {
    expectRejected(
      AUTHORITY.attest(pk, MEASUREMENT, BLOCK_TIME - DEFAULT_MAX_REPORT_AGE_NANOS - 1n),
      'STALE',
    );
    expectRejected(
      AUTHORITY.attest(pk, MEASUREMENT, BLOCK_TIME + DEFAULT_MAX_REPORT_FUTURE_NANOS + 1n),
      'STALE',
    );
    expectRejected(
      AUTHORITY.attest(pk, MEASUREMENT, BLOCK_TIME - 11n),
      'STALE',
      policy({ maxAgeNanos: 10n }),
    );
    const { keeper } = bootstrapChain();
    keeper.registerNode(
      AUTHORITY.attest(pk, MEASUREMENT, BLOCK_TIME - DEFAULT_MAX_REPORT_AGE_NANOS),
      BLOCK_TIME,
    );
    const other = TrustedNode.create({ measurement: MEASUREMENT });
    keeper.registerNode(
      AUTHORITY.attest(
        other.registrationPublicKey,
        MEASUREMENT,
        BLOCK_TIME + DEFAULT_MAX_REPORT_FUTURE_NANOS,
      ),
      BLOCK_TIME,
    );
  });

  it('malformed: empty, garbage, bad magic, bad version, unknown algorithm, truncated, trailing byte, low-order key', () => {
    const cert = AUTHORITY.attest(pk, MEASUREMENT, BLOCK_TIME);
    const variants: Uint8Array[] = [
      new Uint8Array(0),
      bytes32('garbage'),
      Uint8Array.from([...cert.subarray(0, 7).map((b) => b ^ 1), ...cert.subarray(7)]),
      Uint8Array.from(cert, (b, i) => (i === 7 ? 2 : b)),
      Uint8Array.from(cert, (b, i) => (i === 8 ? 9 : b)),
      cert.subarray(0, cert.length - 1),
      Uint8Array.from([...cert, 0]),
    ];
    for (const v of variants) expectRejected(v, 'MALFORMED');
    assert.throws(() => parseAttestationReport(cert.subarray(0, 3)), rejected('MALFORMED'));
    // the all-zero point is a valid-looking key whose shared secret is zero: refused, properly signed or not
    expectRejected(AUTHORITY.attest(new Uint8Array(32), MEASUREMENT, BLOCK_TIME), 'MALFORMED');
  });

  it('wrong authority: a validly self-signed report from a key the chain does not trust', () => {
    const rogue = AttestationAuthority.fromSecret('ed25519', bytes32('rogue'));
    expectRejected(rogue.attest(pk, MEASUREMENT, BLOCK_TIME), 'WRONG_AUTHORITY');
    // same key bytes under another algorithm do not match either
    const k1 = AttestationAuthority.fromSecret('secp256k1', bytes32('authority'));
    expectRejected(k1.attest(pk, MEASUREMENT, BLOCK_TIME), 'WRONG_AUTHORITY');
  });

  it('reports are standard signatures: an independent verifier (@noble) accepts them over domain ‖ body', () => {
    const domain = new TextEncoder().encode('secret-compute/software-attestation/v1');
    const r = parseAttestationReport(AUTHORITY.attest(pk, MEASUREMENT, BLOCK_TIME));
    assert.equal(r.authority.algorithm, 'ed25519');
    assert.equal(
      ed25519.verify(r.signature, new Uint8Array([...domain, ...r.body]), AUTHORITY.publicKey),
      true,
    );
    const k1 = AttestationAuthority.fromSecret('secp256k1', bytes32('k1'));
    const r1 = parseAttestationReport(k1.attest(pk, MEASUREMENT, BLOCK_TIME));
    assert.equal(
      secp256k1.verify(r1.signature, new Uint8Array([...domain, ...r1.body]), k1.publicKey, {
        prehash: true,
      }),
      true,
    );
    assert.equal(r1.timeNanos, BLOCK_TIME);
    assert.deepEqual(r1.registrationPublicKey, pk);
  });

  it('a secp256k1 authority works when configured, and its bad signatures are refused', () => {
    const k1 = AttestationAuthority.fromSecret('secp256k1', bytes32('k1 authority'));
    const p = policy({ authorities: [k1.key] });
    const cert = k1.attest(pk, MEASUREMENT, BLOCK_TIME);
    assert.equal(verifyAttestationReport(cert, p, BLOCK_TIME).authority.algorithm, 'secp256k1');
    const bad = cert.slice();
    bad[bad.length - 1]! ^= 0x04;
    expectRejected(bad, 'BAD_SIGNATURE', p);
    assert.throws(
      () => AttestationAuthority.fromSecret('secp256k1', new Uint8Array(32)),
      rejected('INVALID_REQUEST'),
    );
  });

  it('the error says why (message names the cause) and carries no secret', () => {
    const { keeper } = bootstrapChain();
    assert.throws(
      () => keeper.registerNode(AUTHORITY.attest(pk, bytes32('x'), BLOCK_TIME), BLOCK_TIME),
      (e: Error) => /not in the allow-list/.test(e.message) && e instanceof Error,
    );
    void RegistrationKeeper;
  });
});
