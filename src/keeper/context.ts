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

/**
 * The one context implementation: a class, so `emit` is a shared prototype method instead of a closure allocated
 * for every context (a tx creates several: root, cache contexts, sub-message contexts).
 */
class Context implements KeeperContext {
  readonly tx?: TxInfo;

  constructor(
    readonly store: KVStore,
    readonly gasMeter: GasMeter,
    readonly eventManager: EventManager,
    readonly block: BlockInfo,
    tx: TxInfo | undefined,
    readonly callDepth: number,
    readonly txState: TxState,
  ) {
    if (tx !== undefined) this.tx = tx;
  }

  emit(event: SdkEvent): void {
    this.eventManager.events.push(event);
  }
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
  return new Context(store, gasMeter, eventManager, block, tx, callDepth, txState);
}

/** A root context (depth 0, fresh event manager and tx state) without an options object: the per-tx path. */
export function rootContext(
  store: KVStore,
  gasMeter: GasMeter,
  block: BlockInfo,
  tx?: TxInfo,
): KeeperContext {
  return new Context(store, gasMeter, new EventManager(), block, tx, 0, { lastMsgMarker: false });
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
  return new CacheContext(sub, branch);
}

/** What {@link cacheContext} returns (a class: no closure per sub-context). */
class CacheContext {
  constructor(
    readonly ctx: KeeperContext,
    readonly branch: CacheStore,
  ) {}

  commit(): void {
    this.branch.write();
  }
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
