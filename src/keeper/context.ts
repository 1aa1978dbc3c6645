/**
 * The keeper's `sdk.Context`: current state branch, gas meter, event manager, block and tx facts, call depth.
 * Contexts are immutable values; `cacheContext` mirrors `ctx.CacheContext()` (a store branch plus a fresh event
 * manager, committed explicitly).
 */
import type { CacheStore, GasMeter, KVStore } from '../state/index.js';
import type { BlockInfo, SdkEvent, StoreContext, TxInfo } from './expected-keepers.js';

/** Collects events in emission order (`sdk.EventManager`). */
export class EventManager {
  readonly events: SdkEvent[] = [];

  emit(event: SdkEvent): void {
    this.events.push(event);
  }

  emitAll(events: readonly SdkEvent[]): void {
    for (const e of events) this.events.push(e);
  }
}

/** Everything a keeper call needs. */
export interface KeeperContext extends StoreContext {
  readonly eventManager: EventManager;
  readonly block: BlockInfo;
  /** Absent outside transactions (gRPC queries). */
  readonly tx?: TxInfo;
  /** Nesting level of message dispatch (0 for the top-level message). */
  readonly callDepth: number;
  /** Per-transaction mutable state shared by every sub-context (not part of the store, as in Go). */
  readonly txState: TxState;
}

/** Per-transaction flags (Secret's `LastMsgMarkerContainer`). */
export interface TxState {
  /** Set by `finalize_tx`: no further messages may be dispatched in this tx. */
  lastMsgMarker: boolean;
}

/** Creates a root context. */
export function createContext(opts: {
  store: KVStore;
  gasMeter: GasMeter;
  block: BlockInfo;
  tx?: TxInfo;
  eventManager?: EventManager;
}): KeeperContext {
  return makeContext(
    opts.store,
    opts.gasMeter,
    opts.eventManager ?? new EventManager(),
    opts.block,
    opts.tx,
    0,
    {
      lastMsgMarker: false,
    },
  );
}

function makeContext(
  store: KVStore,
  gasMeter: GasMeter,
  eventManager: EventManager,
  block: BlockInfo,
  tx: TxInfo | undefined,
  callDepth: number,
  txState: TxState,
): KeeperContext {
  return {
    txState,
    store,
    gasMeter,
    eventManager,
    block,
    ...(tx === undefined ? {} : { tx }),
    callDepth,
    emit: (event: SdkEvent) => {
      eventManager.emit(event);
    },
  };
}

/** `ctx.CacheContext()` with a fresh event manager: writes reach `ctx.store` only on `commit()`. */
export function cacheContext(ctx: KeeperContext): { ctx: KeeperContext; branch: CacheStore; commit(): void } {
  const branch = ctx.store.branch();
  const sub = makeContext(
    branch,
    ctx.gasMeter,
    new EventManager(),
    ctx.block,
    ctx.tx,
    ctx.callDepth,
    ctx.txState,
  );
  return {
    ctx: sub,
    branch,
    commit: () => {
      branch.write();
    },
  };
}

/** Same context with another gas meter. */
export function withGasMeter(ctx: KeeperContext, gasMeter: GasMeter): KeeperContext {
  return makeContext(ctx.store, gasMeter, ctx.eventManager, ctx.block, ctx.tx, ctx.callDepth, ctx.txState);
}

/** Same context at another dispatch depth. */
export function withCallDepth(ctx: KeeperContext, callDepth: number): KeeperContext {
  return makeContext(ctx.store, ctx.gasMeter, ctx.eventManager, ctx.block, ctx.tx, callDepth, ctx.txState);
}

/** Same context over another store (e.g. a read-only query branch). */
export function withStore(ctx: KeeperContext, store: KVStore): KeeperContext {
  return makeContext(store, ctx.gasMeter, ctx.eventManager, ctx.block, ctx.tx, ctx.callDepth, ctx.txState);
}
