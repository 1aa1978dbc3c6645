/**
 * Amino JSON converters for the compute messages that Secret signs in legacy amino mode (Ledger, Keplr amino),
 * shaped exactly like secret.js' `toAmino()` output (secretjs/src/tx/compute.ts, v1.22.1) so both produce the
 * same sign bytes. The cosmjs pattern (`createWasmAminoConverters`): pass the result to `AminoTypes` from
 * @cosmjs/stargate.
 *
 * Shape notes (all from secret.js, which is what wallets sign today):
 * - `sender`/`contract` of MsgStoreCode/MsgInstantiateContract/MsgExecuteContract are 20 raw bytes in protobuf and
 *   **base64** (not bech32) in amino JSON; MsgMigrateContract/MsgUpdateAdmin/MsgClearAdmin carry bech32 strings
 *   in both encodings. (Base64 is also what Cosmos SDK 0.50's x/tx aminojson encoder, which verifies legacy amino
 *   signatures on Secret ≥ 1.12, produces for a `bytes` field without an `amino.encoding` option; the bech32 form
 *   came from go-amino honouring `AccAddress.MarshalJSON` on older chains.)
 * - `code_id` is a decimal string; encrypted inputs and wasm code are base64; coins are `{denom, amount}` and the
 *   funds arrays are always present (`legacy_coins`, `dont_omitempty`).
 * - Optional strings (`source`, `builder`, `admin`) and an empty `init_msg` are omitted.
 * - The internal `callback_code_hash`/`callback_sig` fields are omitted when empty (always, in a user-signed tx);
 *   if set they are emitted (string / base64) so the signature still covers every field of the message.
 */
import type { AminoMsg, Coin as AminoCoin } from '@cosmjs/amino';
import { base64 } from '@scure/base';

import type { Coin } from '../proto/cosmos/base/v1beta1/coin.js';
import {
  MsgClearAdmin,
  MsgExecuteContract,
  MsgInstantiateContract,
  MsgMigrateContract,
  MsgStoreCode,
  MsgUpdateAdmin,
} from '../proto/secret/compute/v1beta1/msg.js';
import { COMPUTE_TYPE_URLS } from './messages.js';
import { ProtoDecodeError } from './proto-errors.js';

/** Amino type names (`wasm/<Msg>`, as registered by Secret's x/compute legacy amino codec). */
export const COMPUTE_AMINO_TYPES = {
  MsgStoreCode: 'wasm/MsgStoreCode',
  MsgInstantiateContract: 'wasm/MsgInstantiateContract',
  MsgExecuteContract: 'wasm/MsgExecuteContract',
  MsgMigrateContract: 'wasm/MsgMigrateContract',
  MsgUpdateAdmin: 'wasm/MsgUpdateAdmin',
  MsgClearAdmin: 'wasm/MsgClearAdmin',
} as const;

/** Amino JSON of MsgStoreCode. */
export interface AminoMsgStoreCode extends AminoMsg {
  readonly type: 'wasm/MsgStoreCode';
  readonly value: {
    /** base64 of the 20-byte sender address */
    readonly sender: string;
    /** base64 of the (usually gzipped) wasm */
    readonly wasm_byte_code: string;
    readonly source?: string;
    readonly builder?: string;
  };
}

/** Amino JSON of MsgInstantiateContract. */
export interface AminoMsgInstantiateContract extends AminoMsg {
  readonly type: 'wasm/MsgInstantiateContract';
  readonly value: {
    /** base64 of the 20-byte sender address */
    readonly sender: string;
    /** decimal uint64 */
    readonly code_id: string;
    readonly label: string;
    /** base64 of the encrypted init message; omitted when empty */
    readonly init_msg?: string;
    readonly init_funds: readonly AminoCoin[];
    readonly admin?: string;
    readonly callback_code_hash?: string;
    readonly callback_sig?: string;
  };
}

/** Amino JSON of MsgExecuteContract. */
export interface AminoMsgExecuteContract extends AminoMsg {
  readonly type: 'wasm/MsgExecuteContract';
  readonly value: {
    /** base64 of the 20-byte sender address */
    readonly sender: string;
    /** base64 of the 20-byte contract address */
    readonly contract: string;
    /** base64 of the encrypted message */
    readonly msg: string;
    readonly sent_funds: readonly AminoCoin[];
    readonly callback_code_hash?: string;
    readonly callback_sig?: string;
  };
}

/** Amino JSON of MsgMigrateContract. */
export interface AminoMsgMigrateContract extends AminoMsg {
  readonly type: 'wasm/MsgMigrateContract';
  readonly value: {
    /** bech32 */
    readonly sender: string;
    /** bech32 */
    readonly contract: string;
    /** base64 of the encrypted migrate message */
    readonly msg: string;
    /** decimal uint64 */
    readonly code_id: string;
    readonly callback_code_hash?: string;
    readonly callback_sig?: string;
  };
}

/** Amino JSON of MsgUpdateAdmin. */
export interface AminoMsgUpdateAdmin extends AminoMsg {
  readonly type: 'wasm/MsgUpdateAdmin';
  readonly value: {
    readonly sender: string;
    readonly new_admin: string;
    readonly contract: string;
    readonly callback_sig?: string;
  };
}

/** Amino JSON of MsgClearAdmin. */
export interface AminoMsgClearAdmin extends AminoMsg {
  readonly type: 'wasm/MsgClearAdmin';
  readonly value: {
    readonly sender: string;
    readonly contract: string;
    readonly callback_sig?: string;
  };
}

/** Structurally identical to @cosmjs/stargate's `AminoConverter` (not imported: stargate is not a dependency). */
export interface AminoConverter {
  readonly aminoType: string;
  // `any` as in cosmjs: each converter takes its own message type; narrower signatures would not be assignable.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  readonly toAmino: (value: any) => any;
  readonly fromAmino: (value: any) => any;
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

/** Structurally identical to @cosmjs/stargate's `AminoConverters`: converters by protobuf type URL. */
export type AminoConverters = Record<string, AminoConverter>;

const MAX_UINT64 = (1n << 64n) - 1n;

function record(value: unknown, type: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtoDecodeError('BAD_AMINO', `${type}: amino value must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function str(v: Record<string, unknown>, key: string, type: string): string {
  const x = v[key];
  if (typeof x !== 'string') throw new ProtoDecodeError('BAD_AMINO', `${type}: "${key}" must be a string`);
  return x;
}

function optStr(v: Record<string, unknown>, key: string, type: string): string {
  return v[key] === undefined ? '' : str(v, key, type);
}

function bytes(v: Record<string, unknown>, key: string, type: string): Uint8Array {
  const s = str(v, key, type);
  try {
    return base64.decode(s);
  } catch (e) {
    throw new ProtoDecodeError('BAD_AMINO', `${type}: "${key}" is not valid base64`, { cause: e });
  }
}

function optBytes(v: Record<string, unknown>, key: string, type: string): Uint8Array {
  return v[key] === undefined ? new Uint8Array(0) : bytes(v, key, type);
}

function uint64(v: Record<string, unknown>, key: string, type: string): bigint {
  const s = str(v, key, type);
  if (!/^(0|[1-9][0-9]*)$/.test(s) || BigInt(s) > MAX_UINT64) {
    throw new ProtoDecodeError('BAD_AMINO', `${type}: "${key}" must be a decimal uint64 string`);
  }
  return BigInt(s);
}

function coins(v: Record<string, unknown>, key: string, type: string): Coin[] {
  const x = v[key];
  // Omitted funds mean "none" (Go decodes a missing array as empty); anything else must be a coin list.
  if (x === undefined) return [];
  if (!Array.isArray(x))
    throw new ProtoDecodeError('BAD_AMINO', `${type}: "${key}" must be an array of coins`);
  return x.map((c: unknown, i) => {
    const coin = record(c, `${type}.${key}[${i}]`);
    return { denom: str(coin, 'denom', type), amount: str(coin, 'amount', type) };
  });
}

const toAminoCoins = (cs: readonly Coin[]): AminoCoin[] =>
  cs.map((c) => ({ denom: c.denom, amount: c.amount }));
const b64 = (b: Uint8Array): string => base64.encode(b);

/** Internal callback fields: present only when set (see the module comment). */
function callbackFields(m: { callbackCodeHash?: string; callbackSig: Uint8Array }): {
  callback_code_hash?: string;
  callback_sig?: string;
} {
  return {
    ...(m.callbackCodeHash ? { callback_code_hash: m.callbackCodeHash } : {}),
    ...(m.callbackSig.length > 0 ? { callback_sig: b64(m.callbackSig) } : {}),
  };
}

/**
 * Converters for the six compute messages Secret signs in amino mode, keyed by protobuf type URL. Usage:
 * `new AminoTypes({ ...createDefaultAminoConverters(), ...createComputeAminoConverters() })`.
 * `fromAmino` throws {@link ProtoDecodeError} (`BAD_AMINO`) on JSON of the wrong shape.
 */
export function createComputeAminoConverters(): AminoConverters {
  return {
    [COMPUTE_TYPE_URLS.MsgStoreCode]: {
      aminoType: COMPUTE_AMINO_TYPES.MsgStoreCode,
      toAmino: (value: Partial<MsgStoreCode>): AminoMsgStoreCode['value'] => {
        const m = MsgStoreCode.fromPartial(value);
        return {
          sender: b64(m.sender),
          wasm_byte_code: b64(m.wasmByteCode),
          ...(m.source ? { source: m.source } : {}),
          ...(m.builder ? { builder: m.builder } : {}),
        };
      },
      fromAmino: (value: unknown): MsgStoreCode => {
        const t = COMPUTE_AMINO_TYPES.MsgStoreCode;
        const v = record(value, t);
        return MsgStoreCode.fromPartial({
          sender: bytes(v, 'sender', t),
          wasmByteCode: bytes(v, 'wasm_byte_code', t),
          source: optStr(v, 'source', t),
          builder: optStr(v, 'builder', t),
        });
      },
    },
    [COMPUTE_TYPE_URLS.MsgInstantiateContract]: {
      aminoType: COMPUTE_AMINO_TYPES.MsgInstantiateContract,
      toAmino: (value: Partial<MsgInstantiateContract>): AminoMsgInstantiateContract['value'] => {
        const m = MsgInstantiateContract.fromPartial(value);
        return {
          sender: b64(m.sender),
          code_id: m.codeId.toString(),
          label: m.label,
          ...(m.initMsg.length > 0 ? { init_msg: b64(m.initMsg) } : {}),
          init_funds: toAminoCoins(m.initFunds),
          ...(m.admin ? { admin: m.admin } : {}),
          ...callbackFields(m),
        };
      },
      fromAmino: (value: unknown): MsgInstantiateContract => {
        const t = COMPUTE_AMINO_TYPES.MsgInstantiateContract;
        const v = record(value, t);
        return MsgInstantiateContract.fromPartial({
          sender: bytes(v, 'sender', t),
          callbackCodeHash: optStr(v, 'callback_code_hash', t),
          codeId: uint64(v, 'code_id', t),
          label: str(v, 'label', t),
          initMsg: optBytes(v, 'init_msg', t),
          initFunds: coins(v, 'init_funds', t),
          callbackSig: optBytes(v, 'callback_sig', t),
          admin: optStr(v, 'admin', t),
        });
      },
    },
    [COMPUTE_TYPE_URLS.MsgExecuteContract]: {
      aminoType: COMPUTE_AMINO_TYPES.MsgExecuteContract,
      toAmino: (value: Partial<MsgExecuteContract>): AminoMsgExecuteContract['value'] => {
        const m = MsgExecuteContract.fromPartial(value);
        return {
          sender: b64(m.sender),
          contract: b64(m.contract),
          msg: b64(m.msg),
          sent_funds: toAminoCoins(m.sentFunds),
          ...callbackFields(m),
        };
      },
      fromAmino: (value: unknown): MsgExecuteContract => {
        const t = COMPUTE_AMINO_TYPES.MsgExecuteContract;
        const v = record(value, t);
        return MsgExecuteContract.fromPartial({
          sender: bytes(v, 'sender', t),
          contract: bytes(v, 'contract', t),
          msg: bytes(v, 'msg', t),
          callbackCodeHash: optStr(v, 'callback_code_hash', t),
          sentFunds: coins(v, 'sent_funds', t),
          callbackSig: optBytes(v, 'callback_sig', t),
        });
      },
    },
    [COMPUTE_TYPE_URLS.MsgMigrateContract]: {
      aminoType: COMPUTE_AMINO_TYPES.MsgMigrateContract,
      toAmino: (value: Partial<MsgMigrateContract>): AminoMsgMigrateContract['value'] => {
        const m = MsgMigrateContract.fromPartial(value);
        return {
          sender: m.sender,
          contract: m.contract,
          msg: b64(m.msg),
          code_id: m.codeId.toString(),
          ...callbackFields(m),
        };
      },
      fromAmino: (value: unknown): MsgMigrateContract => {
        const t = COMPUTE_AMINO_TYPES.MsgMigrateContract;
        const v = record(value, t);
        return MsgMigrateContract.fromPartial({
          sender: str(v, 'sender', t),
          contract: str(v, 'contract', t),
          codeId: uint64(v, 'code_id', t),
          msg: bytes(v, 'msg', t),
          callbackSig: optBytes(v, 'callback_sig', t),
          callbackCodeHash: optStr(v, 'callback_code_hash', t),
        });
      },
    },
    [COMPUTE_TYPE_URLS.MsgUpdateAdmin]: {
      aminoType: COMPUTE_AMINO_TYPES.MsgUpdateAdmin,
      toAmino: (value: Partial<MsgUpdateAdmin>): AminoMsgUpdateAdmin['value'] => {
        const m = MsgUpdateAdmin.fromPartial(value);
        return { sender: m.sender, new_admin: m.newAdmin, contract: m.contract, ...callbackFields(m) };
      },
      fromAmino: (value: unknown): MsgUpdateAdmin => {
        const t = COMPUTE_AMINO_TYPES.MsgUpdateAdmin;
        const v = record(value, t);
        return MsgUpdateAdmin.fromPartial({
          sender: str(v, 'sender', t),
          newAdmin: str(v, 'new_admin', t),
          contract: str(v, 'contract', t),
          callbackSig: optBytes(v, 'callback_sig', t),
        });
      },
    },
    [COMPUTE_TYPE_URLS.MsgClearAdmin]: {
      aminoType: COMPUTE_AMINO_TYPES.MsgClearAdmin,
      toAmino: (value: Partial<MsgClearAdmin>): AminoMsgClearAdmin['value'] => {
        const m = MsgClearAdmin.fromPartial(value);
        return { sender: m.sender, contract: m.contract, ...callbackFields(m) };
      },
      fromAmino: (value: unknown): MsgClearAdmin => {
        const t = COMPUTE_AMINO_TYPES.MsgClearAdmin;
        const v = record(value, t);
        return MsgClearAdmin.fromPartial({
          sender: str(v, 'sender', t),
          contract: str(v, 'contract', t),
          callbackSig: optBytes(v, 'callback_sig', t),
        });
      },
    },
  };
}
