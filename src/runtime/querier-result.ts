/**
 * Serializes a {@link QuerierResult} the way each contract API expects to read `query_chain`'s answer
 * (spec §2.8; cosmwasm-abi §5.7).
 */
import { base64 } from '@scure/base';

import type { ApiVersion, QuerierResult, StdErrorJson } from './backend.js';
import { stringifyJson } from './json.js';
import { utf8 } from './memory.js';

/** Display of a StdError JSON object for APIs whose errors are strings (v1): `generic_err` → its `msg`. */
export function stdErrorDisplay(err: string | StdErrorJson): string {
  if (typeof err === 'string') return err;
  const [kind, body] = Object.entries(err)[0] ?? ['unknown', {}];
  const b = (body ?? {}) as Record<string, unknown>;
  const s = (k: string): string => (typeof b[k] === 'string' ? b[k] : '');
  switch (kind) {
    case 'generic_err':
      return s('msg');
    case 'invalid_base64':
      return `Invalid Base64 string: ${s('msg')}`;
    case 'invalid_utf8':
      return `Cannot decode UTF8 bytes into string: ${s('msg')}`;
    case 'not_found':
      return `${s('kind')} not found`;
    case 'parse_err':
      return `Error parsing into type ${s('target_type') || s('target')}: ${s('msg')}`;
    case 'serialize_err':
      return `Error serializing type ${s('source_type') || s('source')}: ${s('msg')}`;
    case 'unauthorized':
      return 'Unauthorized';
    case 'underflow':
      return `Cannot subtract ${s('subtrahend')} from ${s('minuend')}`;
    default:
      return stringifyJson(err);
  }
}

/** JSON bytes handed to the contract for a query answer. */
export function serializeQuerierResult(result: QuerierResult, apiVersion: ApiVersion): Uint8Array {
  let json: string;
  if (apiVersion === 'v0.10') {
    if ('error' in result) json = `{"Err":${stringifyJson(result.error)}}`;
    else if ('ok' in result.ok) json = `{"Ok":{"Ok":${JSON.stringify(base64.encode(result.ok.ok))}}}`;
    else {
      const e = result.ok.error;
      const std = typeof e === 'string' ? { generic_err: { msg: e } } : e;
      json = `{"Ok":{"Err":${stringifyJson(std)}}}`;
    }
  } else if ('error' in result) json = `{"error":${stringifyJson(result.error)}}`;
  else if ('ok' in result.ok) json = `{"ok":{"ok":${JSON.stringify(base64.encode(result.ok.ok))}}}`;
  else json = `{"ok":{"error":${JSON.stringify(stdErrorDisplay(result.ok.error))}}}`;
  return utf8.encode(json);
}
