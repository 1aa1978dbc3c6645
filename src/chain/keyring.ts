/**
 * Client-side keys of LocalChain accounts (a "test" keyring, like `secretd keys --keyring-backend test`): a
 * secp256k1 signing key per account and the X25519 I/O seed its EncryptionUtils derive from. In a persistent
 * chain the keyring is a JSON file next to the state, readable only by its owner. Never use these keys for
 * value: they exist for local development.
 */
import { createECDH } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hmac } from '@noble/hashes/hmac.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bech32 } from '@scure/base';

import { ChainError } from './errors.js';

/** An account of the chain as a test author sees it (public facts only). */
export interface Account {
  /** Local name (`alice`, `account-3`). */
  readonly name: string;
  /** bech32 address. */
  readonly address: string;
  /** Compressed secp256k1 public key (33 bytes). */
  readonly pubkey: Uint8Array;
}

/** A keyring entry: the account plus its secrets. */
export interface KeyEntry extends Account {
  readonly privkey: Uint8Array;
  /** 32-byte seed of the account's X25519 I/O key (secret.js `encryptionSeed`). */
  readonly ioSeed: Uint8Array;
}

interface StoredKey {
  name: string;
  privkey: string;
  ioSeed: string;
}

const encoder = new TextEncoder();
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** bech32 account address of a compressed secp256k1 key: RIPEMD160(SHA256(pk)). */
export function addressOf(pubkey: Uint8Array, prefix: string): string {
  return bech32.encode(prefix, bech32.toWords(ripemd160(sha256(pubkey))), 1023);
}

/**
 * Compressed secp256k1 public key. OpenSSL's point multiplication (node:crypto ECDH) is ~30x faster here than
 * @noble/curves without precomputed tables, which matters when tests create hundreds of accounts.
 */
function compressedPubkey(privkey: Uint8Array): Uint8Array {
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(privkey);
  return new Uint8Array(ecdh.getPublicKey(null, 'compressed'));
}

/** The accounts a chain knows keys for, by name and by address. */
export class Keyring {
  private readonly byName = new Map<string, KeyEntry>();
  private readonly byAddress = new Map<string, KeyEntry>();

  constructor(
    readonly prefix: string,
    /** Master seed for deterministic keys (`LocalChain.create({ seed })`); random keys without it. */
    private readonly master: Uint8Array | undefined,
    private readonly file: string | undefined,
  ) {}

  /** Loads the keyring file (if any) of a persistent chain. */
  load(): void {
    if (this.file === undefined) return;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const k of JSON.parse(text) as StoredKey[]) {
      this.insert(
        k.name,
        Uint8Array.from(Buffer.from(k.privkey, 'hex')),
        Uint8Array.from(Buffer.from(k.ioSeed, 'hex')),
      );
    }
  }

  get size(): number {
    return this.byName.size;
  }

  /** All accounts in creation order. */
  list(): KeyEntry[] {
    return [...this.byName.values()];
  }

  /** By name or bech32 address. */
  find(nameOrAddress: string): KeyEntry | undefined {
    return this.byName.get(nameOrAddress) ?? this.byAddress.get(nameOrAddress);
  }

  /** By name or address, or throws `UNKNOWN_ACCOUNT`. */
  require(nameOrAddress: string): KeyEntry {
    const k = this.find(nameOrAddress);
    if (k === undefined) {
      throw new ChainError(
        'UNKNOWN_ACCOUNT',
        `no key for account ${JSON.stringify(nameOrAddress)} in this chain's keyring`,
      );
    }
    return k;
  }

  /** Creates a new key (deterministic from the chain seed and the key's index when the chain has a seed). */
  create(name?: string, privkey?: Uint8Array): KeyEntry {
    const index = this.byName.size;
    const n = name ?? `account-${index}`;
    if (!NAME_RE.test(n)) {
      throw new ChainError(
        'INVALID_ARGUMENT',
        `account name ${JSON.stringify(n)} must match ${NAME_RE.source}`,
      );
    }
    if (this.byName.has(n))
      throw new ChainError('DUPLICATE_ACCOUNT', `an account named ${JSON.stringify(n)} already exists`);
    const sk = privkey ?? this.newPrivkey(n);
    if (!secp256k1.utils.isValidSecretKey(sk))
      throw new ChainError('INVALID_ARGUMENT', 'invalid secp256k1 private key');
    const ioSeed = sha256(Uint8Array.from([...encoder.encode('secret-compute/io-seed/'), ...sk]));
    const entry = this.insert(n, sk, ioSeed);
    this.save();
    return entry;
  }

  private newPrivkey(name: string): Uint8Array {
    if (this.master === undefined) return secp256k1.utils.randomSecretKey();
    // deterministic: HMAC(master, "account/<name>/<attempt>") until it is a valid scalar (practically always the first)
    for (let attempt = 0; ; attempt++) {
      const sk = hmac(sha256, this.master, encoder.encode(`account/${name}/${attempt}`));
      if (secp256k1.utils.isValidSecretKey(sk)) return sk;
    }
  }

  private insert(name: string, privkey: Uint8Array, ioSeed: Uint8Array): KeyEntry {
    const pubkey = compressedPubkey(privkey);
    const address = addressOf(pubkey, this.prefix);
    if (this.byAddress.has(address)) {
      throw new ChainError('DUPLICATE_ACCOUNT', `key for ${address} is already in the keyring`);
    }
    const entry: KeyEntry = { name, address, pubkey, privkey, ioSeed };
    this.byName.set(name, entry);
    this.byAddress.set(address, entry);
    return entry;
  }

  private save(): void {
    if (this.file === undefined) return;
    const out: StoredKey[] = this.list().map((k) => ({
      name: k.name,
      privkey: Buffer.from(k.privkey).toString('hex'),
      ioSeed: Buffer.from(k.ioSeed).toString('hex'),
    }));
    writeFileSync(this.file, JSON.stringify(out, null, 2) + '\n', { mode: 0o600 });
  }
}

/** The public view of a key entry (what `createAccount` returns: no secrets). */
export function publicAccount(k: KeyEntry): Account {
  return { name: k.name, address: k.address, pubkey: k.pubkey };
}
