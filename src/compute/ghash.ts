/**
 * GHASH (NIST SP 800-38D §6.4) in plain JavaScript with 32-bit integer arithmetic, for sealing many short GCM
 * boxes under one key without a node cipher object per box (gcm-batch.ts).
 *
 * Shoup's 8-bit table method: per hash key H, `M[b] = b·H` for every byte value b (256 × 128 bits, built from
 * the 8 values H·x^k with 248 XORs), and one key-independent table `R8` for the reduction of the byte shifted out
 * when multiplying by x^8. A block multiply is then 16 steps of `Z = Z·x^8 ⊕ M[byte]` (Horner over the bytes of
 * the block, last byte first). Blocks are 4 big-endian 32-bit words, first word = bytes 0..3; GCM's bit order
 * puts the x^0 coefficient in the most significant bit of byte 0, so multiplying by x is a right shift.
 *
 * Not constant-time: the table lookups are indexed by data bytes XOR the running hash, so cache timing can
 * depend on H (the same is true of @noble/ciphers' GHASH). Where this file is used — sealing the enclave's
 * outputs (public ciphertext) and opening users' inputs (ciphertext chosen by whoever submits it) under a
 * per-message tx key — the most a timing attacker could learn is H = E_K(0^128) of one tx key. H is not K: it
 * reveals no keystream and no plaintext. With H and one authentic message under that key, GCM tags can be forged
 * for other ciphertexts under the same key and IV (bit flips of the original), so that one key's messages lose
 * integrity against the attacker: a flipped copy of someone's input is accepted, but as a tx it must be signed
 * by whoever submits it (the victim's signed tx bytes cannot change), and its results stay sealed under the
 * victim's key; a relay could alter that key's output boxes before the victim opens them. Every other key is
 * unaffected, and the key's own sender knows K (and H) anyway. docs/encryption.md has the full argument.
 */

/** GHASH block size in bytes. */
export const GHASH_BLOCK = 16;

/** Int32 words of a per-key table: 256 entries × 4 words. */
const TABLE_WORDS = 256 * 4;

/** The GCM reduction constant R = 11100001 ‖ 0^120, top word. */
const R_TOP = 0xe1000000 | 0;

/**
 * `R8[r]`: what the byte `r` shifted out of the low end of a block adds to the top word when the block is
 * multiplied by x^8 (the lower three words get nothing: 0xE1 moves at most 7 bits right). Computed, not typed in,
 * by eight single-bit multiplications of the block `0…0 ‖ r`.
 */
const R8: Int32Array = (() => {
  const t = new Int32Array(256);
  for (let r = 0; r < 256; r++) {
    let z0 = 0;
    let z3 = r;
    for (let k = 0; k < 8; k++) {
      const lsb = z3 & 1;
      z3 >>>= 1;
      z0 = (z0 >>> 1) ^ (lsb === 1 ? R_TOP : 0);
    }
    t[r] = z0;
  }
  return t;
})();

/**
 * Number of per-key tables kept in the shared pool (4 KiB each, 256 KiB in all). Tables are handed out round
 * robin; a key whose slot was taken by a newer key rebuilds its table on next use (the table is a pure function
 * of H, so this only costs time). A tx key seals within one tx and gcm-box.ts caches 32 keys, so in practice a
 * live key keeps its slot. A pool instead of a 4 KiB array per key: a fresh tx key per message made the table
 * allocation (zeroing, page faults, external-memory GC) ~1.7 µs of every tx's output sealing.
 */
export const GHASH_TABLE_SLOTS = 64;

let pool: Int32Array | undefined;
/** Assignments per slot so far (integer counters; at one per µs they stay exact for centuries). */
const slotGeneration: number[] = new Array<number>(GHASH_TABLE_SLOTS).fill(0);
let nextSlot = 0;

/** A GHASH key H and its 8-bit multiplication table (M[b] = b·H for every byte b) in the shared pool. */
export class GhashKey {
  readonly #h: Int32Array;
  #slot = 0;
  #generation = -1;

  /** Hash key `h[off .. off+16)` (normally H = E_K(0^128)); the table is built on first use. */
  constructor(h: Uint8Array, off = 0) {
    this.#h = Int32Array.of(word(h, off), word(h, off + 4), word(h, off + 8), word(h, off + 12));
  }

  /** Offset of this key's table in `pool`, (re)building it if its slot is not (or no longer) its own. */
  base(): number {
    if (slotGeneration[this.#slot] !== this.#generation) this.#assign();
    return this.#slot * TABLE_WORDS;
  }

  #assign(): void {
    const slot = nextSlot;
    nextSlot = (nextSlot + 1) % GHASH_TABLE_SLOTS;
    const gen = slotGeneration[slot]! + 1;
    slotGeneration[slot] = gen;
    this.#slot = slot;
    this.#generation = gen;
    buildTable((pool ??= new Int32Array(GHASH_TABLE_SLOTS * TABLE_WORDS)), slot * TABLE_WORDS, this.#h);
  }
}

function buildTable(t: Int32Array, o0: number, h: Int32Array): void {
  let z0 = h[0]!;
  let z1 = h[1]!;
  let z2 = h[2]!;
  let z3 = h[3]!;
  // M[0x80] = H, M[0x40] = H·x, …, M[0x01] = H·x^7 (the byte's most significant bit is the x^0 coefficient).
  for (let b = 0x80; b >= 1; b >>= 1) {
    const i = o0 + (b << 2);
    t[i] = z0;
    t[i + 1] = z1;
    t[i + 2] = z2;
    t[i + 3] = z3;
    const lsb = z3 & 1;
    z3 = (z3 >>> 1) | (z2 << 31);
    z2 = (z2 >>> 1) | (z1 << 31);
    z1 = (z1 >>> 1) | (z0 << 31);
    z0 = (z0 >>> 1) ^ (lsb === 1 ? R_TOP : 0);
  }
  // M[0] = 0 (the slot may hold another key's table).
  t[o0] = 0;
  t[o0 + 1] = 0;
  t[o0 + 2] = 0;
  t[o0 + 3] = 0;
  // Multiplication by H is linear: M[p ⊕ j] = M[p] ⊕ M[j] for a power of two p and j < p.
  for (let p = 2; p < 256; p <<= 1) {
    const a = o0 + (p << 2);
    const m0 = t[a]!;
    const m1 = t[a + 1]!;
    const m2 = t[a + 2]!;
    const m3 = t[a + 3]!;
    for (let c = o0 + 4, d = a + 4; c < a; c += 4, d += 4) {
      t[d] = m0 ^ t[c]!;
      t[d + 1] = m1 ^ t[c + 1]!;
      t[d + 2] = m2 ^ t[c + 2]!;
      t[d + 3] = m3 ^ t[c + 3]!;
    }
  }
}

function word(b: Uint8Array, o: number): number {
  return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}

/** Zero-padded copy of a final partial block. */
const pad = new Uint8Array(GHASH_BLOCK);

/**
 * Absorbs `data[off .. off+len)` into the running GHASH value `y` (4 words, updated in place), zero-padding a
 * final partial block (GCM pads AAD and ciphertext separately, so call once per part).
 */
export function ghashUpdate(key: GhashKey, y: Int32Array, data: Uint8Array, off: number, len: number): void {
  const base = key.base(); // first: may create the pool
  const table = pool!;
  const end = off + len;
  const full = off + (len & ~(GHASH_BLOCK - 1));
  for (let o = off; o < full; o += GHASH_BLOCK) mulBlock(table, base, y, data, o);
  if (full < end) {
    const n = end - full;
    for (let i = 0; i < n; i++) pad[i] = data[full + i]!;
    pad.fill(0, n);
    mulBlock(table, base, y, pad, 0);
  }
}

/** Absorbs GCM's final length block `BE64(aadLen·8) ‖ BE64(ctLen·8)` (lengths in bytes, each < 2^32). */
export function ghashLengths(key: GhashKey, y: Int32Array, aadLen: number, ctLen: number): void {
  const base = key.base();
  const hiA = aadLen >>> 29;
  const loA = aadLen << 3;
  const hiC = ctLen >>> 29;
  const loC = ctLen << 3;
  for (let k = 0; k < 4; k++) {
    pad[k] = hiA >>> (24 - 8 * k);
    pad[4 + k] = loA >>> (24 - 8 * k);
    pad[8 + k] = hiC >>> (24 - 8 * k);
    pad[12 + k] = loC >>> (24 - 8 * k);
  }
  mulBlock(pool!, base, y, pad, 0);
}

/**
 * `y := (y ⊕ block) · H` for the block `d[o .. o+16)`. Horner over the bytes, last byte first (highest powers
 * of x): Z = M[x15]; then Z = Z·x^8 ⊕ M[x_k] for k = 14 … 0, each step written out (a loop picking the byte's
 * word by index measured 0.079 µs per block, this 0.054: no branches, each byte a fixed shift of its word).
 */
function mulBlock(t: Int32Array, base: number, y: Int32Array, d: Uint8Array, o: number): void {
  const x0 = y[0]! ^ ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!);
  const x1 = y[1]! ^ ((d[o + 4]! << 24) | (d[o + 5]! << 16) | (d[o + 6]! << 8) | d[o + 7]!);
  const x2 = y[2]! ^ ((d[o + 8]! << 24) | (d[o + 9]! << 16) | (d[o + 10]! << 8) | d[o + 11]!);
  const x3 = y[3]! ^ ((d[o + 12]! << 24) | (d[o + 13]! << 16) | (d[o + 14]! << 8) | d[o + 15]!);
  let i = base + ((x3 & 0xff) << 2);
  let z0 = t[i]!;
  let z1 = t[i + 1]!;
  let z2 = t[i + 2]!;
  let z3 = t[i + 3]!;
  let r = 0;
  // prettier-ignore
  {
  i = base + (((x3 >>> 8) & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 14
  i = base + (((x3 >>> 16) & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 13
  i = base + (((x3 >>> 24) & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 12
  i = base + ((x2 & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 11
  i = base + (((x2 >>> 8) & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 10
  i = base + (((x2 >>> 16) & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 9
  i = base + (((x2 >>> 24) & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 8
  i = base + ((x1 & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 7
  i = base + (((x1 >>> 8) & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 6
  i = base + (((x1 >>> 16) & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 5
  i = base + (((x1 >>> 24) & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 4
  i = base + ((x0 & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 3
  i = base + (((x0 >>> 8) & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 2
  i = base + (((x0 >>> 16) & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 1
  i = base + (((x0 >>> 24) & 0xff) << 2); r = z3 & 0xff; z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]! ^ t[i]!; z1 ^= t[i + 1]!; z2 ^= t[i + 2]!; z3 ^= t[i + 3]!; // byte 0
  }
  y[0] = z0;
  y[1] = z1;
  y[2] = z2;
  y[3] = z3;
}
