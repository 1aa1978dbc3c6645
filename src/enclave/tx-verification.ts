/**
 * "Did the user really sign this input?" (spec §2.4; SecretNetwork shared/contract-engine/src/
 * contract_validation.rs `verify_params`, `verify_callback_sig`, input_validation/*). Contract-originated calls
 * carry an enclave-issued `callback_sig`; user calls carry the tx, its sign bytes and the signature, and the
 * enclave checks the signature and that a signed message matches exactly what it was asked to run. Every failure
 * is `FailedTxVerification` ("failed to verify transaction signature") without further detail, so nothing about
 * the tx leaks through error text.
 */
import { ripemd160 } from '@noble/hashes/legacy.js';
import { BinaryReader } from 'cosmjs-types/binary';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { AuthInfo, SignDoc, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';

import type { Coin as ProtoCoin } from '../proto/cosmos/base/v1beta1/coin.js';
import {
  MsgClearAdmin,
  MsgExecuteContract,
  MsgInstantiateContract,
  MsgMigrateContract,
  MsgUpdateAdmin,
} from '../proto/secret/compute/v1beta1/msg.js';
import { bytesEqual, fromBase64, safeEqual, sha256, utf8 } from './bytes.js';
import { EnclaveError } from './errors.js';
import { verifySecp256k1 } from './secp256k1-verify.js';
import type { Coin, SigInfo } from './types.js';

/** What the enclave was asked to run, to be found among the signed messages. Addresses in both forms. */
export type ExpectedSignedMsg =
  | {
      readonly type: 'instantiate';
      readonly msg: Uint8Array;
      readonly funds: readonly Coin[];
      readonly admin: string;
    }
  | {
      readonly type: 'execute';
      readonly contract: Address;
      readonly msg: Uint8Array;
      readonly funds: readonly Coin[];
    }
  | { readonly type: 'migrate'; readonly contract: Address; readonly msg: Uint8Array }
  | { readonly type: 'update_admin'; readonly contract: Address; readonly newAdmin: string }
  | { readonly type: 'clear_admin'; readonly contract: Address };

/** An address as canonical bytes and bech32. */
export interface Address {
  readonly canonical: Uint8Array;
  readonly bech32: string;
}

const TYPE_URL = {
  instantiate: '/secret.compute.v1beta1.MsgInstantiateContract',
  execute: '/secret.compute.v1beta1.MsgExecuteContract',
  migrate: '/secret.compute.v1beta1.MsgMigrateContract',
  update_admin: '/secret.compute.v1beta1.MsgUpdateAdmin',
  clear_admin: '/secret.compute.v1beta1.MsgClearAdmin',
} as const;

const AMINO_TYPE = {
  instantiate: 'wasm/MsgInstantiateContract',
  execute: 'wasm/MsgExecuteContract',
  migrate: 'wasm/MsgMigrateContract',
  update_admin: 'wasm/MsgUpdateAdmin',
  clear_admin: 'wasm/MsgClearAdmin',
} as const;

/** serde_json of `Vec<Coin>`: `[{"denom":"…","amount":"…"}]`, `[]` when empty (spec §2.6). */
export function fundsJson(funds: readonly Coin[]): string {
  return JSON.stringify(funds.map((c) => ({ denom: c.denom, amount: c.amount })));
}

/** `SHA256(callback_secret ‖ msg ‖ json(funds))` — the sender is deliberately not bound (spec §2.6). */
export function callbackSignature(
  callbackSecret: Uint8Array,
  msg: Uint8Array,
  funds: readonly Coin[],
): Uint8Array {
  return sha256(callbackSecret, msg, utf8(fundsJson(funds)));
}

function fail(cause?: unknown): never {
  throw new EnclaveError('FailedTxVerification', cause === undefined ? undefined : { cause });
}

function coinsEqual(a: readonly { denom: string; amount: string }[], b: readonly Coin[]): boolean {
  return a.length === b.length && a.every((c, i) => c.denom === b[i]!.denom && c.amount === b[i]!.amount);
}

/**
 * Accounts of recently seen signer keys (pure function of the key; a signer usually sends many txs and the
 * JS RIPEMD-160 costs a few µs). Bounded; the oldest entry is evicted. Callers only compare the result.
 */
const ADDRESS_CACHE_SIZE = 4096;
const addressCache = new Map<string, Uint8Array>();

/** Cosmos account address of a compressed secp256k1 key: RIPEMD160(SHA256(pk)). */
export function pubkeyAddress(pk: Uint8Array): Uint8Array {
  const id = Buffer.from(pk.buffer, pk.byteOffset, pk.length).toString('latin1');
  let a = addressCache.get(id);
  if (a === undefined) {
    a = ripemd160(sha256(pk));
    if (addressCache.size >= ADDRESS_CACHE_SIZE) addressCache.delete(addressCache.keys().next().value!);
    addressCache.set(id, a);
  }
  return a;
}

/**
 * A SIGN_MODE_DIRECT tx decoded as far as verification needs: the AuthInfo signer keys and the body messages.
 * A pure function of `txBytes` and `signBytes` ({@link decodeDirect}).
 */
export interface DecodedDirectTx {
  /** Keys of the AuthInfo signer infos of type secp256k1 that decode, in AuthInfo order. */
  readonly signerKeys: readonly Uint8Array[];
  /** Their account addresses RIPEMD160(SHA256(key)), same order (prepared txs only; else computed on use). */
  readonly signerAddresses?: readonly Uint8Array[];
  /** The body's messages, in order. */
  readonly messages: readonly DecodedMessage[];
}

/** One body message of a {@link DecodedDirectTx}. */
export interface DecodedMessage {
  readonly typeUrl: string;
  readonly value: Uint8Array;
  /**
   * Prepared txs only: the fields of `MsgExecuteContract.decode(value)` that the signed-message match compares,
   * when the type is MsgExecuteContract and `value` decodes (a pure function of `value`; else decoded on use).
   */
  readonly execute?: SignedExecuteFields;
}

/** The parts of a signed MsgExecuteContract that {@link verifyParams} compares. */
export interface SignedExecuteFields {
  readonly sender: Uint8Array;
  readonly contract: Uint8Array;
  readonly msg: Uint8Array;
  readonly sentFunds: readonly { readonly denom: string; readonly amount: string }[];
}

/**
 * Facts established ahead of execution (by the enclave's prepare worker) about one tx's exact bytes. The caller
 * guarantees they belong to this `SigInfo` (compared byte for byte: txBytes, signBytes, signature, public key,
 * sign mode); only positive facts exist, so anything missing is simply computed inline.
 */
export interface SignatureFacts {
  /** {@link decodeDirect} of these bytes (SIGN_MODE_DIRECT only). */
  readonly decoded?: DecodedDirectTx;
  /** A key under which `signature` is a valid secp256k1 signature of `signBytes`. */
  readonly validKey?: Uint8Array;
  /** Account address of `SigInfo.publicKey`. */
  readonly publicKeyAddress?: Uint8Array;
}

/** Looks up prepared facts for a SigInfo (undefined = none: verify inline). */
export type SignatureFactsLookup = (sigInfo: SigInfo) => SignatureFacts | undefined;

/**
 * `verify_params`: callback signature if present, else the tx signature and the signed-message match.
 * `ciphertextOnly` = the received msg without its nonce‖pubkey header (or the plaintext bytes), used by the
 * callback path; `sender` = env sender. `facts` may supply work already done for these exact bytes; the verdict
 * and error are the same with or without it.
 */
export function verifyParams(
  sigInfo: SigInfo | undefined,
  sender: Address,
  expected: ExpectedSignedMsg,
  callbackSecret: Uint8Array,
  callbackMsg: Uint8Array,
  facts?: SignatureFactsLookup,
): void {
  if (sigInfo === undefined) fail();
  if (sigInfo.callbackSig !== undefined && sigInfo.callbackSig.length > 0) {
    const funds = expected.type === 'instantiate' || expected.type === 'execute' ? expected.funds : [];
    if (!safeEqual(callbackSignature(callbackSecret, callbackMsg, funds), sigInfo.callbackSig)) fail();
    return;
  }
  switch (sigInfo.signMode) {
    case 'SIGN_MODE_DIRECT':
      verifyDirect(sigInfo, sender, expected, facts?.(sigInfo));
      return;
    case 'SIGN_MODE_LEGACY_AMINO_JSON':
      verifyAmino(sigInfo, sender, expected, facts?.(sigInfo));
      return;
    default:
      fail();
  }
}

/**
 * A cosmjs-types reader over `bytes` without the copy its constructor makes (an off-heap ArrayBuffer per
 * decode, ~0.6 µs each, four per tx). Decoded byte fields then alias the tx bytes, which nothing here mutates.
 */
export function aliasingReader(bytes: Uint8Array): BinaryReader {
  const reader = new BinaryReader();
  reader.buf = bytes;
  reader.len = bytes.length;
  return reader;
}

/**
 * Decodes SignDoc and TxRaw, checks that the executed tx is the signed one (body and auth info bytes equal), and
 * decodes TxBody and AuthInfo. Byte fields of the result alias `signBytes`.
 * @throws EnclaveError `FailedTxVerification` when anything does not decode or the bytes differ.
 */
export function decodeDirect(sigInfo: Pick<SigInfo, 'txBytes' | 'signBytes'>): DecodedDirectTx {
  let signDoc: SignDoc;
  let body: TxBody;
  let authInfo: AuthInfo;
  try {
    signDoc = SignDoc.decode(aliasingReader(sigInfo.signBytes));
    const txRaw = TxRaw.decode(aliasingReader(sigInfo.txBytes));
    // The tx that is executed must be the one that was signed (messages included).
    if (
      !bytesEqual(txRaw.bodyBytes, signDoc.bodyBytes) ||
      !bytesEqual(txRaw.authInfoBytes, signDoc.authInfoBytes)
    ) {
      fail();
    }
    body = TxBody.decode(aliasingReader(signDoc.bodyBytes));
    authInfo = AuthInfo.decode(aliasingReader(signDoc.authInfoBytes));
  } catch (e) {
    if (e instanceof EnclaveError) throw e;
    fail(e);
  }
  const signerKeys: Uint8Array[] = [];
  for (const info of authInfo.signerInfos) {
    if (info.publicKey?.typeUrl !== '/cosmos.crypto.secp256k1.PubKey') continue;
    try {
      signerKeys.push(PubKey.decode(info.publicKey.value).key);
    } catch {
      // an undecodable key signs nothing
    }
  }
  return { signerKeys, messages: body.messages.map((m) => ({ typeUrl: m.typeUrl, value: m.value })) };
}

/** secp256k1 check, skipped when the prepared facts already hold a positive verdict for exactly this key. */
function signatureValid(sigInfo: SigInfo, key: Uint8Array, facts: SignatureFacts | undefined): boolean {
  if (facts?.validKey !== undefined && bytesEqual(facts.validKey, key)) return true;
  return verifySecp256k1(sigInfo.signBytes, sigInfo.signature, key);
}

function verifyDirect(
  sigInfo: SigInfo,
  sender: Address,
  expected: ExpectedSignedMsg,
  facts: SignatureFacts | undefined,
): void {
  const decoded = facts?.decoded ?? decodeDirect(sigInfo);
  // The signer is the AuthInfo signer whose key hashes to the env sender (SIGN_MODE_DIRECT, spec §2.4).
  let signerKey: Uint8Array | undefined;
  const keys = decoded.signerKeys;
  for (let i = 0; i < keys.length; i++) {
    if (bytesEqual(decoded.signerAddresses?.[i] ?? pubkeyAddress(keys[i]!), sender.canonical)) {
      signerKey = keys[i];
      break;
    }
  }
  if (
    signerKey === undefined &&
    sigInfo.publicKey !== undefined &&
    bytesEqual(facts?.publicKeyAddress ?? pubkeyAddress(sigInfo.publicKey), sender.canonical)
  ) {
    signerKey = sigInfo.publicKey;
  }
  if (signerKey === undefined) fail();
  if (!signatureValid(sigInfo, signerKey, facts)) fail();

  const typeUrl = TYPE_URL[expected.type];
  for (const any of decoded.messages) {
    if (any.typeUrl !== typeUrl) continue;
    if (any.execute !== undefined && expected.type === 'execute') {
      if (executeMatches(any.execute, sender, expected)) return;
      continue;
    }
    try {
      if (directMsgMatches(any.value, sender, expected)) return;
    } catch {
      // An undecodable message of the right type is simply not a match.
    }
  }
  fail();
}

function executeMatches(
  m: SignedExecuteFields,
  sender: Address,
  expected: Extract<ExpectedSignedMsg, { type: 'execute' }>,
): boolean {
  return (
    bytesEqual(m.sender, sender.canonical) &&
    bytesEqual(m.contract, expected.contract.canonical) &&
    bytesEqual(m.msg, expected.msg) &&
    coinsEqual(m.sentFunds, expected.funds)
  );
}

function protoCoins(coins: readonly ProtoCoin[]): { denom: string; amount: string }[] {
  return coins.map((c) => ({ denom: c.denom, amount: c.amount }));
}

/** The compared fields of a decoded MsgExecuteContract (byte fields alias it). */
export function signedExecuteFields(m: MsgExecuteContract): SignedExecuteFields {
  return { sender: m.sender, contract: m.contract, msg: m.msg, sentFunds: protoCoins(m.sentFunds) };
}

function directMsgMatches(value: Uint8Array, sender: Address, expected: ExpectedSignedMsg): boolean {
  switch (expected.type) {
    case 'instantiate': {
      const m = MsgInstantiateContract.decode(value);
      return (
        bytesEqual(m.sender, sender.canonical) &&
        bytesEqual(m.initMsg, expected.msg) &&
        coinsEqual(protoCoins(m.initFunds), expected.funds) &&
        m.admin === expected.admin
      );
    }
    case 'execute':
      return executeMatches(signedExecuteFields(MsgExecuteContract.decode(value)), sender, expected);
    case 'migrate': {
      const m = MsgMigrateContract.decode(value);
      return (
        m.sender === sender.bech32 &&
        m.contract === expected.contract.bech32 &&
        bytesEqual(m.msg, expected.msg)
      );
    }
    case 'update_admin': {
      const m = MsgUpdateAdmin.decode(value);
      return (
        m.sender === sender.bech32 &&
        m.contract === expected.contract.bech32 &&
        m.newAdmin === expected.newAdmin
      );
    }
    case 'clear_admin': {
      const m = MsgClearAdmin.decode(value);
      return m.sender === sender.bech32 && m.contract === expected.contract.bech32;
    }
  }
}

/** Amino JSON sign doc (`StdSignDoc`), only the parts checked here. */
interface AminoSignDoc {
  msgs?: { type?: unknown; value?: Record<string, unknown> }[];
}

function verifyAmino(
  sigInfo: SigInfo,
  sender: Address,
  expected: ExpectedSignedMsg,
  facts: SignatureFacts | undefined,
): void {
  const pk = sigInfo.publicKey;
  if (pk === undefined || !bytesEqual(facts?.publicKeyAddress ?? pubkeyAddress(pk), sender.canonical)) fail();
  if (!signatureValid(sigInfo, pk, facts)) fail();
  let doc: AminoSignDoc;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(sigInfo.signBytes)) as AminoSignDoc;
  } catch (e) {
    fail(e);
  }
  const type = AMINO_TYPE[expected.type];
  for (const m of doc.msgs ?? []) {
    if (m.type === type && m.value !== undefined && aminoMsgMatches(m.value, sender, expected)) return;
  }
  fail();
}

function aminoCoins(v: unknown): { denom: string; amount: string }[] | undefined {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return undefined;
  const out: { denom: string; amount: string }[] = [];
  for (const c of v as unknown[]) {
    if (typeof c !== 'object' || c === null) return undefined;
    const { denom, amount } = c as { denom?: unknown; amount?: unknown };
    if (typeof denom !== 'string' || typeof amount !== 'string') return undefined;
    out.push({ denom, amount });
  }
  return out;
}

function aminoBytesEqual(v: unknown, expected: Uint8Array): boolean {
  if (typeof v !== 'string') return false;
  const b = fromBase64(v);
  return b !== undefined && bytesEqual(b, expected);
}

/**
 * Amino JSON addresses: Secret's `sdk.AccAddress` fields marshal as bech32 (spec §1.2); base64 of the canonical
 * bytes (the plain `bytes` JSON mapping some encoders emit) is accepted too.
 */
function aminoAddressEqual(v: unknown, a: Address): boolean {
  return v === a.bech32 || aminoBytesEqual(v, a.canonical);
}

function aminoMsgMatches(v: Record<string, unknown>, sender: Address, expected: ExpectedSignedMsg): boolean {
  const bytesSender = expected.type === 'instantiate' || expected.type === 'execute';
  if (bytesSender ? !aminoAddressEqual(v.sender, sender) : v.sender !== sender.bech32) return false;
  switch (expected.type) {
    case 'instantiate': {
      const funds = aminoCoins(v.init_funds);
      return (
        aminoBytesEqual(v.init_msg, expected.msg) &&
        funds !== undefined &&
        coinsEqual(funds, expected.funds) &&
        (v.admin ?? '') === expected.admin
      );
    }
    case 'execute': {
      const funds = aminoCoins(v.sent_funds);
      return (
        aminoAddressEqual(v.contract, expected.contract) &&
        aminoBytesEqual(v.msg, expected.msg) &&
        funds !== undefined &&
        coinsEqual(funds, expected.funds)
      );
    }
    case 'migrate':
      return v.contract === expected.contract.bech32 && aminoBytesEqual(v.msg, expected.msg);
    case 'update_admin':
      return v.contract === expected.contract.bech32 && v.new_admin === expected.newAdmin;
    case 'clear_admin':
      return v.contract === expected.contract.bech32;
  }
}
