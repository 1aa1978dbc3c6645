/**
 * Errors raised by the encryption protocol (client and network side). One class with a stable `code`; messages
 * describe what was wrong with the *shape* of the input and never contain plaintext, keys, shared secrets or
 * derived key material (they may end up in logs, gRPC errors and tx results).
 */

/** Stable machine-readable codes. Never renamed: embedders and the enclave switch on them. */
export type CryptoErrorCode =
  /** Input shorter than the minimum for its layout (wire message, sealed box, plaintext code-hash prefix). */
  | 'TRUNCATED'
  /** The first byte of a marked wire message names a scheme this build does not know. */
  | 'UNKNOWN_SCHEME'
  /** A public key is not a usable X25519 point (wrong length, or a low-order point giving an all-zero secret). */
  | 'BAD_PUBLIC_KEY'
  /** Authenticated decryption failed: tampered ciphertext, tag, nonce or public key, or the wrong key. */
  | 'AUTH_FAILED'
  /** The decrypted code hash does not match the code being executed. */
  | 'WRONG_CODE_HASH'
  /** The 64-character code-hash prefix is not hexadecimal. */
  | 'NON_HEX_CODE_HASH'
  /** A key, seed or nonce has the wrong length. */
  | 'BAD_KEY_LENGTH'
  /** A decrypted output is not in the expected encoding (e.g. data that is not base64). */
  | 'BAD_ENCODING'
  /** A configuration value (scheme name, option) is not supported. */
  | 'BAD_CONFIG';

/** Error thrown by every function in src/compute and src/enclave/keys.ts. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True if `e` is a {@link CryptoError}, optionally with the given code. */
export function isCryptoError(e: unknown, code?: CryptoErrorCode): e is CryptoError {
  return e instanceof CryptoError && (code === undefined || e.code === code);
}
