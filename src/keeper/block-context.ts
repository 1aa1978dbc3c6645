/** Default block source for a local chain: a clock the embedder advances explicitly. */
import { sha256 } from '@noble/hashes/sha2.js';

import type { BlockContext, BlockInfo } from './expected-keepers.js';
import { be64, concatBytes } from './keys.js';

/** Options of {@link LocalBlockContext}. */
export interface LocalBlockOptions {
  readonly chainId?: string;
  readonly height?: bigint;
  /** Unix nanoseconds of the first block. */
  readonly timeNanos?: bigint;
  /** Added to the time on every `nextBlock()` (default 5 s). */
  readonly blockTimeNanos?: bigint;
}

/**
 * A deterministic local chain clock. Its per-block random is `SHA256("secret-compute/local-random" ‖ chainId ‖
 * BE64(height))`: reproducible, and NOT secret — a real chain gets the random from the enclave (spec §2.11).
 */
export class LocalBlockContext implements BlockContext {
  private block: BlockInfo;
  private readonly step: bigint;

  constructor(opts: LocalBlockOptions = {}) {
    this.step = opts.blockTimeNanos ?? 5_000_000_000n;
    this.block = LocalBlockContext.make(
      opts.chainId ?? 'secret-local-1',
      opts.height ?? 1n,
      opts.timeNanos ?? 1_700_000_000_000_000_000n,
    );
  }

  private static make(chainId: string, height: bigint, timeNanos: bigint): BlockInfo {
    const random = sha256(
      concatBytes(new TextEncoder().encode(`secret-compute/local-random${chainId}`), be64(height)),
    );
    return { chainId, height, timeNanos, random };
  }

  current(): BlockInfo {
    return this.block;
  }

  /** Advances to the next block and returns it. */
  nextBlock(): BlockInfo {
    this.block = LocalBlockContext.make(
      this.block.chainId,
      this.block.height + 1n,
      this.block.timeNanos + this.step,
    );
    return this.block;
  }
}
