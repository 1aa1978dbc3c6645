/**
 * Software attestation (NOT SGX). A node's trusted component asks an attestation authority to vouch that its
 * registration public key belongs to a process running code with a given measurement; the authority signs a
 * report; the chain's registration handler checks it before sharing the consensus seeds with the key.
 *
 * It replaces Secret's DCAP quote + collateral (spec §6 step 3-4) with the honest software equivalent: the trust
 * root is the authority key (configurable ed25519 or secp256k1), not Intel. Report layout (the bytes travel in
 * `RaAuthenticate.certificate`):
 *
 * ```
 * "SCSWATT" (7) ‖ version u8 = 1 ‖ alg u8 (1 = ed25519, 2 = secp256k1)
 *   ‖ authority public key (32 ed25519 | 33 compressed secp256k1)
 *   ‖ registration public key (32, X25519) ‖ measurement (32) ‖ BE64 report time (unix nanoseconds)
 *   ‖ signature (64)
 * ```
 * The signature covers `"secret-compute/software-attestation/v1" ‖ every byte before it`; ed25519 signs that
 * message, secp256k1 signs its SHA-256 (low-S, compact r‖s).
 */
import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';

import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

import { RegistrationError } from './errors.js';
import {
  DEFAULT_MAX_REPORT_AGE_NANOS,
  DEFAULT_MAX_REPORT_FUTURE_NANOS,
  MEASUREMENT_LENGTH,
  REGISTRATION_KEY_LENGTH,
} from './limits.js';

/** Signature algorithms an attestation authority may use. */
export type AttestationAlgorithm = 'ed25519' | 'secp256k1';

const MAGIC = new TextEncoder().encode('SCSWATT');
/** Version byte of the report layout. */
export const REPORT_VERSION = 1;
const SIGNING_DOMAIN = new TextEncoder().encode('secret-compute/software-attestation/v1');
const ALG_CODE: Record<AttestationAlgorithm, number> = { ed25519: 1, secp256k1: 2 };
const PUBKEY_LENGTH: Record<AttestationAlgorithm, number> = { ed25519: 32, secp256k1: 33 };
const SIGNATURE_LENGTH = 64;

/** A public attestation authority identity (what the chain's policy lists). */
export interface AuthorityKey {
  readonly algorithm: AttestationAlgorithm;
  readonly publicKey: Uint8Array;
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** ed25519 through node:crypto (JWK import): ~14× faster verification than @noble on this machine. */
function ed25519Verify(signature: Uint8Array, msg: Uint8Array, publicKey: Uint8Array): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(publicKey) }, format: 'jwk' });
  return nodeVerify(null, msg, key, signature);
}

function signingMessage(body: Uint8Array): Uint8Array {
  const m = new Uint8Array(SIGNING_DOMAIN.length + body.length);
  m.set(SIGNING_DOMAIN);
  m.set(body, SIGNING_DOMAIN.length);
  return m;
}

/** An attestation authority holding its signing key (software mode: a key file or a seed, not a CPU). */
export class AttestationAuthority implements AuthorityKey {
  readonly #secret: Uint8Array;
  readonly #nodeKey: KeyObject | undefined;
  readonly publicKey: Uint8Array;

  private constructor(
    readonly algorithm: AttestationAlgorithm,
    secret: Uint8Array,
  ) {
    this.#secret = secret.slice();
    this.publicKey =
      algorithm === 'ed25519'
        ? ed25519.getPublicKey(this.#secret)
        : secp256k1.getPublicKey(this.#secret, true);
    this.#nodeKey =
      algorithm === 'ed25519'
        ? createPrivateKey({
            key: { kty: 'OKP', crv: 'Ed25519', d: b64url(this.#secret), x: b64url(this.publicKey) },
            format: 'jwk',
          })
        : undefined;
  }

  /**
   * Authority from a 32-byte secret (ed25519 seed or secp256k1 scalar).
   * @throws RegistrationError `INVALID_REQUEST` for a wrong length or an invalid secp256k1 scalar.
   */
  static fromSecret(algorithm: AttestationAlgorithm, secret: Uint8Array): AttestationAuthority {
    if (secret.length !== 32) {
      throw new RegistrationError(
        'INVALID_REQUEST',
        `authority secret must be 32 bytes, got ${secret.length}`,
      );
    }
    if (algorithm === 'secp256k1' && !secp256k1.utils.isValidSecretKey(secret)) {
      throw new RegistrationError('INVALID_REQUEST', 'authority secret is not a valid secp256k1 scalar');
    }
    if (algorithm !== 'ed25519' && algorithm !== 'secp256k1') {
      throw new RegistrationError('INVALID_REQUEST', `unknown attestation algorithm ${String(algorithm)}`);
    }
    return new AttestationAuthority(algorithm, secret);
  }

  /** Public identity of this authority. */
  get key(): AuthorityKey {
    return { algorithm: this.algorithm, publicKey: this.publicKey.slice() };
  }

  /** Signs a report binding `registrationPublicKey` to `measurement` at `timeNanos`; returns the report bytes. */
  attest(registrationPublicKey: Uint8Array, measurement: Uint8Array, timeNanos: bigint): Uint8Array {
    if (registrationPublicKey.length !== REGISTRATION_KEY_LENGTH) {
      throw new RegistrationError(
        'INVALID_REQUEST',
        `registration key must be ${REGISTRATION_KEY_LENGTH} bytes`,
      );
    }
    if (measurement.length !== MEASUREMENT_LENGTH) {
      throw new RegistrationError('INVALID_REQUEST', `measurement must be ${MEASUREMENT_LENGTH} bytes`);
    }
    const pkLen = PUBKEY_LENGTH[this.algorithm];
    const body = new Uint8Array(MAGIC.length + 2 + pkLen + REGISTRATION_KEY_LENGTH + MEASUREMENT_LENGTH + 8);
    let o = 0;
    body.set(MAGIC, o);
    o += MAGIC.length;
    body[o++] = REPORT_VERSION;
    body[o++] = ALG_CODE[this.algorithm];
    body.set(this.publicKey, o);
    o += pkLen;
    body.set(registrationPublicKey, o);
    o += REGISTRATION_KEY_LENGTH;
    body.set(measurement, o);
    o += MEASUREMENT_LENGTH;
    new DataView(body.buffer).setBigUint64(o, BigInt.asUintN(64, timeNanos), false);
    const msg = signingMessage(body);
    const sig =
      this.algorithm === 'ed25519'
        ? new Uint8Array(nodeSign(null, msg, this.#nodeKey!))
        : secp256k1.sign(msg, this.#secret, { prehash: true, lowS: true });
    const out = new Uint8Array(body.length + SIGNATURE_LENGTH);
    out.set(body);
    out.set(sig, body.length);
    return out;
  }

  /** Redacted. */
  toJSON(): { type: string; algorithm: AttestationAlgorithm; publicKey: string } {
    return {
      type: 'AttestationAuthority',
      algorithm: this.algorithm,
      publicKey: Buffer.from(this.publicKey).toString('hex'),
    };
  }
}

/** A parsed (not yet verified) report. */
export interface AttestationReport {
  readonly version: number;
  readonly authority: AuthorityKey;
  readonly registrationPublicKey: Uint8Array;
  readonly measurement: Uint8Array;
  readonly timeNanos: bigint;
  readonly signature: Uint8Array;
  /** The signed bytes (everything before the signature). */
  readonly body: Uint8Array;
}

function malformed(what: string): never {
  throw new RegistrationError('MALFORMED', `malformed attestation report: ${what}`);
}

/** Parses report bytes. @throws RegistrationError `MALFORMED`. */
export function parseAttestationReport(bytes: Uint8Array): AttestationReport {
  if (!(bytes instanceof Uint8Array)) malformed('not bytes');
  if (bytes.length < MAGIC.length + 2) malformed(`too short (${bytes.length} bytes)`);
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) malformed('bad magic');
  const version = bytes[MAGIC.length]!;
  if (version !== REPORT_VERSION) malformed(`unsupported version ${version}`);
  const code = bytes[MAGIC.length + 1]!;
  const algorithm = (Object.keys(ALG_CODE) as AttestationAlgorithm[]).find((a) => ALG_CODE[a] === code);
  if (algorithm === undefined) malformed(`unknown signature algorithm ${code}`);
  const pkLen = PUBKEY_LENGTH[algorithm];
  const bodyLen = MAGIC.length + 2 + pkLen + REGISTRATION_KEY_LENGTH + MEASUREMENT_LENGTH + 8;
  if (bytes.length !== bodyLen + SIGNATURE_LENGTH) {
    malformed(`length ${bytes.length}, expected ${bodyLen + SIGNATURE_LENGTH} for ${algorithm}`);
  }
  let o = MAGIC.length + 2;
  const publicKey = bytes.slice(o, (o += pkLen));
  const registrationPublicKey = bytes.slice(o, (o += REGISTRATION_KEY_LENGTH));
  const measurement = bytes.slice(o, (o += MEASUREMENT_LENGTH));
  const timeNanos = new DataView(bytes.buffer, bytes.byteOffset + o, 8).getBigUint64(0, false);
  o += 8;
  return {
    version,
    authority: { algorithm, publicKey },
    registrationPublicKey,
    measurement,
    timeNanos,
    signature: bytes.slice(o),
    body: bytes.slice(0, o),
  };
}

/** What a registration handler accepts. Must be identical on every validator (it decides state). */
export interface AttestationPolicy {
  /** Accepted authorities. */
  readonly authorities: readonly AuthorityKey[];
  /** Accepted measurements of the trusted component (the software MRENCLAVE allow-list). */
  readonly measurements: readonly Uint8Array[];
  /** Default {@link DEFAULT_MAX_REPORT_AGE_NANOS}. */
  readonly maxAgeNanos?: bigint;
  /** Default {@link DEFAULT_MAX_REPORT_FUTURE_NANOS}. */
  readonly maxFutureNanos?: bigint;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function verifySignature(r: AttestationReport): boolean {
  const msg = signingMessage(r.body);
  try {
    return r.authority.algorithm === 'ed25519'
      ? ed25519Verify(r.signature, msg, r.authority.publicKey)
      : secp256k1.verify(r.signature, msg, r.authority.publicKey, { prehash: true, lowS: true });
  } catch {
    // a public key that does not decode is a signature that does not verify
    return false;
  }
}

/**
 * Parses and verifies a report against `policy` at block time `blockTimeNanos`. Checks in order: layout
 * (`MALFORMED`), authority listed (`WRONG_AUTHORITY`), signature (`BAD_SIGNATURE`), measurement allow-listed
 * (`UNKNOWN_MEASUREMENT`), report time within [block − maxAge, block + maxFuture] (`STALE`). Deterministic: the
 * only clock is the block time.
 */
export function verifyAttestationReport(
  bytes: Uint8Array,
  policy: AttestationPolicy,
  blockTimeNanos: bigint,
): AttestationReport {
  const r = parseAttestationReport(bytes);
  const listed = policy.authorities.some(
    (a) => a.algorithm === r.authority.algorithm && equalBytes(a.publicKey, r.authority.publicKey),
  );
  if (!listed) {
    throw new RegistrationError(
      'WRONG_AUTHORITY',
      `report signed by ${r.authority.algorithm} key ${Buffer.from(r.authority.publicKey).toString('hex')}, which is not an attestation authority of this chain`,
    );
  }
  if (!verifySignature(r)) {
    throw new RegistrationError('BAD_SIGNATURE', 'attestation report signature does not verify');
  }
  if (!policy.measurements.some((m) => equalBytes(m, r.measurement))) {
    throw new RegistrationError(
      'UNKNOWN_MEASUREMENT',
      `measurement ${Buffer.from(r.measurement).toString('hex')} is not in the allow-list`,
    );
  }
  const maxAge = policy.maxAgeNanos ?? DEFAULT_MAX_REPORT_AGE_NANOS;
  const maxFuture = policy.maxFutureNanos ?? DEFAULT_MAX_REPORT_FUTURE_NANOS;
  if (r.timeNanos + maxAge < blockTimeNanos) {
    throw new RegistrationError(
      'STALE',
      `report time ${r.timeNanos} is older than block time ${blockTimeNanos} minus ${maxAge} ns`,
    );
  }
  if (r.timeNanos > blockTimeNanos + maxFuture) {
    throw new RegistrationError(
      'STALE',
      `report time ${r.timeNanos} is later than block time ${blockTimeNanos} plus ${maxFuture} ns`,
    );
  }
  return r;
}
