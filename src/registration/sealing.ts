/**
 * Sealing: a node keeps its consensus seeds and registration key on disk encrypted under a key bound to the
 * node and to the code measurement, the software counterpart of SGX sealing with policy MRENCLAVE (spec §6
 * step 6). A restart unseals instead of registering again.
 *
 * Seal key = `HKDF-SHA256(ikm = machine key, salt = "secret-compute/seal/v1", info = measurement)`, 32 bytes,
 * AES-256-GCM. The machine key is a node-local secret file (see {@link loadOrCreateMachineKey}); the
 * measurement is the trusted component's ({@link measureTrustedComponent}), so another node and another build
 * both derive another key. File layout:
 *
 * ```
 * "SCSEAL01" (8) ‖ node fingerprint (16) ‖ measurement (32) ‖ iv (12) ‖ AES-256-GCM(keychain) ‖ tag (16)
 * AAD = the 56 header bytes; node fingerprint = SHA256("secret-compute/seal/node-id" ‖ machine key)[0..16]
 * keychain = LE32 version (1) ‖ u8 n_seeds ‖ seeds (32 each) ‖ u8 has_registration_key ‖ [registration sk (32)]
 * ```
 * (the keychain prefix follows Secret's serialized keychain; validator-set and upgrade fields are not needed
 * without a light client). The cleartext header lets a refusal say *why* (another node / another measurement)
 * before decryption; a bit flip anywhere is caught by GCM or by those checks.
 *
 * Files are written atomically (temp file in the same directory, fsync, rename) and an existing sealed file is
 * never replaced unless the caller asks for it, and never by a failed write. Sealing is node-local and off the
 * consensus path, so it may use randomness (the IV).
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { SEED_LENGTH } from '../enclave/keys.js';
import { SealError } from './errors.js';
import { MACHINE_KEY_LENGTH, MAX_SEEDS, MEASUREMENT_LENGTH, REGISTRATION_KEY_LENGTH } from './limits.js';

const MAGIC = Buffer.from('SCSEAL01', 'latin1');
const FINGERPRINT_LENGTH = 16;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const HEADER_LENGTH = MAGIC.length + FINGERPRINT_LENGTH + MEASUREMENT_LENGTH;
const KEYCHAIN_VERSION = 1;

/** What a node seals: its consensus seeds (may be empty before registration) and its registration key. */
export interface Keychain {
  /** Consensus seeds, index 0 = genesis seed (32 bytes each). */
  readonly seeds: readonly Uint8Array[];
  /** The node's X25519 registration secret (32 bytes), if it has one. */
  readonly registrationKey?: Uint8Array;
}

/** What binds a sealed file to a node and a build. */
export interface SealBinding {
  /** The node-local secret (32 bytes). */
  readonly machineKey: Uint8Array;
  /** The trusted component's measurement (32 bytes). */
  readonly measurement: Uint8Array;
}

function checkBinding(b: SealBinding): void {
  if (b.machineKey.length !== MACHINE_KEY_LENGTH) {
    throw new SealError('SEAL_MALFORMED', `machine key must be ${MACHINE_KEY_LENGTH} bytes`);
  }
  if (b.measurement.length !== MEASUREMENT_LENGTH) {
    throw new SealError('SEAL_MALFORMED', `measurement must be ${MEASUREMENT_LENGTH} bytes`);
  }
}

/** The public fingerprint of a machine key written in sealed headers (not secret, not reversible). */
export function nodeFingerprint(machineKey: Uint8Array): Uint8Array {
  const h = createHash('sha256').update('secret-compute/seal/node-id').update(machineKey).digest();
  return new Uint8Array(h.subarray(0, FINGERPRINT_LENGTH));
}

function sealKey(b: SealBinding): Buffer {
  return Buffer.from(hkdfSync('sha256', b.machineKey, 'secret-compute/seal/v1', b.measurement, 32));
}

/** Serializes a keychain (layout in the module comment). */
export function encodeKeychain(k: Keychain): Uint8Array {
  if (k.seeds.length > MAX_SEEDS) throw new SealError('SEAL_MALFORMED', `at most ${MAX_SEEDS} seeds`);
  for (const s of k.seeds) {
    if (s.length !== SEED_LENGTH) throw new SealError('SEAL_MALFORMED', `seeds must be ${SEED_LENGTH} bytes`);
  }
  const reg = k.registrationKey;
  if (reg !== undefined && reg.length !== REGISTRATION_KEY_LENGTH) {
    throw new SealError('SEAL_MALFORMED', `registration key must be ${REGISTRATION_KEY_LENGTH} bytes`);
  }
  const out = new Uint8Array(4 + 1 + k.seeds.length * SEED_LENGTH + 1 + (reg === undefined ? 0 : 32));
  new DataView(out.buffer).setUint32(0, KEYCHAIN_VERSION, true);
  out[4] = k.seeds.length;
  let o = 5;
  for (const s of k.seeds) {
    out.set(s, o);
    o += SEED_LENGTH;
  }
  out[o++] = reg === undefined ? 0 : 1;
  if (reg !== undefined) out.set(reg, o);
  return out;
}

/** Parses {@link encodeKeychain} output. @throws SealError `SEAL_MALFORMED`. */
export function decodeKeychain(b: Uint8Array): Keychain {
  const bad = (why: string): never => {
    throw new SealError('SEAL_MALFORMED', `sealed keychain does not parse: ${why}`);
  };
  if (b.length < 6) bad('too short');
  const version = new DataView(b.buffer, b.byteOffset, b.length).getUint32(0, true);
  if (version !== KEYCHAIN_VERSION) bad(`version ${version}`);
  const n = b[4]!;
  let o = 5;
  if (b.length < o + n * SEED_LENGTH + 1) bad('seeds truncated');
  const seeds: Uint8Array[] = [];
  for (let i = 0; i < n; i++, o += SEED_LENGTH) seeds.push(b.slice(o, o + SEED_LENGTH));
  const has = b[o++];
  if (has === 0) {
    if (o !== b.length) bad('trailing bytes');
    return { seeds };
  }
  if (has !== 1 || o + REGISTRATION_KEY_LENGTH !== b.length) bad('registration key field');
  return { seeds, registrationKey: b.slice(o, o + REGISTRATION_KEY_LENGTH) };
}

/** Encrypts a keychain into sealed-file bytes (layout in the module comment). */
export function sealBytes(keychain: Keychain, binding: SealBinding): Uint8Array {
  checkBinding(binding);
  const header = Buffer.concat([MAGIC, nodeFingerprint(binding.machineKey), binding.measurement]);
  const iv = randomBytes(IV_LENGTH);
  const key = sealKey(binding);
  const plain = encodeKeychain(keychain);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(header);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  const out = Buffer.concat([header, iv, ct, c.getAuthTag()]);
  key.fill(0);
  plain.fill(0);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/**
 * Decrypts sealed-file bytes. Checks in order: layout (`SEAL_MALFORMED`), node fingerprint
 * (`SEAL_WRONG_NODE`), measurement (`SEAL_WRONG_MEASUREMENT`), authentication (`SEAL_TAMPERED`), keychain
 * layout (`SEAL_MALFORMED`).
 */
export function unsealBytes(sealed: Uint8Array, binding: SealBinding): Keychain {
  checkBinding(binding);
  const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
  if (b.length < HEADER_LENGTH + IV_LENGTH + TAG_LENGTH || !b.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SealError('SEAL_MALFORMED', 'not a sealed keychain file (bad magic or too short)');
  }
  const fp = b.subarray(MAGIC.length, MAGIC.length + FINGERPRINT_LENGTH);
  if (!fp.equals(nodeFingerprint(binding.machineKey))) {
    throw new SealError('SEAL_WRONG_NODE', 'sealed keychain belongs to another node (machine key differs)');
  }
  const m = b.subarray(MAGIC.length + FINGERPRINT_LENGTH, HEADER_LENGTH);
  if (!m.equals(binding.measurement)) {
    throw new SealError(
      'SEAL_WRONG_MEASUREMENT',
      `sealed keychain was sealed by trusted code with measurement ${m.toString('hex')}, this code is ${Buffer.from(binding.measurement).toString('hex')}`,
    );
  }
  const iv = b.subarray(HEADER_LENGTH, HEADER_LENGTH + IV_LENGTH);
  const ct = b.subarray(HEADER_LENGTH + IV_LENGTH, b.length - TAG_LENGTH);
  const key = sealKey(binding);
  let plain: Buffer;
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv);
    d.setAAD(b.subarray(0, HEADER_LENGTH));
    d.setAuthTag(b.subarray(b.length - TAG_LENGTH));
    plain = Buffer.concat([d.update(ct), d.final()]);
  } catch (e) {
    throw new SealError('SEAL_TAMPERED', 'sealed keychain failed authentication (modified or corrupted)', {
      cause: e,
    });
  } finally {
    key.fill(0);
  }
  const k = decodeKeychain(new Uint8Array(plain.buffer, plain.byteOffset, plain.length));
  plain.fill(0);
  return k;
}

/** Writes `bytes` to `path` atomically: temp file in the same directory, fsync, then rename (or link). */
function atomicWrite(path: string, bytes: Uint8Array, replace: boolean): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o600);
    writeSync(fd, bytes);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (replace) renameSync(tmp, path);
    else {
      // link fails with EEXIST instead of replacing a file that appeared meanwhile
      linkSync(tmp, path);
      unlinkSync(tmp);
    }
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or never created
    }
    if ((e as { code?: string }).code === 'EEXIST') {
      throw new SealError('SEAL_EXISTS', `refusing to overwrite existing ${path}`, { cause: e });
    }
    throw new SealError('SEAL_IO', `cannot write ${path}`, { cause: e });
  }
}

/** Options of {@link sealKeychain}. */
export interface SealOptions extends SealBinding {
  /** Replace an existing sealed file (atomically). Default false: an existing file is an error. */
  readonly overwrite?: boolean;
}

/**
 * Seals `keychain` to `path`. @throws SealError `SEAL_EXISTS` (file present and `overwrite` unset), `SEAL_IO`.
 * On any failure the previous file (if any) is untouched.
 */
export function sealKeychain(path: string, keychain: Keychain, opts: SealOptions): void {
  const bytes = sealBytes(keychain, opts);
  if (opts.overwrite !== true && existsSync(path)) {
    throw new SealError('SEAL_EXISTS', `refusing to overwrite existing ${path}`);
  }
  atomicWrite(path, bytes, opts.overwrite === true);
}

/**
 * Reads and unseals `path`. @throws SealError `SEAL_NOT_FOUND`, `SEAL_IO`, and the codes of {@link unsealBytes}.
 * Never modifies the file.
 */
export function unsealKeychain(path: string, binding: SealBinding): Keychain {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') {
      throw new SealError('SEAL_NOT_FOUND', `no sealed keychain at ${path}`, { cause: e });
    }
    throw new SealError('SEAL_IO', `cannot read ${path}`, { cause: e });
  }
  return unsealBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), binding);
}

/**
 * The node-local secret: reads the 32-byte machine key at `path`, or creates it (random, mode 0600, atomically;
 * a concurrent creator wins and both read the same key). @throws SealError `SEAL_MALFORMED` (wrong size), `SEAL_IO`.
 */
export function loadOrCreateMachineKey(path: string): Uint8Array {
  if (!existsSync(path)) {
    try {
      atomicWrite(path, randomBytes(MACHINE_KEY_LENGTH), false);
    } catch (e) {
      if (!(e instanceof SealError && e.code === 'SEAL_EXISTS')) throw e;
    }
  }
  let key: Buffer;
  try {
    key = readFileSync(path);
  } catch (e) {
    throw new SealError('SEAL_IO', `cannot read machine key ${path}`, { cause: e });
  }
  if (key.length !== MACHINE_KEY_LENGTH) {
    throw new SealError(
      'SEAL_MALFORMED',
      `machine key ${path} must be ${MACHINE_KEY_LENGTH} bytes, got ${key.length}`,
    );
  }
  return new Uint8Array(key);
}
