/** Default account registry for a local chain: account existence markers under `acc/` in the application store. */
import type { AccountKeeper, StoreContext } from './expected-keepers.js';

const encoder = new TextEncoder();

function accountKey(addr: string): Uint8Array {
  return encoder.encode(`acc/${addr}`);
}

/** Tracks which addresses have accounts (x/auth's `HasAccount`/`NewAccountWithAddress`). */
export class MemoryAccountKeeper implements AccountKeeper {
  hasAccount(ctx: StoreContext, addr: string): boolean {
    return ctx.store.has(accountKey(addr));
  }

  createAccount(ctx: StoreContext, addr: string): void {
    ctx.store.set(accountKey(addr), new Uint8Array(0));
  }
}
