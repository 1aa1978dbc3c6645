/**
 * Errors of the protobuf / amino message layer (src/compute/messages.ts, amino.ts). Kept apart from
 * errors.ts (the encryption protocol's CryptoError) because callers handle them differently: these mean "the
 * transaction bytes or JSON are not a well-formed compute message", which a chain answers with
 * ErrTxDecode / ErrInvalidRequest before any contract runs.
 */

/** Stable machine-readable codes. Never renamed: embedders switch on them. */
export type ProtoDecodeErrorCode =
  /** The type URL is not one of the messages this layer knows. */
  | 'UNKNOWN_TYPE_URL'
  /** The bytes end inside a tag, a varint, a fixed-size value or a length-delimited payload. */
  | 'TRUNCATED'
  /** Structurally invalid wire data: field number 0, group or reserved wire types, over-long varint, a nested
   *  message whose fields cross its length boundary. */
  | 'MALFORMED'
  /** A known field arrived with a wire type other than the one its declared type uses. */
  | 'WRONG_WIRE_TYPE'
  /** A field number the message does not declare (Cosmos SDK's tx decoder rejects these in messages too). */
  | 'UNKNOWN_FIELD'
  /** Amino JSON that does not have the shape of the named message (missing field, bad base64, bad integer). */
  | 'BAD_AMINO';

/** Thrown instead of returning a partially decoded message. */
export class ProtoDecodeError extends Error {
  override readonly name = 'ProtoDecodeError';
  /** Byte offset (into the outermost buffer) where the problem was found, when decoding binary input. */
  readonly offset: number | undefined;

  constructor(
    readonly code: ProtoDecodeErrorCode,
    message: string,
    options?: { cause?: unknown; offset?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.offset = options?.offset;
  }
}

/** True if `e` is a {@link ProtoDecodeError}, optionally with the given code. */
export function isProtoDecodeError(e: unknown, code?: ProtoDecodeErrorCode): e is ProtoDecodeError {
  return e instanceof ProtoDecodeError && (code === undefined || e.code === code);
}
