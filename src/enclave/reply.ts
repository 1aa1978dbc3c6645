/**
 * Reply input parsing (spec §2.7; SecretNetwork shared/contract-engine/src/reply_message.rs
 * `parse_reply_message`). The keeper hands `header ‖ json(Reply)` where header is the original message's
 * `[marker ‖] nonce ‖ pubkey`, and `sigInfo.callbackSig` = the callee's `internal_reply_enclave_sig`. Encrypted
 * replies are authenticated by that signature, their id is decrypted back into the submessage id and the
 * remaining reply chain, and data/error are decrypted for the contract; events are always redacted to `[]`.
 */
import { parseJson } from '../runtime/json.js';
import { fromBase64, fromUtf8, safeEqual, utf8 } from './bytes.js';
import { EnclaveError } from './errors.js';
import type { IoChannel } from './io-channel.js';
import { HEX_ENCODED_HASH_SIZE } from './limits.js';
import { replyEnclaveSig, type SignedReplyResult } from './output.js';
import type { ReplyParams } from './reply-params.js';
import { parseReplyHeaders } from './reply-params.js';

/** What the contract's `reply` entry point receives, plus the reply's own routing. */
export interface ParsedReply {
  /** `{"id":<u64>,"result":{"ok":{"events":[],"data":…}}}` or `{"id":<u64>,"result":{"error":"…"}}`. */
  readonly contractMsg: Uint8Array;
  /** Reply chain carried in the encrypted id: the reply's own output reports to these. */
  readonly replyParams: readonly ReplyParams[];
  readonly subMsgId: bigint;
}

function invalid(cause?: unknown): never {
  throw new EnclaveError('FailedToDeserialize', cause === undefined ? undefined : { cause });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const DECIMAL_RE = /^(0|[1-9][0-9]{0,19})$/;

function parseDecimalU64(bytes: Uint8Array): bigint {
  const s = fromUtf8(bytes);
  if (s === undefined || !DECIMAL_RE.test(s)) invalid();
  const v = BigInt(s);
  if (v >= 1n << 64n) invalid();
  return v;
}

/** The Go `Reply` JSON. */
interface GoReply {
  readonly id: Uint8Array;
  readonly idB64: string;
  readonly result: { ok: { dataB64: string | null } } | { error: string };
  readonly wasOrigMsgEncrypted: boolean;
  readonly isEncrypted: boolean;
}

function parseGoReply(json: Uint8Array): GoReply {
  const text = fromUtf8(json);
  if (text === undefined) invalid();
  let v: unknown;
  try {
    v = parseJson(text);
  } catch (e) {
    invalid(e);
  }
  if (!isObject(v) || typeof v.id !== 'string' || !isObject(v.result)) invalid();
  const id = fromBase64(v.id);
  if (id === undefined) invalid();
  let result: GoReply['result'];
  const r = v.result;
  if (isObject(r.ok)) {
    const d = r.ok.data;
    if (d !== undefined && d !== null && typeof d !== 'string') invalid();
    result = { ok: { dataB64: typeof d === 'string' && d.length > 0 ? d : null } };
  } else if (typeof r.error === 'string') {
    result = { error: r.error };
  } else {
    invalid();
  }
  return {
    id,
    idB64: v.id,
    result,
    wasOrigMsgEncrypted: v.was_orig_msg_encrypted === true,
    isEncrypted: v.is_encrypted === true,
  };
}

function contractReplyJson(id: bigint, result: { data: string | null } | { error: string }): Uint8Array {
  const r =
    'error' in result
      ? `{"error":${JSON.stringify(result.error)}}`
      : `{"ok":{"events":[],"data":${result.data === null ? 'null' : JSON.stringify(result.data)}}}`;
  return utf8(`{"id":${id.toString()},"result":${r}}`);
}

/** Drop and check the 64-byte recipient code hash prefix. */
function stripRecipientHash(plain: Uint8Array, ownCodeHashHex: string): Uint8Array {
  if (plain.length < HEX_ENCODED_HASH_SIZE) invalid();
  const got = fromUtf8(plain.subarray(0, HEX_ENCODED_HASH_SIZE));
  if (got === undefined || got.toLowerCase() !== ownCodeHashHex) throw new EnclaveError('ValidationFailure');
  return plain.subarray(HEX_ENCODED_HASH_SIZE);
}

/**
 * `parse_reply_message`. `json` is the part after the header; `channel` was built from the header.
 * @throws EnclaveError `FailedTxVerification` (bad/missing signature), `ValidationFailure` (reply meant for
 * another code), `DecryptionError`, `FailedToDeserialize`.
 */
export function parseReplyMessage(
  json: Uint8Array,
  channel: IoChannel,
  ownCodeHashHex: string,
  callbackSecret: Uint8Array,
  callbackSig: Uint8Array | undefined,
): ParsedReply {
  const reply = parseGoReply(json);
  if (!reply.isEncrypted) {
    // Non-wasm submessage (bank, staking…): plaintext id, no signature (spec §2.7).
    const subMsgId = parseDecimalU64(reply.id);
    const result =
      'error' in reply.result ? { error: reply.result.error } : { data: reply.result.ok.dataB64 };
    return { contractMsg: contractReplyJson(subMsgId, result), replyParams: [], subMsgId };
  }
  if (!channel.encrypted) throw new EnclaveError('DecryptionError');
  const signed: SignedReplyResult =
    'error' in reply.result ? { error: reply.result.error } : { ok: { data: reply.result.ok.dataB64 } };
  const expected = replyEnclaveSig(callbackSecret, reply.idB64, signed);
  if (callbackSig === undefined || !safeEqual(expected, callbackSig)) {
    throw new EnclaveError('FailedTxVerification');
  }
  const open = (domain: 'reply-id' | 'data' | 'error', ct: Uint8Array): Uint8Array => {
    try {
      return channel.open(domain, ct);
    } catch (e) {
      throw new EnclaveError('DecryptionError', { cause: e });
    }
  };
  const idPlain = stripRecipientHash(open('reply-id', reply.id), ownCodeHashHex);
  const { params, rest } = parseReplyHeaders(idPlain);
  const subMsgId = parseDecimalU64(rest);
  let result: { data: string | null } | { error: string };
  if ('error' in reply.result) {
    const ct = fromBase64(reply.result.error);
    if (ct === undefined) invalid();
    const text = fromUtf8(stripRecipientHash(open('error', ct), ownCodeHashHex));
    if (text === undefined) invalid();
    result = { error: text };
  } else if (reply.result.ok.dataB64 === null) {
    result = { data: null };
  } else {
    const ct = fromBase64(reply.result.ok.dataB64);
    if (ct === undefined) invalid();
    const b64 = fromUtf8(stripRecipientHash(open('data', ct), ownCodeHashHex));
    if (b64 === undefined || fromBase64(b64) === undefined) invalid();
    result = { data: b64 };
  }
  return { contractMsg: contractReplyJson(subMsgId, result), replyParams: params, subMsgId };
}
