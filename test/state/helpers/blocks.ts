// The deterministic block workload shared by the crash child and the verifier: block N's writes are a pure
// function of N, so the expected state after any committed height can be rebuilt independently.
import type { KVStore } from '../../../src/state/index.js';

const enc = new TextEncoder();
const SLOTS = 97;

/** Applies block `n`'s writes to `store`. Every 50th block is large, to widen the window for a torn commit. */
export function applyBlock(store: KVStore, n: number): void {
  store.set(enc.encode('last'), enc.encode(String(n)));
  const writes = n % 50 === 0 ? 3000 : 12;
  for (let j = 0; j < writes; j++) {
    const slot = (n * 31 + j * 7) % SLOTS;
    store.set(enc.encode(`slot/${slot}/${j % 5}`), enc.encode(`v${n}:${j}`.repeat(1 + (j % 3))));
  }
  store.delete(enc.encode(`slot/${(n * 13) % SLOTS}/${n % 5}`));
  store.set(enc.encode(`block/${String(n).padStart(8, '0')}`), enc.encode(`done ${n}`));
  if (n > 5) store.delete(enc.encode(`block/${String(n - 5).padStart(8, '0')}`));
}
