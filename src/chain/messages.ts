/**
 * Decoding of the one message a LocalChain tx carries: the compute messages through the proto engineer's strict
 * `decodeComputeMsg` (truncated or unknown-field bytes never half-decode), bank sends through cosmjs-types.
 */
import { bech32 } from '@scure/base';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';

import {
  COMPUTE_TYPE_URLS,
  type ComputeMsgName,
  decodeComputeMsg,
  type MsgByTypeUrl,
} from '../compute/index.js';
import { TxError } from './errors.js';
import { MSG_SEND_TYPE_URL } from './tx.js';

/** The generated compute message type by name, e.g. `Msg<'MsgExecuteContract'>`. */
type Msg<N extends ComputeMsgName> = MsgByTypeUrl[(typeof COMPUTE_TYPE_URLS)[N]];

/** A decoded tx message LocalChain can deliver. */
export type TxMessage =
  | { readonly kind: 'store-code'; readonly value: Msg<'MsgStoreCode'> }
  | { readonly kind: 'instantiate'; readonly value: Msg<'MsgInstantiateContract'> }
  | { readonly kind: 'execute'; readonly value: Msg<'MsgExecuteContract'> }
  | { readonly kind: 'migrate'; readonly value: Msg<'MsgMigrateContract'> }
  | { readonly kind: 'update-admin'; readonly value: Msg<'MsgUpdateAdmin'> }
  | { readonly kind: 'clear-admin'; readonly value: Msg<'MsgClearAdmin'> }
  | { readonly kind: 'send'; readonly value: MsgSend };

/** Decodes `any`; unknown type URLs are the SDK's `unrecognized message type` (sdk/6). */
export function decodeTxMessage(any: Any): TxMessage {
  switch (any.typeUrl) {
    case COMPUTE_TYPE_URLS.MsgStoreCode:
      return { kind: 'store-code', value: decodeComputeMsg(COMPUTE_TYPE_URLS.MsgStoreCode, any.value) };
    case COMPUTE_TYPE_URLS.MsgInstantiateContract:
      return {
        kind: 'instantiate',
        value: decodeComputeMsg(COMPUTE_TYPE_URLS.MsgInstantiateContract, any.value),
      };
    case COMPUTE_TYPE_URLS.MsgExecuteContract:
      return { kind: 'execute', value: decodeComputeMsg(COMPUTE_TYPE_URLS.MsgExecuteContract, any.value) };
    case COMPUTE_TYPE_URLS.MsgMigrateContract:
      return { kind: 'migrate', value: decodeComputeMsg(COMPUTE_TYPE_URLS.MsgMigrateContract, any.value) };
    case COMPUTE_TYPE_URLS.MsgUpdateAdmin:
      return { kind: 'update-admin', value: decodeComputeMsg(COMPUTE_TYPE_URLS.MsgUpdateAdmin, any.value) };
    case COMPUTE_TYPE_URLS.MsgClearAdmin:
      return { kind: 'clear-admin', value: decodeComputeMsg(COMPUTE_TYPE_URLS.MsgClearAdmin, any.value) };
    case MSG_SEND_TYPE_URL:
      return { kind: 'send', value: MsgSend.decode(any.value) };
    default:
      throw new TxError({
        code: 'UNKNOWN_REQUEST',
        codespace: 'sdk',
        abciCode: 6,
        log: `unrecognized message type: ${any.typeUrl}: unknown request`,
      });
  }
}

/** The bech32 signer of a message (`GetSigners`). */
export function signerOf(msg: TxMessage, prefix: string): string {
  switch (msg.kind) {
    case 'store-code':
    case 'instantiate':
    case 'execute':
      return bech32.encode(prefix, bech32.toWords(msg.value.sender), 1023);
    case 'migrate':
    case 'update-admin':
    case 'clear-admin':
      return msg.value.sender;
    case 'send':
      return msg.value.fromAddress;
  }
}

/** The encrypted contract input a message carries (what validators see), if any. */
export function encryptedInputOf(msg: TxMessage): Uint8Array | undefined {
  switch (msg.kind) {
    case 'instantiate':
      return msg.value.initMsg;
    case 'execute':
    case 'migrate':
      return msg.value.msg;
    default:
      return undefined;
  }
}
