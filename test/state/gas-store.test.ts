import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  BasicGasMeter,
  GasKVStore,
  InfiniteGasMeter,
  KV_GAS_CONFIG,
  MAX_GAS,
  MemoryStore,
  meteredGet,
  OutOfGasError,
  PrefixStore,
} from '../../src/state/index.js';

const k = (n: number) => new Uint8Array(n).fill(1);

describe('KV_GAS_CONFIG', () => {
  it('is the Cosmos SDK KVGasConfig (store/types/gas.go)', () => {
    assert.deepEqual(
      { ...KV_GAS_CONFIG },
      {
        hasCost: 1000,
        deleteCost: 1000,
        readCostFlat: 1000,
        readCostPerByte: 3,
        writeCostFlat: 2000,
        writeCostPerByte: 30,
        iterNextCostFlat: 30,
      },
    );
  });
});

describe('GasKVStore', () => {
  it('charges get = 1000 + 3 per key byte + 3 per value byte (0 for a miss)', () => {
    const meter = new InfiniteGasMeter();
    const store = new GasKVStore(new MemoryStore([[k(4), k(10)]]), meter);
    store.get(k(4));
    assert.equal(meter.consumed, 1000n + 12n + 30n);
    store.get(k(5));
    assert.equal(meter.consumed, 1042n + 1000n + 15n);
  });

  it('charges set = 2000 + 30 per key and value byte, has and delete 1000 flat', () => {
    const meter = new InfiniteGasMeter();
    const store = new GasKVStore(new MemoryStore(), meter);
    store.set(k(3), k(7));
    assert.equal(meter.consumed, 2000n + 300n);
    store.has(k(3));
    store.delete(k(3));
    assert.equal(meter.consumed, 2300n + 2000n);
  });

  it('charges iteration like the SDK gasIterator: first element at creation and again when taken', () => {
    const meter = new InfiniteGasMeter();
    const store = new GasKVStore(
      new MemoryStore([
        [Uint8Array.of(1), k(2)],
        [Uint8Array.of(2), k(4)],
      ]),
      meter,
    );
    const it = store.iterator();
    // creation: 3*(1+2) + 30
    assert.equal(meter.consumed, 39n);
    it.next();
    assert.equal(meter.consumed, 39n + 39n);
    it.next();
    assert.equal(meter.consumed, 78n + 3n * 5n + 30n);
    // end of iteration costs nothing (wasmvm checks Valid() before Next()).
    assert.equal(it.next().done, true);
    assert.equal(meter.consumed, 123n);
    const meter2 = new InfiniteGasMeter();
    new GasKVStore(new MemoryStore(), meter2).iterator();
    assert.equal(meter2.consumed, 30n);
  });

  it('throws OutOfGasError with the SDK descriptor and never writes when the write charge fails', () => {
    const base = new MemoryStore();
    const meter = new BasicGasMeter(2000 + 30 * 4);
    const store = new GasKVStore(base, meter);
    assert.throws(
      () => store.set(k(2), k(3)),
      (e: unknown) =>
        e instanceof OutOfGasError &&
        e.code === 'OUT_OF_GAS' &&
        e.descriptor === 'WritePerByte' &&
        e.name === 'OutOfGasError',
    );
    assert.equal(base.size, 0);
    assert.equal(meter.consumed, 2000n + 60n + 90n);
    assert.equal(meter.consumedToLimit(), 2120n);
    assert.equal(meter.isPastLimit(), true);
    assert.throws(() => new GasKVStore(base, new BasicGasMeter(999)).get(k(1)), {
      name: 'OutOfGasError',
      descriptor: 'ReadFlat',
    });
  });
});

describe('meteredGet', () => {
  it('charges and fails exactly as a GasKVStore over a PrefixStore, reading the prefixed key', () => {
    const root = new MemoryStore();
    const prefix = Uint8Array.of(0x03, 7, 7);
    new PrefixStore(root, prefix).set(k(5), k(9));
    const outcome = (f: () => Uint8Array | undefined, meter: BasicGasMeter) => {
      try {
        return { value: f(), consumed: meter.consumed };
      } catch (e) {
        return { error: e instanceof OutOfGasError ? e.message : String(e), consumed: meter.consumed };
      }
    };
    const full = 1000 + 3 * 5 + 3 * 9;
    for (const key of [k(5), k(4)]) {
      for (let limit = 0; limit <= full + 1; limit++) {
        const m1 = new BasicGasMeter(limit);
        const m2 = new BasicGasMeter(limit);
        const layered = outcome(() => new GasKVStore(new PrefixStore(root, prefix), m1).get(key), m1);
        const lookup = new Uint8Array([...prefix, ...key]);
        const direct = outcome(() => meteredGet(root, lookup, key, m2), m2);
        assert.deepEqual(direct, layered, `limit ${limit}`);
      }
    }
  });
});

describe('BasicGasMeter', () => {
  it('counts in bigint, is exactly at the limit without error, and reports remaining', () => {
    const m = new BasicGasMeter(100n);
    m.consumeGas(60, 'a');
    m.consumeGas(40n, 'b');
    assert.equal(m.isOutOfGas(), true);
    assert.equal(m.isPastLimit(), false);
    assert.equal(m.remaining(), 0n);
    m.refundGas(10, 'r');
    assert.equal(m.remaining(), 10n);
    assert.throws(() => m.consumeGas(11, 'c'), { name: 'OutOfGasError', descriptor: 'c' });
  });

  it('rejects non-integer, negative and unsafe amounts, over-refunds, and uint64 overflow', () => {
    const m = new InfiniteGasMeter();
    assert.throws(() => m.consumeGas(1.5, 'x'), { name: 'StateError', code: 'INVALID_ARGUMENT' });
    assert.throws(() => m.consumeGas(-1, 'x'), { name: 'StateError', code: 'INVALID_ARGUMENT' });
    assert.throws(() => m.consumeGas(2 ** 53, 'x'), { name: 'StateError', code: 'INVALID_ARGUMENT' });
    assert.throws(() => m.refundGas(1, 'x'), { name: 'StateError', code: 'INVALID_ARGUMENT' });
    m.consumeGas(MAX_GAS - 1n, 'x');
    assert.throws(() => m.consumeGas(2, 'y'), { name: 'StateError', code: 'GAS_OVERFLOW' });
    assert.equal(m.consumed, MAX_GAS);
  });
});
