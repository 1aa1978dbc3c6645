/**
 * The user ↔ network message protocol shared by the client ({@link EncryptionUtils}) and the trusted side
 * (src/enclave/io-crypto.ts), for both schemes (see scheme.ts).
 *
 * Input wire layouts (user → contract, and contract → contract messages produced by the network):
 * ```
 *   aes-siv      nonce(32) ‖ pubkey(32) ‖ AES-SIV(txKey, plaintext, AD=[""])                   (≥ 82 bytes)
 *   aes-256-gcm  0x01 ‖ nonce(32) ‖ pubkey(32) ‖ iv(12) ‖ AES-256-GCM(txKey, iv, plaintext) ‖ tag(16)  (≥ 93)
 *   plaintext = code_hash_hex(64 ASCII, lowercase when we produce it) ‖ JSON
 *   txKey     = HKDF-SHA256(salt = KDF_SALT, ikm = X25519(sk, peer_pk) ‖ nonce, info = "")
 * ```
 * Output layouts (network → user, all under the input's txKey):
 * ```
 *   aes-siv      AES-SIV(txKey, plaintext, AD=[""])                                          (exactly Secret)
 *   aes-256-gcm  0x01 ‖ domain(1) ‖ iv(12) ‖ ciphertext ‖ tag(16)                            (gcm-box.ts)
 * ```
 */
import { aesSivOpen, aesSivSeal } from './aes-siv.js';
import { CryptoError } from './errors.js';
import {
  type CipherDomain,
  gcmBoxOpen,
  gcmBoxSeal,
  gcmBoxSealMany,
  gcmOpenBody,
  gcmOpenBodyWithSealKeyBlocks,
  gcmSealInto,
  type SealItem,
} from './gcm-box.js';
import { deriveFromKey } from './hkdf.js';
import {
  CODE_HASH_HEX_LENGTH,
  type EncryptionScheme,
  GCM_IV_LENGTH,
  GCM_TAG_LENGTH,
  MIN_GCM_WIRE_LENGTH,
  MIN_SIV_WIRE_LENGTH,
  NONCE_LENGTH,
  PUBKEY_LENGTH,
  SCHEME_MARKER_GCM_V1,
} from './scheme.js';

/** AD list of every Secret user-I/O AES-SIV operation: one empty string (`encrypt_siv(pt, None)`). */
export const IO_AD: readonly Uint8Array[] = [new Uint8Array(0)];

const textEncoder = new TextEncoder();
const HEX_RE = /^[0-9a-fA-F]{64}$/;

/** `txKey = HKDF(KDF_SALT, sharedSecret ‖ nonce, info "")` (Secret `calc_encryption_key`). */
export function txEncryptionKey(sharedSecret: Uint8Array, nonce: Uint8Array): Uint8Array {
  if (nonce.length !== NONCE_LENGTH) {
    throw new CryptoError('BAD_KEY_LENGTH', `nonce must be ${NONCE_LENGTH} bytes, got ${nonce.length}`);
  }
  return deriveFromKey(sharedSecret, nonce);
}

/** The parts of an input wire message before decryption. */
export interface ParsedWire {
  readonly nonce: Uint8Array;
  readonly userPubkey: Uint8Array;
  /** The ciphertext part (aes-siv: the SIV output; aes-256-gcm: `iv ‖ ciphertext ‖ tag`). */
  readonly ciphertext: Uint8Array;
}

/**
 * Splits an input wire message (no decryption). Returned arrays are views into `wire`.
 * @throws CryptoError `TRUNCATED`, `UNKNOWN_SCHEME` (aes-256-gcm with a marker other than 0x01).
 */
export function parseInputWire(scheme: EncryptionScheme, wire: Uint8Array): ParsedWire {
  const o = checkInputWire(scheme, wire);
  return {
    nonce: wire.subarray(o, o + NONCE_LENGTH),
    userPubkey: wire.subarray(o + NONCE_LENGTH, o + NONCE_LENGTH + PUBKEY_LENGTH),
    ciphertext: wire.subarray(o + NONCE_LENGTH + PUBKEY_LENGTH),
  };
}

/**
 * Checks an input wire message's shape as {@link parseInputWire} does (same errors) and returns the offset of
 * its nonce (the pubkey follows, then the ciphertext part), for callers that read the parts in place.
 * @throws CryptoError `TRUNCATED`, `UNKNOWN_SCHEME`.
 */
export function checkInputWire(scheme: EncryptionScheme, wire: Uint8Array): number {
  if (scheme === 'aes-siv') {
    if (wire.length < MIN_SIV_WIRE_LENGTH) {
      throw new CryptoError(
        'TRUNCATED',
        `encrypted message must be at least ${MIN_SIV_WIRE_LENGTH} bytes, got ${wire.length}`,
      );
    }
    return 0;
  }
  if (wire.length >= 1 && wire[0] !== SCHEME_MARKER_GCM_V1) {
    throw new CryptoError(
      'UNKNOWN_SCHEME',
      `unknown scheme marker 0x${wire[0]!.toString(16).padStart(2, '0')}`,
    );
  }
  if (wire.length < MIN_GCM_WIRE_LENGTH) {
    throw new CryptoError(
      'TRUNCATED',
      `encrypted message must be at least ${MIN_GCM_WIRE_LENGTH} bytes, got ${wire.length}`,
    );
  }
  return 1;
}

/** Builds an input wire message: encrypts `plaintext` under `txKey` and prepends the header. */
export function encodeInputWire(
  scheme: EncryptionScheme,
  txKey: Uint8Array,
  nonce: Uint8Array,
  userPubkey: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  if (nonce.length !== NONCE_LENGTH) {
    throw new CryptoError('BAD_KEY_LENGTH', `nonce must be ${NONCE_LENGTH} bytes, got ${nonce.length}`);
  }
  if (userPubkey.length !== PUBKEY_LENGTH) {
    throw new CryptoError(
      'BAD_PUBLIC_KEY',
      `X25519 public key must be ${PUBKEY_LENGTH} bytes, got ${userPubkey.length}`,
    );
  }
  if (scheme === 'aes-siv') {
    const ct = aesSivSeal(txKey, plaintext, IO_AD);
    const out = new Uint8Array(NONCE_LENGTH + PUBKEY_LENGTH + ct.length);
    out.set(nonce, 0);
    out.set(userPubkey, NONCE_LENGTH);
    out.set(ct, NONCE_LENGTH + PUBKEY_LENGTH);
    return out;
  }
  const head = 1 + NONCE_LENGTH + PUBKEY_LENGTH;
  const out = new Uint8Array(head + GCM_IV_LENGTH + plaintext.length + GCM_TAG_LENGTH);
  out[0] = SCHEME_MARKER_GCM_V1;
  out.set(nonce, 1);
  out.set(userPubkey, 1 + NONCE_LENGTH);
  gcmSealInto(txKey, 'input', plaintext, out, head);
  return out;
}

/** Decrypts the ciphertext part of an input wire message. @throws CryptoError `AUTH_FAILED`, `TRUNCATED`. */
export function openInputCiphertext(
  scheme: EncryptionScheme,
  txKey: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  return scheme === 'aes-siv'
    ? aesSivOpen(txKey, ciphertext, IO_AD)
    : gcmOpenBody(txKey, 'input', ciphertext);
}

/**
 * {@link openInputCiphertext}, plus (aes-256-gcm) the tx key's seal key blocks H ‖ K_iv (gcm-box.ts
 * `gcmSealKeyBlocks`) from the same AES key state, for a thread that hands the key to another one to seal with.
 * @throws CryptoError `AUTH_FAILED`, `TRUNCATED`.
 */
export function openInputCiphertextWithSealKeyBlocks(
  scheme: EncryptionScheme,
  txKey: Uint8Array,
  ciphertext: Uint8Array,
): { readonly plaintext: Uint8Array; readonly sealKeyBlocks?: Uint8Array } {
  return scheme === 'aes-siv'
    ? { plaintext: aesSivOpen(txKey, ciphertext, IO_AD) }
    : gcmOpenBodyWithSealKeyBlocks(txKey, 'input', ciphertext);
}

/** Encrypts a network output for `domain` (aes-siv ignores the domain, exactly like Secret). */
export function sealOutput(
  scheme: EncryptionScheme,
  txKey: Uint8Array,
  domain: CipherDomain,
  plaintext: Uint8Array,
): Uint8Array {
  return scheme === 'aes-siv' ? aesSivSeal(txKey, plaintext, IO_AD) : gcmBoxSeal(txKey, domain, plaintext);
}

/**
 * Encrypts the outputs of one response together, in output order (aes-256-gcm: one batch, see gcm-box.ts;
 * aes-siv: each output on its own, exactly like Secret). Returns one ciphertext per item, in order.
 */
export function sealOutputs(
  scheme: EncryptionScheme,
  txKey: Uint8Array,
  items: readonly SealItem[],
): Uint8Array[] {
  return scheme === 'aes-siv'
    ? items.map((it) => aesSivSeal(txKey, it.plaintext, IO_AD))
    : gcmBoxSealMany(txKey, items);
}

/**
 * Decrypts a network output. For aes-256-gcm, `domain` (if given) must match the box's domain.
 * @throws CryptoError `AUTH_FAILED`, `TRUNCATED`, `UNKNOWN_SCHEME`.
 */
export function openOutput(
  scheme: EncryptionScheme,
  txKey: Uint8Array,
  ciphertext: Uint8Array,
  domain?: CipherDomain,
): Uint8Array {
  return scheme === 'aes-siv' ? aesSivOpen(txKey, ciphertext, IO_AD) : gcmBoxOpen(txKey, ciphertext, domain);
}

/**
 * Validates and lowercases a code hash given as 64 hex characters.
 * @throws CryptoError `NON_HEX_CODE_HASH`.
 */
export function normalizeCodeHashHex(codeHash: string): string {
  if (!HEX_RE.test(codeHash)) {
    throw new CryptoError(
      'NON_HEX_CODE_HASH',
      `code hash must be ${CODE_HASH_HEX_LENGTH} hexadecimal characters`,
    );
  }
  return codeHash.toLowerCase();
}

/** `codeHashHex(64) ‖ utf8(json)`: the plaintext of an input message. */
export function buildInputPlaintext(codeHashHex: string, json: string | Uint8Array): Uint8Array {
  const hash = textEncoder.encode(normalizeCodeHashHex(codeHashHex));
  const body = typeof json === 'string' ? textEncoder.encode(json) : json;
  const out = new Uint8Array(hash.length + body.length);
  out.set(hash, 0);
  out.set(body, hash.length);
  return out;
}

/** A decrypted input plaintext split into its code hash and the rest. */
export interface SplitPlaintext {
  /** 64 lowercase hex characters. */
  readonly codeHashHex: string;
  /** The 32 decoded bytes. */
  readonly codeHash: Uint8Array;
  /** Everything after the 64 characters (REPLY01 headers, if any, then the JSON), as a view. */
  readonly msg: Uint8Array;
}

/**
 * Splits `codeHashHex(64) ‖ rest` (hex is case-insensitive, as in the enclave) and optionally checks the hash.
 * @throws CryptoError `TRUNCATED` (< 64 bytes), `NON_HEX_CODE_HASH`, `WRONG_CODE_HASH`.
 */
export function splitInputPlaintext(plaintext: Uint8Array, expectedCodeHash?: Uint8Array): SplitPlaintext {
  if (plaintext.length < CODE_HASH_HEX_LENGTH) {
    throw new CryptoError(
      'TRUNCATED',
      `decrypted message must start with a ${CODE_HASH_HEX_LENGTH}-character code hash, got ${plaintext.length} bytes`,
    );
  }
  const hex = Buffer.from(plaintext.buffer, plaintext.byteOffset, CODE_HASH_HEX_LENGTH).toString('latin1');
  if (!HEX_RE.test(hex)) {
    throw new CryptoError(
      'NON_HEX_CODE_HASH',
      'decrypted message does not start with a hexadecimal code hash',
    );
  }
  const codeHash = Uint8Array.from(Buffer.from(hex, 'hex'));
  if (expectedCodeHash !== undefined) {
    if (expectedCodeHash.length !== codeHash.length || !codeHash.every((b, i) => b === expectedCodeHash[i])) {
      throw new CryptoError(
        'WRONG_CODE_HASH',
        'code hash in the message does not match the code being executed',
      );
    }
  }
  return { codeHashHex: hex.toLowerCase(), codeHash, msg: plaintext.subarray(CODE_HASH_HEX_LENGTH) };
}
