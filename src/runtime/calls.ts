/**
 * Calling contract entry points: a typed layer (env/info JSON in, parsed ContractResult out) over a raw layer
 * (argument bytes in, result bytes out). Mirrors CosmWasm packages/vm/src/calls.rs; names, argument order and
 * allocation order follow Secret (spec §3.3).
 */
import type { ApiVersion, StdErrorJson } from './backend.js';
import type { CallEnv, MessageInfo } from './env.js';
import { envArgV1, envJsonV010, infoJsonV1 } from './env.js';
import { ENCLAVE_ERROR, VmError } from './errors.js';
import type { ContractInstance } from './instance.js';
import { parseJson } from './json.js';
import { RESULT_LIMITS } from './limits.js';
import { decodeUtf8, readRegionView } from './memory.js';

/** IBC entry points of v1 contracts (all `(env, msg)`; spec §3.3). */
export type IbcEntryPoint =
  | 'ibc_channel_open'
  | 'ibc_channel_connect'
  | 'ibc_channel_close'
  | 'ibc_packet_receive'
  | 'ibc_packet_ack'
  | 'ibc_packet_timeout';

/** Entry points the runtime can call. */
export type EntryPoint = 'instantiate' | 'execute' | 'query' | 'migrate' | 'reply' | 'sudo' | IbcEntryPoint;

/** Export name of each entry point per API (v0.10 has no reply/sudo). */
export const ENTRY_POINT_EXPORTS: Readonly<
  Record<ApiVersion, Readonly<Partial<Record<EntryPoint, string>>>>
> = {
  'v0.10': { instantiate: 'init', execute: 'handle', query: 'query', migrate: 'migrate' },
  v1: {
    instantiate: 'instantiate',
    execute: 'execute',
    query: 'query',
    migrate: 'migrate',
    reply: 'reply',
    sudo: 'sudo',
    ibc_channel_open: 'ibc_channel_open',
    ibc_channel_connect: 'ibc_channel_connect',
    ibc_channel_close: 'ibc_channel_close',
    ibc_packet_receive: 'ibc_packet_receive',
    ibc_packet_ack: 'ibc_packet_ack',
    ibc_packet_timeout: 'ibc_packet_timeout',
  },
};

/**
 * A contract's answer as a value: `{ ok }` with the parsed Response (or, for queries, the base64 string), or
 * `{ error }` with the contract's error (a string for v1, a StdError JSON object for v0.10). Contract failures
 * are never exceptions.
 */
export type ContractResult<T = unknown> = { readonly ok: T } | { readonly error: string | StdErrorJson };

/**
 * An entry point argument: bytes, or text written into the guest as its UTF-8 encoding (env / info JSON: encoded
 * straight into the allocated Region, with no intermediate buffer).
 */
export type CallArgument = Uint8Array | string;

/**
 * Raw layer: writes `args` into the guest in `allocationOrder` (indices into `args`), calls `exportName` with the
 * Region pointers in argument order, and copies the result Region out (at most `resultLimit` bytes). The result
 * Region is not deallocated: the instance is discarded or reset after the call (as Secret drops its instance).
 */
export function callRaw(
  inst: ContractInstance,
  exportName: string,
  args: readonly CallArgument[],
  allocationOrder: readonly number[],
  resultLimit: number,
): Uint8Array {
  return callRawView(inst, exportName, args, allocationOrder, resultLimit).slice();
}

/** {@link callRaw} returning a view of the result Region in guest memory (valid until the guest runs again). */
function callRawView(
  inst: ContractInstance,
  exportName: string,
  args: readonly CallArgument[],
  allocationOrder: readonly number[],
  resultLimit: number,
): Uint8Array {
  const f = inst.fn(exportName);
  if (f === undefined) {
    throw new VmError('MissingExport', ENCLAVE_ERROR.failedFunctionCall, {
      detail: `Could not get export: Missing export ${exportName}`,
    });
  }
  if (f.length !== args.length) {
    throw new VmError('Runtime', ENCLAVE_ERROR.failedFunctionCall, {
      detail: `The called function args arity does not match. The contract's method arity: ${f.length}`,
    });
  }
  const env = inst.env;
  // One reset covers the entry call too: a guest call that returns normally leaves trap_reason 0 and stack_used
  // at its entry value (every exit of an instrumented function restores it), and one that traps fails this call.
  inst.clearTrapState();
  // Region pointers by argument position: entry points take at most 3, passed without an array, spread or
  // closure per call; longer lists (other exports) go through an array.
  const n = args.length;
  const many = n > 3 ? new Array<number>(n).fill(0) : undefined;
  let p0 = 0;
  let p1 = 0;
  let p2 = 0;
  for (let k = 0; k < allocationOrder.length; k++) {
    const i = allocationOrder[k]!;
    const arg = args[i]!;
    const ptr = typeof arg === 'string' ? env.writeUtf8ToContract(arg) : env.writeToContract(arg);
    if (many !== undefined) many[i] = ptr;
    else if (i === 0) p0 = ptr;
    else if (i === 1) p1 = ptr;
    else p2 = ptr;
  }
  let resultPtr: unknown;
  env.enterGuest();
  try {
    if (many !== undefined) resultPtr = f(...many);
    else resultPtr = n === 2 ? f(p0, p1) : n === 3 ? f(p0, p1, p2) : n === 1 ? f(p0) : f();
  } finally {
    env.callDepth--;
  }
  if (typeof resultPtr !== 'number') {
    throw new VmError('Runtime', ENCLAVE_ERROR.failedFunctionCall, {
      detail: 'entry point must return one i32',
    });
  }
  return readRegionView(inst.memory, resultPtr, resultLimit);
}

/** Inputs of a typed call. */
export interface TypedCallInput {
  readonly env: CallEnv;
  /** Required for instantiate/execute (both APIs) and for v0.10 migrate (its env carries the sender). */
  readonly info?: MessageInfo | undefined;
  /** Message JSON bytes (for reply: the Reply JSON). */
  readonly msg: Uint8Array;
  /** Hex sha256 of the contract code (shown in env). */
  readonly codeHashHex: string;
}

const EMPTY_INFO: MessageInfo = { sender: '', funds: [] };

// Allocation orders (indices into the argument list), shared by every call.
const ORDER_0: readonly number[] = Object.freeze([0]);
const ORDER_01: readonly number[] = Object.freeze([0, 1]);
const ORDER_10: readonly number[] = Object.freeze([1, 0]);
const ORDER_021: readonly number[] = Object.freeze([0, 2, 1]);
const ORDER_201: readonly number[] = Object.freeze([2, 0, 1]);

function requireInfo(entry: EntryPoint, info: MessageInfo | undefined): MessageInfo {
  if (info === undefined) throw new TypeError(`info (sender, funds) is required for ${entry}`);
  return info;
}

/**
 * Builds the argument list (call order) and allocation order for an entry point (spec §3.3). Env and info are JSON
 * text (encoded into the guest by {@link callRaw}), except a v1 env repeated from the previous call: its memoized
 * UTF-8 bytes (see `envArgV1`); the message is passed through as bytes.
 */
export function entryArguments(
  apiVersion: ApiVersion,
  entry: EntryPoint,
  input: TypedCallInput,
  requiresRandom: boolean,
): { args: CallArgument[]; allocationOrder: readonly number[] } {
  const msg = input.msg;
  if (apiVersion === 'v0.10') {
    if (entry === 'query') return { args: [msg], allocationOrder: ORDER_0 };
    const info = entry === 'migrate' ? (input.info ?? EMPTY_INFO) : requireInfo(entry, input.info);
    const env = envJsonV010(
      input.env,
      { sender: info.sender, funds: entry === 'migrate' ? [] : info.funds },
      input.codeHashHex,
    );
    // init/migrate allocate env then msg; handle allocates msg then env.
    return { args: [env, msg], allocationOrder: entry === 'execute' ? ORDER_10 : ORDER_01 };
  }
  const env = envArgV1(input.env, input.codeHashHex, requiresRandom);
  if (entry === 'instantiate' || entry === 'execute') {
    const info = infoJsonV1(requireInfo(entry, input.info));
    // instantiate: env, msg, info; execute: msg, env, info — passed as (env, info, msg).
    return { args: [env, info, msg], allocationOrder: entry === 'execute' ? ORDER_201 : ORDER_021 };
  }
  return { args: [env, msg], allocationOrder: ORDER_01 };
}

/** Bytes of the standard base64 alphabet (and `=`): 1. */
const BASE64_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=')
  BASE64_BYTE[c.charCodeAt(0)] = 1;

/** Longest query answer taken by {@link okBase64}; longer ones are parsed as JSON (the loop would gain nothing). */
const OK_BASE64_MAX = 4096;

/**
 * A query's usual envelope, `{"ok":"<base64>"}` or `{"Ok":"<base64>"}` byte for byte (no whitespace, no escapes):
 * its string, else undefined. The same value JSON parsing gives, without decoding and parsing the text.
 */
function okBase64(bytes: Uint8Array): string | undefined {
  const n = bytes.length;
  if (n < 9 || n > OK_BASE64_MAX) return undefined;
  // {"ok":"  /  {"Ok":"  …  "}
  if (bytes[0] !== 0x7b || bytes[1] !== 0x22 || (bytes[2] !== 0x6f && bytes[2] !== 0x4f)) return undefined;
  if (bytes[3] !== 0x6b || bytes[4] !== 0x22 || bytes[5] !== 0x3a || bytes[6] !== 0x22) return undefined;
  if (bytes[n - 2] !== 0x22 || bytes[n - 1] !== 0x7d) return undefined;
  for (let i = 7; i < n - 2; i++) if (BASE64_BYTE[bytes[i]!] !== 1) return undefined;
  return decodeUtf8(bytes.subarray(7, n - 2));
}

/** Parses a result envelope: `{"Ok":…}`/`{"Err":…}` (Secret std, v0.10) or `{"ok":…}`/`{"error":…}` (CosmWasm 1.x). */
export function parseContractResult(bytes: Uint8Array): ContractResult {
  const b64 = okBase64(bytes);
  if (b64 !== undefined) return { ok: b64 };
  const text = decodeUtf8(bytes);
  let value: unknown;
  try {
    if (text === undefined) throw new SyntaxError('result is not valid UTF-8');
    value = parseJson(text);
  } catch (err) {
    throw new VmError('Serialization', ENCLAVE_ERROR.failedToDeserialize, {
      cause: err,
      detail: String(err),
    });
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      if ('Ok' in o) return { ok: o['Ok'] };
      if ('ok' in o) return { ok: o['ok'] };
      const e = 'Err' in o ? o['Err'] : 'error' in o ? o['error'] : undefined;
      if (typeof e === 'string') return { error: e };
      if (typeof e === 'object' && e !== null && !Array.isArray(e)) return { error: e as StdErrorJson };
    }
  }
  throw new VmError('Serialization', ENCLAVE_ERROR.failedToDeserialize, {
    detail: 'contract result is neither {"Ok":…}/{"Err":…} nor {"ok":…}/{"error":…}',
  });
}

/**
 * Typed layer: builds env/info JSON, calls the entry point, parses the envelope. Low level: the instance's
 * Environment must have a call started (`inst.env.startCall`); `ContractRuntime.call` does that and the gas
 * accounting around it. The `callInstantiate`… helpers below are thin wrappers of this.
 */
export function callEntry(
  inst: ContractInstance,
  entry: EntryPoint,
  input: TypedCallInput,
): { result: ContractResult; resultBytes: Uint8Array } {
  const { apiVersion, requiresRandom } = inst.compiled;
  const exportName = ENTRY_POINT_EXPORTS[apiVersion][entry];
  if (exportName === undefined) {
    throw new VmError('MissingExport', ENCLAVE_ERROR.failedFunctionCall, {
      detail: `a ${apiVersion} contract has no ${entry} entry point`,
    });
  }
  const { args, allocationOrder } = entryArguments(apiVersion, entry, input, requiresRandom);
  const view = callRawView(inst, exportName, args, allocationOrder, RESULT_LIMITS[entry]);
  // Parsed from guest memory (no guest code runs in between), copied for the caller.
  return { result: parseContractResult(view), resultBytes: view.slice() };
}

/** `instantiate(env, info, msg)` / v0.10 `init(env, msg)`. */
export function callInstantiate(inst: ContractInstance, input: TypedCallInput): ContractResult {
  return callEntry(inst, 'instantiate', input).result;
}
/** `execute(env, info, msg)` / v0.10 `handle(env, msg)`. */
export function callExecute(inst: ContractInstance, input: TypedCallInput): ContractResult {
  return callEntry(inst, 'execute', input).result;
}
/** `query(env, msg)` / v0.10 `query(msg)`. */
export function callQuery(inst: ContractInstance, input: TypedCallInput): ContractResult {
  return callEntry(inst, 'query', input).result;
}
/** `migrate(env, msg)`. */
export function callMigrate(inst: ContractInstance, input: TypedCallInput): ContractResult {
  return callEntry(inst, 'migrate', input).result;
}
/** `reply(env, msg)` (v1 only). */
export function callReply(inst: ContractInstance, input: TypedCallInput): ContractResult {
  return callEntry(inst, 'reply', input).result;
}
/** `sudo(env, msg)` (v1 only). */
export function callSudo(inst: ContractInstance, input: TypedCallInput): ContractResult {
  return callEntry(inst, 'sudo', input).result;
}
