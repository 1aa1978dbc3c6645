/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- a test double over untyped contract JSON */
/**
 * A deterministic stand-in for the trusted component, implementing the real `Enclave` boundary so the keeper's
 * dispatch, rollback and gas logic can be tested without wasm. Contracts are JS objects keyed by code hash;
 * inputs are plaintext JSON; "encryption" is base64 so that the keeper-visible shapes (`encrypted: <b64>`,
 * opaque reply ids, callback signatures) are the real ones. Writes are buffered and flushed only on success,
 * like the real enclave's KV cache. The real enclave is exercised in test/integration/.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base64 } from '@scure/base';

import { EnclaveError } from '../../../src/enclave/errors.js';
import type {
  AdminCall,
  Enclave,
  EnclaveCall,
  EnclaveResult,
  HandleType,
  InitOutput,
  MigrateOutput,
  OutputSubMsg,
  QueryOutput,
  UpdateAdminOutput,
  WasmOutput,
} from '../../../src/enclave/types.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const SECRET = enc.encode('fake-callback-secret');
/** Wasm gas every fake call costs. */
export const FAKE_CALL_GAS = 100_000n;

/** One fake contract's code: its "wasm" bytes are `fake:<name>`. */
export function fakeWasm(name: string): Uint8Array {
  return enc.encode(`fake:${name}`);
}

type Json = Record<string, any>;

interface Ctx {
  call: EnclaveCall;
  writes: Map<string, Uint8Array | null>;
  gas: bigint;
  replyParams: { id: string; hash: string } | undefined;
}

class Fail extends Error {}
class Trap extends Error {
  constructor(readonly kind: ConstructorParameters<typeof EnclaveError>[0]) {
    super(kind);
  }
}

function sig(msg: Uint8Array, funds: unknown): Uint8Array {
  const f = enc.encode(JSON.stringify(funds ?? []));
  const all = new Uint8Array(SECRET.length + msg.length + f.length);
  all.set(SECRET);
  all.set(msg, SECRET.length);
  all.set(f, SECRET.length + msg.length);
  return sha256(all);
}

function eq(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

function contractKey64(addr: string): Uint8Array {
  const h = sha256(enc.encode(`key:${addr}`));
  const k = new Uint8Array(64);
  k.set(h);
  k.set(h, 32);
  return k;
}

/** Fake enclave; `calls` records every ecall for assertions. */
export class FakeEnclave implements Enclave {
  readonly ioPubkey = new Uint8Array(32);
  readonly calls: { type: string; contract: string; msg: string }[] = [];
  /** Require callback signatures / user sig info like the real enclave. */
  requireSig = true;

  init(call: EnclaveCall, msg: Uint8Array, admin: string): EnclaveResult<InitOutput> {
    return this.run(call, msg, 'init', (out) => ({
      ...out,
      contractKey: contractKey64(call.env.contract.address),
      adminProof: sha256(enc.encode(`admin:${admin}:${call.env.contract.address}`)),
    }));
  }

  handle(call: EnclaveCall, msg: Uint8Array, handleType: HandleType): EnclaveResult<WasmOutput> {
    return this.run(call, msg, handleType, (out) => out);
  }

  migrate(call: EnclaveCall, msg: Uint8Array, adminProof: Uint8Array): EnclaveResult<MigrateOutput> {
    if (
      !eq(adminProof, sha256(enc.encode(`admin:${call.env.message.sender}:${call.env.contract.address}`)))
    ) {
      return {
        ok: false,
        gasUsed: 0n,
        error: { kind: 'enclave', error: new EnclaveError('ValidationFailure') },
      };
    }
    return this.run(call, msg, 'migrate', (out) => ({
      ...out,
      newContractKey: new Uint8Array(64).fill(7),
      newContractKeyProof: new Uint8Array(32).fill(8),
    }));
  }

  query(call: EnclaveCall, msg: Uint8Array): EnclaveResult<QueryOutput> {
    const r = this.run(call, msg, 'query', (out) => out);
    if (!r.ok) return r;
    return { ok: true, gasUsed: r.gasUsed, output: { data: r.output.data ?? new Uint8Array(0) } };
  }

  updateAdmin(
    call: AdminCall,
    newAdmin: string,
    currentAdminProof: Uint8Array,
  ): EnclaveResult<UpdateAdminOutput> {
    if (
      !eq(
        currentAdminProof,
        sha256(enc.encode(`admin:${call.env.message.sender}:${call.env.contract.address}`)),
      )
    ) {
      return {
        ok: false,
        gasUsed: 0n,
        error: { kind: 'enclave', error: new EnclaveError('ValidationFailure') },
      };
    }
    if (this.requireSig && call.sigInfo === undefined) {
      return {
        ok: false,
        gasUsed: 0n,
        error: { kind: 'enclave', error: new EnclaveError('FailedTxVerification') },
      };
    }
    return {
      ok: true,
      gasUsed: 0n,
      output: { adminProof: sha256(enc.encode(`admin:${newAdmin}:${call.env.contract.address}`)) },
    };
  }

  private run<T>(
    call: EnclaveCall,
    raw: Uint8Array,
    type: string,
    wrap: (o: WasmOutput) => T,
  ): EnclaveResult<T> {
    const ctx: Ctx = { call, writes: new Map(), gas: FAKE_CALL_GAS, replyParams: undefined };
    const name = dec.decode(call.code.wasm);
    this.calls.push({ type, contract: call.env.contract.address, msg: '' });
    try {
      if (!eq(sha256(call.code.wasm), call.code.codeHash)) throw new Trap('ValidationFailure');
      let text: string;
      if (type === 'reply') {
        text = dec.decode(raw.subarray(64));
      } else {
        text = dec.decode(raw);
        // contract-originated input: must carry a valid callback signature over the message bytes
        const cs = call.sigInfo?.callbackSig;
        if (cs !== undefined && cs.length > 0) {
          if (!eq(cs, sig(raw, call.env.message.sentFunds))) throw new Trap('FailedTxVerification');
        } else if (this.requireSig && type !== 'query' && call.sigInfo === undefined) {
          throw new Trap('FailedTxVerification');
        }
      }
      let msg = JSON.parse(text) as Json;
      if (msg.__reply !== undefined) {
        ctx.replyParams = msg.__reply;
        msg = msg.msg;
      }
      this.calls[this.calls.length - 1]!.msg = JSON.stringify(msg);
      let out: WasmOutput;
      if (type === 'reply') {
        out = this.doReply(ctx, msg, call);
      } else {
        out = this.exec(ctx, name, msg, type);
      }
      if (ctx.gas > call.gasLimit) throw new Trap('OutOfGas');
      if (type !== 'query') {
        for (const [k, v] of ctx.writes) {
          if (v === null) call.store.delete(enc.encode(k));
          else call.store.set(enc.encode(k), v);
        }
      }
      const replyInfo = ctx.replyParams === undefined ? undefined : this.replyInfo(ctx.replyParams);
      return {
        ok: true,
        gasUsed: ctx.gas,
        output: wrap(replyInfo === undefined ? out : { ...out, replyInfo }),
      };
    } catch (e) {
      const gasUsed = ctx.gas > call.gasLimit ? call.gasLimit : ctx.gas;
      if (e instanceof Fail) {
        const ct = enc.encode(e.message);
        const replyInfo = ctx.replyParams === undefined ? undefined : this.replyInfo(ctx.replyParams);
        return {
          ok: false,
          gasUsed,
          error: {
            kind: 'contract',
            encrypted: true,
            message: `encrypted: ${base64.encode(ct)}`,
            ciphertext: ct,
            ...(replyInfo === undefined ? {} : { replyInfo }),
          },
        };
      }
      if (e instanceof Trap)
        return { ok: false, gasUsed, error: { kind: 'enclave', error: new EnclaveError(e.kind) } };
      if (e instanceof SyntaxError)
        return {
          ok: false,
          gasUsed,
          error: { kind: 'enclave', error: new EnclaveError('FailedToDeserialize') },
        };
      throw e;
    }
  }

  private replyInfo(p: { id: string; hash: string }) {
    const internalMsgId = enc.encode(JSON.stringify(p));
    return { internalMsgId, internalReplyEnclaveSig: sig(internalMsgId, []) };
  }

  private get(ctx: Ctx, key: string): Uint8Array | undefined {
    if (ctx.writes.has(key)) return ctx.writes.get(key) ?? undefined;
    return ctx.call.store.get(enc.encode(key));
  }

  private set(ctx: Ctx, key: string, value: string): void {
    ctx.writes.set(key, enc.encode(value));
  }

  private exec(ctx: Ctx, name: string, msg: Json, type: string): WasmOutput {
    const out: { attributes: any[]; events: any[]; messages: OutputSubMsg[]; data: Uint8Array | null } = {
      attributes: [],
      events: [],
      messages: [],
      data: null,
    };
    this.cmd(ctx, name, msg, type, out);
    return { apiVersion: name.endsWith('-v010') ? 'v0.10' : 'v1', ...out };
  }

  private cmd(ctx: Ctx, name: string, msg: Json, type: string, out: any): void {
    const [k] = Object.keys(msg);
    const b = k === undefined ? undefined : msg[k];
    switch (k) {
      case undefined:
        return;
      case 'set':
        if (type === 'query') throw new Trap('UnauthorizedWrite');
        this.set(ctx, b.key, b.value);
        return;
      case 'write':
        // a query trying to write: the real enclave traps before touching the store; here we let the keeper's
        // read-only store refuse it too
        try {
          ctx.call.store.set(enc.encode(b.key), enc.encode(b.value));
        } catch {
          throw new Trap('UnauthorizedWrite');
        }
        throw new Trap('UnauthorizedWrite');
      case 'get': {
        const v = this.get(ctx, b.key);
        out.data = v === undefined ? null : v;
        return;
      }
      case 'incr': {
        const v = Number(dec.decode(this.get(ctx, b.key) ?? enc.encode('0')));
        this.set(ctx, b.key, String(v + 1));
        return;
      }
      case 'fail':
        throw new Fail(b);
      case 'panic':
        throw new Trap('ContractPanicUnreachable');
      case 'burn':
        ctx.gas += BigInt(b);
        return;
      case 'env':
        out.data = enc.encode(
          JSON.stringify(ctx.call.env, (_k, v) =>
            typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? base64.encode(v) : v,
          ),
        );
        return;
      case 'recurse':
        // executes itself again with the same command: an unbounded call chain
        this.set(ctx, 'n', String(Number(dec.decode(this.get(ctx, 'n') ?? enc.encode('0'))) + 1));
        out.messages.push(
          this.subMsg(ctx, {
            msg: {
              wasm: {
                execute: {
                  contract_addr: ctx.call.env.contract.address,
                  code_hash: '',
                  msg: { recurse: {} },
                  send: [],
                },
              },
            },
          }),
        );
        return;
      case 'set_reply':
        this.set(ctx, '__reply_cfg', JSON.stringify(b));
        return;
      case 'multi':
        for (const c of b) this.cmd(ctx, name, c, type, out);
        return;
      case 'query_other': {
        const req = {
          wasm: {
            smart: {
              contract_addr: b.contract_addr,
              callback_code_hash: '',
              msg: base64.encode(enc.encode(JSON.stringify(b.msg))),
            },
          },
        };
        const r = ctx.call.querier.query(enc.encode(JSON.stringify(req)), {
          gasLimit: ctx.call.gasLimit - ctx.gas,
          queryDepth: ctx.call.env.queryDepth + 1,
        });
        ctx.gas += r.gasUsed;
        const resp = JSON.parse(dec.decode(r.response));
        if (resp.Ok?.Ok === undefined) throw new Fail(`query_other failed: ${dec.decode(r.response)}`);
        out.data = base64.decode(resp.Ok.Ok);
        return;
      }
      case 'query_chain': {
        const r = ctx.call.querier.query(enc.encode(JSON.stringify(b)), {
          gasLimit: ctx.call.gasLimit - ctx.gas,
          queryDepth: ctx.call.env.queryDepth + 1,
        });
        ctx.gas += r.gasUsed;
        out.data = r.response;
        return;
      }
      case 'respond': {
        for (const a of b.attributes ?? []) out.attributes.push(a);
        for (const e of b.events ?? []) out.events.push(e);
        if (b.data !== undefined) out.data = b.data === null ? null : enc.encode(b.data);
        for (const m of b.messages ?? []) out.messages.push(this.subMsg(ctx, m));
        return;
      }
      default:
        throw new Fail(`unknown command ${k}`);
    }
  }

  /** Test SubMsg JSON → what the real enclave emits: wasm msgs serialized, reply header inside, id zeroed, signed. */
  private subMsg(ctx: Ctx, m: Json): OutputSubMsg {
    const replyOn = m.reply_on ?? 'never';
    const cosmos = structuredClone(m.msg) as Json;
    let encrypted = false;
    let id = BigInt(m.id ?? 0);
    const wasm = cosmos.wasm;
    if (wasm !== undefined) {
      const [wk] = Object.keys(wasm);
      const w = wasm[wk!];
      if (w.msg !== undefined) {
        const inner =
          replyOn === 'never'
            ? w.msg
            : { __reply: { id: String(id), hash: bytesToHex(ctx.call.code.codeHash) }, msg: w.msg };
        const bytes = enc.encode(JSON.stringify(inner));
        w.msg = base64.encode(bytes);
        w.callback_sig = Array.from(sig(bytes, w.send ?? w.funds ?? []));
      } else if (w.callback_sig === undefined) {
        w.callback_sig = Array.from(sig(new Uint8Array(0), []));
      }
      if (w.forge_sig === true) {
        w.callback_sig = Array.from(new Uint8Array(32).fill(1));
        delete w.forge_sig;
      }
      encrypted = true;
      id = 0n;
    }
    return {
      id,
      msg: cosmos,
      gasLimit: m.gas_limit === undefined || m.gas_limit === null ? null : BigInt(m.gas_limit),
      replyOn,
      wasMsgEncrypted: encrypted || m.encrypted === true,
    };
  }

  /** Reply entry point: verifies the enclave signature on encrypted replies, logs the reply, answers per config. */
  private doReply(ctx: Ctx, reply: Json, call: EnclaveCall): WasmOutput {
    let id: string;
    const idBytes = base64.decode(reply.id);
    if (reply.is_encrypted === true) {
      if (!eq(call.sigInfo?.callbackSig, sig(idBytes, []))) throw new Trap('FailedTxVerification');
      const p = JSON.parse(dec.decode(idBytes));
      if (p.hash !== bytesToHex(call.code.codeHash)) throw new Trap('ValidationFailure');
      id = p.id;
    } else {
      id = dec.decode(idBytes);
    }
    let result: Json;
    if (reply.result.error !== undefined) {
      const e: string = reply.result.error;
      let text = e;
      if (reply.is_encrypted === true) text = dec.decode(base64.decode(e));
      result = { error: text };
    } else {
      const d = reply.result.ok.data;
      result = {
        ok: { events: reply.result.ok.events, data: d === undefined ? null : dec.decode(base64.decode(d)) },
      };
    }
    const log = JSON.parse(dec.decode(this.get(ctx, '__replies') ?? enc.encode('[]')));
    log.push({ id, result });
    this.set(ctx, '__replies', JSON.stringify(log));
    const cfgRaw = this.get(ctx, '__reply_cfg');
    const cfg = cfgRaw === undefined ? {} : JSON.parse(dec.decode(cfgRaw));
    if (cfg.fail !== undefined && cfg.fail !== null) throw new Fail(cfg.fail);
    const out = {
      attributes: [{ key: 'reply_id', value: id }],
      events: [],
      messages: [] as OutputSubMsg[],
      data: null as Uint8Array | null,
    };
    if (cfg.data !== undefined && cfg.data !== null) out.data = enc.encode(cfg.data);
    if (cfg.echo === true && 'ok' in result && result.ok.data !== null)
      out.data = enc.encode(`echo:${result.ok.data}`);
    for (const m of cfg.messages ?? []) out.messages.push(this.subMsg(ctx, m));
    return { apiVersion: 'v1', ...out };
  }
}
