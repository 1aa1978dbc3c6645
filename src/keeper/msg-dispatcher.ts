/**
 * Submessage dispatch after a successful contract call (SecretNetwork x/compute/internal/keeper/msg_dispatcher.go
 * and handler_plugin.go; spec §4.8, cosmwasm-abi §6). Strictly in order and depth-first; each submessage runs in
 * its own store branch, committed on success and dropped on failure; replies run in the parent context right
 * after their submessage. Reply ids, data and errors of wasm submessages travel encrypted (the enclave's
 * `internal_msg_id` / `internal_reply_enclave_sig`); the keeper only moves the bytes.
 */
import { base64 } from '@scure/base';

import type { ContractApiVersion, InternalReplyInfo, OutputSubMsg, SigInfo } from '../enclave/index.js';
import { BasicGasMeter } from '../state/index.js';
import { fromBech32, toBech32 } from './address.js';
import { validateCoins } from './bank-keeper.js';
import { cacheContext, type KeeperContext, withCallDepth, withGasMeter } from './context.js';
import { parseCosmosMsg, type ParsedCosmosMsg } from './cosmos-msg.js';
import { ComputeError, computeError, ComputeErrors, isComputeError, SdkErrors } from './errors.js';
import { filterMessageEvents } from './events.js';
import type { BankKeeper, Coin, MessageRouter, SdkEvent } from './expected-keepers.js';
import { MAX_CALL_DEPTH, MAX_LABEL_SIZE } from './limits.js';
import { replyInfoOf } from './reply-info.js';

/** The keeper operations the dispatcher re-enters (implemented by `ComputeKeeper`). */
export interface DispatchKeeper {
  readonly redactErrors: boolean;
  readonly bank: BankKeeper;
  readonly router: MessageRouter | undefined;
  execute(
    ctx: KeeperContext,
    contract: Uint8Array,
    caller: Uint8Array,
    msg: Uint8Array,
    coins: readonly Coin[],
    callbackSig?: Uint8Array,
  ): { data: Uint8Array | null; replyInfo?: InternalReplyInfo };
  instantiate(
    ctx: KeeperContext,
    codeId: bigint,
    creator: Uint8Array,
    admin: string,
    initMsg: Uint8Array,
    label: string,
    deposit: readonly Coin[],
    callbackSig?: Uint8Array,
  ): { data: Uint8Array | null; replyInfo?: InternalReplyInfo; address: Uint8Array };
  migrate(
    ctx: KeeperContext,
    contract: Uint8Array,
    caller: Uint8Array,
    newCodeId: bigint,
    msg: Uint8Array,
    callbackSig?: Uint8Array,
  ): { data: Uint8Array | null; replyInfo?: InternalReplyInfo };
  updateAdmin(
    ctx: KeeperContext,
    contract: Uint8Array,
    caller: Uint8Array,
    newAdmin: string,
    callbackSig?: Uint8Array,
  ): void;
  reply(
    ctx: KeeperContext,
    contract: Uint8Array,
    replyJson: Uint8Array,
    ogMsg: Uint8Array,
    sigInfo: SigInfo,
  ): Uint8Array | null;
}

/** Outcome of one dispatched message. */
interface DispatchOk {
  readonly events: SdkEvent[];
  /** First SDK response data (for wasm: the callee's raw data). */
  readonly data: Uint8Array | null;
  readonly isWasm: boolean;
  readonly replyInfo?: InternalReplyInfo;
}

/** `SubMsgResult` as Go marshals it (`ok` / `error`, omitempty). */
type SubMsgResult = { ok: { events: never[]; data?: string } } | { error: string };

/** Text of the error Secret passes to `reply` (wasmd `redactError` adapted by Secret, spec §4.8). */
export function redactError(err: unknown, redact = true): string {
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('encrypted:')) {
    return message
      .replaceAll('encrypted: ', '')
      .replaceAll(': execute contract failed', '')
      .replaceAll(': instantiate contract failed', '')
      .replaceAll(': migrate contract failed', '');
  }
  if (!redact) return message;
  const codespace = err instanceof ComputeError ? err.codespace : 'undefined';
  const code = err instanceof ComputeError ? err.code : 1;
  return `the error was redacted (codespace: ${codespace}, code: ${code}). For more info use latest localsecret and reproduce the issue`;
}

/** Go `json.Marshal(Reply)`: field order id, result, was_orig_msg_encrypted, is_encrypted; `[]byte` as base64. */
export function marshalReply(reply: {
  id: Uint8Array;
  result: SubMsgResult;
  wasOrigMsgEncrypted: boolean;
  isEncrypted: boolean;
}): Uint8Array {
  const json = JSON.stringify({
    id: base64.encode(reply.id),
    result: reply.result,
    was_orig_msg_encrypted: reply.wasOrigMsgEncrypted,
    is_encrypted: reply.isEncrypted,
  });
  return new TextEncoder().encode(json);
}

/** The dispatcher; one per keeper. */
export class MessageDispatcher {
  constructor(private readonly keeper: DispatchKeeper) {}

  /**
   * `DispatchSubmessages`: runs `msgs` of `contractAddr` in order. Returns the data that replaces the caller's
   * response data (the last non-null reply data), or null.
   */
  dispatchSubmessages(
    parent: KeeperContext,
    contractAddr: string,
    apiVersion: ContractApiVersion,
    msgs: readonly OutputSubMsg[],
    ogMsg: Uint8Array,
  ): Uint8Array | null {
    if (msgs.length === 0) return null;
    const depth = parent.callDepth + 1;
    if (depth > MAX_CALL_DEPTH) throw computeError(ComputeErrors.ExceedMaxCallDepth);
    const ctx = withCallDepth(parent, depth);
    const contract = fromBech32(contractAddr);
    let rsp: Uint8Array | null = null;

    for (const sub of msgs) {
      if (ctx.txState.lastMsgMarker) throw computeError(ComputeErrors.LastTx);
      // finalize_tx is recognised before encoding; every other shape error is the message's own dispatch error
      // (handler_plugin.go encodes inside DispatchMsg), so it can be replied to
      if (Object.keys(sub.msg).length === 1 && 'finalize_tx' in sub.msg) {
        ctx.txState.lastMsgMarker = true;
        break;
      }
      if (!['always', 'error', 'success', 'never'].includes(sub.replyOn)) {
        throw computeError(ComputeErrors.Invalid, 'ReplyOn value');
      }

      const sandbox = cacheContext(ctx);
      const subCtx = sandbox.ctx;
      const remaining = ctx.gasMeter.remaining();
      const limit = sub.gasLimit;
      let ok: DispatchOk | undefined;
      let err: unknown;
      if (limit !== null && limit < remaining) {
        const meter = new BasicGasMeter(limit);
        try {
          ok = this.dispatchMsg(withGasMeter(subCtx, meter), contract, contractAddr, sub.msg, apiVersion);
          ctx.gasMeter.consumeGas(meter.consumed, 'submessage');
        } catch (e) {
          if (meter.isPastLimit() || isComputeError(e, SdkErrors.OutOfGas)) {
            ctx.gasMeter.consumeGas(limit, 'submessage');
            err = computeError(SdkErrors.OutOfGas, 'SubMsg hit gas limit', e);
          } else {
            ctx.gasMeter.consumeGas(meter.consumedToLimit(), 'submessage');
            err = e;
          }
        }
      } else {
        try {
          ok = this.dispatchMsg(subCtx, contract, contractAddr, sub.msg, apiVersion);
        } catch (e) {
          // without a per-message limit, running out of the shared meter aborts the whole tx (Go panics)
          if (isComputeError(e, SdkErrors.OutOfGas) || ctx.gasMeter.isPastLimit()) throw e;
          err = e;
        }
      }

      let filtered: SdkEvent[] = [];
      if (ok !== undefined) {
        sandbox.commit();
        filtered = filterMessageEvents([...subCtx.eventManager.events, ...ok.events]);
        ctx.eventManager.emitAll(filtered);
      }

      if (ok === undefined && (sub.replyOn === 'success' || sub.replyOn === 'never')) throw err;
      if (sub.replyOn === 'never' || (ok !== undefined && sub.replyOn === 'error')) continue;

      const replyData = this.reply(ctx, contract, sub, ok, err, filtered, ogMsg);
      if (replyData !== null) rsp = replyData;
    }
    return rsp;
  }

  /** Builds the `Reply` and runs the caller's `reply` entry point in the parent context. */
  private reply(
    ctx: KeeperContext,
    contract: Uint8Array,
    sub: OutputSubMsg,
    ok: DispatchOk | undefined,
    err: unknown,
    filtered: SdkEvent[],
    ogMsg: Uint8Array,
  ): Uint8Array | null {
    let result: SubMsgResult;
    let redacted = '';
    if (ok !== undefined) {
      // Go sorts the attributes of the (already emitted) events in place while converting them for the reply.
      for (const e of filtered) e.attributes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      result = {
        ok: {
          events: [],
          ...(ok.data !== null && ok.data.length > 0 ? { data: base64.encode(ok.data) } : {}),
        },
      };
    } else {
      redacted = redactError(err, this.keeper.redactErrors);
      result = { error: redacted };
    }
    let id: Uint8Array = new TextEncoder().encode(sub.id.toString());
    let isEncrypted = false;
    let callbackSig: Uint8Array | undefined;
    const isWasm = ok !== undefined ? ok.isWasm : isWasmError(err);
    if (isWasm || sub.wasMsgEncrypted) {
      const info = ok !== undefined ? ok.replyInfo : replyInfoOf(err);
      if (info !== undefined) {
        callbackSig = info.internalReplyEnclaveSig;
        id = info.internalMsgId;
        isEncrypted = true;
      } else if (sub.wasMsgEncrypted) {
        if (ok === undefined) {
          throw computeError(
            ComputeErrors.ReplyFailed,
            `an sdk error occurred while sending a sub-message: ${redacted}`,
            err,
          );
        }
        if (isWasm) {
          throw computeError(
            ComputeErrors.ReplyFailed,
            'when sending a reply both InternalReplyEnclaveSig and InternalMsgId are expected to be initialized',
          );
        }
      }
    }
    const replyJson = marshalReply({ id, result, wasOrigMsgEncrypted: sub.wasMsgEncrypted, isEncrypted });
    const sigInfo: SigInfo = {
      txBytes: new Uint8Array(0),
      signBytes: new Uint8Array(0),
      signMode: 'SIGN_MODE_UNSPECIFIED',
      signature: new Uint8Array(0),
      ...(callbackSig === undefined ? {} : { callbackSig }),
    };
    return this.keeper.reply(ctx, contract, replyJson, ogMsg, sigInfo);
  }

  /** `DispatchMsg` (handler_plugin.go): wasm and bank here, everything else through the router. */
  private dispatchMsg(
    ctx: KeeperContext,
    contract: Uint8Array,
    contractAddr: string,
    raw: Record<string, unknown>,
    apiVersion: ContractApiVersion,
  ): DispatchOk {
    const msg = parseCosmosMsg(raw, apiVersion);
    try {
      return this.dispatchMsgInner(ctx, contract, contractAddr, msg);
    } catch (e) {
      if (msg.kind.startsWith('wasm-') && typeof e === 'object' && e !== null) wasmErrors.add(e);
      throw e;
    }
  }

  private dispatchMsgInner(
    ctx: KeeperContext,
    contract: Uint8Array,
    contractAddr: string,
    msg: ParsedCosmosMsg,
  ): DispatchOk {
    switch (msg.kind) {
      case 'wasm-execute': {
        if (msg.funds.length > 0) validateCoins(msg.funds);
        const target = fromBech32(msg.contractAddr);
        const r = this.keeper.execute(
          ctx,
          target,
          contract,
          msg.msg,
          msg.funds,
          msg.callbackSig ?? new Uint8Array(0),
        );
        return wasmDispatchResult(r);
      }
      case 'wasm-instantiate': {
        if (msg.funds.length > 0) validateCoins(msg.funds);
        if (msg.label === '') throw computeError(ComputeErrors.Empty, 'label is required');
        if (new TextEncoder().encode(msg.label).length > MAX_LABEL_SIZE) {
          throw computeError(ComputeErrors.Limit, 'label cannot be longer than 512 characters');
        }
        const r = this.keeper.instantiate(
          ctx,
          msg.codeId,
          contract,
          msg.admin,
          msg.msg,
          msg.label,
          msg.funds,
          msg.callbackSig ?? new Uint8Array(0),
        );
        return wasmDispatchResult(r);
      }
      case 'wasm-migrate': {
        const r = this.keeper.migrate(
          ctx,
          fromBech32(msg.contractAddr),
          contract,
          msg.codeId,
          msg.msg,
          msg.callbackSig ?? new Uint8Array(0),
        );
        return wasmDispatchResult(r);
      }
      case 'wasm-update-admin':
        fromBech32(msg.admin);
        this.keeper.updateAdmin(
          ctx,
          fromBech32(msg.contractAddr),
          contract,
          msg.admin,
          msg.callbackSig ?? new Uint8Array(0),
        );
        return { events: [], data: null, isWasm: true };
      case 'wasm-clear-admin':
        this.keeper.updateAdmin(
          ctx,
          fromBech32(msg.contractAddr),
          contract,
          '',
          msg.callbackSig ?? new Uint8Array(0),
        );
        return { events: [], data: null, isWasm: true };
      case 'bank-send': {
        if (msg.from !== undefined && msg.from !== contractAddr) {
          throw computeError(
            SdkErrors.Unauthorized,
            "contract doesn't have permission to send funds from another account (using BankMsg)",
          );
        }
        if (msg.amount.length === 0) return { events: [], data: null, isWasm: false };
        validateCoins(msg.amount); // MsgSend.ValidateBasic, whatever BankKeeper is plugged in
        const to = toBech32(fromBech32(msg.toAddress));
        if (this.keeper.bank.isBlockedAddr(to)) {
          throw computeError(SdkErrors.Unauthorized, `${to} is not allowed to receive funds`);
        }
        this.keeper.bank.sendCoins(ctx, contractAddr, to, msg.amount);
        // MsgSendResponse is an empty protobuf message
        return { events: [], data: new Uint8Array(0), isWasm: false };
      }
      case 'routed': {
        const router = this.keeper.router;
        if (router === undefined)
          throw computeError(SdkErrors.UnknownRequest, `unrecognized message type: ${msg.typeUrl}`);
        const r = router.route(ctx, { typeUrl: msg.typeUrl, value: msg.value, signer: contractAddr });
        return { events: [], data: r.data ?? null, isWasm: false };
      }
      case 'finalize-tx':
        return { events: [], data: null, isWasm: false };
    }
  }
}

/** Errors raised while dispatching a wasm message (so the reply path knows the message kind on failure). */
/** A wasm submessage's result: its events were already emitted by the callee, so none travel with it. */
function wasmDispatchResult(r: { data: Uint8Array | null; replyInfo?: InternalReplyInfo }): DispatchOk {
  return {
    events: [],
    data: r.data,
    isWasm: true,
    ...(r.replyInfo === undefined ? {} : { replyInfo: r.replyInfo }),
  };
}

const wasmErrors = new WeakSet<object>();

function isWasmError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && wasmErrors.has(err);
}
