import { OutOfGasError, StateError } from './errors.js';

/** Largest uint64, the Cosmos SDK's `math.MaxUint64` ceiling for gas. */
export const MAX_GAS = (1n << 64n) - 1n;

/**
 * A deterministic gas counter in Cosmos SDK units (store/types/gas.go `GasMeter`). All arithmetic is bigint
 * on uint64 semantics; numbers are accepted as input only when they are safe non-negative integers.
 */
export interface GasMeter {
  /** Gas consumed so far; may exceed `limit` after an {@link OutOfGasError} (as in the SDK). */
  readonly consumed: bigint;
  /** The limit; {@link MAX_GAS} for an infinite meter. */
  readonly limit: bigint;
  /** Adds `amount`; throws {@link OutOfGasError} when the total passes the limit. */
  consumeGas(amount: bigint | number, descriptor: string): void;
  /** Subtracts `amount`; throws `StateError('INVALID_ARGUMENT')` if more than consumed (SDK panics). */
  refundGas(amount: bigint | number, descriptor: string): void;
  /** `limit - consumed`, or 0 when past the limit. */
  remaining(): bigint;
  /** `min(consumed, limit)`: what a failed tx reports as used. */
  consumedToLimit(): bigint;
  /** `consumed > limit`. */
  isPastLimit(): boolean;
  /** `consumed >= limit`. */
  isOutOfGas(): boolean;
}

/** Converts and validates a gas amount. */
export function toGas(amount: bigint | number, what = 'gas amount'): bigint {
  if (typeof amount === 'bigint') {
    if (amount < 0n || amount > MAX_GAS)
      throw new StateError('INVALID_ARGUMENT', `${what} must be a uint64, got ${amount}`);
    return amount;
  }
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
    throw new StateError(
      'INVALID_ARGUMENT',
      `${what} must be a non-negative safe integer, got ${String(amount)}`,
    );
  }
  return BigInt(amount);
}

/** SDK `basicGasMeter`: counts up to a fixed limit. */
export class BasicGasMeter implements GasMeter {
  readonly limit: bigint;
  private used = 0n;

  constructor(limit: bigint | number) {
    this.limit = toGas(limit, 'gas limit');
  }

  get consumed(): bigint {
    return this.used;
  }

  consumeGas(amount: bigint | number, descriptor: string): void {
    const next = this.used + toGas(amount);
    if (next > MAX_GAS) {
      this.used = MAX_GAS;
      throw new StateError('GAS_OVERFLOW', `gas overflow in location: ${descriptor}`);
    }
    this.used = next;
    if (next > this.limit) throw new OutOfGasError(descriptor);
  }

  refundGas(amount: bigint | number, descriptor: string): void {
    const a = toGas(amount);
    if (a > this.used)
      throw new StateError(
        'INVALID_ARGUMENT',
        `negative gas consumed after refund in location: ${descriptor}`,
      );
    this.used -= a;
  }

  remaining(): bigint {
    return this.used >= this.limit ? 0n : this.limit - this.used;
  }

  consumedToLimit(): bigint {
    return this.used > this.limit ? this.limit : this.used;
  }

  isPastLimit(): boolean {
    return this.used > this.limit;
  }

  isOutOfGas(): boolean {
    return this.used >= this.limit;
  }
}

/** SDK `infiniteGasMeter`: counts without a limit (overflow of uint64 is still an error). */
export class InfiniteGasMeter extends BasicGasMeter {
  constructor() {
    super(MAX_GAS);
  }

  override remaining(): bigint {
    return MAX_GAS;
  }

  override isPastLimit(): boolean {
    return false;
  }

  override isOutOfGas(): boolean {
    return false;
  }
}
