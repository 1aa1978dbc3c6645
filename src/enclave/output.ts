/**
 * Output post-processing (spec §2.5–2.7; SecretNetwork shared/contract-engine/src/io.rs `post_process_output`,
 * `attach_reply_headers_to_v1_wasm_msg`, `encrypt_v010_wasm_msg`, `adapt_output_for_reply`). In Secret's order:
 * attach reply headers to v1 wasm submessages → encrypt data / attributes / errors and wasm messages → create
 * callback signatures → add the internal reply info → hand the result to the keeper.
 */
import type { CipherDomain, SealItem } from '../compute/gcm-box.js';
import { stringifyJson } from '../runtime/json.js';
import { concat, fromBase64, toBase64, utf8 } from './bytes.js';
import { EnclaveError } from './errors.js';
import type { IoChannel } from './io-channel.js';
import type { ReplyParams } from './reply-params.js';
import { encodeReplyHeaders } from './reply-params.js';
import { callbackSignature } from './tx-verification.js';
import type {
  Coin,
  ContractApiVersion,
  ContractFailure,
  InternalReplyInfo,
  OutputAttribute,
  OutputEvent,
  OutputSubMsg,
  QueryOutput,
  WasmOutput,
} from './types.js';

/** Everything post-processing needs about the call that produced the output. */
export interface OutputContext {
  readonly apiVersion: ContractApiVersion;
  readonly channel: IoChannel;
  /** 64 lowercase hex ASCII chars of the executing contract's code hash. */
  readonly ownCodeHashHex: string;
  /** Reply routing parsed from the input (empty unless called as a submessage that wants a reply). */
  readonly replyParams: readonly ReplyParams[];
  readonly callbackSecret: Uint8Array;
}

type Json = Record<string, unknown>;

function malformed(detail: string): never {
  throw new EnclaveError('FailedToDeserialize', { cause: new Error(`contract output: ${detail}`) });
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) malformed(`${what} must be an array`);
  return v;
}

function asString(v: unknown, what: string): string {
  if (typeof v !== 'string') malformed(`${what} must be a string`);
  return v;
}

function checkKeys(o: Json, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) malformed(`unknown field \`${k}\` in ${what}`);
}

function toU64(v: unknown, what: string): bigint {
  if (typeof v === 'bigint' && v >= 0n) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  return malformed(`${what} must be a u64`);
}

/**
 * The outputs of one response that are encrypted, collected in output order and sealed together by
 * {@link IoChannel.sealMany} once the whole response has been validated (one IV derivation and one AES call per
 * response under aes-256-gcm; validation errors therefore never leave half-sealed output behind).
 */
class SealBatch {
  readonly #items: SealItem[] = [];
  readonly #then: (() => void)[] = [];
  #sealed: Uint8Array[] | undefined;

  /** Queues a plaintext; returns its position for {@link get}. */
  add(domain: CipherDomain, plaintext: Uint8Array): number {
    return this.#items.push({ domain, plaintext }) - 1;
  }

  /** Runs `f` right after sealing, in the order registered (fills in outputs that embed ciphertexts). */
  then(f: () => void): void {
    this.#then.push(f);
  }

  seal(channel: IoChannel): void {
    this.#sealed = channel.sealMany(this.#items);
    for (const f of this.#then) f();
  }

  get(at: number): Uint8Array {
    const c = this.#sealed?.[at];
    if (c === undefined) {
      throw new EnclaveError('InternalError', { cause: new Error('output batch read before it was sealed') });
    }
    return c;
  }
}

/** Raw bytes for plaintext channels, or the batch position of the sealed data. */
type PendingData = { readonly raw: Uint8Array } | { readonly at: number } | null;

/** `data` (base64 string) → what goes on the wire: encrypted `[recipient_hash ‖] b64` or the raw bytes. */
function processData(ctx: OutputContext, data: unknown, batch: SealBatch): PendingData {
  if (data === undefined || data === null) return null;
  const b64 = asString(data, 'data');
  if (!ctx.channel.encrypted) {
    const raw = fromBase64(b64);
    if (raw === undefined) malformed('data is not base64');
    return { raw };
  }
  const prefix = ctx.replyParams[0]?.recipientCodeHash ?? new Uint8Array(0);
  return { at: batch.add('data', concat(prefix, utf8(b64))) };
}

function dataOf(pending: PendingData, batch: SealBatch): Uint8Array | null {
  if (pending === null) return null;
  return 'raw' in pending ? pending.raw : batch.get(pending.at);
}

/** Longest string {@link attributeBytes} encodes in JS before handing over to TextEncoder. */
const JS_UTF8_MAX = 128;

/**
 * UTF-8 of an attribute key/value. Attributes are short and almost always ASCII, where UTF-8 is the char codes
 * themselves: a JS loop is ~0.5 µs cheaper per string than TextEncoder's native call (8 strings per transfer).
 * Anything else (non-ASCII, long) goes through TextEncoder, so the bytes are identical in every case.
 */
function attributeBytes(s: string): Uint8Array {
  const n = s.length;
  if (n > JS_UTF8_MAX) return utf8(s);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return utf8(s);
    out[i] = c;
  }
  return out;
}

/** An attribute as the contract gave it; `at` is the batch position of its sealed key (value at `at + 1`). */
interface PendingAttribute {
  readonly key: string;
  readonly value: string;
  readonly at: number | undefined;
}

/** One log attribute; `encrypted` defaults to true and is never passed on (spec §2.5). */
function processAttribute(ctx: OutputContext, a: unknown, batch: SealBatch): PendingAttribute {
  if (!isObject(a)) malformed('attribute must be an object');
  checkKeys(a, ['key', 'value', 'encrypted'], 'attribute');
  const key = asString(a.key, 'attribute key');
  const value = asString(a.value, 'attribute value');
  if (a.encrypted !== undefined && typeof a.encrypted !== 'boolean')
    malformed('attribute encrypted must be bool');
  if (a.encrypted === false || !ctx.channel.encrypted) return { key, value, at: undefined };
  const at = batch.add('attribute-key', attributeBytes(key));
  batch.add('attribute-value', attributeBytes(value));
  return { key, value, at };
}

function attributeOf(p: PendingAttribute, batch: SealBatch): OutputAttribute {
  if (p.at === undefined) return { key: p.key, value: p.value };
  return { key: toBase64(batch.get(p.at)), value: toBase64(batch.get(p.at + 1)) };
}

function processEvent(
  ctx: OutputContext,
  e: unknown,
  batch: SealBatch,
): { type: string; attributes: PendingAttribute[] } {
  if (!isObject(e)) malformed('event must be an object');
  checkKeys(e, ['type', 'attributes'], 'event');
  return {
    type: asString(e.type, 'event type'),
    attributes: asArray(e.attributes, 'event attributes').map((a) => processAttribute(ctx, a, batch)),
  };
}

function coinsOf(v: unknown): Coin[] {
  return asArray(v, 'funds').map((c) => {
    if (!isObject(c)) malformed('coin must be an object');
    return { denom: asString(c.denom, 'denom'), amount: asString(c.amount, 'amount') };
  });
}

/**
 * Encrypt one wasm execute/instantiate/migrate message body: `msg` := b64(header ‖ encrypt(hash ‖ reply headers ‖
 * msg)), `callback_sig` := SHA256(secret ‖ ciphertext ‖ json(funds)). v1 bodies name funds `send` (Secret std;
 * vanilla `funds` accepted and renamed) and the hash `code_hash`; v0.10 bodies `callback_code_hash`. The message
 * is sealed with the rest of the response's batch; `msg` and `callback_sig` are filled in once it is.
 */
function encryptWasmBody(
  ctx: OutputContext,
  body: Json,
  kind: string,
  headers: Uint8Array,
  batch: SealBatch,
): Json {
  const hashField = ctx.apiVersion === 'v1' ? 'code_hash' : 'callback_code_hash';
  const codeHash = body[hashField] ?? body.code_hash ?? body.callback_code_hash;
  const hash = asString(codeHash, `wasm ${kind} code hash`);
  const msgBytes = fromBase64(asString(body.msg, `wasm ${kind} msg`));
  if (msgBytes === undefined) malformed(`wasm ${kind} msg is not base64`);
  const out: Json = { ...body };
  let funds: Coin[] = [];
  if (kind !== 'migrate') {
    const sent = body.send ?? body.funds;
    funds = coinsOf(sent);
    if (ctx.apiVersion === 'v1' && 'funds' in out) {
      delete out.funds;
      out.send = sent;
    }
  }
  // Plaintext calls (IBC hooks, plaintext callbacks) forward the JSON as is: the callee treats undecryptable
  // input as plaintext and skips hash validation, so a hash prefix would only corrupt the message.
  const plain = ctx.channel.encrypted ? concat(utf8(hash), headers, msgBytes) : msgBytes;
  const at = batch.add('input', plain);
  batch.then(() => {
    const { wire, signed } = ctx.channel.messageOf(batch.get(at));
    out.msg = toBase64(wire);
    out.callback_sig = [...callbackSignature(ctx.callbackSecret, signed, funds)];
  });
  return out;
}

/** Wasm admin messages carry `callback_sig = SHA256(secret ‖ "" ‖ "[]")` (spec §2.6). */
function signAdminBody(ctx: OutputContext, body: Json): Json {
  return { ...body, callback_sig: [...callbackSignature(ctx.callbackSecret, new Uint8Array(0), [])] };
}

/** Returns the processed CosmosMsg and whether it was a wasm message the enclave encrypted. */
function processCosmosMsg(
  ctx: OutputContext,
  msg: unknown,
  headers: Uint8Array,
  batch: SealBatch,
): { msg: Json; wasm: boolean } {
  if (!isObject(msg)) malformed('message must be an object');
  const wasm = msg.wasm;
  if (!isObject(wasm)) return { msg, wasm: false };
  const [kind, body] = Object.entries(wasm)[0] ?? [];
  if (kind === undefined || !isObject(body)) malformed('wasm message must have one variant');
  let processed: Json;
  switch (kind) {
    case 'execute':
    case 'instantiate':
    case 'migrate':
      processed = encryptWasmBody(ctx, body, kind, headers, batch);
      break;
    case 'update_admin':
    case 'clear_admin':
      processed = signAdminBody(ctx, body);
      break;
    default:
      return { msg, wasm: false };
  }
  return { msg: { ...msg, wasm: { [kind]: processed } }, wasm: true };
}

const REPLY_ON = ['always', 'error', 'success', 'never'] as const;

function processSubMsgV1(ctx: OutputContext, sub: unknown, batch: SealBatch): OutputSubMsg {
  if (!isObject(sub)) malformed('submessage must be an object');
  checkKeys(sub, ['id', 'msg', 'gas_limit', 'reply_on'], 'submessage');
  const id = sub.id === undefined ? 0n : toU64(sub.id, 'submessage id');
  const replyOn = sub.reply_on ?? 'never';
  if (typeof replyOn !== 'string' || !(REPLY_ON as readonly string[]).includes(replyOn)) {
    malformed('submessage reply_on');
  }
  const gasLimit =
    sub.gas_limit === undefined || sub.gas_limit === null ? null : toU64(sub.gas_limit, 'gas_limit');
  // The caller's own reply route, then the chain above it (spec §2.6 attach_reply_headers).
  const own: ReplyParams[] =
    replyOn === 'never' ? [] : [{ subMsgId: id, recipientCodeHash: utf8(ctx.ownCodeHashHex) }];
  const headers = ctx.channel.encrypted
    ? encodeReplyHeaders([...own, ...ctx.replyParams])
    : new Uint8Array(0);
  const { msg, wasm } = processCosmosMsg(ctx, sub.msg, headers, batch);
  return {
    // The real id travels encrypted inside wasm messages; other messages keep theirs for plaintext replies.
    id: wasm && ctx.channel.encrypted ? 0n : id,
    msg,
    gasLimit,
    replyOn: replyOn as OutputSubMsg['replyOn'],
    wasMsgEncrypted: ctx.channel.encrypted,
  };
}

function processMsgV010(ctx: OutputContext, m: unknown, batch: SealBatch): OutputSubMsg {
  const { msg } = processCosmosMsg(ctx, m, new Uint8Array(0), batch);
  return { id: 0n, msg, gasLimit: null, replyOn: 'never', wasMsgEncrypted: ctx.channel.encrypted };
}

/** The Secret `Reply` whose serialisation the reply enclave signature covers (spec §2.7). */
export type SignedReplyResult =
  { readonly ok: { readonly data: string | null } } | { readonly error: string };

/** serde_json of `Reply{id, result, was_orig_msg_encrypted: true, is_encrypted: true}` with `events: []`. */
export function signedReplyJson(idB64: string, result: SignedReplyResult): string {
  const r =
    'ok' in result
      ? `{"ok":{"events":[],"data":${result.ok.data === null ? 'null' : JSON.stringify(result.ok.data)}}}`
      : `{"error":${JSON.stringify(result.error)}}`;
  return `{"id":${JSON.stringify(idB64)},"result":${r},"was_orig_msg_encrypted":true,"is_encrypted":true}`;
}

/** `internal_reply_enclave_sig = SHA256(callback_secret ‖ json(Reply) ‖ "[]")`. */
export function replyEnclaveSig(
  callbackSecret: Uint8Array,
  idB64: string,
  result: SignedReplyResult,
): Uint8Array {
  return callbackSignature(callbackSecret, utf8(signedReplyJson(idB64, result)), []);
}

/**
 * Queues `internal_msg_id = encrypt(recipient_hash ‖ [REPLY01 chain above] ‖ decimal(sub_msg_id))`, only when
 * called as a submessage that wants a reply (and only on encrypted channels); returns its batch position.
 */
function queueReplyId(ctx: OutputContext, batch: SealBatch): number | undefined {
  const first = ctx.replyParams[0];
  if (first === undefined || !ctx.channel.encrypted) return undefined;
  const chain = ctx.apiVersion === 'v1' ? encodeReplyHeaders(ctx.replyParams.slice(1)) : new Uint8Array(0);
  return batch.add('reply-id', concat(first.recipientCodeHash, chain, utf8(first.subMsgId.toString(10))));
}

/** The sealed reply id plus its signature over the reply the caller will receive. */
function replyInfo(
  ctx: OutputContext,
  batch: SealBatch,
  at: number | undefined,
  result: SignedReplyResult,
): InternalReplyInfo | undefined {
  if (at === undefined) return undefined;
  const id = batch.get(at);
  return {
    internalMsgId: id,
    internalReplyEnclaveSig: replyEnclaveSig(ctx.callbackSecret, toBase64(id), result),
  };
}

/** Post-process a successful init/handle/migrate/reply Response. @throws EnclaveError `FailedToDeserialize`. */
export function processResponse(ctx: OutputContext, ok: unknown): WasmOutput {
  if (!isObject(ok)) malformed('response must be an object');
  // Validate and queue everything first (in Secret's order, so the same bad output gives the same error), then
  // seal the response's boxes in one batch, in output order: wasm messages (contract→contract inputs),
  // attributes (key, value), event attributes, data, reply id.
  const batch = new SealBatch();
  let v010: boolean;
  let messages: OutputSubMsg[];
  let attrs: PendingAttribute[];
  let events: { type: string; attributes: PendingAttribute[] }[] = [];
  let data: PendingData;
  if (ctx.apiVersion === 'v0.10') {
    checkKeys(ok, ['messages', 'log', 'data'], 'response');
    v010 = true;
    messages = asArray(ok.messages, 'messages').map((m) => processMsgV010(ctx, m, batch));
    attrs = asArray(ok.log, 'log').map((a) => processAttribute(ctx, a, batch));
    data = processData(ctx, ok.data, batch);
  } else {
    checkKeys(ok, ['messages', 'attributes', 'events', 'data'], 'response');
    v010 = false;
    messages = asArray(ok.messages, 'messages').map((m) => processSubMsgV1(ctx, m, batch));
    attrs = asArray(ok.attributes, 'attributes').map((a) => processAttribute(ctx, a, batch));
    events = asArray(ok.events, 'events').map((e) => processEvent(ctx, e, batch));
    data = processData(ctx, ok.data, batch);
  }
  const replyAt = queueReplyId(ctx, batch);
  batch.seal(ctx.channel);
  const out: Omit<WasmOutput, 'replyInfo'> = {
    apiVersion: v010 ? 'v0.10' : 'v1',
    messages,
    attributes: attrs.map((a) => attributeOf(a, batch)),
    events: events.map((e): OutputEvent => ({
      type: e.type,
      attributes: e.attributes.map((a) => attributeOf(a, batch)),
    })),
    data: dataOf(data, batch),
  };
  const info = replyInfo(ctx, batch, replyAt, {
    ok: { data: out.data === null ? null : toBase64(out.data) },
  });
  return info === undefined ? out : { ...out, replyInfo: info };
}

/** Go's display of a v0.10 StdError object (x/compute go-cosmwasm types `StdError.Error()`, spec §4.11). */
export function goStdErrorDisplay(err: Json): string {
  const [kind, body] = Object.entries(err)[0] ?? ['', {}];
  const b = isObject(body) ? body : {};
  const s = (k: string): string => (typeof b[k] === 'string' ? b[k] : '');
  switch (kind) {
    case 'generic_err':
      return `encrypted: ${s('msg')}`;
    case 'invalid_base64':
      return `invalid base64: ${s('msg')}`;
    case 'invalid_utf8':
      return `invalid_utf8: ${s('msg')}`;
    case 'not_found':
      return `not found: ${s('kind')}`;
    case 'parse_err':
      return `parsing ${s('target') || s('target_type')}: ${s('msg')}`;
    case 'serialize_err':
      return `serializing ${s('source') || s('source_type')}: ${s('msg')}`;
    case 'unauthorized':
      return 'unauthorized';
    case 'underflow':
      return `underflow: ${s('minuend')} - ${s('subtrahend')}`;
    default:
      return stringifyJson(err);
  }
}

/**
 * A contract `Err`: serde_json of the error with surrounding quotes stripped (v0.10 StdError object, v1 string),
 * prefixed by the reply recipient's hash when replying, encrypted, and shown as `encrypted: <b64>`.
 */
export function processContractError(ctx: OutputContext, err: string | Json): ContractFailure {
  if (!ctx.channel.encrypted) {
    return {
      kind: 'contract',
      encrypted: false,
      message: typeof err === 'string' ? err : goStdErrorDisplay(err),
    };
  }
  let plain = stringifyJson(err);
  if (typeof err === 'string') plain = plain.slice(1, -1);
  const prefix = ctx.replyParams[0]?.recipientCodeHash ?? new Uint8Array(0);
  // The error and the reply id are one batch (error first).
  const batch = new SealBatch();
  const errAt = batch.add('error', concat(prefix, utf8(plain)));
  const replyAt = queueReplyId(ctx, batch);
  batch.seal(ctx.channel);
  const ciphertext = batch.get(errAt);
  const b64 = toBase64(ciphertext);
  const info = replyInfo(ctx, batch, replyAt, { error: b64 });
  return {
    kind: 'contract',
    encrypted: true,
    message: `encrypted: ${b64}`,
    ciphertext,
    ...(info === undefined ? {} : { replyInfo: info }),
  };
}

/** Query `Ok` = base64 string of the answer; the string itself is encrypted (spec §2.5). */
export function processQueryResult(ctx: OutputContext, ok: unknown): QueryOutput {
  const b64 = asString(ok, 'query result');
  if (!ctx.channel.encrypted) {
    const raw = fromBase64(b64);
    if (raw === undefined) malformed('query result is not base64');
    return { data: raw };
  }
  return { data: ctx.channel.seal('query-result', utf8(b64)) };
}
