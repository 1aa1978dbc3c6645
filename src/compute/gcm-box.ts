/**
 * Deterministic AES-256-GCM with a synthetic IV — the `'aes-256-gcm'` scheme's cipher for inputs and outputs.
 *
 * Construction, for tx key `K` (32 bytes, from HKDF, unique per user message), domain byte `d` and plaintext `P`:
 * ```
 *   K_iv = HKDF-Expand(PRK = K, info = "secret-compute/iv-derivation/v1", 32)
 *   A    = marker(0x01) ‖ d
 *   IV   = first 12 bytes of HMAC-SHA256(K_iv, A ‖ P)
 *   box  = marker ‖ d ‖ IV ‖ AES-256-GCM(K, IV, aad = A, P) ‖ tag(16)       (outputs)
 *   wire = marker ‖ nonce ‖ pubkey ‖ IV ‖ ciphertext ‖ tag(16)              (inputs, d = input, implicit)
 * ```
 * Why: network outputs must be byte-identical on every validator, so the IV cannot be random; but a fixed or
 * counter IV under a per-tx key is unsafe because the same encrypted input can be executed twice against
 * different state (replays, simulations, queries), producing two *different* plaintexts under one (K, IV) — which
 * leaks their XOR and the GHASH key. Deriving the IV from the plaintext (SIV, RFC 5297 §1.3.2 / Rogaway–Shrimpton)
 * makes the IV a PRF of (domain, plaintext): equal IVs occur only for equal (domain, plaintext) pairs (then the
 * ciphertexts are equal too, which is the only leak: equality of repeated outputs, inherent to determinism), or
 * by a 96-bit HMAC collision (~q²/2⁹⁷ for q messages under one key; q is tiny per tx key).
 * `K_iv` is a separate PRF key derived from `K`, so HMAC and GCM never share a key. The domain byte is in the AAD,
 * so a ciphertext produced for one place (e.g. an attribute value) fails authentication when presented as another
 * (e.g. data or an error). Decryption accepts any IV: the GCM tag alone authenticates, and clients may use random
 * IVs for inputs.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

import { CryptoError } from './errors.js';
import { hkdfExpand } from './hkdf.js';
import { GCM_IV_LENGTH, GCM_TAG_LENGTH, SCHEME_MARKER_GCM_V1 } from './scheme.js';

/** Where a ciphertext is used; bound into the AAD so ciphertexts cannot be moved between places. */
export type CipherDomain =
  'input' | 'data' | 'attribute-key' | 'attribute-value' | 'error' | 'query-result' | 'reply-id';

/** Wire value of each domain (never renumbered). */
export const DOMAIN_BYTE: Readonly<Record<CipherDomain, number>> = {
  input: 0x00,
  data: 0x01,
  'attribute-key': 0x02,
  'attribute-value': 0x03,
  error: 0x04,
  'query-result': 0x05,
  'reply-id': 0x06,
};

const DOMAIN_BY_BYTE = new Map<number, CipherDomain>(
  (Object.entries(DOMAIN_BYTE) as [CipherDomain, number][]).map(([d, b]) => [b, d]),
);

/** Length of the output box header: marker ‖ domain. */
export const GCM_BOX_HEADER_LENGTH = 2;

/** Minimum output box: header ‖ iv ‖ tag. */
export const MIN_GCM_BOX_LENGTH = GCM_BOX_HEADER_LENGTH + GCM_IV_LENGTH + GCM_TAG_LENGTH;

/**
 * Per-tx-key state: the IV-derivation key and the GCM key as node KeyObjects (a tx key seals several outputs of
 * one call; a KeyObject skips node's per-call key import, ~0.5 µs per HMAC and ~1.6 µs per GCM cipher). Bounded,
 * speed only.
 */
const KEY_STATE_CACHE_SIZE = 256;
const IV_INFO = new TextEncoder().encode('secret-compute/iv-derivation/v1');
interface TxKeyState {
  readonly ivKey: KeyObject;
  readonly gcmKey: KeyObject;
}
const keyStateCache = new Map<string, TxKeyState>();

function checkKey(key: Uint8Array): void {
  if (key.length !== 32)
    throw new CryptoError('BAD_KEY_LENGTH', `AES-256-GCM key must be 32 bytes, got ${key.length}`);
}

function keyStateFor(key: Uint8Array): TxKeyState {
  checkKey(key);
  const id = Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1');
  let k = keyStateCache.get(id);
  if (k === undefined) {
    k = { ivKey: createSecretKey(hkdfExpand(key, IV_INFO)), gcmKey: createSecretKey(Buffer.from(key)) };
    keyStateCache.set(id, k);
    if (keyStateCache.size > KEY_STATE_CACHE_SIZE) {
      const oldest = keyStateCache.keys().next().value;
      if (oldest !== undefined) keyStateCache.delete(oldest);
    }
  }
  return k;
}

function gcmEncrypt(
  key: KeyObject,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(aad);
  const ciphertext = c.update(plaintext);
  c.final();
  return { ciphertext, tag: c.getAuthTag() };
}

function gcmDecrypt(
  key: KeyObject,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(aad);
  d.setAuthTag(tag);
  const pt = d.update(ciphertext);
  try {
    d.final();
  } catch (cause) {
    pt.fill(0);
    throw new CryptoError('AUTH_FAILED', 'AES-256-GCM authentication failed (tampered data or wrong key)', {
      cause,
    });
  }
  return new Uint8Array(pt.buffer.slice(pt.byteOffset, pt.byteOffset + pt.length));
}

/** Plain AES-256-GCM (NIST SP 800-38D) with a 16-byte tag, on node:crypto. */
export function aes256GcmEncrypt(
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): { ciphertext: Uint8Array; tag: Uint8Array } {
  return gcmEncrypt(keyStateFor(key).gcmKey, iv, plaintext, aad);
}

/** Plain AES-256-GCM decryption. @throws CryptoError `AUTH_FAILED`. */
export function aes256GcmDecrypt(
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  return gcmDecrypt(keyStateFor(key).gcmKey, iv, ciphertext, tag, aad);
}

function aadFor(domain: CipherDomain): Uint8Array {
  return Uint8Array.of(SCHEME_MARKER_GCM_V1, DOMAIN_BYTE[domain]);
}

/** The synthetic IV for (key, domain, plaintext). */
export function syntheticIv(key: Uint8Array, domain: CipherDomain, plaintext: Uint8Array): Uint8Array {
  return ivFor(keyStateFor(key), domain, plaintext);
}

function ivFor(st: TxKeyState, domain: CipherDomain, plaintext: Uint8Array): Uint8Array {
  const mac = createHmac('sha256', st.ivKey).update(aadFor(domain)).update(plaintext).digest();
  return new Uint8Array(mac.buffer, mac.byteOffset, GCM_IV_LENGTH);
}

/**
 * Writes `iv ‖ ciphertext ‖ tag` for `plaintext` into `out` at `offset` (which must have room for
 * `12 + plaintext.length + 16` bytes).
 */
export function gcmSealInto(
  key: Uint8Array,
  domain: CipherDomain,
  plaintext: Uint8Array,
  out: Uint8Array,
  offset: number,
): void {
  const st = keyStateFor(key);
  const iv = ivFor(st, domain, plaintext);
  const { ciphertext, tag } = gcmEncrypt(st.gcmKey, iv, plaintext, aadFor(domain));
  out.set(iv, offset);
  out.set(ciphertext, offset + GCM_IV_LENGTH);
  out.set(tag, offset + GCM_IV_LENGTH + ciphertext.length);
}

/**
 * Opens `iv ‖ ciphertext ‖ tag` (`body`) for `domain`.
 * @throws CryptoError `TRUNCATED` (shorter than iv + tag), `AUTH_FAILED`.
 */
export function gcmOpenBody(key: Uint8Array, domain: CipherDomain, body: Uint8Array): Uint8Array {
  checkKey(key);
  if (body.length < GCM_IV_LENGTH + GCM_TAG_LENGTH) {
    throw new CryptoError(
      'TRUNCATED',
      `AES-256-GCM body must be at least ${GCM_IV_LENGTH + GCM_TAG_LENGTH} bytes, got ${body.length}`,
    );
  }
  return aes256GcmDecrypt(
    key,
    body.subarray(0, GCM_IV_LENGTH),
    body.subarray(GCM_IV_LENGTH, body.length - GCM_TAG_LENGTH),
    body.subarray(body.length - GCM_TAG_LENGTH),
    aadFor(domain),
  );
}

/** Output box: `marker ‖ domain ‖ iv ‖ ciphertext ‖ tag`. */
export function gcmBoxSeal(key: Uint8Array, domain: CipherDomain, plaintext: Uint8Array): Uint8Array {
  const out = new Uint8Array(MIN_GCM_BOX_LENGTH + plaintext.length);
  out[0] = SCHEME_MARKER_GCM_V1;
  out[1] = DOMAIN_BYTE[domain];
  gcmSealInto(key, domain, plaintext, out, GCM_BOX_HEADER_LENGTH);
  return out;
}

/**
 * Opens an output box. With `expected` set, a box of another domain is rejected (`AUTH_FAILED`); without it the
 * domain is read from the header (and still authenticated).
 * @throws CryptoError `TRUNCATED`, `UNKNOWN_SCHEME`, `AUTH_FAILED`.
 */
export function gcmBoxOpen(key: Uint8Array, box: Uint8Array, expected?: CipherDomain): Uint8Array {
  if (box.length < MIN_GCM_BOX_LENGTH) {
    throw new CryptoError(
      'TRUNCATED',
      `encrypted output must be at least ${MIN_GCM_BOX_LENGTH} bytes, got ${box.length}`,
    );
  }
  if (box[0] !== SCHEME_MARKER_GCM_V1) {
    throw new CryptoError(
      'UNKNOWN_SCHEME',
      `unknown scheme marker 0x${box[0]!.toString(16).padStart(2, '0')}`,
    );
  }
  const domain = DOMAIN_BY_BYTE.get(box[1]!);
  if (domain === undefined || (expected !== undefined && domain !== expected)) {
    throw new CryptoError(
      'AUTH_FAILED',
      'encrypted output was not produced for this place (domain mismatch)',
    );
  }
  return gcmOpenBody(key, domain, box.subarray(GCM_BOX_HEADER_LENGTH));
}
