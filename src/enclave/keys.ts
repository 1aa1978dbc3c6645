/**
 * The network key hierarchy held by the trusted side (Secret's `key_manager.rs`, spec §2.2). Built from the
 * list of 32-byte consensus seeds (index 0 = genesis seed, last = current seed). Every key is
 * `HKDF(KDF_SALT, seed ‖ BE32(order), info "seed")`:
 *
 * | order | key | seed |
 * |---|---|---|
 * | 1 | seed-exchange X25519 keypair ("node master key") | last |
 * | 2 | io-exchange X25519 keypair ("tx key", users encrypt to it) | last |
 * | 3 | state_ikm | every seed |
 * | 4 | callback secret | last |
 * | 5 | random encryption key | every seed (validation may use older ones) |
 * | 6 | initial randomness seed | every seed |
 * | 7 | admin proof secret | every seed (validation tries 1..n-1) |
 * | 8 | contract key proof secret | every seed |
 *
 * Secrecy: seeds and X25519 private keys never leave this object (private `#` fields; `toJSON`, `toString` and
 * `util.inspect` print only public keys). The derived symmetric secrets are returned by accessors because the
 * trusted enclave code needs them (HMAC proofs, state keys); those accessors must not be reachable from untrusted
 * code. Errors never include key material.
 */
import { inspect } from 'node:util';

import { aesSivOpen, aesSivSeal } from '../compute/aes-siv.js';
import { CryptoError } from '../compute/errors.js';
import { deriveFromKey, deriveFromSeed } from '../compute/hkdf.js';
import { X25519_KEY_LENGTH, X25519PrivateKey } from '../compute/x25519.js';

/** Consensus seed length (Secret `SEED_KEY_SIZE`). */
export const SEED_LENGTH = 32;

/** One encrypted seed share: AES-SIV tag (16) + seed (32) (Secret `SINGLE_ENCRYPTED_SEED_SIZE`). */
export const ENCRYPTED_SEED_SIZE = 48;

/**
 * Maximum number of user public keys whose io shared secret is cached. A hit saves one X25519 (~35-40 µs); 4096
 * entries (~0.5 MiB) cover the distinct senders of several full blocks. The cache only affects speed: the value
 * for a key is a pure function of it, so eviction order cannot change any output.
 */
export const IO_SHARED_SECRET_CACHE_SIZE = 4096;

/**
 * Slots of the direct-mapped front of the shared-secret cache, indexed by a public key's first bits: 1024 keep
 * collisions rare among the few hundred senders of a block, at ~150 KiB when all are filled.
 */
const SHARED_FRONT_SIZE = 1024;
const SHARED_FRONT_MASK = SHARED_FRONT_SIZE - 1;

interface SharedPair {
  /** The user public key (own copy). */
  readonly pubkey: Uint8Array;
  /** X25519(io_sk, pubkey), the same array the Map holds. */
  readonly secret: Uint8Array;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Derivation orders from key_manager.rs (the `BE32(order)` appended to the seed). */
export const KEY_ORDER = {
  seedExchange: 1,
  ioExchange: 2,
  stateIkm: 3,
  callbackSecret: 4,
  randomEncryptionKey: 5,
  initialRandomnessSeed: 6,
  adminProofSecret: 7,
  contractKeyProofSecret: 8,
} as const;

/** `seed.derive_key_from_this(BE32(order))`. */
export function deriveSeedKey(seed: Uint8Array, order: number): Uint8Array {
  const be = new Uint8Array(4);
  new DataView(be.buffer).setUint32(0, order, false);
  return deriveFromSeed(seed, be);
}

interface PerSeed {
  readonly stateIkm: Uint8Array;
  readonly randomEncryptionKey: Uint8Array;
  readonly initialRandomnessSeed: Uint8Array;
  readonly adminProofSecret: Uint8Array;
  readonly contractKeyProofSecret: Uint8Array;
}

/**
 * The io-exchange key agreement on its own: X25519(io_sk, user pubkey), cached per user public key (bounded LRU,
 * {@link IO_SHARED_SECRET_CACHE_SIZE}), and the per-message tx key derived from it. {@link NetworkKeys} holds one;
 * the enclave's prepare worker thread builds its own from {@link NetworkKeys.ioPrivateKey} (it needs nothing else).
 */
export class IoKeyAgreement {
  readonly #sk: X25519PrivateKey;
  readonly #sharedCache = new Map<string, Uint8Array>();
  /**
   * In front of {@link #sharedCache}: the last pair seen per value of the key's low bits, compared byte by byte —
   * a repeat sender skips building the Map's string id (~0.3 µs per message). Speed only, like the Map.
   */
  readonly #sharedFront = new Array<SharedPair | undefined>(SHARED_FRONT_SIZE).fill(undefined);
  /** The io public key (what users encrypt to). */
  readonly publicKey: Uint8Array;

  private constructor(sk: X25519PrivateKey) {
    this.#sk = sk;
    this.publicKey = sk.publicKey.slice();
  }

  /** From the raw 32-byte io private key. @throws CryptoError `BAD_KEY_LENGTH`. */
  static fromPrivateKey(privateKey: Uint8Array): IoKeyAgreement {
    return new IoKeyAgreement(X25519PrivateKey.fromSeed(privateKey));
  }

  /**
   * The per-message key `calc_encryption_key`: HKDF(KDF_SALT, X25519(io_sk, userPubkey) ‖ nonce, info "").
   * @throws CryptoError `BAD_PUBLIC_KEY` / `BAD_KEY_LENGTH` (nonce not 32 bytes).
   */
  txKey(userPubkey: Uint8Array, nonce: Uint8Array): Uint8Array {
    if (nonce.length !== 32)
      throw new CryptoError('BAD_KEY_LENGTH', `nonce must be 32 bytes, got ${nonce.length}`);
    return deriveFromKey(this.shared(userPubkey), nonce);
  }

  /** X25519(io_sk, userPubkey), the cached array itself (callers must not mutate it). */
  shared(userPubkey: Uint8Array): Uint8Array {
    if (userPubkey.length !== X25519_KEY_LENGTH) {
      throw new CryptoError('BAD_PUBLIC_KEY', `X25519 public key must be 32 bytes, got ${userPubkey.length}`);
    }
    const head = (userPubkey[0]! | (userPubkey[1]! << 8) | (userPubkey[2]! << 16)) & SHARED_FRONT_MASK;
    const front = this.#sharedFront[head];
    if (front !== undefined && sameBytes(front.pubkey, userPubkey)) return front.secret;
    const id = Buffer.from(userPubkey.buffer, userPubkey.byteOffset, userPubkey.length).toString('latin1');
    let secret = this.#sharedCache.get(id);
    if (secret !== undefined) {
      this.#sharedCache.delete(id);
      this.#sharedCache.set(id, secret);
    } else {
      secret = this.#sk.sharedSecret(userPubkey);
      this.#sharedCache.set(id, secret);
      if (this.#sharedCache.size > IO_SHARED_SECRET_CACHE_SIZE) {
        const oldest = this.#sharedCache.keys().next().value;
        if (oldest !== undefined) this.#sharedCache.delete(oldest);
      }
    }
    const pubkey = new Uint8Array(X25519_KEY_LENGTH); // a copy even when `userPubkey` is a Buffer view
    pubkey.set(userPubkey);
    this.#sharedFront[head] = { pubkey, secret };
    return secret;
  }

  /** Redacted: only the public key. */
  toJSON(): { type: string; publicKey: string } {
    return { type: 'IoKeyAgreement', publicKey: Buffer.from(this.publicKey).toString('hex') };
  }

  /** Redacted: only the public key. */
  [inspect.custom](): string {
    return `IoKeyAgreement(${Buffer.from(this.publicKey).toString('hex')})`;
  }
}

/** The trusted key hierarchy. Construct with {@link NetworkKeys.fromSeeds}. */
export class NetworkKeys {
  readonly #seeds: readonly Uint8Array[];
  readonly #perSeed: readonly PerSeed[];
  readonly #seedExchange: X25519PrivateKey;
  readonly #io: IoKeyAgreement;
  readonly #callbackSecret: Uint8Array;

  /** Public key of the io-exchange keypair (order 2): what users encrypt to (`Query/TxKey`, `io_exch_key`). */
  readonly ioPublicKey: Uint8Array;
  /** Public key of the seed-exchange keypair (order 1): the "node master key" (`node_exch_key`). */
  readonly seedExchangePublicKey: Uint8Array;
  /** Number of consensus seeds held. */
  readonly seedCount: number;

  private constructor(seeds: readonly Uint8Array[]) {
    this.#seeds = seeds;
    this.seedCount = seeds.length;
    this.#perSeed = seeds.map((s) => ({
      stateIkm: deriveSeedKey(s, KEY_ORDER.stateIkm),
      randomEncryptionKey: deriveSeedKey(s, KEY_ORDER.randomEncryptionKey),
      initialRandomnessSeed: deriveSeedKey(s, KEY_ORDER.initialRandomnessSeed),
      adminProofSecret: deriveSeedKey(s, KEY_ORDER.adminProofSecret),
      contractKeyProofSecret: deriveSeedKey(s, KEY_ORDER.contractKeyProofSecret),
    }));
    const last = seeds[seeds.length - 1]!;
    const seedExchangeSk = deriveSeedKey(last, KEY_ORDER.seedExchange);
    const ioSk = deriveSeedKey(last, KEY_ORDER.ioExchange);
    this.#seedExchange = X25519PrivateKey.fromSeed(seedExchangeSk);
    this.#io = IoKeyAgreement.fromPrivateKey(ioSk);
    seedExchangeSk.fill(0);
    ioSk.fill(0);
    this.#callbackSecret = deriveSeedKey(last, KEY_ORDER.callbackSecret);
    this.ioPublicKey = this.#io.publicKey.slice();
    this.seedExchangePublicKey = this.#seedExchange.publicKey.slice();
  }

  /**
   * Builds the hierarchy from consensus seeds (index 0 = genesis seed; the last one is current).
   * @throws CryptoError `BAD_KEY_LENGTH` if the list is empty or a seed is not 32 bytes.
   */
  static fromSeeds(seeds: readonly Uint8Array[]): NetworkKeys {
    if (seeds.length === 0)
      throw new CryptoError('BAD_KEY_LENGTH', 'at least one consensus seed is required');
    seeds.forEach((s, i) => {
      if (s.length !== SEED_LENGTH) {
        throw new CryptoError(
          'BAD_KEY_LENGTH',
          `consensus seed ${i} must be ${SEED_LENGTH} bytes, got ${s.length}`,
        );
      }
    });
    return new NetworkKeys(seeds.map((s) => s.slice()));
  }

  /**
   * X25519(io_sk, userPubkey), cached per user public key (bounded LRU, {@link IO_SHARED_SECRET_CACHE_SIZE}).
   * Returns a copy. @throws CryptoError `BAD_PUBLIC_KEY`.
   */
  ioSharedSecret(userPubkey: Uint8Array): Uint8Array {
    return this.#io.shared(userPubkey).slice();
  }

  /**
   * The per-message key `calc_encryption_key`: HKDF(KDF_SALT, X25519(io_sk, userPubkey) ‖ nonce, info "").
   * @throws CryptoError `BAD_PUBLIC_KEY` / `BAD_KEY_LENGTH` (nonce not 32 bytes).
   */
  txKey(userPubkey: Uint8Array, nonce: Uint8Array): Uint8Array {
    return this.#io.txKey(userPubkey, nonce);
  }

  /**
   * The raw io-exchange private key (order 2, current seed), a fresh copy. Trusted code only: the enclave hands
   * it to its own prepare worker thread (same process) so that thread can decrypt inputs ahead of execution.
   */
  ioPrivateKey(): Uint8Array {
    return deriveSeedKey(this.#seeds[this.seedCount - 1]!, KEY_ORDER.ioExchange);
  }

  #seedAt(seedIndex: number | undefined): PerSeed {
    const i = seedIndex ?? this.seedCount - 1;
    if (!Number.isInteger(i) || i < 0 || i >= this.seedCount) {
      throw new CryptoError('BAD_CONFIG', `seed index ${i} out of range 0..${this.seedCount - 1}`);
    }
    return this.#perSeed[i]!;
  }

  /** state_ikm (order 3) of seed `seedIndex` (default: the current seed). Trusted code only. */
  stateIkm(seedIndex?: number): Uint8Array {
    return this.#seedAt(seedIndex).stateIkm.slice();
  }

  /** Callback secret (order 4, current seed): key of `callback_sig` and reply signatures. Trusted code only. */
  callbackSecret(): Uint8Array {
    return this.#callbackSecret.slice();
  }

  /** Random encryption key (order 5). Trusted code only. */
  randomEncryptionKey(seedIndex?: number): Uint8Array {
    return this.#seedAt(seedIndex).randomEncryptionKey.slice();
  }

  /** Initial randomness seed (order 6): HMAC key for randomness proofs. Trusted code only. */
  initialRandomnessSeed(seedIndex?: number): Uint8Array {
    return this.#seedAt(seedIndex).initialRandomnessSeed.slice();
  }

  /** Admin proof secret (order 7). Trusted code only. */
  adminProofSecret(seedIndex?: number): Uint8Array {
    return this.#seedAt(seedIndex).adminProofSecret.slice();
  }

  /** Contract key proof secret (order 8). Trusted code only. */
  contractKeyProofSecret(seedIndex?: number): Uint8Array {
    return this.#seedAt(seedIndex).contractKeyProofSecret.slice();
  }

  /**
   * Seed sharing to a newly registered node (§2.12): for every seed,
   * `AES-SIV(X25519(seed_exchange_sk, newNodePubkey), seed, AD = [newNodePubkey])` (raw shared secret as the
   * key, no HKDF), 48 bytes each, concatenated in seed order.
   */
  encryptSeedsFor(newNodePubkey: Uint8Array): Uint8Array {
    const key = this.#seedExchange.sharedSecret(newNodePubkey);
    const out = new Uint8Array(ENCRYPTED_SEED_SIZE * this.seedCount);
    this.#seeds.forEach((s, i) => out.set(aesSivSeal(key, s, [newNodePubkey]), i * ENCRYPTED_SEED_SIZE));
    key.fill(0);
    return out;
  }

  /**
   * The receiving side of {@link encryptSeedsFor}: a new node decrypts the shares with its registration key and
   * the chain's seed-exchange public key, and can then build its own {@link NetworkKeys}.
   * @throws CryptoError `TRUNCATED` (length not a positive multiple of 48), `AUTH_FAILED`, `BAD_PUBLIC_KEY`.
   */
  static decryptSeedShares(
    nodeKey: X25519PrivateKey,
    seedExchangePublicKey: Uint8Array,
    shares: Uint8Array,
  ): Uint8Array[] {
    if (shares.length === 0 || shares.length % ENCRYPTED_SEED_SIZE !== 0) {
      throw new CryptoError(
        'TRUNCATED',
        `encrypted seeds must be a positive multiple of ${ENCRYPTED_SEED_SIZE} bytes, got ${shares.length}`,
      );
    }
    const key = nodeKey.sharedSecret(seedExchangePublicKey);
    const seeds: Uint8Array[] = [];
    for (let off = 0; off < shares.length; off += ENCRYPTED_SEED_SIZE) {
      seeds.push(aesSivOpen(key, shares.subarray(off, off + ENCRYPTED_SEED_SIZE), [nodeKey.publicKey]));
    }
    key.fill(0);
    return seeds;
  }

  /** Redacted: only public keys. */
  toJSON(): { type: string; seedCount: number; ioPublicKey: string; seedExchangePublicKey: string } {
    return {
      type: 'NetworkKeys',
      seedCount: this.seedCount,
      ioPublicKey: Buffer.from(this.ioPublicKey).toString('hex'),
      seedExchangePublicKey: Buffer.from(this.seedExchangePublicKey).toString('hex'),
    };
  }

  /** Redacted: only public keys. */
  toString(): string {
    return `NetworkKeys(seeds: ${this.seedCount}, io ${Buffer.from(this.ioPublicKey).toString('hex')})`;
  }

  /** Redacted: only public keys. */
  [inspect.custom](): string {
    return this.toString();
  }
}
