import { BranchStore } from './cache-store.js';
import type { GasMeter } from './gas-meter.js';
import {
  BaseIterator,
  type CacheStore,
  type KVEntry,
  type KVIterator,
  type KVStore,
  type Order,
} from './kv-store.js';

/**
 * Per-operation KV gas costs (Cosmos SDK store/types/gas.go `GasConfig`). All integers; SDK gas units.
 */
export interface KVGasConfig {
  readonly hasCost: number;
  readonly deleteCost: number;
  readonly readCostFlat: number;
  readonly readCostPerByte: number;
  readonly writeCostFlat: number;
  readonly writeCostPerByte: number;
  readonly iterNextCostFlat: number;
}

/** Cosmos SDK `KVGasConfig()` (store/types/gas.go), used by every module store including x/compute's. */
export const KV_GAS_CONFIG: KVGasConfig = Object.freeze({
  hasCost: 1000,
  deleteCost: 1000,
  readCostFlat: 1000,
  readCostPerByte: 3,
  writeCostFlat: 2000,
  writeCostPerByte: 30,
  iterNextCostFlat: 30,
});

/** Gas descriptors exactly as the SDK names them (store/types/gas.go), reported in out-of-gas errors. */
export const GAS_DESCRIPTORS = Object.freeze({
  has: 'Has',
  delete: 'Delete',
  readFlat: 'ReadFlat',
  readPerByte: 'ReadPerByte',
  writeFlat: 'WriteFlat',
  writePerByte: 'WritePerByte',
  iterNextFlat: 'IterNextFlat',
  valuePerByte: 'ValuePerByte',
});

/**
 * Charges a {@link GasMeter} for every access to `parent`, in the same order and amounts as Cosmos SDK
 * `store/gaskv`: a read charges the flat cost before reading, then per byte of key and of value; a write
 * charges everything before writing (so running out of gas never leaves a write behind); iterators charge per
 * element as the SDK's `gasIterator` (the first element is charged at creation and again when consumed).
 */
export class GasKVStore implements KVStore {
  constructor(
    private readonly parent: KVStore,
    /** The meter charged; exposed so callers can read consumption. */
    readonly meter: GasMeter,
    private readonly config: KVGasConfig = KV_GAS_CONFIG,
  ) {}

  get(key: Uint8Array): Uint8Array | undefined {
    return meteredGet(this.parent, key, key, this.meter, this.config);
  }

  has(key: Uint8Array): boolean {
    this.meter.consumeGas(this.config.hasCost, GAS_DESCRIPTORS.has);
    return this.parent.has(key);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.meter.consumeGas(this.config.writeCostFlat, GAS_DESCRIPTORS.writeFlat);
    this.meter.consumeGas(this.config.writeCostPerByte * key.length, GAS_DESCRIPTORS.writePerByte);
    this.meter.consumeGas(this.config.writeCostPerByte * value.length, GAS_DESCRIPTORS.writePerByte);
    this.parent.set(key, value);
  }

  delete(key: Uint8Array): void {
    this.meter.consumeGas(this.config.deleteCost, GAS_DESCRIPTORS.delete);
    this.parent.delete(key);
  }

  iterator(start?: Uint8Array, end?: Uint8Array, order: Order = 'ascending'): KVIterator {
    return new GasIterator(this.parent.iterator(start, end, order), this.meter, this.config);
  }

  branch(): CacheStore {
    return new BranchStore(this);
  }
}

/**
 * One read charged as {@link GasKVStore.get} charges it: the flat cost before the read, then per byte of `key` and
 * of the value. The read asks `parent` for `lookup`: `key` itself, or `key` under a prefix the caller applied in
 * the same step (charged for the unprefixed `key`, as a GasKVStore over a PrefixStore charges).
 */
export function meteredGet(
  parent: Pick<KVStore, 'get'>,
  lookup: Uint8Array,
  key: Uint8Array,
  meter: GasMeter,
  config: KVGasConfig = KV_GAS_CONFIG,
): Uint8Array | undefined {
  meter.consumeGas(config.readCostFlat, GAS_DESCRIPTORS.readFlat);
  const value = parent.get(lookup);
  meter.consumeGas(config.readCostPerByte * key.length, GAS_DESCRIPTORS.readPerByte);
  meter.consumeGas(config.readCostPerByte * (value?.length ?? 0), GAS_DESCRIPTORS.readPerByte);
  return value;
}

/**
 * SDK `gasIterator`: holds the current element (loaded at creation, like an SDK iterator positioned on its
 * first element). `consumeSeekGas` charges the current element's bytes (if any) plus the flat step cost; it runs
 * once at creation and once per `Next()`, before moving. At the end nothing is charged (wasmvm checks `Valid()`
 * first and does not call `Next()`).
 */
class GasIterator extends BaseIterator {
  private current: KVEntry | undefined;

  constructor(
    private readonly inner: KVIterator,
    private readonly meter: GasMeter,
    private readonly config: KVGasConfig,
  ) {
    super();
    this.current = this.pull();
    this.consumeSeekGas();
  }

  private pull(): KVEntry | undefined {
    const r = this.inner.next();
    return r.done === true ? undefined : r.value;
  }

  private consumeSeekGas(): void {
    const cur = this.current;
    if (cur !== undefined) {
      this.meter.consumeGas(this.config.readCostPerByte * cur[0].length, GAS_DESCRIPTORS.valuePerByte);
      this.meter.consumeGas(this.config.readCostPerByte * cur[1].length, GAS_DESCRIPTORS.valuePerByte);
    }
    this.meter.consumeGas(this.config.iterNextCostFlat, GAS_DESCRIPTORS.iterNextFlat);
  }

  protected fetch(): KVEntry | undefined {
    const cur = this.current;
    if (cur === undefined) return undefined;
    this.consumeSeekGas();
    this.current = this.pull();
    return cur;
  }

  override close(): void {
    super.close();
    this.inner.close();
  }
}
