/**
 * The two I/O encryption schemes a chain can be configured with, and their wire constants.
 *
 * - `'aes-256-gcm'` (default; the protocol as the seed documents describe it): AES-256-GCM under the per-message
 *   tx key, with synthetic (plaintext-derived) IVs so network outputs are deterministic. Every byte string of this
 *   scheme starts with a one-byte scheme marker ({@link SCHEME_MARKER_GCM_V1}) so a future variant of ours gets a
 *   new marker and old and new messages can never be confused; an unknown marker is `UNKNOWN_SCHEME`.
 * - `'aes-siv'` (Secret Network mainnet): AES-128-SIV with AD `[empty]`, wire `nonce ‖ pubkey ‖ ciphertext`
 *   with no marker, byte-compatible with secret.js and the Secret enclave.
 *
 * A chain uses exactly one scheme (genesis/config); the scheme is never guessed from the bytes, because a
 * secret.js message starts with a random nonce whose first byte can equal any marker.
 */
import { CryptoError } from './errors.js';

/** I/O encryption scheme of a chain. */
export type EncryptionScheme = 'aes-256-gcm' | 'aes-siv';

/** The scheme used when none is configured. */
export const DEFAULT_ENCRYPTION_SCHEME: EncryptionScheme = 'aes-256-gcm';

/** All supported schemes. */
export const ENCRYPTION_SCHEMES: readonly EncryptionScheme[] = ['aes-256-gcm', 'aes-siv'];

/** First byte of every `'aes-256-gcm'` input wire message and output box: version 1 of our GCM layout. */
export const SCHEME_MARKER_GCM_V1 = 0x01;

/** User nonce length (32 random bytes per message, spec §2.3). */
export const NONCE_LENGTH = 32;

/** User X25519 public key length. */
export const PUBKEY_LENGTH = 32;

/** Code hash prefix of every input plaintext: 64 ASCII hex characters of sha256(wasm). */
export const CODE_HASH_HEX_LENGTH = 64;

/** AES-GCM IV length (NIST SP 800-38D recommended 96 bits). */
export const GCM_IV_LENGTH = 12;

/** AES-GCM tag length (full 128 bits). */
export const GCM_TAG_LENGTH = 16;

/**
 * Secret's `SecretMessage::from_slice` rejects shorter messages (spec §2.3): nonce(32) + pubkey(32) + at least
 * an 18-byte AES-SIV output.
 */
export const MIN_SIV_WIRE_LENGTH = 82;

/** marker(1) ‖ nonce(32) ‖ pubkey(32) ‖ iv(12) ‖ ciphertext(≥0) ‖ tag(16). */
export const MIN_GCM_WIRE_LENGTH = 1 + NONCE_LENGTH + PUBKEY_LENGTH + GCM_IV_LENGTH + GCM_TAG_LENGTH;

/**
 * Bytes before the ciphertext in an input wire message: `nonce ‖ pubkey` (64) for aes-siv, `marker ‖ nonce ‖
 * pubkey` (65) for aes-256-gcm. Reply inputs (`header ‖ json(Reply)`) reuse exactly this prefix of the original
 * message.
 */
export function wireHeaderLength(scheme: EncryptionScheme): number {
  return scheme === 'aes-siv' ? NONCE_LENGTH + PUBKEY_LENGTH : 1 + NONCE_LENGTH + PUBKEY_LENGTH;
}

/** Validates a scheme name from configuration. @throws CryptoError `BAD_CONFIG`. */
export function parseEncryptionScheme(name: string): EncryptionScheme {
  if (name === 'aes-256-gcm' || name === 'aes-siv') return name;
  throw new CryptoError(
    'BAD_CONFIG',
    `unknown encryption scheme "${name}" (expected aes-256-gcm or aes-siv)`,
  );
}
