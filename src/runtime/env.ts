/**
 * The environment a contract sees, built from the Go→enclave shape (spec §3.4, SecretNetwork
 * x/compute/internal/types/types.go `NewEnv`) and converted to the exact JSON each contract API expects
 * (enclave `into_v010` / v1 conversion). JSON is written by hand so 64-bit heights stay exact.
 */
import { base64 } from '@scure/base';

/** A coin as contracts see it: amount is a decimal string (Uint128). */
export interface Coin {
  readonly denom: string;
  readonly amount: string;
}

/** Block/contract/transaction context of one call, as Go hands it to the enclave. */
export interface CallEnv {
  readonly block: {
    /** u64 block height. */
    readonly height: bigint | number;
    /** Block time in Unix **nanoseconds** (v0.10 contracts receive seconds, v1 a nanosecond string). */
    readonly timeNanos: bigint;
    readonly chainId: string;
    /** Per-contract block randomness (32 bytes); only shown to v1 contracts that export `requires_random`. */
    readonly random?: Uint8Array | null | undefined;
  };
  readonly contract: { readonly address: string };
  /** Absent / null outside a transaction (queries). `hash` is the UPPERCASE hex sha256 of the tx bytes. */
  readonly transaction?: { readonly index: number; readonly hash: string } | null | undefined;
  /** Query nesting depth this call runs at: top level = 1, each nested query +1. Defaults to 1. */
  readonly queryDepth?: number | undefined;
}

/** Sender and funds of a call (`MessageInfo`). */
export interface MessageInfo {
  readonly sender: string;
  readonly funds: readonly Coin[];
}

const NANOS_PER_SECOND = 1_000_000_000n;

function height(h: bigint | number): string {
  const v = BigInt(h);
  if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw new RangeError(`block height out of u64 range: ${v}`);
  return v.toString();
}

function coinsJson(funds: readonly Coin[]): string {
  return `[${funds.map((c) => `{"denom":${JSON.stringify(c.denom)},"amount":${JSON.stringify(c.amount)}}`).join(',')}]`;
}

/**
 * v0.10 env (sole env argument of init/handle/migrate; v0.10 `query` gets none):
 * `{"block":{"height":H,"time":SECONDS,"chain_id":C},"message":{"sender":S,"sent_funds":[…]},
 *   "contract":{"address":A},"contract_key":null,"contract_code_hash":"<hex>","transaction":null}`.
 */
export function envJsonV010(env: CallEnv, info: MessageInfo, codeHashHex: string): string {
  const b = env.block;
  return (
    `{"block":{"height":${height(b.height)},"time":${(b.timeNanos / NANOS_PER_SECOND).toString()},"chain_id":${JSON.stringify(b.chainId)}},` +
    `"message":{"sender":${JSON.stringify(info.sender)},"sent_funds":${coinsJson(info.funds)}},` +
    `"contract":{"address":${JSON.stringify(env.contract.address)}},"contract_key":null,` +
    `"contract_code_hash":${JSON.stringify(codeHashHex)},"transaction":null}`
  );
}

// The last v1 block / contract / fundless-info fragments and every input they were built from (values, and a copy
// of the random bytes): consecutive calls in one block, to one contract or from one sender reuse them instead of
// re-running BigInt and JSON conversions (~1.3 µs per call). A hit needs every input equal, so output is unchanged.
let lastBlock:
  | {
      height: bigint | number;
      timeNanos: bigint;
      chainId: string;
      random: Uint8Array | undefined;
      json: string;
    }
  | undefined;
let lastContract: { address: string; codeHashHex: string; json: string } | undefined;
let lastInfo: { sender: string; json: string } | undefined;

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function blockJsonV1(b: CallEnv['block'], random: Uint8Array | undefined): string {
  const m = lastBlock;
  if (
    m !== undefined &&
    m.height === b.height &&
    m.timeNanos === b.timeNanos &&
    m.chainId === b.chainId &&
    sameBytes(m.random, random)
  ) {
    return m.json;
  }
  const r = random === undefined ? '' : `,"random":${JSON.stringify(base64.encode(random))}`;
  const json = `{"height":${height(b.height)},"time":"${b.timeNanos.toString()}","chain_id":${JSON.stringify(b.chainId)}${r}}`;
  lastBlock = {
    height: b.height,
    timeNanos: b.timeNanos,
    chainId: b.chainId,
    random: random?.slice(),
    json,
  };
  return json;
}

function contractJsonV1(address: string, codeHashHex: string): string {
  const m = lastContract;
  if (m !== undefined && m.address === address && m.codeHashHex === codeHashHex) return m.json;
  const json = `{"address":${JSON.stringify(address)},"code_hash":${JSON.stringify(codeHashHex)}}`;
  lastContract = { address, codeHashHex, json };
  return json;
}

/**
 * v1 env: `{"block":{"height":H,"time":"<nanos>","chain_id":C[,"random":"<b64>"]},
 *   "contract":{"address":A,"code_hash":"<hex>"},"transaction":{"index":I,"hash":"…"}|null}`.
 * `random` appears only when `withRandom` (the contract exports `requires_random`) and the env carries one.
 */
export function envJsonV1(env: CallEnv, codeHashHex: string, withRandom: boolean): string {
  const b = env.block;
  const random = withRandom && b.random !== undefined && b.random !== null ? b.random : undefined;
  return `{"block":${blockJsonV1(b, random)},"contract":${contractJsonV1(env.contract.address, codeHashHex)},"transaction":${txJsonV1(env.transaction)}}`;
}

// The last v1 env, the fragments it was built from (block / contract strings are the memos' own, so a hit is
// mostly identity compares) and, once it repeated, its UTF-8 bytes: consecutive queries in one block to one
// contract copy bytes instead of building and encoding the JSON again, while txs (a new transaction each) keep
// encoding their env straight into the guest without an intermediate buffer.
let lastEnv:
  { block: string; contract: string; tx: string; json: string; bytes: Uint8Array | undefined } | undefined;

/**
 * {@link envJsonV1} as an entry point argument: the JSON text, or, when the same env was built by the previous
 * call already, its UTF-8 bytes (the same bytes as encoding the text). The array is shared between calls: callers
 * must only copy from it, never write to it.
 */
export function envArgV1(env: CallEnv, codeHashHex: string, withRandom: boolean): string | Uint8Array {
  const b = env.block;
  const random = withRandom && b.random !== undefined && b.random !== null ? b.random : undefined;
  const block = blockJsonV1(b, random);
  const contract = contractJsonV1(env.contract.address, codeHashHex);
  const tx = txJsonV1(env.transaction);
  const m = lastEnv;
  if (m !== undefined && m.block === block && m.contract === contract && m.tx === tx) {
    m.bytes ??= utf8Encoder.encode(m.json);
    return m.bytes;
  }
  const json = `{"block":${block},"contract":${contract},"transaction":${tx}}`;
  lastEnv = { block, contract, tx, json, bytes: undefined };
  return json;
}

const utf8Encoder = new TextEncoder();

function txJsonV1(tx: CallEnv['transaction']): string {
  return tx === undefined || tx === null
    ? 'null'
    : `{"index":${tx.index >>> 0},"hash":${JSON.stringify(tx.hash)}}`;
}

/** v1 `MessageInfo`: `{"sender":S,"funds":[{"denom","amount"}]}` (funds always an array). */
export function infoJsonV1(info: MessageInfo): string {
  if (info.funds.length !== 0) {
    return `{"sender":${JSON.stringify(info.sender)},"funds":${coinsJson(info.funds)}}`;
  }
  const m = lastInfo;
  if (m !== undefined && m.sender === info.sender) return m.json;
  const json = `{"sender":${JSON.stringify(info.sender)},"funds":[]}`;
  lastInfo = { sender: info.sender, json };
  return json;
}
