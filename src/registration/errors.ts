/**
 * Errors of node registration (software attestation, seed sharing) and of sealing. Two classes with stable codes:
 * a rejected registration says exactly why, and a refused sealed file says whether it belongs to another node,
 * another build of the trusted component, or was damaged. Messages never contain seeds or private keys.
 */

/** Stable codes of {@link RegistrationError}. Never renamed: operators and tests switch on them. */
export type RegistrationErrorCode =
  /** The report's signature does not verify under the authority key it names. */
  | 'BAD_SIGNATURE'
  /** The report's code measurement is not in the chain's allow-list. */
  | 'UNKNOWN_MEASUREMENT'
  /** The report time is too far before (or after) the block time. */
  | 'STALE'
  /** The report (certificate) bytes do not parse: wrong magic, version, algorithm, length. */
  | 'MALFORMED'
  /** The report is signed by a key that is not a configured attestation authority. */
  | 'WRONG_AUTHORITY'
  /** The node or keeper has no network keys yet (genesis bootstrap / seed delivery has not happened). */
  | 'NOT_BOOTSTRAPPED'
  /** Bootstrap was asked for on a node that already holds seeds or a chain that already has master keys. */
  | 'ALREADY_BOOTSTRAPPED'
  /** No registration is stored for the given public key. */
  | 'NOT_REGISTERED'
  /** Encrypted seed shares do not decrypt for this node, or give keys different from the chain's. */
  | 'BAD_SEED'
  /** A request field is missing or has the wrong length (sender, public key, genesis keys). */
  | 'INVALID_REQUEST';

/** Error of the registration keeper, attestation and trusted node. */
export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  constructor(
    readonly code: RegistrationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True if `e` is a {@link RegistrationError}, optionally with the given code. */
export function isRegistrationError(e: unknown, code?: RegistrationErrorCode): e is RegistrationError {
  return e instanceof RegistrationError && (code === undefined || e.code === code);
}

/** Stable codes of {@link SealError}. */
export type SealErrorCode =
  /** Not a sealed keychain file of this format (magic, version, lengths), or its contents do not parse. */
  | 'SEAL_MALFORMED'
  /** Sealed by another node (its machine key fingerprint differs from ours). */
  | 'SEAL_WRONG_NODE'
  /** Sealed by another build of the trusted component (measurement differs from ours). */
  | 'SEAL_WRONG_MEASUREMENT'
  /** Header matches but authenticated decryption failed: the file was modified. */
  | 'SEAL_TAMPERED'
  /** Refused to replace an existing sealed file. */
  | 'SEAL_EXISTS'
  /** No sealed file at the path. */
  | 'SEAL_NOT_FOUND'
  /** Filesystem failure while reading or writing (cause attached). */
  | 'SEAL_IO';

/** Error of sealing/unsealing a node's keychain. Nothing on disk is changed when one is thrown. */
export class SealError extends Error {
  override readonly name = 'SealError';
  constructor(
    readonly code: SealErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True if `e` is a {@link SealError}, optionally with the given code. */
export function isSealError(e: unknown, code?: SealErrorCode): e is SealError {
  return e instanceof SealError && (code === undefined || e.code === code);
}
