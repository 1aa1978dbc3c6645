/**
 * Parses the CosmosMsg JSON a contract returned (v1 or v0.10 shape, spec §3.7 / §2.6) into one typed union,
 * as Secret's `handler_plugin.go` encoders do. Shape errors are `ComputeError` (invalid CosmosMsg, code 10).
 */
import { base64 } from '@scure/base';

import type { ContractApiVersion } from '../enclave/index.js';
import { computeError, ComputeErrors, SdkErrors } from './errors.js';
import type { Coin } from './expected-keepers.js';

/** A contract message after parsing. Wasm `msg` bytes are opaque (encrypted by the enclave). */
export type ParsedCosmosMsg =
  | {
      readonly kind: 'bank-send';
      readonly from?: string;
      readonly toAddress: string;
      readonly amount: Coin[];
    }
  | {
      readonly kind: 'wasm-execute';
      readonly contractAddr: string;
      readonly codeHash: string;
      readonly msg: Uint8Array;
      readonly funds: Coin[];
      readonly callbackSig?: Uint8Array;
    }
  | {
      readonly kind: 'wasm-instantiate';
      readonly codeId: bigint;
      readonly codeHash: string;
      readonly msg: Uint8Array;
      readonly funds: Coin[];
      readonly label: string;
      readonly admin: string;
      readonly callbackSig?: Uint8Array;
    }
  | {
      readonly kind: 'wasm-migrate';
      readonly contractAddr: string;
      readonly codeId: bigint;
      readonly codeHash: string;
      readonly msg: Uint8Array;
      readonly callbackSig?: Uint8Array;
    }
  | {
      readonly kind: 'wasm-update-admin';
      readonly contractAddr: string;
      readonly admin: string;
      readonly callbackSig?: Uint8Array;
    }
  | { readonly kind: 'wasm-clear-admin'; readonly contractAddr: string; readonly callbackSig?: Uint8Array }
  | { readonly kind: 'finalize-tx' }
  | {
      readonly kind: 'routed';
      readonly typeUrl: string;
      readonly value: Record<string, unknown> | Uint8Array;
    };

type Json = Record<string, unknown>;

function invalid(what: string): never {
  throw computeError(ComputeErrors.InvalidMsg, what);
}

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The single key of an externally tagged enum object, or an error. */
function variant(v: unknown, what: string): [string, unknown] {
  if (!isObj(v)) invalid(`${what}: expected an object`);
  const keys = Object.keys(v);
  if (keys.length !== 1) invalid('exactly one message type is supported');
  const k = keys[0] as string;
  return [k, v[k]];
}

function str(o: Json, key: string, optional = false): string {
  const v = o[key];
  if (v === undefined || v === null) {
    if (optional) return '';
    invalid(`missing field \`${key}\``);
  }
  if (typeof v !== 'string') invalid(`invalid type for \`${key}\`: expected a string`);
  return v;
}

function u64(o: Json, key: string): bigint {
  const v = o[key];
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'bigint' && v >= 0n) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  return invalid(`invalid type for \`${key}\`: expected u64`);
}

function bin(o: Json, key: string): Uint8Array {
  const v = o[key];
  if (v === undefined || v === null) return new Uint8Array(0);
  if (typeof v !== 'string') invalid(`invalid type for \`${key}\`: expected base64`);
  try {
    return base64.decode(v);
  } catch {
    return invalid(`invalid base64 in \`${key}\``);
  }
}

/** `callback_sig` arrives as a JSON array of numbers (Rust `Option<Vec<u8>>`); base64 also accepted. */
function sig(o: Json): Uint8Array | undefined {
  const v = o.callback_sig;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return base64.decode(v);
  if (Array.isArray(v) && v.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b < 256)) {
    return Uint8Array.from(v as number[]);
  }
  return invalid('invalid callback_sig');
}

function coins(v: unknown): Coin[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return invalid('invalid coins: expected an array');
  return v.map((c) => {
    if (!isObj(c) || typeof c.denom !== 'string' || typeof c.amount !== 'string') invalid('invalid coin');
    return { denom: c.denom, amount: c.amount };
  });
}

function coin(v: unknown): Coin {
  const [c] = coins([v]);
  return c as Coin;
}

/** Parses one contract CosmosMsg. `apiVersion` selects the field names (v0.10 `callback_code_hash`, v1 `code_hash`). */
export function parseCosmosMsg(msg: Json, apiVersion: ContractApiVersion): ParsedCosmosMsg {
  const [kind, body] = variant(msg, 'CosmosMsg');
  const hashKey = apiVersion === 'v1' ? 'code_hash' : 'callback_code_hash';
  switch (kind) {
    case 'bank': {
      const [bk, b] = variant(body, 'BankMsg');
      if (bk !== 'send' || !isObj(b)) {
        throw computeError(ComputeErrors.InvalidMsg, 'Unknown variant of Bank');
      }
      return {
        kind: 'bank-send',
        ...(apiVersion === 'v0.10' ? { from: str(b, 'from_address') } : {}),
        toAddress: str(b, 'to_address'),
        amount: coins(b.amount),
      };
    }
    case 'wasm': {
      const [wk, w] = variant(body, 'WasmMsg');
      if (!isObj(w)) return invalid('WasmMsg: expected an object');
      const cs = sig(w);
      const withSig = cs === undefined ? {} : { callbackSig: cs };
      switch (wk) {
        case 'execute':
          return {
            kind: 'wasm-execute',
            contractAddr: str(w, 'contract_addr'),
            codeHash: str(w, hashKey, true) || str(w, 'callback_code_hash', true),
            msg: bin(w, 'msg'),
            funds: coins(w.send ?? w.funds),
            ...withSig,
          };
        case 'instantiate':
          return {
            kind: 'wasm-instantiate',
            codeId: u64(w, 'code_id'),
            codeHash: str(w, hashKey, true) || str(w, 'callback_code_hash', true),
            msg: bin(w, 'msg'),
            funds: coins(w.send ?? w.funds),
            label: str(w, 'label'),
            admin: str(w, 'admin', true),
            ...withSig,
          };
        case 'migrate':
          return {
            kind: 'wasm-migrate',
            contractAddr: str(w, 'contract_addr'),
            codeId: w.code_id !== undefined ? u64(w, 'code_id') : u64(w, 'new_code_id'),
            codeHash: str(w, hashKey, true) || str(w, 'callback_code_hash', true),
            msg: bin(w, 'msg'),
            ...withSig,
          };
        case 'update_admin':
          return {
            kind: 'wasm-update-admin',
            contractAddr: str(w, 'contract_addr'),
            admin: str(w, 'admin'),
            ...withSig,
          };
        case 'clear_admin':
          return { kind: 'wasm-clear-admin', contractAddr: str(w, 'contract_addr'), ...withSig };
        default:
          return invalid(`Unknown variant of Wasm: ${wk}`);
      }
    }
    case 'finalize_tx':
      return { kind: 'finalize-tx' };
    case 'custom':
      throw computeError(ComputeErrors.InvalidMsg, 'Custom variant not supported');
    case 'staking':
      return parseStaking(body, apiVersion);
    case 'distribution': {
      const [dk, d] = variant(body, 'DistributionMsg');
      if (!isObj(d)) return invalid('DistributionMsg: expected an object');
      if (dk === 'set_withdraw_address') {
        return {
          kind: 'routed',
          typeUrl: '/cosmos.distribution.v1beta1.MsgSetWithdrawAddress',
          value: { withdrawAddress: str(d, 'address') },
        };
      }
      if (dk === 'withdraw_delegator_reward') {
        return {
          kind: 'routed',
          typeUrl: '/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward',
          value: { validatorAddress: str(d, 'validator') },
        };
      }
      return invalid(`Unknown variant of Distribution: ${dk}`);
    }
    case 'gov': {
      const [gk, g] = variant(body, 'GovMsg');
      if (gk !== 'vote' || !isObj(g)) return invalid(`Unknown variant of Gov: ${gk}`);
      const proposalId = g.proposal_id !== undefined ? u64(g, 'proposal_id') : u64(g, 'proposal');
      const option = str(
        g,
        g.vote !== undefined ? 'vote' : g.vote_option !== undefined ? 'vote_option' : 'option',
      );
      return { kind: 'routed', typeUrl: '/cosmos.gov.v1beta1.MsgVote', value: { proposalId, option } };
    }
    case 'ibc': {
      const [ik, i] = variant(body, 'IbcMsg');
      if (!isObj(i)) return invalid('IbcMsg: expected an object');
      if (ik === 'transfer') {
        return {
          kind: 'routed',
          typeUrl: '/ibc.applications.transfer.v1.MsgTransfer',
          value: {
            sourcePort: 'transfer',
            sourceChannel: str(i, 'channel_id'),
            receiver: str(i, 'to_address'),
            token: coin(i.amount),
            timeout: i.timeout,
            memo: str(i, 'memo', true),
          },
        };
      }
      return { kind: 'routed', typeUrl: `ibc/${ik}`, value: i };
    }
    case 'stargate': {
      if (!isObj(body)) return invalid('StargateMsg: expected an object');
      return { kind: 'routed', typeUrl: str(body, 'type_url'), value: bin(body, 'value') };
    }
    default:
      throw computeError(SdkErrors.UnknownRequest, `unknown variant of CosmosMsg: ${kind}`);
  }
}

function parseStaking(body: unknown, apiVersion: ContractApiVersion): ParsedCosmosMsg {
  const [sk, s] = variant(body, 'StakingMsg');
  if (!isObj(s)) return invalid('StakingMsg: expected an object');
  switch (sk) {
    case 'delegate':
      return {
        kind: 'routed',
        typeUrl: '/cosmos.staking.v1beta1.MsgDelegate',
        value: { validatorAddress: str(s, 'validator'), amount: coin(s.amount) },
      };
    case 'undelegate':
      return {
        kind: 'routed',
        typeUrl: '/cosmos.staking.v1beta1.MsgUndelegate',
        value: { validatorAddress: str(s, 'validator'), amount: coin(s.amount) },
      };
    case 'redelegate':
      return {
        kind: 'routed',
        typeUrl: '/cosmos.staking.v1beta1.MsgBeginRedelegate',
        value: {
          validatorSrcAddress: str(s, 'src_validator'),
          validatorDstAddress: str(s, 'dst_validator'),
          amount: coin(s.amount),
        },
      };
    case 'withdraw':
      if (apiVersion === 'v0.10') {
        return {
          kind: 'routed',
          typeUrl: '/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward',
          value: { validatorAddress: str(s, 'validator'), recipient: str(s, 'recipient', true) },
        };
      }
      return invalid(`Unknown variant of Staking: ${sk}`);
    default:
      return invalid(`Unknown variant of Staking: ${sk}`);
  }
}
