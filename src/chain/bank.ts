/**
 * The LocalChain's bank module: balances in the application store under `bank/balances/<addr>/<denom>` (the
 * layout of the keeper's default bank, so state written by either reads the same), moved only inside the
 * transaction's branch so a failed message never leaves a partial transfer. Error texts follow x/bank.
 */
import type { BankKeeper, Coin, StoreContext } from '../keeper/index.js';
import { coinsToString, computeError, SdkErrors, validateCoins } from '../keeper/index.js';
import { type KVStore, prefixEnd } from '../state/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function balanceKey(addr: string, denom: string): Uint8Array {
  return encoder.encode(`bank/balances/${addr}/${denom}`);
}

function balancePrefix(addr: string): Uint8Array {
  return encoder.encode(`bank/balances/${addr}/`);
}

/** x/bank over the application store. Read/write helpers take a plain store for genesis and test setup. */
export class ChainBank implements BankKeeper {
  constructor(private readonly blocked: ReadonlySet<string> = new Set()) {}

  isBlockedAddr(addr: string): boolean {
    return this.blocked.has(addr);
  }

  getBalance(ctx: StoreContext, addr: string, denom: string): Coin {
    return this.balance(ctx.store, addr, denom);
  }

  getAllBalances(ctx: StoreContext, addr: string): Coin[] {
    return this.balances(ctx.store, addr);
  }

  sendCoins(ctx: StoreContext, from: string, to: string, amount: readonly Coin[]): void {
    if (amount.length === 0) return;
    validateCoins(amount);
    // check everything before writing anything, so a failure leaves no partial transfer
    for (const c of amount) {
      const have = BigInt(this.balance(ctx.store, from, c.denom).amount);
      if (have < BigInt(c.amount)) {
        throw computeError(
          SdkErrors.InsufficientFunds,
          `spendable balance ${have}${c.denom} is smaller than ${c.amount}${c.denom}`,
        );
      }
    }
    for (const c of amount) {
      const a = BigInt(c.amount);
      this.write(ctx.store, from, c.denom, BigInt(this.balance(ctx.store, from, c.denom).amount) - a);
      this.write(ctx.store, to, c.denom, BigInt(this.balance(ctx.store, to, c.denom).amount) + a);
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

  /** Balance of one denom (`"0"` when none). */
  balance(store: KVStore, addr: string, denom: string): Coin {
    const raw = store.get(balanceKey(addr, denom));
    return { denom, amount: raw === undefined ? '0' : decoder.decode(raw) };
  }

  /** All non-zero balances, sorted by denom. */
  balances(store: KVStore, addr: string): Coin[] {
    const prefix = balancePrefix(addr);
    const out: Coin[] = [];
    for (const [k, v] of store.iterator(prefix, prefixEnd(prefix))) {
      out.push({ denom: decoder.decode(k.subarray(prefix.length)), amount: decoder.decode(v) });
    }
    return out;
  }

  /**
   * Replaces the balances of `addr` by `coins` (genesis / test setup, like a faucet that can also take away).
   * Denoms not listed are set to zero. Validates every coin before writing anything.
   */
  setBalances(store: KVStore, addr: string, coins: readonly Coin[]): void {
    const sorted = ChainBank.checkBalances(coins);
    for (const c of this.balances(store, addr)) this.write(store, addr, c.denom, 0n);
    for (const c of sorted) this.write(store, addr, c.denom, BigInt(c.amount));
  }

  /**
   * Validates coins for {@link setBalances} (valid denoms, decimal amounts, zero allowed, no duplicates) and
   * returns them sorted by denom. Throws `<coins>: invalid coins`.
   */
  static checkBalances(coins: readonly Coin[]): Coin[] {
    const sorted = [...coins].sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
    for (const c of sorted) {
      if (typeof c.amount !== 'string' || !/^\d+$/.test(c.amount)) {
        throw computeError(SdkErrors.InvalidCoins, coinsToString(coins));
      }
    }
    validateCoins(sorted.filter((c) => BigInt(c.amount) !== 0n));
    return sorted;
  }

  private write(store: KVStore, addr: string, denom: string, amount: bigint): void {
    if (amount === 0n) store.delete(balanceKey(addr, denom));
    else store.set(balanceKey(addr, denom), encoder.encode(amount.toString()));
  }
}
