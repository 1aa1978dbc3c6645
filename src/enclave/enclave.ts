/**
 * The trusted component: Secret's ecalls `init`, `handle`, `query`, `migrate`, `update_admin`
 * (SecretNetwork cosmwasm/enclaves/shared/contract-engine/src/contract_operations.rs) over this project's
 * runtime (src/runtime), state encryption (src/state) and crypto (src/compute, keys.ts).
 *
 * Per call, in Secret's order: check the code hash → parse/decrypt the input (plaintext fallback for init and
 * handle only) → `validate_basic_msg` → verify the signature or callback signature → generate or authenticate
 * the contract key → derive state keys and per-contract randomness → run the contract → post-process the
 * output (encrypt, sign callbacks, reply info) → flush the encrypted state. Any failure is returned as a value
 * with the gas used; no private material is ever part of a result or an error message.
 */
import { CryptoError } from '../compute/errors.js';
import { gcmPrimeSealState } from '../compute/gcm-box.js';
import { hkdfSha256 } from '../compute/hkdf.js';
import { parseInputWire } from '../compute/protocol.js';
import type { EncryptionScheme } from '../compute/scheme.js';
import { DEFAULT_ENCRYPTION_SCHEME, parseEncryptionScheme, wireHeaderLength } from '../compute/scheme.js';
import { Bech32Api, decodeBech32 } from '../runtime/api.js';
import { type GasInfo, NO_GAS, type Storage } from '../runtime/backend.js';
import type { ContractResult, EntryPoint } from '../runtime/calls.js';
import type { CallEnv, MessageInfo } from '../runtime/env.js';
import { OutOfGasError } from '../runtime/errors.js';
import { type CallOutcome, type CodeInfo, ContractRuntime } from '../runtime/runtime.js';
import { be64, bytesEqual, concat, KDF_SALT, sha256, toHex, utf8 } from './bytes.js';
import {
  generateAdminProof,
  generateContractKey,
  signContractKey,
  validateAdminProof,
  validateContractKey,
} from './contract-key.js';
import { ContractState, deriveStateKeys, type StateKeys } from './contract-state.js';
import { toEnclaveError } from './error-mapping.js';
import { EnclaveError } from './errors.js';
import { IoChannel } from './io-channel.js';
import type { NetworkKeys } from './keys.js';
import {
  ADDRESS_CACHE_SIZE,
  CODE_ANALYSIS_CACHE_SIZE,
  DEFAULT_BECH32_PREFIX,
  HEX_ENCODED_HASH_SIZE,
  STATE_KEY_CACHE_SIZE,
} from './limits.js';
import { type OutputContext, processContractError, processQueryResult, processResponse } from './output.js';
import { type PrepareOptions, TxPreparer } from './prepare.js';
import { PreparedCache } from './prepared-cache.js';
import { EnclaveQuerier } from './query-chain.js';
import { parseReplyMessage } from './reply.js';
import type { ReplyParams } from './reply-params.js';
import { parseReplyHeaders } from './reply-params.js';
import { type EnclaveSecrets, secretsFromKeys } from './secrets.js';
import {
  type Address,
  type ExpectedSignedMsg,
  type SignatureFactsLookup,
  verifyParams,
} from './tx-verification.js';
import type {
  AdminCall,
  ContractApiVersion,
  Enclave,
  EnclaveCall,
  EnclaveEnv,
  EnclaveFailure,
  EnclaveResult,
  HandleType,
  InitOutput,
  MigrateOutput,
  PrepareReport,
  PrepareStats,
  QueryOutput,
  SigInfo,
  UpdateAdminOutput,
  WasmOutput,
} from './types.js';

/** Options of {@link createEnclave}. */
export interface EnclaveOptions {
  /** The network key hierarchy (seeds never leave it). */
  readonly keys: NetworkKeys;
  /** User I/O scheme of the chain: `'aes-256-gcm'` (this project's default) or `'aes-siv'` (Secret mainnet). */
  readonly ioScheme?: EncryptionScheme;
  /** Account bech32 prefix (default `secret`). */
  readonly bech32Prefix?: string;
  /** Runtime to run contracts on (default: a new {@link ContractRuntime} with Secret's gas config). */
  readonly runtime?: ContractRuntime;
  /**
   * Keep the underlying error as `cause` on returned EnclaveErrors. Off by default: causes may quote contract
   * output or decrypted input. Turn on only in local debugging, never on a node serving users.
   */
  readonly exposeErrorCauses?: boolean;
  /** Worker threads of {@link SecretEnclave.prepare} (started on its first call only). */
  readonly prepare?: PrepareOptions;
}

/** Create the trusted component. */
export function createEnclave(options: EnclaveOptions): SecretEnclave {
  return new SecretEnclave(options);
}

/** A wasm buffer whose sha256 was computed, with that hash and its lowercase hex. */
interface VerifiedCode {
  readonly hash: Uint8Array;
  readonly hex: string;
  /** `hex` as ASCII bytes, what a valid input's plaintext starts with (modulo case). */
  readonly hexBytes: Uint8Array;
}

/** The message info of every query: no sender, no funds (shared, read-only). */
const QUERY_INFO: MessageInfo = Object.freeze({ sender: '', funds: Object.freeze([]) });

/** Options of every read-only (query) ContractState: one frozen object instead of one per query. */
const READ_ONLY_STATE = Object.freeze({ readOnly: true });

/** A decoded input, ready for the contract. */
interface ParsedInput {
  readonly channel: IoChannel;
  /** JSON handed to the contract. */
  readonly contractMsg: Uint8Array;
  readonly replyParams: readonly ReplyParams[];
  /** What a callback signature covers: the ciphertext after the header, or the plaintext input. */
  readonly callbackMsg: Uint8Array;
}

/** Thrown inside a call to return a failure with a known gas figure. */
class CallFailure extends Error {
  constructor(
    readonly failure: EnclaveFailure,
    readonly gasUsed: bigint,
  ) {
    super('call failed');
  }
}

/** The enclave. Deterministic: two instances built from the same seeds give byte-identical results. */
export class SecretEnclave implements Enclave {
  readonly ioPubkey: Uint8Array;
  readonly ioScheme: EncryptionScheme;
  readonly bech32Prefix: string;
  readonly #keys: NetworkKeys;
  readonly #secrets: EnclaveSecrets;
  readonly #runtime: ContractRuntime;
  readonly #api: Bech32Api;
  /** Code analysis by code hash hex (API version, randomness), bounded. */
  readonly #analysis = new Map<string, CodeInfo>();
  /** wasm buffers whose sha256 was checked, with the hash they matched. */
  readonly #verifiedCode = new WeakMap<Uint8Array, VerifiedCode>();
  /** Secret's enclave-global `MSG_COUNTER`: reset on a new height, +1 per init/handle/migrate. */
  #counter = { height: -1n, counter: 0n };
  /** Derived state keys by og contract key hex (see #stateKeys). */
  readonly #stateKeyCache = new Map<string, StateKeys>();
  /** The state keys last derived for an og key array, with a copy of its bytes then (see #stateKeys). */
  readonly #lastStateKeys = new WeakMap<Uint8Array, { readonly og: Uint8Array; readonly keys: StateKeys }>();
  /** Valid addresses (bech32 → canonical) seen recently; only successful decodes are kept. */
  readonly #addressCache = new Map<string, Uint8Array>();
  readonly #exposeCauses: boolean;
  /** See #callEnv. */
  #lastCallEnv:
    | { readonly env: EnclaveEnv; readonly random: Uint8Array | undefined; readonly callEnv: CallEnv }
    | undefined;
  /** Facts from the prepare worker (signature verdicts, decrypted inputs), bound to the bytes they cover. */
  readonly #prepared: PreparedCache;
  readonly #signatureFacts: SignatureFactsLookup;
  readonly #preparer: TxPreparer;

  constructor(options: EnclaveOptions) {
    this.#keys = options.keys;
    this.#secrets = secretsFromKeys(options.keys);
    this.ioScheme = parseEncryptionScheme(options.ioScheme ?? DEFAULT_ENCRYPTION_SCHEME);
    this.bech32Prefix = options.bech32Prefix ?? DEFAULT_BECH32_PREFIX;
    this.#runtime = options.runtime ?? new ContractRuntime();
    this.#api = new Bech32Api(this.bech32Prefix);
    this.ioPubkey = options.keys.ioPublicKey.slice();
    this.#exposeCauses = options.exposeErrorCauses === true;
    this.#prepared = new PreparedCache(wireHeaderLength(this.ioScheme));
    this.#signatureFacts = (sigInfo) => this.#prepared.signatureFacts(sigInfo);
    this.#preparer = new TxPreparer({
      cache: this.#prepared,
      scheme: this.ioScheme,
      ioPrivateKey: () => this.#keys.ioPrivateKey(),
      ...(options.prepare === undefined ? {} : { options: options.prepare }),
    });
  }

  /**
   * Verifies the signatures and decrypts the compute inputs of `txs` (e.g. a block's, as soon as it is known) on
   * a worker thread, so that their later init/handle/migrate calls skip that work. Optional and invisible in
   * results: a call finds a prepared fact only for byte-identical tx, sign bytes, signature, key and input, and
   * otherwise does the work inline exactly as without prepare. Never rejects for anything a tx can contain
   * (only for programmer misuse such as a SigInfo without its byte fields, as a TypeError).
   */
  prepare(txs: readonly SigInfo[]): Promise<PrepareReport> {
    return this.#preparer.prepare(txs);
  }

  /**
   * True iff the prepare worker verified that `sigInfo.signature` is a valid secp256k1 signature of exactly
   * `sigInfo.signBytes` under exactly `sigInfo.publicKey` (for these exact tx bytes). For a chain's ante handler,
   * which may then skip its own identical check. False means "not known", never "invalid".
   */
  preparedSignatureValid(sigInfo: SigInfo): boolean {
    const facts = this.#prepared.signatureFacts(sigInfo);
    const pk = sigInfo.publicKey;
    return facts?.validKey !== undefined && pk !== undefined && bytesEqual(facts.validKey, pk);
  }

  /** What the prepare caches hold and how often calls found a prepared fact. */
  prepareStats(): PrepareStats {
    const p = this.#prepared;
    return { ...p.held, signatureHits: p.signatureHits, inputHits: p.inputHits };
  }

  /** Stops the prepare workers (they never keep a process alive anyway). Calls keep working, inline. */
  close(): Promise<void> {
    return this.#preparer.close();
  }

  /** Bytes of `[marker ‖] nonce ‖ pubkey` that prefix reply inputs (`header ‖ json(Reply)`) on this chain. */
  get ioHeaderLength(): number {
    return wireHeaderLength(this.ioScheme);
  }

  // ---------------------------------------------------------------------------------------------- ecalls

  init(call: EnclaveCall, msg: Uint8Array, admin: string): EnclaveResult<InitOutput> {
    return this.#guard(() => {
      const code = this.#checkCode(call);
      const info = this.#analyse(call, code, 'instantiate');
      const counter = this.#bumpCounter(call.env);
      const sender = this.#address(call.env.message.sender);
      const contract = this.#address(call.env.contract.address);
      const input = this.#parseInput(msg, code.hexBytes, true);
      const adminCanonical = admin === '' ? new Uint8Array(0) : this.#address(admin).canonical;
      verifyParams(
        call.sigInfo,
        sender,
        { type: 'instantiate', msg: this.#signedForm(input, msg), funds: call.env.message.sentFunds, admin },
        this.#secrets.callbackSecret,
        input.callbackMsg,
        this.#signatureFacts,
      );
      const contractKey = generateContractKey(
        this.#secrets,
        sender.canonical,
        call.env.block.height,
        code.hash,
        contract.canonical,
      );
      const random = this.#contractRandom(call.env, info, contractKey, counter);
      const state = this.#state(call, contractKey, counter, false);
      const out = this.#execute(
        call,
        code,
        'instantiate',
        info,
        input,
        state,
        random,
        call.env.message.sender,
      );
      return {
        output: {
          ...out.output,
          contractKey,
          adminProof: generateAdminProof(this.#secrets, adminCanonical, contractKey),
        },
        gasUsed: out.gasUsed,
      };
    });
  }

  handle(call: EnclaveCall, msg: Uint8Array, handleType: HandleType): EnclaveResult<WasmOutput> {
    // #guard written out (no closure per execute, the hottest state-changing ecall)
    let out: { output: WasmOutput; gasUsed: bigint };
    try {
      out = this.#handle(call, msg, handleType);
    } catch (e) {
      return this.#failed(e);
    }
    return { ok: true, output: out.output, gasUsed: out.gasUsed };
  }

  #handle(
    call: EnclaveCall,
    msg: Uint8Array,
    handleType: HandleType,
  ): { output: WasmOutput; gasUsed: bigint } {
    const code = this.#checkCode(call);
    const info = this.#analyse(call, code, 'execute');
    const counter = this.#bumpCounter(call.env);
    const contract = this.#address(call.env.contract.address);
    const keys = validateContractKey(this.#secrets, call.env.contractKey, contract.canonical, code.hash);
    let input: ParsedInput;
    let entry: EntryPoint;
    let sender = call.env.message.sender;
    switch (handleType) {
      case 'execute': {
        entry = 'execute';
        input = this.#parseInput(msg, code.hexBytes, true);
        verifyParams(
          call.sigInfo,
          this.#address(sender),
          {
            type: 'execute',
            contract,
            msg: this.#signedForm(input, msg),
            funds: call.env.message.sentFunds,
          },
          this.#secrets.callbackSecret,
          input.callbackMsg,
          this.#signatureFacts,
        );
        break;
      }
      case 'reply': {
        if (info.apiVersion !== 'v1') throw new EnclaveError('FailedFunctionCall');
        entry = 'reply';
        input = this.#parseReply(call, msg, code.hex);
        sender = '';
        break;
      }
      case 'ibc_wasm_hooks_incoming_transfer':
      case 'ibc_wasm_hooks_outgoing_transfer_ack':
      case 'ibc_wasm_hooks_outgoing_transfer_timeout': {
        // IBC hook messages come from the IBC module in plaintext and are not user-signed (Secret
        // `parse_message`: should_validate_sig_info = false); the sender is blanked.
        entry = handleType === 'ibc_wasm_hooks_incoming_transfer' ? 'execute' : 'sudo';
        input = this.#plaintextInput(msg);
        sender = '';
        break;
      }
      default:
        // Raw IBC channel/packet entry points need an IBC-capable runtime; not supported here.
        throw new EnclaveError('NotImplemented');
    }
    const random = this.#contractRandom(call.env, info, keys.latest, counter);
    const state = this.#state(call, keys.og, counter, false);
    return this.#execute(call, code, entry, info, input, state, random, sender);
  }

  query(call: EnclaveCall, msg: Uint8Array): EnclaveResult<QueryOutput> {
    // #guard's work written out: a query is the hottest ecall, and this way it allocates no closure
    let output: QueryOutput;
    let gasUsed: bigint;
    try {
      const code = this.#checkCode(call);
      const info = this.#analyse(call, code, 'execute');
      const canonical = this.#canonical(call.env.contract.address);
      const keys = validateContractKey(this.#secrets, call.env.contractKey, canonical, code.hash);
      const input = this.#parseInput(msg, code.hexBytes, false);
      const state = this.#state(call, keys.og, 0n, true);
      const ctx = this.#outputContext(info.apiVersion, input, code.hex);
      const outcome = this.#runContract(call, 'query', input, state, call.env.block.random, '');
      const result = outcome.result;
      gasUsed = outcome.gasUsed;
      if ('error' in result) throw new CallFailure(processContractError(ctx, result.error), gasUsed);
      output = processQueryResult(ctx, result.ok);
    } catch (e) {
      return this.#failed(e);
    }
    return { ok: true, output, gasUsed };
  }

  migrate(call: EnclaveCall, msg: Uint8Array, adminProof: Uint8Array): EnclaveResult<MigrateOutput> {
    return this.#guard(() => {
      const code = this.#checkCode(call);
      const info = this.#analyse(call, code, 'execute');
      const counter = this.#bumpCounter(call.env);
      const sender = this.#address(call.env.message.sender);
      const contract = this.#address(call.env.contract.address);
      const og = call.env.contractKey?.og;
      if (og === undefined || og.length !== 64) throw new EnclaveError('FailedContractAuthentication');
      // The admin proof binds the sender (as admin) to this og key, which authenticates both.
      validateAdminProof(this.#secrets, sender.canonical, og, adminProof);
      // Migrations move no funds (verify_input: Migrate/UpdateAdmin/ClearAdmin must have none).
      if (call.env.message.sentFunds.length > 0) throw new EnclaveError('FailedTxVerification');
      const input = this.#parseInput(msg, code.hexBytes, false);
      verifyParams(
        call.sigInfo,
        sender,
        { type: 'migrate', contract, msg },
        this.#secrets.callbackSecret,
        input.callbackMsg,
        this.#signatureFacts,
      );
      const newKey = generateContractKey(
        this.#secrets,
        sender.canonical,
        call.env.block.height,
        code.hash,
        contract.canonical,
        og,
      );
      const proof = signContractKey(this.#secrets, contract.canonical, code.hash, og, newKey);
      const random = this.#contractRandom(call.env, info, newKey, counter);
      const state = this.#state(call, og, counter, false);
      const out = this.#execute(call, code, 'migrate', info, input, state, random, call.env.message.sender);
      return {
        output: { ...out.output, newContractKey: newKey, newContractKeyProof: proof },
        gasUsed: out.gasUsed,
      };
    });
  }

  updateAdmin(
    call: AdminCall,
    newAdmin: string,
    currentAdminProof: Uint8Array,
  ): EnclaveResult<UpdateAdminOutput> {
    return this.#guard(() => {
      const sender = this.#address(call.env.message.sender);
      const contract = this.#address(call.env.contract.address);
      const keys = validateContractKey(
        this.#secrets,
        call.env.contractKey,
        contract.canonical,
        call.codeHash,
      );
      validateAdminProof(this.#secrets, sender.canonical, keys.og, currentAdminProof);
      if (call.env.message.sentFunds.length > 0) throw new EnclaveError('FailedTxVerification');
      const expected: ExpectedSignedMsg =
        newAdmin === '' ? { type: 'clear_admin', contract } : { type: 'update_admin', contract, newAdmin };
      verifyParams(
        call.sigInfo,
        sender,
        expected,
        this.#secrets.callbackSecret,
        new Uint8Array(0),
        this.#signatureFacts,
      );
      const admin = newAdmin === '' ? new Uint8Array(0) : this.#address(newAdmin).canonical;
      return { output: { adminProof: generateAdminProof(this.#secrets, admin, keys.og) }, gasUsed: 0n };
    });
  }

  // ------------------------------------------------------------------------------------------- internals

  /** Runs `fn`, turning every failure into a `{ ok: false }` value. */
  #guard<T>(fn: () => { output: T; gasUsed: bigint }): EnclaveResult<T> {
    try {
      const { output, gasUsed } = fn();
      return { ok: true, output, gasUsed };
    } catch (e) {
      return this.#failed(e);
    }
  }

  /** The failure value of an ecall that threw `e`; programmer errors (a bare TypeError) propagate. */
  #failed(e: unknown): { ok: false; error: EnclaveFailure; gasUsed: bigint } {
    if (e instanceof CallFailure) return { ok: false, error: e.failure, gasUsed: e.gasUsed };
    if (e instanceof TypeError && !(e.cause instanceof Error)) throw e;
    return { ok: false, error: { kind: 'enclave', error: this.#boundaryError(e) }, gasUsed: 0n };
  }

  /**
   * The error that crosses the boundary: kind and Secret display only. Causes can hold contract-derived text
   * (a result-parse error quoting the contract's output, a panic message) that may contain decrypted data, so
   * they stay inside unless the embedder opted in with `exposeErrorCauses` for local debugging.
   */
  #boundaryError(e: unknown): EnclaveError {
    const err = toEnclaveError(e);
    return this.#exposeCauses ? err : new EnclaveError(err.kind);
  }

  /**
   * sha256(wasm) must equal the code hash the keeper claims (hashed once per wasm buffer). The result is shared
   * by every call of that buffer: read it, never mutate it.
   */
  #checkCode(call: { code: EnclaveCall['code'] }): VerifiedCode {
    const { wasm, codeHash } = call.code;
    if (!(wasm instanceof Uint8Array) || !(codeHash instanceof Uint8Array)) {
      throw new TypeError('call.code.wasm and call.code.codeHash must be Uint8Array');
    }
    let verified = this.#verifiedCode.get(wasm);
    if (verified === undefined) {
      const hash = sha256(wasm);
      const hex = toHex(hash);
      verified = { hash, hex, hexBytes: utf8(hex) };
      this.#verifiedCode.set(wasm, verified);
    }
    if (!bytesEqual(verified.hash, codeHash)) throw new EnclaveError('InvalidWasm');
    return verified;
  }

  /**
   * API version and features of the code (cached by hash); floats are rejected on instantiate only. `code` is
   * what #checkCode returned for this call, so its hex is the hex of `call.code.codeHash`.
   */
  #analyse(call: EnclaveCall, code: VerifiedCode, phase: 'instantiate' | 'execute'): CodeInfo {
    const hex = code.hex;
    let info = this.#analysis.get(hex);
    if (info === undefined) {
      info = this.#runtime.checkCode(call.code.wasm, 'execute');
      if (this.#analysis.size >= CODE_ANALYSIS_CACHE_SIZE) {
        const oldest = this.#analysis.keys().next().value;
        if (oldest !== undefined) this.#analysis.delete(oldest);
      }
      this.#analysis.set(hex, info);
    }
    if (phase === 'instantiate' && info.hasFloats) throw new EnclaveError('WasmModuleWithFP');
    return info;
  }

  /**
   * K_key/K_val of a contract (two HKDFs), cached by og key: they are a pure function of it, and a busy
   * contract is called many times per block. Bounded, oldest entry evicted.
   */
  #stateKeys(og: Uint8Array): StateKeys {
    // The keeper hands the same decoded og array for every call of a contract: checked by bytes (a copy taken
    // when remembered), it skips hex-encoding the key for the map below.
    const last = this.#lastStateKeys.get(og);
    if (last !== undefined && bytesEqual(last.og, og)) return last.keys;
    const id = toHex(og);
    let keys = this.#stateKeyCache.get(id);
    if (keys === undefined) {
      keys = deriveStateKeys(this.#secrets, og);
      if (this.#stateKeyCache.size >= STATE_KEY_CACHE_SIZE) {
        const oldest = this.#stateKeyCache.keys().next().value;
        if (oldest !== undefined) this.#stateKeyCache.delete(oldest);
      }
      this.#stateKeyCache.set(id, keys);
    }
    this.#lastStateKeys.set(og, { og: og.slice(), keys });
    return keys;
  }

  /** MSG_COUNTER: value before this call's increment (reset to 0 on a new height). */
  #bumpCounter(env: EnclaveEnv): bigint {
    if (this.#counter.height !== env.block.height) this.#counter = { height: env.block.height, counter: 0n };
    const before = this.#counter.counter;
    this.#counter = { height: env.block.height, counter: before + 1n };
    return before;
  }

  /** The canonical bytes of a valid address, shared with the cache: read them, never mutate them. */
  #canonical(bech32: string): Uint8Array {
    return this.#addressCache.get(bech32) ?? this.#address(bech32).canonical;
  }

  #address(bech32: string): Address {
    const hit = this.#addressCache.get(bech32);
    if (hit !== undefined) return { canonical: hit.slice(), bech32 };
    const decoded = decodeBech32(bech32);
    if ('error' in decoded || decoded.prefix !== this.bech32Prefix)
      throw new EnclaveError('FailedToDeserialize');
    if (this.#addressCache.size >= ADDRESS_CACHE_SIZE) {
      const oldest = this.#addressCache.keys().next().value;
      if (oldest !== undefined) this.#addressCache.delete(oldest);
    }
    this.#addressCache.set(bech32, decoded.data.slice());
    return { canonical: decoded.data, bech32 };
  }

  /**
   * Decrypt + `validate_basic_msg`. Init/handle fall back to plaintext when the bytes do not decrypt (Secret
   * `try_get_decrypted_secret_msg`); queries and migrations must be encrypted ("failed to decrypt data").
   */
  #parseInput(wire: Uint8Array, codeHashHex: Uint8Array, allowPlaintext: boolean): ParsedInput {
    let opened: ReturnType<typeof IoChannel.open>;
    try {
      opened = this.#preparedInput(wire) ?? IoChannel.open(this.#keys, this.ioScheme, wire);
    } catch (e) {
      if (!(e instanceof CryptoError)) throw e;
      if (allowPlaintext) return this.#plaintextInput(wire);
      throw new EnclaveError('DecryptionError', { cause: e });
    }
    const { plaintext } = opened;
    if (plaintext.length < HEX_ENCODED_HASH_SIZE || !isCodeHashHex(plaintext, codeHashHex)) {
      throw new EnclaveError('ValidationFailure');
    }
    const { params, rest } = parseReplyHeaders(plaintext.subarray(HEX_ENCODED_HASH_SIZE));
    return {
      channel: opened.channel,
      contractMsg: rest,
      replyParams: params,
      callbackMsg: opened.ciphertext,
    };
  }

  /** IoChannel.open's result from the prepare worker's facts for exactly these wire bytes, if any. */
  #preparedInput(wire: Uint8Array): ReturnType<typeof IoChannel.open> | undefined {
    const hit = this.#prepared.input(wire);
    if (hit === undefined) return undefined;
    const parsed = parseInputWire(this.ioScheme, wire);
    // H and K_iv of this tx key, computed by the worker from the very key bytes cached with them
    if (hit.sealKeyBlocks !== undefined && this.ioScheme === 'aes-256-gcm')
      gcmPrimeSealState(hit.txKey, hit.sealKeyBlocks);
    return {
      channel: IoChannel.fromTxKey(
        this.ioScheme,
        parsed.nonce.slice(),
        parsed.userPubkey.slice(),
        hit.txKey.slice(),
      ),
      plaintext: hit.plaintext.slice(),
      ciphertext: parsed.ciphertext,
    };
  }

  /**
   * The message bytes a user signature must cover. Secret rebuilds plaintext inputs as `0^64 ‖ msg` before
   * comparing (SecretMessage with zero nonce/pubkey), so a user-signed plaintext input never verifies; only
   * callback-signed (contract-originated) plaintext is accepted.
   */
  #signedForm(input: ParsedInput, wire: Uint8Array): Uint8Array {
    return input.channel.encrypted ? wire : concat(new Uint8Array(64), wire);
  }

  #plaintextInput(msg: Uint8Array): ParsedInput {
    return {
      channel: IoChannel.plaintext(this.ioScheme),
      contractMsg: msg,
      replyParams: [],
      callbackMsg: msg,
    };
  }

  /** Reply input: `header ‖ json(Reply)`, authenticated by the callee's reply signature. */
  #parseReply(call: EnclaveCall, msg: Uint8Array, codeHashHex: string): ParsedInput {
    const headerLength = this.ioHeaderLength;
    if (msg.length < headerLength) throw new EnclaveError('FailedToDeserialize');
    let channel: IoChannel;
    try {
      channel = IoChannel.fromHeader(this.#keys, this.ioScheme, msg.subarray(0, headerLength));
    } catch (e) {
      throw new EnclaveError('DecryptionError', { cause: e });
    }
    const parsed = parseReplyMessage(
      msg.subarray(headerLength),
      channel,
      codeHashHex,
      this.#secrets.callbackSecret,
      call.sigInfo?.callbackSig,
    );
    return { channel, contractMsg: parsed.contractMsg, replyParams: parsed.replyParams, callbackMsg: msg };
  }

  /**
   * `env.block.random` for contracts exporting `requires_random` (v1): HKDF(salt = KDF_SALT, ikm = block random,
   * info = BE64(height) ‖ contract_key ‖ BE64(counter)) (spec §2.11); otherwise none.
   */
  #contractRandom(
    env: EnclaveEnv,
    info: CodeInfo,
    contractKey: Uint8Array,
    counter: bigint,
  ): Uint8Array | undefined {
    const random = env.block.random;
    if (random === undefined || random.length === 0 || info.apiVersion !== 'v1' || !info.requiresRandom) {
      return undefined;
    }
    const infoBytes = concat(be64(env.block.height), contractKey, be64(counter));
    return hkdfSha256(random, KDF_SALT, infoBytes, 32);
  }

  #state(call: EnclaveCall, og: Uint8Array, counter: bigint, readOnly: boolean): ContractState {
    const keys = this.#stateKeys(og);
    if (readOnly) return new ContractState(call.store, keys, READ_ONLY_STATE);
    const block = call.env.block;
    return new ContractState(call.store, keys, {
      readOnly,
      salt: { timeNanos: block.timeNanos, counterHeight: block.height, counter },
    });
  }

  #outputContext(apiVersion: ContractApiVersion, input: ParsedInput, codeHashHex: string): OutputContext {
    return {
      apiVersion,
      channel: input.channel,
      ownCodeHashHex: codeHashHex,
      replyParams: input.replyParams,
      callbackSecret: this.#secrets.callbackSecret,
    };
  }

  /** Run a state-changing entry point, post-process, and flush state on success. */
  #execute(
    call: EnclaveCall,
    code: VerifiedCode,
    entry: EntryPoint,
    info: CodeInfo,
    input: ParsedInput,
    state: ContractState,
    random: Uint8Array | undefined,
    sender: string,
  ): { output: WasmOutput; gasUsed: bigint } {
    const outcome = this.#runContract(call, entry, input, state, random, sender);
    const ctx = this.#outputContext(info.apiVersion, input, code.hex);
    const result: ContractResult = outcome.result;
    if ('error' in result) throw new CallFailure(processContractError(ctx, result.error), outcome.gasUsed);
    let output: WasmOutput;
    try {
      output = processResponse(ctx, result.ok);
      state.flush(random);
    } catch (e) {
      throw new CallFailure({ kind: 'enclave', error: this.#boundaryError(e) }, outcome.gasUsed);
    }
    return { output, gasUsed: outcome.gasUsed };
  }

  #runContract(
    call: EnclaveCall,
    entry: EntryPoint,
    input: ParsedInput,
    state: ContractState,
    random: Uint8Array | undefined,
    sender: string,
  ): CallOutcome {
    const env = call.env;
    const callEnv = this.#callEnv(env, entry === 'query' ? env.block.random : random);
    const info: MessageInfo =
      entry === 'query'
        ? QUERY_INFO
        : { sender, funds: entry === 'execute' || entry === 'instantiate' ? env.message.sentFunds : [] };
    try {
      return this.#runtime.call({
        codeHash: call.code.codeHash,
        wasm: call.code.wasm,
        entry,
        env: callEnv,
        info,
        msg: input.contractMsg,
        backend: {
          storage: new StateStorage(state),
          api: this.#api,
          querier: new EnclaveQuerier(call.querier, input.channel),
        },
        gasLimit: call.gasLimit,
        debug: call.debug,
      });
    } catch (e) {
      const gasUsed = e instanceof OutOfGasError ? e.gasUsed : gasOf(e, call.gasLimit);
      throw new CallFailure({ kind: 'enclave', error: this.#boundaryError(e) }, gasUsed);
    }
  }

  /**
   * The runtime's env for a call: the previous call's object when it was made from the very same (read-only)
   * EnclaveEnv object with the same random (the keeper hands consecutive queries one env), else a new one.
   */
  #callEnv(env: EnclaveEnv, random: Uint8Array | undefined): CallEnv {
    const last = this.#lastCallEnv;
    if (last !== undefined && last.env === env && last.random === random) return last.callEnv;
    const callEnv: CallEnv = {
      block: {
        height: env.block.height,
        timeNanos: env.block.timeNanos,
        chainId: env.block.chainId,
        random,
      },
      contract: { address: env.contract.address },
      transaction: env.transaction ?? null,
      queryDepth: env.queryDepth,
    };
    this.#lastCallEnv = { env, random, callEnv };
    return callEnv;
  }

  /** Never reveal keys through inspection or JSON. */
  toJSON(): { ioPubkey: string; ioScheme: EncryptionScheme } {
    return { ioPubkey: toHex(this.ioPubkey), ioScheme: this.ioScheme };
  }
}

/** Gas a trapped call consumed: the runtime attaches it to VmError.gasUsed; the whole limit if it did not. */
function gasOf(e: unknown, limit: bigint): bigint {
  const g = (e as { gasUsed?: unknown } | null)?.gasUsed;
  return typeof g === 'bigint' ? g : limit;
}

/**
 * The runtime's Storage view of the plaintext cache; store gas is the keeper's (SDK meter), so 0 here. A class,
 * not an object of closures: one allocation per call.
 */
class StateStorage implements Storage {
  constructor(private readonly state: ContractState) {}

  get(key: Uint8Array): { value: Uint8Array | undefined; gas: GasInfo } {
    return { value: this.state.get(key), gas: NO_GAS };
  }

  /** `get` without the gas (always none here); `key` is only read (ContractState keeps no key it reads). */
  getWithoutGas(key: Uint8Array): Uint8Array | undefined {
    return this.state.get(key);
  }

  set(key: Uint8Array, value: Uint8Array): GasInfo {
    this.state.set(key, value);
    return NO_GAS;
  }

  remove(key: Uint8Array): GasInfo {
    this.state.remove(key);
    return NO_GAS;
  }
}

/**
 * Does `plaintext` start with `codeHashHex` (the 64 lowercase hex chars as ASCII bytes), compared case-insensitively
 * as Secret does after decoding the UTF-8 (contract_validation.rs)? Byte by byte: each byte must be the expected hex
 * digit or, for a letter, its uppercase form, which is exactly "64 hex ASCII chars whose lowercase form is the hex".
 */
function isCodeHashHex(plaintext: Uint8Array, codeHashHex: Uint8Array): boolean {
  if (codeHashHex.length !== HEX_ENCODED_HASH_SIZE) return false;
  for (let i = 0; i < HEX_ENCODED_HASH_SIZE; i++) {
    const c = plaintext[i];
    const want = codeHashHex[i]!;
    if (c !== want && !(want >= 0x61 && want <= 0x66 && c === want - 0x20)) return false;
  }
  return true;
}
