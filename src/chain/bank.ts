/**
 * The LocalChain's bank: the keeper's {@link MemoryBankKeeper} (one bank, one set of x/bank rules and events
 * for MsgSend, contract sends and deposits), plus the helpers LocalChain needs outside a transaction — reads
 * on a plain store and the test faucet that sets balances.
 */
import type { StoreContext } from '../keeper/index.js';
import {
  type Coin,
  coinsToString,
  computeError,
  MemoryBankKeeper,
  SdkErrors,
  validateCoins,
} from '../keeper/index.js';
import { InfiniteGasMeter, type KVStore, prefixEnd } from '../state/index.js';

const encoder = new TextEncoder();

/** Where MemoryBankKeeper keeps an address's balances (`bank/balances/<addr>/<denom>`). */
function balancePrefix(addr: string): Uint8Array {
  return encoder.encode(`bank/balances/${addr}/`);
}

/** A context for reads and faucet writes outside a tx: no gas, no events. */
function plainContext(store: KVStore): StoreContext {
  return { store, gasMeter: new InfiniteGasMeter(), emit: () => undefined };
}

/** x/bank over the application store ({@link MemoryBankKeeper}) with plain-store helpers for genesis and tests. */
export class ChainBank extends MemoryBankKeeper {
  /** Balance of one denom (`"0"` when none). */
  balance(store: KVStore, addr: string, denom: string): Coin {
    return this.getBalance(plainContext(store), addr, denom);
  }

  /** All non-zero balances, sorted by denom. */
  balances(store: KVStore, addr: string): Coin[] {
    return this.getAllBalances(plainContext(store), addr);
  }

  /**
   * Replaces the balances of `addr` by `coins` (genesis / test setup, like a faucet that can also take away).
   * Denoms not listed are set to zero. Validates every coin before writing anything.
   */
  setBalances(store: KVStore, addr: string, coins: readonly Coin[]): void {
    const sorted = ChainBank.checkBalances(coins);
    const prefix = balancePrefix(addr);
    const old = [...store.iterator(prefix, prefixEnd(prefix))].map(([k]) => k);
    for (const k of old) store.delete(k);
    this.mint(plainContext(store), addr, sorted);
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
}
