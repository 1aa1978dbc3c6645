/**
 * The trusted/untrusted boundary: what the keeper (untrusted, src/keeper/) hands the enclave (trusted,
 * src/enclave/) and what it gets back. Modelled on Secret's ecalls `ecall_init`, `ecall_handle`,
 * `ecall_query`, `ecall_migrate`, `ecall_update_admin` (SecretNetwork: cosmwasm/enclaves/execute/src/ecalls.rs,
 * go-cosmwasm/api/lib.go). Everything is synchronous: contracts call host functions synchronously.
 *
 * Conventions:
 * - Bytes are `Uint8Array`, 64-bit numbers `bigint`, coin amounts decimal strings, addresses bech32 strings.
 * - Gas crossing this boundary is **wasm gas** (1000 wasm gas = 1 SDK gas, spec §3.6); the keeper converts.
 * - Enclave methods never throw for anything a transaction can cause (bad input, bad signature, contract error,
 *   out of gas): those come back as `{ ok: false, error }` values with the gas used so far. They throw only on
 *   programmer misuse of this API (`TypeError`).
 * - Nothing private (seeds, keys, decrypted input) ever appears in a returned value or error text.
 */
import type { EnclaveError } from './errors.js';

/** A cosmos coin as contracts see it (`Uint128` amount as a decimal string). */
export interface Coin {
  readonly denom: string;
  readonly amount: string;
}

/** Which CosmWasm ABI a contract speaks, from its marker export (spec §3.1). */
export type ContractApiVersion = 'v0.10' | 'v1';

/** Contract key material the keeper stores for a contract (`ContractKey` proto, spec §1.4 / §2.9). */
export interface ContractKeyInfo {
  /** 64-byte key issued at init (`og_contract_key`). State is always encrypted under it. */
  readonly og: Uint8Array;
  /** 64-byte key issued by the latest migration (`current_contract_key`); absent before any migration. */
  readonly current?: Uint8Array;
  /** 32-byte enclave proof for `current` (`current_contract_key_proof`). */
  readonly currentProof?: Uint8Array;
}

/**
 * The Go→enclave env (spec §3.4) in TS form. The enclave converts it to the v0.10 or v1 contract env itself.
 * Per call: init → sender = creator, funds = deposit, no contractKey; execute → sender = caller, funds = sent
 * funds (`cw20:` denoms removed); query → sender `""`, funds `[]`; reply → sender = the contract itself;
 * migrate → sender = caller, funds `[]`.
 */
export interface EnclaveEnv {
  readonly block: {
    readonly height: bigint;
    /** Block time in unix **nanoseconds**. */
    readonly timeNanos: bigint;
    readonly chainId: string;
    /** The block's 32-byte random (stored at BeginBlock); absent when none. */
    readonly random?: Uint8Array;
  };
  readonly message: { readonly sender: string; readonly sentFunds: readonly Coin[] };
  readonly contract: { readonly address: string };
  /** Required for every call except init. */
  readonly contractKey?: ContractKeyInfo;
  /** 1 for a top-level query, +1 per nested contract query; 0 for transactions. */
  readonly queryDepth: number;
  /** Absent for queries. `hash` is UPPERCASE hex sha256(tx_bytes). */
  readonly transaction?: { readonly index: number; readonly hash: string };
}

/** Signing mode of the outer tx (`SigInfo.sign_mode`, go-cosmwasm/types/types.go). */
export type SignMode = 'SIGN_MODE_DIRECT' | 'SIGN_MODE_LEGACY_AMINO_JSON' | 'SIGN_MODE_UNSPECIFIED';

/**
 * What the enclave needs to check that the user really signed this input (spec §2.4). For contract-originated
 * calls (submessages, replies) only `callbackSig` matters; the keeper passes the other fields empty.
 */
export interface SigInfo {
  /** The full `TxRaw` bytes. */
  readonly txBytes: Uint8Array;
  /** SIGN_MODE_DIRECT: the `SignDoc` bytes; LEGACY_AMINO_JSON: the amino JSON sign bytes. */
  readonly signBytes: Uint8Array;
  readonly signMode: SignMode;
  /** 33-byte compressed secp256k1 key of the signer (from AuthInfo / the account). */
  readonly publicKey?: Uint8Array;
  /** 64-byte compact secp256k1 signature. */
  readonly signature: Uint8Array;
  /** Enclave-issued callback signature (contract → contract messages, replies). */
  readonly callbackSig?: Uint8Array;
}

/**
 * A contract's raw state bytes, already scoped by the keeper to this contract's prefix (`0x03 ‖ addr20`).
 * The enclave stores only encrypted keys/values here (spec §2.9) and writes once, at the end of a successful
 * call. Gas for these host reads/writes, if any, is the keeper's business (Secret charges it on the SDK meter).
 */
export interface ContractStore {
  get(key: Uint8Array): Uint8Array | undefined;
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/** The keeper's answer to a contract's `query_chain`. */
export interface QuerierResponse {
  /**
   * JSON `SystemResult<ContractResult<Binary>>` exactly as Go produces it (spec §2.8):
   * `{"Ok":{"Ok":"<b64>"}}`, `{"Ok":{"Err":{…StdError}}}` or `{"Err":{…SystemError}}`.
   * For wasm smart queries the inner `Ok` is the callee's encrypted query result (raw AES bytes, base64).
   */
  readonly response: Uint8Array;
  /** Wasm gas to charge the querying contract (0n if the keeper already charged its own SDK meter). */
  readonly gasUsed: bigint;
}

/**
 * Untrusted querier the keeper provides per call. `request` is the contract's `QueryRequest` JSON, with the
 * `wasm.smart.msg` of a contract→contract query already encrypted by the enclave. Must not throw for query
 * failures: those are `Err` values inside `response`.
 */
export interface UntrustedQuerier {
  query(
    request: Uint8Array,
    options: { readonly gasLimit: bigint; readonly queryDepth: number },
  ): QuerierResponse;
}

/** The contract's code as stored by the keeper. */
export interface ContractCode {
  /** Uncompressed wasm. */
  readonly wasm: Uint8Array;
  /** 32-byte sha256(wasm) (the `CodeInfo.code_hash`); the enclave re-checks it. */
  readonly codeHash: Uint8Array;
}

/** Everything one enclave call needs besides the message itself. */
export interface EnclaveCall {
  readonly code: ContractCode;
  readonly env: EnclaveEnv;
  readonly store: ContractStore;
  readonly querier: UntrustedQuerier;
  /** Wasm gas limit (already capped at 10^10 by the keeper). */
  readonly gasLimit: bigint;
  /** Required for init/execute/migrate (user-signed or callback-signed); ignored by query. */
  readonly sigInfo?: SigInfo;
  /** Receives the contract's `debug`/`debug_print` output; omitted → dropped. */
  readonly debug?: (message: string) => void;
}

/** For `updateAdmin`, which runs no wasm. */
export interface AdminCall {
  readonly codeHash: Uint8Array;
  readonly env: EnclaveEnv;
  readonly sigInfo?: SigInfo;
}

/** Secret's handle types (`HandleType`, go-cosmwasm/types/types.go). */
export type HandleType =
  | 'execute'
  | 'reply'
  | 'ibc_channel_open'
  | 'ibc_channel_connect'
  | 'ibc_channel_close'
  | 'ibc_packet_receive'
  | 'ibc_packet_ack'
  | 'ibc_packet_timeout'
  | 'ibc_wasm_hooks_incoming_transfer'
  | 'ibc_wasm_hooks_outgoing_transfer_ack'
  | 'ibc_wasm_hooks_outgoing_transfer_timeout';

/** One log attribute; `key`/`value` are base64(AES ciphertext) unless the contract marked it plaintext. */
export interface OutputAttribute {
  readonly key: string;
  readonly value: string;
}

/** A v1 custom event (`wasm-<type>` in the SDK); attributes as in {@link OutputAttribute}. */
export interface OutputEvent {
  readonly type: string;
  readonly attributes: readonly OutputAttribute[];
}

/**
 * One message the contract asked to dispatch, as a v1 SubMsg. v0.10 messages arrive as
 * `{ id: 0n, gasLimit: null, replyOn: 'never' }` with their v0.10 CosmosMsg JSON in `msg`.
 */
export interface OutputSubMsg {
  /** Always 0n for wasm submessages of v1 contracts (the real id travels encrypted, spec §2.6). */
  readonly id: bigint;
  /**
   * The CosmosMsg JSON object in the contract's ABI shape (spec §3.7). Wasm execute/instantiate/migrate carry
   * `msg` = base64(nonce‖pubkey‖ciphertext) and `callback_sig` as a JSON array of numbers; update_admin /
   * clear_admin carry `callback_sig` too.
   */
  readonly msg: Record<string, unknown>;
  readonly gasLimit: bigint | null;
  readonly replyOn: 'always' | 'error' | 'success' | 'never';
  /** True when the enclave encrypted `msg` (all wasm msgs from encrypted input). */
  readonly wasMsgEncrypted: boolean;
}

/** Reply bookkeeping attached when this call ran as a submessage with `reply_on ≠ never` (spec §2.7). */
export interface InternalReplyInfo {
  /** `internal_msg_id`: encrypted id for the caller's reply. */
  readonly internalMsgId: Uint8Array;
  /** `internal_reply_enclave_sig`: becomes the callback_sig of the caller's reply. */
  readonly internalReplyEnclaveSig: Uint8Array;
}

/** Post-processed successful output of init/execute/migrate/reply (Secret's `WasmOutput`). */
export interface WasmOutput {
  readonly apiVersion: ContractApiVersion;
  /** Encrypted `Response.data` (raw AES bytes), or plaintext bytes if the input was plaintext; null if none. */
  readonly data: Uint8Array | null;
  /** v0.10 `log` / v1 `attributes` (the `wasm` event, without `contract_address`). */
  readonly attributes: readonly OutputAttribute[];
  /** v1 custom events; always empty for v0.10. */
  readonly events: readonly OutputEvent[];
  readonly messages: readonly OutputSubMsg[];
  readonly replyInfo?: InternalReplyInfo;
}

/** Init additionally returns the new contract's key and admin proof. */
export interface InitOutput extends WasmOutput {
  /** 64-byte `og_contract_key` to store in `ContractKey`. */
  readonly contractKey: Uint8Array;
  /** 32-byte admin proof to store in `ContractInfo.admin_proof`. */
  readonly adminProof: Uint8Array;
}

/** Migrate additionally returns the new current key and its proof. */
export interface MigrateOutput extends WasmOutput {
  /** 64-byte `current_contract_key`. */
  readonly newContractKey: Uint8Array;
  /** 32-byte `current_contract_key_proof`. */
  readonly newContractKeyProof: Uint8Array;
}

/** Query output: the encrypted result (raw AES bytes; the client decrypts → base64 → bytes). */
export interface QueryOutput {
  readonly data: Uint8Array;
}

/** UpdateAdmin output: the proof for the new admin (proof over the empty admin when clearing). */
export interface UpdateAdminOutput {
  readonly adminProof: Uint8Array;
}

/**
 * A contract returned `Err`. For encrypted input the error is encrypted for the user and `message` is Go's
 * display `encrypted: <b64>`; for plaintext input `message` is the StdError display (v0.10) / the error string
 * (v1). The keeper appends `: execute contract failed` etc.
 */
export interface ContractFailure {
  readonly kind: 'contract';
  readonly encrypted: boolean;
  readonly message: string;
  /** The raw ciphertext when `encrypted` (what `<b64>` encodes). */
  readonly ciphertext?: Uint8Array;
  readonly replyInfo?: InternalReplyInfo;
}

/** The trusted side failed (validation, signature, auth, trap, out of gas, ...). */
export interface TrustedFailure {
  readonly kind: 'enclave';
  readonly error: EnclaveError;
}

/** Why a call failed. */
export type EnclaveFailure = ContractFailure | TrustedFailure;

/** Outcome of every ecall; `gasUsed` is wasm gas, set in both branches. */
export type EnclaveResult<T> =
  | { readonly ok: true; readonly output: T; readonly gasUsed: bigint }
  | { readonly ok: false; readonly error: EnclaveFailure; readonly gasUsed: bigint };

/** What one `prepare` call put into the enclave's caches. */
export interface PrepareReport {
  /** Txs the worker processed (0 when no worker was available). */
  readonly txs: number;
  /** Txs whose signature was verified ahead (a positive verdict is cached). */
  readonly signatures: number;
  /** Encrypted inputs decrypted ahead. */
  readonly inputs: number;
}

/** Counters of the prepare caches (monitoring: is prepare() paying off?). Never part of a call's result. */
export interface PrepareStats {
  /** Signature facts held (one per prepared tx). */
  readonly signatures: number;
  /** Decrypted inputs held. */
  readonly inputs: number;
  /** Bytes the caches pin (bounded by PREPARED_CACHE_MAX_BYTES). */
  readonly bytes: number;
  /** Calls that used a prepared signature verdict / decoded tx. */
  readonly signatureHits: number;
  /** Calls that used a prepared decrypted input. */
  readonly inputHits: number;
}

/** The trusted component as the keeper sees it. */
export interface Enclave {
  /** 32-byte X25519 io public key (the network "tx key", `Query/TxKey`). */
  readonly ioPubkey: Uint8Array;
  /**
   * Length of the `[marker ‖] nonce ‖ pubkey` header of input messages on this chain: 64 for `aes-siv`, 65 for
   * `aes-256-gcm`. A reply input is `originalMsg.subarray(0, ioHeaderLength) ‖ json(Reply)`. Optional only so
   * test doubles need not set it; absent means 64 (Secret's layout).
   */
  readonly ioHeaderLength?: number;
  /**
   * `ecall_init`. `msg` = wire input (nonce‖pubkey‖ciphertext, or plaintext via callback paths).
   * `admin` = bech32 admin or `""`.
   */
  init(call: EnclaveCall, msg: Uint8Array, admin: string): EnclaveResult<InitOutput>;
  /** `ecall_handle`. For `reply`, `msg` = the original msg's first `ioHeaderLength` bytes ‖ json(Reply). */
  handle(call: EnclaveCall, msg: Uint8Array, handleType: HandleType): EnclaveResult<WasmOutput>;
  /** `ecall_query`: read-only; `msg` must be encrypted. */
  query(call: EnclaveCall, msg: Uint8Array): EnclaveResult<QueryOutput>;
  /**
   * `ecall_migrate`: `call.code` is the NEW code; `call.env.contractKey` the stored keys; `adminProof` the
   * stored proof (validated with the sender as admin).
   */
  migrate(call: EnclaveCall, msg: Uint8Array, adminProof: Uint8Array): EnclaveResult<MigrateOutput>;
  /** `ecall_update_admin`: `newAdmin` bech32 or `""` to clear. No wasm runs; `gasUsed` is 0n. */
  updateAdmin(
    call: AdminCall,
    newAdmin: string,
    currentAdminProof: Uint8Array,
  ): EnclaveResult<UpdateAdminOutput>;
  /**
   * Optional speed-up: verify the signatures and decrypt the inputs of these txs (a block's, in any order) on
   * another thread, ahead of their execution. Never changes a result; calls for txs that were not prepared (or
   * not yet) do the work inline. Resolves when the results are usable; never rejects.
   */
  prepare?(txs: readonly SigInfo[]): Promise<PrepareReport>;
  /** Releases what `prepare` started (worker threads). The enclave keeps working, without prepare. */
  close?(): Promise<void>;
}
