/**
 * Default in-memory bank for a local chain: balances live in the application store under `bank/`, so they
 * branch and roll back with the transaction like everything else. Error texts follow x/bank.
 */
import { computeError, SdkErrors } from './errors.js';
import type { BankKeeper, Coin, StoreContext } from './expected-keepers.js';
import { prefixEnd } from './keys.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** sdk `reDnmString`. */
const DENOM_RE = /^[a-zA-Z][a-zA-Z0-9/:._-]{2,127}$/;
const AMOUNT_RE = /^\d+$/;

function balanceKey(addr: string, denom: string): Uint8Array {
  return encoder.encode(`bank/balances/${addr}/${denom}`);
}

/** `sdk.Coins.String()`: `10uscrt,5uatom`. */
export function coinsToString(coins: readonly Coin[]): string {
  return coins.map((c) => `${c.amount}${c.denom}`).join(',');
}

/**
 * `Coins.Validate()` as run by `MsgSend.ValidateBasic`: valid denoms, positive amounts, sorted, no duplicates.
 * Throws `<coins>: invalid coins`.
 */
export function validateCoins(coins: readonly Coin[]): void {
  let prev: string | undefined;
  for (const c of coins) {
    if (!DENOM_RE.test(c.denom) || !AMOUNT_RE.test(c.amount) || BigInt(c.amount) === 0n) {
      throw computeError(SdkErrors.InvalidCoins, coinsToString(coins));
    }
    if (prev !== undefined && prev >= c.denom)
      throw computeError(SdkErrors.InvalidCoins, coinsToString(coins));
    prev = c.denom;
  }
}

/** Options of {@link MemoryBankKeeper}. */
export interface MemoryBankOptions {
  /** Addresses (bech32) that may not receive funds. */
  readonly blockedAddrs?: readonly string[];
}

/** A minimal x/bank over the application store. */
export class MemoryBankKeeper implements BankKeeper {
  private readonly blocked: ReadonlySet<string>;

  constructor(opts: MemoryBankOptions = {}) {
    this.blocked = new Set(opts.blockedAddrs ?? []);
  }

  isBlockedAddr(addr: string): boolean {
    return this.blocked.has(addr);
  }

  getBalance(ctx: StoreContext, addr: string, denom: string): Coin {
    const raw = ctx.store.get(balanceKey(addr, denom));
    return { denom, amount: raw === undefined ? '0' : decoder.decode(raw) };
  }

  getAllBalances(ctx: StoreContext, addr: string): Coin[] {
    const prefix = encoder.encode(`bank/balances/${addr}/`);
    const out: Coin[] = [];
    for (const [k, v] of ctx.store.iterator(prefix, prefixEnd(prefix))) {
      out.push({ denom: decoder.decode(k.subarray(prefix.length)), amount: decoder.decode(v) });
    }
    return out;
  }

  /** Credits `amount` to `addr` out of thin air (genesis / faucet). */
  mint(ctx: StoreContext, addr: string, amount: readonly Coin[]): void {
    for (const c of amount)
      this.setBalance(
        ctx,
        addr,
        c.denom,
        BigInt(this.getBalance(ctx, addr, c.denom).amount) + BigInt(c.amount),
      );
  }

  sendCoins(ctx: StoreContext, from: string, to: string, amount: readonly Coin[]): void {
    if (amount.length === 0) return;
    validateCoins(amount);
    // check everything before writing anything, so a failure leaves no partial transfer
    for (const c of amount) {
      const have = BigInt(this.getBalance(ctx, from, c.denom).amount);
      if (have < BigInt(c.amount)) {
        throw computeError(
          SdkErrors.InsufficientFunds,
          `spendable balance ${have}${c.denom} is smaller than ${c.amount}${c.denom}`,
        );
      }
    }
    for (const c of amount) {
      const a = BigInt(c.amount);
      this.setBalance(ctx, from, c.denom, BigInt(this.getBalance(ctx, from, c.denom).amount) - a);
      this.setBalance(ctx, to, c.denom, BigInt(this.getBalance(ctx, to, c.denom).amount) + a);
    }
    const amt = coinsToString(amount);
    ctx.emit({
      type: 'coin_spent',
      attributes: [
        { key: 'spender', value: from },
        { key: 'amount', value: amt },
      ],
    });
    ctx.emit({
      type: 'coin_received',
      attributes: [
        { key: 'receiver', value: to },
        { key: 'amount', value: amt },
      ],
    });
    ctx.emit({
      type: 'transfer',
      attributes: [
        { key: 'recipient', value: to },
        { key: 'sender', value: from },
        { key: 'amount', value: amt },
      ],
    });
  }

  private setBalance(ctx: StoreContext, addr: string, denom: string, amount: bigint): void {
    if (amount === 0n) ctx.store.delete(balanceKey(addr, denom));
    else ctx.store.set(balanceKey(addr, denom), encoder.encode(amount.toString()));
  }
}
