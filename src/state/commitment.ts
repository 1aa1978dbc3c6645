import { createHash, type Hash } from 'node:crypto';

import { StateError } from './errors.js';
import { compareBytes } from './kv-store.js';

/** Domain-separation prefix of every commitment, versioned so the scheme can change without ambiguity. */
export const COMMITMENT_DOMAIN = new TextEncoder().encode('secret-compute/state/v1');

/** Commitment of the empty state before block 1: 32 zero bytes. */
export const GENESIS_COMMITMENT: Uint8Array = new Uint8Array(32);

/** One change of a block: a set (`value` defined) or a delete (`value` undefined). */
export type Change = readonly [key: Uint8Array, value: Uint8Array | undefined];

function le32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/**
 * Running state commitment, O(changes) per block:
 *
 * `hash_N = SHA-256(DOMAIN ‖ hash_{N-1} ‖ LE64(N) ‖ change_1 ‖ … ‖ change_m)` with the block's net changes in
 * strictly ascending key order, each `0x01 ‖ LE32(|k|) ‖ k ‖ LE32(|v|) ‖ v` (set) or `0x00 ‖ LE32(|k|) ‖ k`
 * (delete). Every entry is length-delimited, so the encoding is injective; the chain makes `hash_N` a function
 * of the whole history, hence of the state, for nodes that started from the same genesis.
 *
 * A delete of a key that did not exist is still recorded (it is part of the block's write set on every node,
 * since all nodes execute the same writes). Not a Merkle tree: it proves equality, not membership.
 */
export class CommitmentBuilder {
  private readonly hash: Hash;
  private last: Uint8Array | undefined;

  constructor(previous: Uint8Array, height: bigint) {
    if (!(previous instanceof Uint8Array) || previous.length !== 32) {
      throw new StateError('INVALID_ARGUMENT', 'previous commitment expected Uint8Array of length 32');
    }
    if (height < 0n || height >= 1n << 64n)
      throw new StateError('INVALID_ARGUMENT', 'height must be a uint64');
    const h = Buffer.allocUnsafe(8);
    h.writeBigUInt64LE(height, 0);
    this.hash = createHash('sha256').update(COMMITMENT_DOMAIN).update(previous).update(h);
  }

  /** Adds the next change; keys must be strictly ascending. */
  add(key: Uint8Array, value: Uint8Array | undefined): void {
    if (this.last !== undefined && compareBytes(this.last, key) >= 0) {
      throw new StateError('INVALID_ARGUMENT', 'changes must be in strictly ascending key order');
    }
    this.last = key;
    this.hash
      .update(value === undefined ? ZERO : ONE)
      .update(le32(key.length))
      .update(key);
    if (value !== undefined) this.hash.update(le32(value.length)).update(value);
  }

  /** The 32-byte commitment. */
  digest(): Uint8Array {
    return new Uint8Array(this.hash.digest());
  }
}

const ZERO = Buffer.of(0);
const ONE = Buffer.of(1);

/** Convenience form of {@link CommitmentBuilder} over a whole changeset. */
export function computeCommitment(
  previous: Uint8Array,
  height: bigint,
  changes: Iterable<Change>,
): Uint8Array {
  const b = new CommitmentBuilder(previous, height);
  for (const [k, v] of changes) b.add(k, v);
  return b.digest();
}
