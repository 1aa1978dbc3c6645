/**
 * The LocalChain's x/auth: account numbers, sequences and public keys in the application store under
 * `auth/accounts/<addr>`, plus the next account number under `auth/next-account-number`. Contract accounts are
 * created here too (the keeper's {@link AccountKeeper}), so account numbers are assigned in one sequence.
 */
import type { AccountKeeper, StoreContext } from '../keeper/index.js';
import type { KVStore } from '../state/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const NEXT_NUMBER_KEY = encoder.encode('auth/next-account-number');

/** An account as x/auth stores it. */
export interface AuthAccount {
  readonly address: string;
  readonly accountNumber: bigint;
  /** Number of txs this account signed that reached the chain (failed ones included). */
  readonly sequence: bigint;
  /** Compressed secp256k1 key, known after the first signed tx (or when created from a key). */
  readonly pubkey: Uint8Array | undefined;
}

interface StoredAccount {
  n: string;
  s: string;
  pk: string | null;
}

function accountKey(addr: string): Uint8Array {
  return encoder.encode(`auth/accounts/${addr}`);
}

/** Reads and writes accounts in a store; the same object serves the keeper as its {@link AccountKeeper}. */
export class AuthModule implements AccountKeeper {
  hasAccount(ctx: StoreContext, addr: string): boolean {
    return ctx.store.has(accountKey(addr));
  }

  createAccount(ctx: StoreContext, addr: string): void {
    this.ensure(ctx.store, addr);
  }

  /** The account at `addr`, or undefined. */
  get(store: KVStore, addr: string): AuthAccount | undefined {
    const raw = store.get(accountKey(addr));
    if (raw === undefined) return undefined;
    const s = JSON.parse(decoder.decode(raw)) as StoredAccount;
    return {
      address: addr,
      accountNumber: BigInt(s.n),
      sequence: BigInt(s.s),
      pubkey: s.pk === null ? undefined : Uint8Array.from(Buffer.from(s.pk, 'base64')),
    };
  }

  /** The account at `addr`, created with the next account number if absent (idempotent). */
  ensure(store: KVStore, addr: string, pubkey?: Uint8Array): AuthAccount {
    const existing = this.get(store, addr);
    if (existing !== undefined) {
      if (existing.pubkey === undefined && pubkey !== undefined) {
        return this.put(store, { ...existing, pubkey });
      }
      return existing;
    }
    const raw = store.get(NEXT_NUMBER_KEY);
    const accountNumber = raw === undefined ? 0n : BigInt(decoder.decode(raw));
    store.set(NEXT_NUMBER_KEY, encoder.encode((accountNumber + 1n).toString()));
    return this.put(store, { address: addr, accountNumber, sequence: 0n, pubkey });
  }

  /** Stores `account` as given and returns it. */
  put(store: KVStore, account: AuthAccount): AuthAccount {
    const s: StoredAccount = {
      n: account.accountNumber.toString(),
      s: account.sequence.toString(),
      pk: account.pubkey === undefined ? null : Buffer.from(account.pubkey).toString('base64'),
    };
    store.set(accountKey(account.address), encoder.encode(JSON.stringify(s)));
    return account;
  }
}
