/**
 * `REPLY01` reply headers carried inside encrypted contract→contract messages (spec §2.6, §2.7;
 * SecretNetwork cosmwasm-types/v1.0/src/results/cosmos_msg.rs, contract_validation.rs `validate_basic_msg`).
 * Each header is `"REPLY01" ‖ BE64(sub_msg_id) ‖ 64 ASCII hex chars of the recipient's code hash`.
 */
import { be64, concat, startsWith } from './bytes.js';
import { EnclaveError } from './errors.js';
import { HEX_ENCODED_HASH_SIZE, REPLY_ENCRYPTION_MAGIC_BYTES, SUB_MSG_ID_LENGTH } from './limits.js';

/** Where a callee's result must be routed back (Secret `ReplyParams`). */
export interface ReplyParams {
  /** 64 ASCII hex bytes of the code hash of the contract that receives the reply. */
  readonly recipientCodeHash: Uint8Array;
  readonly subMsgId: bigint;
}

const HEADER_LENGTH = REPLY_ENCRYPTION_MAGIC_BYTES.length + SUB_MSG_ID_LENGTH + HEX_ENCODED_HASH_SIZE;

/**
 * Strip every leading reply header from `bytes`. Returns the headers in order and the remaining bytes.
 * A truncated header is a `ValidationFailure` (Secret fails to parse the same way).
 */
export function parseReplyHeaders(bytes: Uint8Array): { params: ReplyParams[]; rest: Uint8Array } {
  const params: ReplyParams[] = [];
  let off = 0;
  while (startsWith(bytes, REPLY_ENCRYPTION_MAGIC_BYTES, off)) {
    if (bytes.length - off < HEADER_LENGTH) throw new EnclaveError('ValidationFailure');
    const idStart = off + REPLY_ENCRYPTION_MAGIC_BYTES.length;
    const subMsgId = new DataView(bytes.buffer, bytes.byteOffset + idStart, SUB_MSG_ID_LENGTH).getBigUint64(
      0,
      false,
    );
    const hashStart = idStart + SUB_MSG_ID_LENGTH;
    params.push({ subMsgId, recipientCodeHash: bytes.slice(hashStart, hashStart + HEX_ENCODED_HASH_SIZE) });
    off = hashStart + HEX_ENCODED_HASH_SIZE;
  }
  return { params, rest: bytes.subarray(off) };
}

/** Serialize headers back (`REPLY01 ‖ BE64(id) ‖ hash` each), as they are prepended to submessages. */
export function encodeReplyHeaders(params: readonly ReplyParams[]): Uint8Array {
  return concat(
    ...params.flatMap((p) => [REPLY_ENCRYPTION_MAGIC_BYTES, be64(p.subMsgId), p.recipientCodeHash]),
  );
}
