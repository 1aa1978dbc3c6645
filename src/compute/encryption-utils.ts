/**
 * Client-side encryption for contract messages, shaped like secret.js's `EncryptionUtils` (encrypt / decrypt /
 * getPubkey / getTxEncryptionKey) plus helpers that decode what a tx or query returns.
 *
 * The user's X25519 key is the 32-byte `seed` used as the raw private scalar, exactly as secret.js does, so the
 * same seed gives the same public key in both libraries; with `scheme: 'aes-siv'` the messages are byte-for-byte
 * what secret.js produces for the same nonce. The X25519 shared secret with the network is computed once per
 * instance (it depends only on the two keys) and kept, so only the cheap per-message HKDF runs per message.
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { inspect } from 'node:util';

import { CryptoError } from './errors.js';
import type { CipherDomain } from './gcm-box.js';
import {
  buildInputPlaintext,
  encodeInputWire,
  openOutput,
  parseInputWire,
  txEncryptionKey,
} from './protocol.js';
import {
  DEFAULT_ENCRYPTION_SCHEME,
  type EncryptionScheme,
  NONCE_LENGTH,
  parseEncryptionScheme,
} from './scheme.js';
import { X25519PrivateKey } from './x25519.js';

/** Options of {@link EncryptionUtils}. */
export interface EncryptionUtilsOptions {
  /** The network's io public key (`Query/TxKey`, genesis `io_exch_key`), 32 bytes. */
  ioPubkey: Uint8Array;
  /** 32-byte seed of the user's X25519 key (deterministic keypair, like secret.js); random if omitted. */
  seed?: Uint8Array;
  /** The chain's I/O scheme (default `'aes-256-gcm'`); `'aes-siv'` for Secret Network / secret.js wire format. */
  scheme?: EncryptionScheme;
  /** Informational: the chain this instance talks to. */
  chainId?: string;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });
const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ENCRYPTED_ERROR_RE = /encrypted: ([A-Za-z0-9+/]+={0,2})/;

/**
 * Nonces are cut from a pool refilled from the OS CSPRNG 4 KiB at a time: one `randomBytes(32)` call costs
 * several µs of binding overhead, a pool slice well under one. Each nonce is copied out and its pool bytes are
 * never handed out twice.
 */
const NONCE_POOL_SIZE = 4096;

/**
 * Tx keys kept per client: the answer to a message is decrypted with that message's key, usually right after it
 * was sent, so the most recent 64 nonces cover pipelined senders; older ones are just recomputed (one HKDF).
 */
const TX_KEY_CACHE_SIZE = 64;
const noncePool = Buffer.alloc(NONCE_POOL_SIZE);
let noncePoolOffset = NONCE_POOL_SIZE;

function freshNonce(): Uint8Array {
  if (noncePoolOffset + NONCE_LENGTH > NONCE_POOL_SIZE) {
    randomFillSync(noncePool);
    noncePoolOffset = 0;
  }
  const n = new Uint8Array(NONCE_LENGTH);
  n.set(noncePool.subarray(noncePoolOffset, noncePoolOffset + NONCE_LENGTH));
  noncePool.fill(0, noncePoolOffset, noncePoolOffset + NONCE_LENGTH);
  noncePoolOffset += NONCE_LENGTH;
  return n;
}

function decodeBase64Strict(s: string, what: string): Uint8Array {
  if (!B64_RE.test(s)) throw new CryptoError('BAD_ENCODING', `${what} is not valid base64`);
  return Uint8Array.from(Buffer.from(s, 'base64'));
}

function utf8(bytes: Uint8Array, what: string): string {
  try {
    return textDecoder.decode(bytes);
  } catch (cause) {
    throw new CryptoError('BAD_ENCODING', `${what} is not valid UTF-8`, { cause });
  }
}

/** An event attribute as found in tx results. */
export interface EventAttribute {
  key: string;
  value: string;
}

/** An event as found in tx results. */
export interface TxEvent {
  type: string;
  attributes: EventAttribute[];
}

/** Client encryption utilities for one user key and one network io key. */
export class EncryptionUtils {
  readonly #key: X25519PrivateKey;
  readonly #ioPubkey: Uint8Array;
  #shared: Uint8Array | undefined;
  /** Tx keys of the most recent nonces: answers are decrypted with the key their message was sent with. */
  readonly #txKeys = new Map<string, Uint8Array>();
  /** The chain's I/O scheme. */
  readonly scheme: EncryptionScheme;
  /** Informational chain id. */
  readonly chainId: string | undefined;

  constructor(options: EncryptionUtilsOptions) {
    if (options.ioPubkey.length !== 32) {
      throw new CryptoError(
        'BAD_PUBLIC_KEY',
        `io public key must be 32 bytes, got ${options.ioPubkey.length}`,
      );
    }
    this.scheme = parseEncryptionScheme(options.scheme ?? DEFAULT_ENCRYPTION_SCHEME);
    this.chainId = options.chainId;
    this.#ioPubkey = options.ioPubkey.slice();
    this.#key =
      options.seed === undefined ? X25519PrivateKey.generate() : X25519PrivateKey.fromSeed(options.seed);
  }

  /** A fresh random 32-byte seed (store it to reuse the keypair, as secret.js's `encryptionSeed`). */
  static generateSeed(): Uint8Array {
    return Uint8Array.from(randomBytes(32));
  }

  /** The user's X25519 public key (goes into every message). */
  getPubkeySync(): Uint8Array {
    return this.#key.publicKey.slice();
  }

  /** The user's X25519 public key. */
  getPubkey(): Promise<Uint8Array> {
    return Promise.resolve(this.getPubkeySync());
  }

  #sharedSecret(): Uint8Array {
    this.#shared ??= this.#key.sharedSecret(this.#ioPubkey);
    return this.#shared;
  }

  /** `HKDF(KDF_SALT, X25519(sk, io_pk) ‖ nonce, info "")`. */
  getTxEncryptionKeySync(nonce: Uint8Array): Uint8Array {
    return this.#txKey(nonce).slice();
  }

  #txKey(nonce: Uint8Array): Uint8Array {
    const id = Buffer.from(nonce.buffer, nonce.byteOffset, nonce.length).toString('latin1');
    const hit = this.#txKeys.get(id);
    if (hit !== undefined) return hit;
    const key = txEncryptionKey(this.#sharedSecret(), nonce);
    this.#txKeys.set(id, key);
    if (this.#txKeys.size > TX_KEY_CACHE_SIZE) {
      const oldest = this.#txKeys.keys().next().value;
      if (oldest !== undefined) this.#txKeys.delete(oldest);
    }
    return key;
  }

  /** `HKDF(KDF_SALT, X25519(sk, io_pk) ‖ nonce, info "")`. */
  getTxEncryptionKey(nonce: Uint8Array): Promise<Uint8Array> {
    return Promise.resolve(this.getTxEncryptionKeySync(nonce));
  }

  /**
   * Encrypts `msg` (JSON-serialized) for the contract whose code hash is `codeHash` (64 hex chars, any case;
   * sent lowercase). `nonce` defaults to 32 fresh random bytes — pass one only for reproducible tests.
   * @throws CryptoError `NON_HEX_CODE_HASH`, `BAD_PUBLIC_KEY`.
   */
  encryptSync(codeHash: string, msg: object, nonce?: Uint8Array): Uint8Array {
    const n = nonce ?? freshNonce();
    const plaintext = buildInputPlaintext(codeHash, JSON.stringify(msg));
    const key = this.#txKey(n);
    return encodeInputWire(this.scheme, key, n, this.#key.publicKey, plaintext);
  }

  /** Async {@link encryptSync} (secret.js signature). */
  encrypt(codeHash: string, msg: object): Promise<Uint8Array> {
    return new Promise((resolve) => resolve(this.encryptSync(codeHash, msg)));
  }

  /**
   * Decrypts an output of the network produced for a message sent with `nonce`. Empty input → empty output
   * (secret.js semantics). @throws CryptoError `AUTH_FAILED`, `TRUNCATED`, `UNKNOWN_SCHEME`.
   */
  decryptSync(ciphertext: Uint8Array, nonce: Uint8Array, domain?: CipherDomain): Uint8Array {
    if (ciphertext.length === 0) return new Uint8Array(0);
    return openOutput(this.scheme, this.#txKey(nonce), ciphertext, domain);
  }

  /** Async {@link decryptSync} (secret.js signature). */
  decrypt(ciphertext: Uint8Array, nonce: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve) => resolve(this.decryptSync(ciphertext, nonce)));
  }

  /** The nonce of a message this client (or any client) encrypted, for decrypting the answer to it. */
  nonceOf(wire: Uint8Array): Uint8Array {
    return parseInputWire(this.scheme, wire).nonce.slice();
  }

  /** Decrypts `MsgExecuteContractResponse.data` / instantiate data: decrypt → base64 string → bytes. */
  decryptData(ciphertext: Uint8Array, nonce: Uint8Array): Uint8Array {
    if (ciphertext.length === 0) return new Uint8Array(0);
    return decodeBase64Strict(
      utf8(this.decryptSync(ciphertext, nonce, 'data'), 'decrypted data'),
      'decrypted data',
    );
  }

  /** Decrypts a smart-query answer: decrypt → base64 string → bytes (usually JSON). */
  decryptQueryResult(ciphertext: Uint8Array, nonce: Uint8Array): Uint8Array {
    const b64 = utf8(this.decryptSync(ciphertext, nonce, 'query-result'), 'decrypted query result');
    return decodeBase64Strict(b64, 'decrypted query result');
  }

  /** Decrypts one event attribute key or value (base64 of the ciphertext) to its UTF-8 text. */
  decryptAttribute(b64: string, nonce: Uint8Array, kind: 'key' | 'value' = 'value'): string {
    const ct = decodeBase64Strict(b64, 'attribute');
    return utf8(
      this.decryptSync(ct, nonce, kind === 'key' ? 'attribute-key' : 'attribute-value'),
      'attribute',
    );
  }

  /**
   * Decrypts the attributes of contract events (`wasm`, `wasm-*`): every key/value that decrypts is replaced by
   * its plaintext; plaintext attributes (e.g. `contract_address`, `add_attribute_plaintext`) are kept as is.
   */
  decryptEvents(events: readonly TxEvent[], nonce: Uint8Array): TxEvent[] {
    const tryDecrypt = (s: string, kind: 'key' | 'value'): string => {
      if (!B64_RE.test(s) || s.length === 0) return s;
      try {
        return this.decryptAttribute(s, nonce, kind);
      } catch (e) {
        if (e instanceof CryptoError) return s;
        throw e;
      }
    };
    return events.map((ev) =>
      ev.type === 'wasm' || ev.type.startsWith('wasm-')
        ? {
            type: ev.type,
            attributes: ev.attributes.map((a) => ({
              key: tryDecrypt(a.key, 'key'),
              value: tryDecrypt(a.value, 'value'),
            })),
          }
        : { type: ev.type, attributes: ev.attributes.map((a) => ({ ...a })) },
    );
  }

  /**
   * Decrypts the contract error inside a failed tx/query log such as
   * `"… encrypted: <b64>: execute contract failed"`. Returns `undefined` if the string holds no encrypted error.
   * @throws CryptoError `AUTH_FAILED` if it holds one that this key cannot open.
   */
  decryptErrorMessage(errorString: string, nonce: Uint8Array): string | undefined {
    const m = ENCRYPTED_ERROR_RE.exec(errorString);
    if (m === null) return undefined;
    return utf8(
      this.decryptSync(decodeBase64Strict(m[1]!, 'encrypted error'), nonce, 'error'),
      'decrypted error',
    );
  }

  /** Redacted. */
  toJSON(): { type: string; scheme: EncryptionScheme; pubkey: string } {
    return {
      type: 'EncryptionUtils',
      scheme: this.scheme,
      pubkey: Buffer.from(this.#key.publicKey).toString('hex'),
    };
  }

  /** Redacted. */
  toString(): string {
    return `EncryptionUtils(${this.scheme}, pubkey ${Buffer.from(this.#key.publicKey).toString('hex')})`;
  }

  /** Redacted. */
  [inspect.custom](): string {
    return this.toString();
  }
}
