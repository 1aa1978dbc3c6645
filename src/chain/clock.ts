/**
 * The LocalChain's block clock: height and time advance only when the test author says so (`nextBlock`), so
 * runs are reproducible. The block random is HMAC(network seed, chain id ‖ height): stable for a chain, and not
 * guessable by contract users who lack the seed (a real chain gets it from the enclave, spec §2.11).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

import type { BlockContext, BlockInfo } from '../keeper/index.js';

const encoder = new TextEncoder();

/** What `chain.block` returns. */
export interface BlockView {
  readonly height: number;
  readonly time: Date;
}

const NANOS_PER_MS = 1_000_000n;

function be64(n: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n);
  return b;
}

/** A block source the chain advances explicitly. */
export class ChainClock implements BlockContext {
  private info: BlockInfo;

  constructor(
    readonly chainId: string,
    private readonly randomKey: Uint8Array,
    height: bigint,
    timeNanos: bigint,
  ) {
    this.info = this.make(height, timeNanos);
  }

  private make(height: bigint, timeNanos: bigint): BlockInfo {
    const random = hmac(
      sha256,
      this.randomKey,
      Uint8Array.from([...encoder.encode(this.chainId), ...be64(height)]),
    );
    return { chainId: this.chainId, height, timeNanos, random };
  }

  current(): BlockInfo {
    return this.info;
  }

  /** Public view: height as a number, time as a Date (millisecond precision). */
  view(): BlockView {
    return { height: Number(this.info.height), time: new Date(Number(this.info.timeNanos / NANOS_PER_MS)) };
  }

  /** Moves to the next height, `seconds` later. */
  advance(seconds: number): BlockInfo {
    const nanos = BigInt(Math.round(seconds * 1000)) * NANOS_PER_MS;
    this.info = this.make(this.info.height + 1n, this.info.timeNanos + nanos);
    return this.info;
  }
}

/** Unix nanoseconds of a Date. */
export function dateToNanos(d: Date): bigint {
  return BigInt(d.getTime()) * NANOS_PER_MS;
}
