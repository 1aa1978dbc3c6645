/**
 * The enclave side of `query_chain` (spec §2.8; SecretNetwork shared/contract-engine/src/query_chain.rs).
 * Contract → contract smart queries are encrypted with the current user's channel and the callee's code hash
 * before they leave the enclave; the callee's encrypted answer (or encrypted error) is decrypted before the
 * calling contract sees it. Every other query passes through in plaintext.
 */
import type { GasInfo, Querier, QuerierResult, StdErrorJson } from '../runtime/backend.js';
import { parseJson, stringifyJson } from '../runtime/json.js';
import { concat, fromBase64, fromUtf8, toBase64, utf8 } from './bytes.js';
import { EnclaveError } from './errors.js';
import type { IoChannel } from './io-channel.js';
import type { UntrustedQuerier } from './types.js';

const ENCRYPTED_QUERY_ERROR = /^encrypted: (.+): query contract failed$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Pick `Ok`/`ok` or `Err`/`error` out of a Go/serde result envelope. */
function envelope(v: unknown): { ok: unknown } | { err: unknown } | undefined {
  if (!isObject(v)) return undefined;
  if ('Ok' in v) return { ok: v.Ok };
  if ('ok' in v) return { ok: v.ok };
  if ('Err' in v) return { err: v.Err };
  if ('error' in v) return { err: v.error };
  return undefined;
}

/** Rewrites a `wasm.smart` request so its `msg` is `wire(code_hash ‖ msg)`; other requests are unchanged. */
function encryptSmartQuery(
  request: unknown,
  channel: IoChannel,
): { bytes: Uint8Array; smart: boolean } | undefined {
  if (!isObject(request) || !isObject(request.wasm) || !isObject(request.wasm.smart)) return undefined;
  const smart = request.wasm.smart;
  const codeHash = smart.callback_code_hash ?? smart.code_hash;
  if (typeof codeHash !== 'string' || typeof smart.msg !== 'string') return undefined;
  const msg = fromBase64(smart.msg);
  if (msg === undefined) return undefined;
  const { wire } = channel.encodeMessage(concat(utf8(codeHash), msg));
  const rewritten = { ...request, wasm: { ...request.wasm, smart: { ...smart, msg: toBase64(wire) } } };
  return { bytes: utf8(stringifyJson(rewritten)), smart: true };
}

/** An `encrypted: <b64>: query contract failed` callee error, decrypted back to its StdError. */
function decryptQueryError(err: StdErrorJson, channel: IoChannel): StdErrorJson {
  const generic = err.generic_err;
  if (!isObject(generic) || typeof generic.msg !== 'string') return err;
  const m = ENCRYPTED_QUERY_ERROR.exec(generic.msg);
  const ct = m?.[1] === undefined ? undefined : fromBase64(m[1]);
  if (ct === undefined) return err;
  let plain: string | undefined;
  try {
    plain = fromUtf8(channel.open('error', ct));
  } catch {
    return err;
  }
  if (plain === undefined) return err;
  // v0.10 callees encrypt a StdError object, v1 callees their error string with the quotes stripped.
  try {
    const parsed = parseJson(plain);
    if (isObject(parsed)) return parsed;
  } catch {
    // not an object: a v1 string
  }
  try {
    const s = JSON.parse(`"${plain}"`) as unknown;
    if (typeof s === 'string') return { generic_err: { msg: s } };
  } catch {
    // fall through
  }
  return { generic_err: { msg: plain } };
}

/** Translate Go's answer JSON into the runtime's typed result, decrypting smart-query answers. */
function translateAnswer(answer: Uint8Array, smart: boolean, channel: IoChannel): QuerierResult {
  const text = fromUtf8(answer);
  let v: unknown;
  try {
    if (text === undefined) throw new SyntaxError('not UTF-8');
    v = parseJson(text);
  } catch (e) {
    throw new EnclaveError('HostMisbehavior', { cause: e });
  }
  const outer = envelope(v);
  if (outer === undefined) throw new EnclaveError('HostMisbehavior');
  if ('err' in outer) {
    if (!isObject(outer.err)) throw new EnclaveError('HostMisbehavior');
    return { error: outer.err };
  }
  const inner = envelope(outer.ok);
  if (inner === undefined) throw new EnclaveError('HostMisbehavior');
  if ('err' in inner) {
    const e = inner.err;
    if (typeof e === 'string') return { ok: { error: e } };
    if (!isObject(e)) throw new EnclaveError('HostMisbehavior');
    return { ok: { error: smart && channel.encrypted ? decryptQueryError(e, channel) : e } };
  }
  if (typeof inner.ok !== 'string') throw new EnclaveError('HostMisbehavior');
  const raw = fromBase64(inner.ok);
  if (raw === undefined) throw new EnclaveError('HostMisbehavior');
  if (!smart || !channel.encrypted) return { ok: { ok: raw } };
  let b64: string | undefined;
  try {
    b64 = fromUtf8(channel.open('query-result', raw));
  } catch (e) {
    throw new EnclaveError('DecryptionError', { cause: e });
  }
  const result = b64 === undefined ? undefined : fromBase64(b64);
  if (result === undefined) throw new EnclaveError('DecryptionError');
  return { ok: { ok: result } };
}

/**
 * The runtime `Querier` of one call: encrypts outgoing smart queries, decrypts their answers. A class: a call
 * that never queries (most) pays for one small object, not a closure.
 */
export class EnclaveQuerier implements Querier {
  constructor(
    private readonly untrusted: UntrustedQuerier,
    private readonly channel: IoChannel,
  ) {}

  query(request: Uint8Array, gasLimit: bigint, queryDepth: number): { result: QuerierResult; gas: GasInfo } {
    const channel = this.channel;
    let parsed: unknown;
    try {
      parsed = parseJson(fromUtf8(request) ?? '');
    } catch {
      parsed = undefined;
    }
    const encrypted = channel.encrypted ? encryptSmartQuery(parsed, channel) : undefined;
    const bytes = encrypted?.bytes ?? request;
    const smart = encrypted?.smart ?? false;
    let answer: { response: Uint8Array; gasUsed: bigint };
    try {
      answer = this.untrusted.query(bytes, { gasLimit, queryDepth });
    } catch (e) {
      if (e instanceof EnclaveError) throw e;
      throw new EnclaveError('FailedOcall', { cause: e });
    }
    return {
      result: translateAnswer(answer.response, smart, channel),
      gas: { cost: answer.gasUsed, externallyUsed: 0n },
    };
  }
}
