/**
 * The per-call user I/O channel: the tx key of the input message and everything encrypted with it (spec §2.3,
 * §2.5). Contracts called by contracts reuse the original user's nonce/pubkey, so one channel follows a whole
 * message chain. The tx key lives in a private field and is never exposed.
 */
import { CryptoError } from '../compute/errors.js';
import { type CipherDomain, DOMAIN_BYTE, GCM_BOX_HEADER_LENGTH, type SealItem } from '../compute/gcm-box.js';
import {
  checkInputWire,
  encodeInputWire,
  openInputCiphertext,
  openOutput,
  sealOutput,
  sealOutputs,
} from '../compute/protocol.js';
import type { EncryptionScheme } from '../compute/scheme.js';
import { NONCE_LENGTH, PUBKEY_LENGTH, SCHEME_MARKER_GCM_V1, wireHeaderLength } from '../compute/scheme.js';
import type { NetworkKeys } from './keys.js';

/** A decrypted input and the channel to answer on. */
export interface OpenedInput {
  readonly channel: IoChannel;
  /** Full decrypted plaintext (`code_hash_hex ‖ [REPLY01…] ‖ json`). */
  readonly plaintext: Uint8Array;
  /** The wire bytes after the header (what callback signatures cover). */
  readonly ciphertext: Uint8Array;
}

/** A new array holding `src[off .. off+len)` (a loop: 32-byte arrays live on V8's heap, no view needed). */
function copyOf(src: Uint8Array, off: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = src[off + i]!;
  return out;
}

/** Encrypts outputs for the user who sent the input (or passes them through for plaintext inputs). */
export class IoChannel {
  readonly #txKey: Uint8Array | undefined;
  readonly #nonce: Uint8Array;
  readonly #pubkey: Uint8Array;

  private constructor(
    readonly scheme: EncryptionScheme,
    nonce: Uint8Array,
    pubkey: Uint8Array,
    txKey: Uint8Array | undefined,
  ) {
    this.#nonce = nonce;
    this.#pubkey = pubkey;
    this.#txKey = txKey;
  }

  /** True when the input was encrypted, i.e. outputs are encrypted too. */
  get encrypted(): boolean {
    return this.#txKey !== undefined;
  }

  /** Channel of a plaintext input: nonce = pubkey = 0, nothing is encrypted. */
  static plaintext(scheme: EncryptionScheme): IoChannel {
    return new IoChannel(scheme, new Uint8Array(NONCE_LENGTH), new Uint8Array(PUBKEY_LENGTH), undefined);
  }

  /**
   * Decrypt an input wire message. @throws CryptoError (`TRUNCATED`, `UNKNOWN_SCHEME`, `BAD_PUBLIC_KEY`,
   * `AUTH_FAILED`) — callers decide between plaintext fallback and `DecryptionError`.
   */
  static open(keys: NetworkKeys, scheme: EncryptionScheme, wire: Uint8Array): OpenedInput {
    const o = checkInputWire(scheme, wire);
    // The channel's own copies (`wire` may be a Buffer, whose slice() is a view), used for the key too.
    const nonce = copyOf(wire, o, NONCE_LENGTH);
    const pubkey = copyOf(wire, o + NONCE_LENGTH, PUBKEY_LENGTH);
    const txKey = keys.txKey(pubkey, nonce);
    const ciphertext = wire.subarray(o + NONCE_LENGTH + PUBKEY_LENGTH);
    const plaintext = openInputCiphertext(scheme, txKey, ciphertext);
    return { channel: new IoChannel(scheme, nonce, pubkey, txKey), plaintext, ciphertext };
  }

  /**
   * Channel of an input whose tx key was already derived (by the enclave's prepare worker, from the same
   * nonce/pubkey with the same network key), so no X25519/HKDF runs again. Arguments are taken as given.
   */
  static fromTxKey(
    scheme: EncryptionScheme,
    nonce: Uint8Array,
    pubkey: Uint8Array,
    txKey: Uint8Array,
  ): IoChannel {
    return new IoChannel(scheme, nonce, pubkey, txKey);
  }

  /**
   * Channel from a message header alone (replies: `header ‖ json(Reply)`). An all-zero header means the
   * original message was plaintext. @throws CryptoError on a malformed header or bad public key.
   */
  static fromHeader(keys: NetworkKeys, scheme: EncryptionScheme, header: Uint8Array): IoChannel {
    const len = wireHeaderLength(scheme);
    if (header.length !== len) throw new CryptoError('TRUNCATED', `message header must be ${len} bytes`);
    const off = len - NONCE_LENGTH - PUBKEY_LENGTH;
    if (header.every((b) => b === 0)) return IoChannel.plaintext(scheme);
    if (off === 1 && header[0] !== SCHEME_MARKER_GCM_V1)
      throw new CryptoError('UNKNOWN_SCHEME', 'unknown scheme marker');
    const nonce = header.slice(off, off + NONCE_LENGTH);
    const pubkey = header.slice(off + NONCE_LENGTH, len);
    return new IoChannel(scheme, nonce, pubkey, keys.txKey(pubkey, nonce));
  }

  /** Encrypt an output (identity for plaintext channels). */
  seal(domain: CipherDomain, plaintext: Uint8Array): Uint8Array {
    return this.#txKey === undefined ? plaintext : sealOutput(this.scheme, this.#txKey, domain, plaintext);
  }

  /**
   * Encrypt the outputs of one response together, in output order (one IV derivation and one AES call for the
   * batch under aes-256-gcm; see gcm-box.ts). Plaintext channels return the plaintexts unchanged.
   */
  sealMany(items: readonly SealItem[]): Uint8Array[] {
    const key = this.#txKey;
    return key === undefined ? items.map((it) => it.plaintext) : sealOutputs(this.scheme, key, items);
  }

  /** Decrypt an output this channel produced earlier (reply ids, callee data/errors). @throws CryptoError. */
  open(domain: CipherDomain, ciphertext: Uint8Array): Uint8Array {
    return this.#txKey === undefined ? ciphertext : openOutput(this.scheme, this.#txKey, ciphertext, domain);
  }

  /**
   * Build a contract→contract input under this channel: `header ‖ encrypt(plaintext)`; the second value is
   * the part after the header, which callback signatures cover. Plaintext channels pass `plaintext` through.
   */
  encodeMessage(plaintext: Uint8Array): { wire: Uint8Array; signed: Uint8Array } {
    if (this.#txKey === undefined) return { wire: plaintext, signed: plaintext };
    const wire = encodeInputWire(this.scheme, this.#txKey, this.#nonce, this.#pubkey, plaintext);
    return { wire, signed: wire.subarray(wireHeaderLength(this.scheme)) };
  }

  /**
   * The contract→contract message of an `'input'` item sealed by {@link sealMany} (so a response's wasm
   * messages share its batch): `header ‖ ciphertext` and the part after the header, which callback signatures
   * cover — the layout {@link encodeMessage} builds. @throws CryptoError `BAD_CONFIG` for a box of another domain.
   */
  messageOf(sealed: Uint8Array): { wire: Uint8Array; signed: Uint8Array } {
    if (this.#txKey === undefined) return { wire: sealed, signed: sealed };
    let body = sealed;
    if (this.scheme !== 'aes-siv') {
      if (sealed[1] !== DOMAIN_BYTE.input) throw new CryptoError('BAD_CONFIG', 'not an input box');
      body = sealed.subarray(GCM_BOX_HEADER_LENGTH);
    }
    const head = this.header();
    const wire = new Uint8Array(head.length + body.length);
    wire.set(head, 0);
    wire.set(body, head.length);
    return { wire, signed: wire.subarray(head.length) };
  }

  /** The header bytes (`[marker ‖] nonce ‖ pubkey`) of messages on this channel; zeros for plaintext. */
  header(): Uint8Array {
    const len = wireHeaderLength(this.scheme);
    const out = new Uint8Array(len);
    if (this.#txKey === undefined) return out;
    const off = len - NONCE_LENGTH - PUBKEY_LENGTH;
    if (off === 1) out[0] = SCHEME_MARKER_GCM_V1;
    out.set(this.#nonce, off);
    out.set(this.#pubkey, off + NONCE_LENGTH);
    return out;
  }

  /** Never reveal the key through inspection or JSON. */
  toJSON(): { scheme: EncryptionScheme; encrypted: boolean } {
    return { scheme: this.scheme, encrypted: this.encrypted };
  }
}
