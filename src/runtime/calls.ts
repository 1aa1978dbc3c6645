/**
 * Calling contract entry points: a typed layer (env/info JSON in, parsed ContractResult out) over a raw layer
 * (argument bytes in, result bytes out). Mirrors CosmWasm packages/vm/src/calls.rs; names, argument order and
 * allocation order follow Secret (spec §3.3).
 */
import type { ApiVersion, StdErrorJson } from './backend.js';
import type { CallEnv, MessageInfo } from './env.js';
import { envJsonV1, envJsonV010, infoJsonV1 } from './env.js';
import { ENCLAVE_ERROR, VmError } from './errors.js';
import type { ContractInstance } from './instance.js';
import { parseJson } from './json.js';
import { RESULT_LIMITS } from './limits.js';
import { decodeUtf8, readRegion } from './memory.js';

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
  const ptrs: number[] = new Array<number>(args.length).fill(0);
  for (const i of allocationOrder) {
    inst.clearTrapState();
    const arg = args[i]!;
    ptrs[i] = typeof arg === 'string' ? env.writeUtf8ToContract(arg) : env.writeToContract(arg);
  }
  inst.clearTrapState();
  const resultPtr = env.callGuest(() => f(...ptrs));
  if (typeof resultPtr !== 'number') {
    throw new VmError('Runtime', ENCLAVE_ERROR.failedFunctionCall, {
      detail: 'entry point must return one i32',
    });
  }
  return readRegion(inst.memory, resultPtr, resultLimit);
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

function requireInfo(entry: EntryPoint, info: MessageInfo | undefined): MessageInfo {
  if (info === undefined) throw new TypeError(`info (sender, funds) is required for ${entry}`);
  return info;
}

/**
 * Builds the argument list (call order) and allocation order for an entry point (spec §3.3). Env and info are JSON
 * text (UTF-8 encoded into the guest by {@link callRaw}); the message is passed through as bytes.
 */
export function entryArguments(
  apiVersion: ApiVersion,
  entry: EntryPoint,
  input: TypedCallInput,
  requiresRandom: boolean,
): { args: CallArgument[]; allocationOrder: number[] } {
  const msg = input.msg;
  if (apiVersion === 'v0.10') {
    if (entry === 'query') return { args: [msg], allocationOrder: [0] };
    const info = entry === 'migrate' ? (input.info ?? EMPTY_INFO) : requireInfo(entry, input.info);
    const env = envJsonV010(
      input.env,
      { sender: info.sender, funds: entry === 'migrate' ? [] : info.funds },
      input.codeHashHex,
    );
    // init/migrate allocate env then msg; handle allocates msg then env.
    return { args: [env, msg], allocationOrder: entry === 'execute' ? [1, 0] : [0, 1] };
  }
  const env = envJsonV1(input.env, input.codeHashHex, requiresRandom);
  if (entry === 'instantiate' || entry === 'execute') {
    const info = infoJsonV1(requireInfo(entry, input.info));
    // instantiate: env, msg, info; execute: msg, env, info — passed as (env, info, msg).
    return { args: [env, info, msg], allocationOrder: entry === 'execute' ? [2, 0, 1] : [0, 2, 1] };
  }
  return { args: [env, msg], allocationOrder: [0, 1] };
}

/** Parses a result envelope: `{"Ok":…}`/`{"Err":…}` (Secret std, v0.10) or `{"ok":…}`/`{"error":…}` (CosmWasm 1.x). */
export function parseContractResult(bytes: Uint8Array): ContractResult {
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
  const resultBytes = callRaw(inst, exportName, args, allocationOrder, RESULT_LIMITS[entry]);
  return { result: parseContractResult(resultBytes), resultBytes };
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
