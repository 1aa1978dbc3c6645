/** In-memory contract storage for runtime tests (cosmwasm_vm::testing::MockStorage). */
// sorted-btree is CommonJS with `exports.default = BTree`; under node's ESM loader the class sits at `.default`.
import sortedBtree from 'sorted-btree';

import type { GasInfo, Storage } from '../runtime/backend.js';
import { NO_GAS } from '../runtime/backend.js';

/** Gas a {@link MemoryStorage} reports per operation. */
export interface StorageGasModel {
  get(key: Uint8Array, value: Uint8Array | undefined): GasInfo;
  set(key: Uint8Array, value: Uint8Array): GasInfo;
  remove(key: Uint8Array): GasInfo;
}

/** Reports no gas (the default). */
export const FREE_STORAGE_GAS: StorageGasModel = {
  get: () => NO_GAS,
  set: () => NO_GAS,
  remove: () => NO_GAS,
};

/** CosmWasm MockStorage's figures: externally used = key length (get/remove), key + value length (set). */
export const COSMWASM_MOCK_STORAGE_GAS: StorageGasModel = {
  get: (k) => ({ cost: 0n, externallyUsed: BigInt(k.length) }),
  set: (k, v) => ({ cost: 0n, externallyUsed: BigInt(k.length + v.length) }),
  remove: (k) => ({ cost: 0n, externallyUsed: BigInt(k.length) }),
};

const BTree = sortedBtree.default;

function hexKey(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex');
}

/** Ordered key-value storage (byte order); copies on the way in and out. */
export class MemoryStorage implements Storage {
  private readonly tree = new BTree<string, Uint8Array>();

  constructor(private readonly gas: StorageGasModel = FREE_STORAGE_GAS) {}

  get(key: Uint8Array): { value: Uint8Array | undefined; gas: GasInfo } {
    const v = this.tree.get(hexKey(key));
    return { value: v?.slice(), gas: this.gas.get(key, v) };
  }

  set(key: Uint8Array, value: Uint8Array): GasInfo {
    this.tree.set(hexKey(key), value.slice());
    return this.gas.set(key, value);
  }

  remove(key: Uint8Array): GasInfo {
    this.tree.delete(hexKey(key));
    return this.gas.remove(key);
  }

  /** Number of entries. */
  get size(): number {
    return this.tree.size;
  }

  /** All entries in key byte order (for assertions). */
  entries(): [Uint8Array, Uint8Array][] {
    return this.tree.toArray().map(([k, v]) => [Uint8Array.from(Buffer.from(k, 'hex')), v.slice()]);
  }
}
