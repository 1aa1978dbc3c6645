/**
 * Trusted-side I/O encryption (Secret's contract-engine `io.rs` + `SecretMessage`): decrypt user / contract
 * inputs and encrypt every output the user (or a calling contract) will see, under the input's tx key.
 *
 * Determinism: every function here is a pure function of its inputs and the network keys — no randomness, no
 * clock — so all validators produce byte-identical outputs (aes-siv is deterministic by design; aes-256-gcm uses
 * synthetic IVs, see src/compute/gcm-box.ts). What is encrypted (spec §2.5):
 *
 * | output | plaintext | returned |
 * |---|---|---|
 * | data | `[replyRecipientCodeHash(64)] ‖ base64(data)` | raw ciphertext bytes |
 * | attribute key / value | raw UTF-8 string | base64(ciphertext) string |
 * | error | `[replyRecipientCodeHash(64)] ‖ error text` (v0.10 JSON / v1 string, built by the caller) | base64(ciphertext) |
 * | query result | the base64 result string the contract returned | raw ciphertext bytes |
 * | contract → contract msg | `codeHash(64) ‖ [REPLY01 headers] ‖ json` (built by the caller) | input wire message |
 * | reply id | `recipientCodeHash(64) ‖ [REPLY01 chain] ‖ decimal id` (built by the caller) | raw ciphertext bytes |
 */
import { CryptoError } from '../compute/errors.js';
import type { CipherDomain } from '../compute/gcm-box.js';
import { sha256 } from '../compute/hash.js';
import {
  encodeInputWire,
  openInputCiphertext,
  openOutput,
  parseInputWire,
  sealOutput,
  splitInputPlaintext,
} from '../compute/protocol.js';
import { CODE_HASH_HEX_LENGTH, type EncryptionScheme } from '../compute/scheme.js';
import type { NetworkKeys } from './keys.js';

/** Everything needed to encrypt outputs for the sender of one input message. Holds the tx key: trusted only. */
export interface IoContext {
  readonly scheme: EncryptionScheme;
  /** The user's 32-byte nonce (reused by every contract this message reaches). */
  readonly nonce: Uint8Array;
  /** The user's X25519 public key. */
  readonly userPubkey: Uint8Array;
  /** HKDF(X25519(io_sk, userPubkey) ‖ nonce). */
  readonly txKey: Uint8Array;
}

/** A decrypted input message. */
export interface DecryptedInput extends IoContext {
  /** Code hash the sender bound the message to: 64 lowercase hex characters. */
  readonly codeHashHex: string;
  /** The same, decoded (32 bytes). */
  readonly codeHash: Uint8Array;
  /** Bytes after the code hash: REPLY01 headers (contract-originated only) then the JSON message. */
  readonly msg: Uint8Array;
  /** The full decrypted plaintext (`codeHashHex ‖ msg`). */
  readonly plaintext: Uint8Array;
  /** The ciphertext part of the wire message (what `callback_sig` signs). */
  readonly ciphertext: Uint8Array;
}

/** Output domains a caller may encrypt for. */
export type OutputDomain = Exclude<CipherDomain, 'input'>;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Builds an {@link IoContext} for a known (nonce, user pubkey), e.g. from the header of a reply input. */
export function ioContextFor(
  keys: NetworkKeys,
  scheme: EncryptionScheme,
  nonce: Uint8Array,
  userPubkey: Uint8Array,
): IoContext {
  return {
    scheme,
    nonce: nonce.slice(),
    userPubkey: userPubkey.slice(),
    txKey: keys.txKey(userPubkey, nonce),
  };
}

/**
 * Decrypts an input wire message (user tx, query, migrate, or contract-originated message) and validates its
 * code-hash prefix.
 * @param expectedCodeHash sha256 of the code being executed (32 bytes); if given, a mismatch is `WRONG_CODE_HASH`.
 * @throws CryptoError `TRUNCATED` (aes-siv < 82 bytes; gcm < 93; plaintext < 64), `UNKNOWN_SCHEME`,
 *   `BAD_PUBLIC_KEY`, `AUTH_FAILED`, `NON_HEX_CODE_HASH`, `WRONG_CODE_HASH`.
 */
export function decryptInput(
  keys: NetworkKeys,
  scheme: EncryptionScheme,
  wire: Uint8Array,
  expectedCodeHash?: Uint8Array,
): DecryptedInput {
  const parsed = parseInputWire(scheme, wire);
  const txKey = keys.txKey(parsed.userPubkey, parsed.nonce);
  const plaintext = openInputCiphertext(scheme, txKey, parsed.ciphertext);
  const split = splitInputPlaintext(plaintext, expectedCodeHash);
  return {
    scheme,
    nonce: parsed.nonce.slice(),
    userPubkey: parsed.userPubkey.slice(),
    txKey,
    codeHashHex: split.codeHashHex,
    codeHash: split.codeHash,
    msg: split.msg,
    plaintext,
    ciphertext: parsed.ciphertext.slice(),
  };
}

function withPrefix(prefixHex: string | undefined, body: Uint8Array): Uint8Array {
  if (prefixHex === undefined) return body;
  if (prefixHex.length !== CODE_HASH_HEX_LENGTH) {
    throw new CryptoError(
      'NON_HEX_CODE_HASH',
      `reply recipient code hash must be ${CODE_HASH_HEX_LENGTH} characters`,
    );
  }
  const p = textEncoder.encode(prefixHex);
  const out = new Uint8Array(p.length + body.length);
  out.set(p, 0);
  out.set(body, p.length);
  return out;
}

/**
 * Encrypts `Response.data`: plaintext `[replyRecipientCodeHashHex] ‖ base64(data)` (Secret serializes the Binary
 * as a JSON string and strips the quotes). Returns the raw ciphertext.
 */
export function encryptOutputData(
  ctx: IoContext,
  data: Uint8Array,
  replyRecipientCodeHashHex?: string,
): Uint8Array {
  const b64 = textEncoder.encode(Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64'));
  return sealOutput(ctx.scheme, ctx.txKey, 'data', withPrefix(replyRecipientCodeHashHex, b64));
}

/** Encrypts an attribute key or value (raw UTF-8) and returns base64(ciphertext), as placed in the SDK event. */
export function encryptAttribute(ctx: IoContext, kind: 'key' | 'value', text: string): string {
  const ct = sealOutput(
    ctx.scheme,
    ctx.txKey,
    kind === 'key' ? 'attribute-key' : 'attribute-value',
    textEncoder.encode(text),
  );
  return Buffer.from(ct.buffer, ct.byteOffset, ct.length).toString('base64');
}

/**
 * Encrypts a contract error. `errorPlaintext` is what Secret encrypts: the v0.10 StdError JSON object, or the v1
 * error string (JSON string escapes kept, surrounding quotes stripped). Returns base64(ciphertext); the caller
 * renders `{"generic_err":{"msg":"<b64>"}}` / `encrypted: <b64>`.
 */
export function encryptError(
  ctx: IoContext,
  errorPlaintext: string,
  replyRecipientCodeHashHex?: string,
): string {
  const ct = sealOutput(
    ctx.scheme,
    ctx.txKey,
    'error',
    withPrefix(replyRecipientCodeHashHex, textEncoder.encode(errorPlaintext)),
  );
  return Buffer.from(ct.buffer, ct.byteOffset, ct.length).toString('base64');
}

/** Encrypts a query answer: the base64 string the contract returned in `{"Ok":"<b64>"}`. Returns raw ciphertext. */
export function encryptQueryResult(ctx: IoContext, resultB64: string): Uint8Array {
  return sealOutput(ctx.scheme, ctx.txKey, 'query-result', textEncoder.encode(resultB64));
}

/**
 * Encrypts a contract → contract message for the callee under the *original user's* nonce and pubkey (§2.6).
 * `plaintext` = `calleeCodeHash(64) ‖ [REPLY01 headers] ‖ json`. Returns the full input wire message.
 */
export function encryptContractMsg(ctx: IoContext, plaintext: Uint8Array): Uint8Array {
  return encodeInputWire(ctx.scheme, ctx.txKey, ctx.nonce, ctx.userPubkey, plaintext);
}

/** Encrypts an `internal_msg_id` (§2.7). Returns raw ciphertext. */
export function encryptReplyId(ctx: IoContext, plaintext: Uint8Array): Uint8Array {
  return sealOutput(ctx.scheme, ctx.txKey, 'reply-id', plaintext);
}

/**
 * Decrypts an output produced under `ctx` (reply parsing: ids, data, errors). For aes-256-gcm the box must have
 * been produced for `domain`. @throws CryptoError `AUTH_FAILED`, `TRUNCATED`, `UNKNOWN_SCHEME`.
 */
export function decryptOutput(ctx: IoContext, domain: OutputDomain, ciphertext: Uint8Array): Uint8Array {
  return openOutput(ctx.scheme, ctx.txKey, ciphertext, domain);
}

/** Decrypts a base64 output string (attribute / error form) to UTF-8. @throws CryptoError `BAD_ENCODING` too. */
export function decryptOutputString(ctx: IoContext, domain: OutputDomain, b64: string): string {
  const pt = decryptOutput(ctx, domain, Uint8Array.from(Buffer.from(b64, 'base64')));
  try {
    return textDecoder.decode(pt);
  } catch (cause) {
    throw new CryptoError('BAD_ENCODING', 'decrypted output is not valid UTF-8', { cause });
  }
}

/**
 * `callback_sig = SHA256(callback_secret ‖ ciphertext ‖ fundsJson)` (§2.6): `ciphertext` is the ciphertext part
 * of the wire message only (no nonce/pubkey; plaintext bytes on plaintext paths), `fundsJson` the serde_json of
 * the funds (`[]` when none).
 */
export function callbackSignature(keys: NetworkKeys, ciphertext: Uint8Array, fundsJson: string): Uint8Array {
  return sha256(keys.callbackSecret(), ciphertext, textEncoder.encode(fundsJson));
}
