/** `query_chain`: contract → chain queries, with Secret's recursion limit. */
import { base64 } from '@scure/base';

import type { QuerierResult } from '../backend.js';
import type { Environment } from '../environment.js';
import { MAX_LENGTH_QUERY_CHAIN_REQUEST, QUERY_RECURSION_LIMIT } from '../limits.js';
import { decodeUtf8 } from '../memory.js';
import { serializeQuerierResult } from '../querier-result.js';
import { enterHostCall, readArg } from './common.js';

function isJson(bytes: Uint8Array): boolean {
  const text = decodeUtf8(bytes);
  if (text === undefined) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * `query_chain(request) -> result_region` (never 0). The answer is a serialized QuerierResult; system errors
 * (recursion limit, malformed request, unknown contract …) are values the contract sees, not traps. The querier
 * gets the caller's remaining gas as its limit and the depth the queried contract runs at.
 */
export function queryChain(env: Environment, requestPtr: number): number {
  enterHostCall(env);
  const request = readArg(env, requestPtr, MAX_LENGTH_QUERY_CHAIN_REQUEST);
  const depth = env.call.queryDepth;
  let result: QuerierResult;
  if (depth >= QUERY_RECURSION_LIMIT) {
    result = { error: { exceeded_recursion_limit: {} } };
  } else if (!isJson(request)) {
    env.charge(env.gasConfig.queryInvalidRequest);
    result = {
      error: {
        invalid_request: { error: 'query request is not valid JSON', request: base64.encode(request) },
      },
    };
  } else {
    const answer = env.call.backend.querier.query(request, env.gasRemaining(), depth + 1);
    env.processGasInfo(answer.gas);
    result = answer.result;
  }
  return env.writeToContract(serializeQuerierResult(result, env.apiVersion));
}
