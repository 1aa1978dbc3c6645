/**
 * The transaction path of the LocalChain, both halves: the client signs with `@cosmjs/proto-signing`
 * (`DirectSecp256k1Wallet`, a Registry holding `computeTypes`), and the chain decodes the raw bytes and runs the
 * Cosmos SDK ante checks (one signer, SIGN_MODE_DIRECT, chain id / account number / sequence via the signature,
 * gas limit) before anything is delivered.
 */
import { createHash } from 'node:crypto';

import { encodeSecp256k1Pubkey } from '@cosmjs/amino';
import {
  type DirectSignResponse,
  type EncodeObject,
  encodePubkey,
  makeAuthInfoBytes,
  makeSignDoc,
  type OfflineDirectSigner,
  Registry,
} from '@cosmjs/proto-signing';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { AuthInfo, SignDoc, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';

import { computeTypes } from '../compute/index.js';
import type { SigInfo } from '../enclave/index.js';
import { verifySecp256k1 } from '../enclave/secp256k1-verify.js';
import type { KVStore } from '../state/index.js';
import type { AuthModule } from './auth.js';
import { TxError, type TxFailure } from './errors.js';
import { addressOf } from './keyring.js';
import {
  MAX_TX_BYTES,
  MAX_TX_GAS_LIMIT,
  SIG_VERIFY_COST_SECP256K1,
  TX_SIZE_COST_PER_BYTE,
} from './limits.js';

/** Type URL of the bank send message LocalChain routes besides the compute messages. */
export const MSG_SEND_TYPE_URL = '/cosmos.bank.v1beta1.MsgSend';

const SECP256K1_PUBKEY_TYPE_URL = '/cosmos.crypto.secp256k1.PubKey';

/** A cosmjs Registry that encodes every message LocalChain accepts (compute messages and bank send). */
export function createRegistry(): Registry {
  return new Registry([[MSG_SEND_TYPE_URL, MsgSend], ...computeTypes]);
}

/** What the client needs to sign one tx. */
export interface SignRequest {
  readonly signer: OfflineDirectSigner;
  readonly address: string;
  readonly pubkey: Uint8Array;
  readonly registry: Registry;
  readonly messages: readonly EncodeObject[];
  readonly chainId: string;
  readonly accountNumber: bigint;
  readonly sequence: bigint;
  readonly gasLimit: bigint;
  readonly memo?: string;
}

/** The SignDoc of the tx `req` describes, built as a cosmjs client builds it. */
export function makeTxSignDoc(req: Omit<SignRequest, 'signer'>): SignDoc {
  const bodyBytes = req.registry.encode({
    typeUrl: '/cosmos.tx.v1beta1.TxBody',
    value: { messages: req.messages, memo: req.memo ?? '' },
  });
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(req.pubkey)), sequence: req.sequence }],
    [],
    Number(req.gasLimit),
    undefined,
    undefined,
    SignMode.SIGN_MODE_DIRECT,
  );
  return makeSignDoc(bodyBytes, authInfoBytes, req.chainId, req.accountNumber);
}

/** TxRaw bytes of a signed SignDoc (what `signDirect` returned). */
export function encodeSignedTx({ signed, signature }: DirectSignResponse): Uint8Array {
  return TxRaw.encode(
    TxRaw.fromPartial({
      bodyBytes: signed.bodyBytes,
      authInfoBytes: signed.authInfoBytes,
      signatures: [Buffer.from(signature.signature, 'base64')],
    }),
  ).finish();
}

/** Builds, signs (SIGN_MODE_DIRECT) and serializes a tx exactly as a cosmjs client does; returns the TxRaw bytes. */
export async function signTx(req: SignRequest): Promise<Uint8Array> {
  return encodeSignedTx(await req.signer.signDirect(req.address, makeTxSignDoc(req)));
}

/** What the ante checks read: the chain's id and address prefix, the accounts' store and the auth module. */
export interface AnteContext {
  readonly chainId: string;
  readonly prefix: string;
  readonly store: KVStore;
  readonly auth: AuthModule;
}

/** A tx that passed the ante checks. */
export interface VerifiedTx {
  /** UPPERCASE hex sha256 of the raw tx bytes. */
  readonly hash: string;
  readonly txBytes: Uint8Array;
  /** The one message of the tx. */
  readonly message: Any;
  readonly memo: string;
  readonly signer: string;
  readonly gasLimit: bigint;
  /** Gas the ante handler charged (tx size + signature verification). */
  readonly anteGas: bigint;
  /** What the enclave needs to check the user's signature itself (spec §2.4). */
  readonly sigInfo: SigInfo;
}

function reject(code: string, codespace: string, abciCode: number, log: string): never {
  const failure: TxFailure = { code, codespace, abciCode, log };
  throw new TxError(failure);
}

/** SDK `ErrTxDecode` (sdk/2). */
function decodeError(what: string): never {
  return reject('TX_DECODE', 'sdk', 2, `${what}: tx parse error`);
}

/** UPPERCASE hex sha256 of tx bytes (CometBFT tx hash). */
export function txHash(txBytes: Uint8Array): string {
  return createHash('sha256').update(txBytes).digest('hex').toUpperCase();
}

/**
 * Decodes `txBytes` and runs the ante checks against the accounts in `store`. On success the signer's
 * sequence is incremented in `store` (it stays incremented even if the message later fails, as in the SDK).
 * @throws TxError (nothing written) for undecodable, unsigned, mis-signed, out-of-sequence or over-limit txs.
 */
export function verifyTx(
  txBytes: Uint8Array,
  ctx: AnteContext & {
    /**
     * True when the trusted component already verified exactly this signature over exactly these sign bytes
     * under this key (its prepare worker); the ante handler then skips its own identical check.
     */
    readonly preverified?: (sigInfo: SigInfo) => boolean;
  },
  signerOf: (message: Any) => string,
): VerifiedTx {
  if (txBytes.length > MAX_TX_BYTES) {
    reject('TX_TOO_LARGE', 'sdk', 21, `tx size ${txBytes.length} exceeds ${MAX_TX_BYTES}: tx too large`);
  }
  let raw: TxRaw;
  let body: TxBody;
  let authInfo: AuthInfo;
  try {
    raw = TxRaw.decode(txBytes);
    body = TxBody.decode(raw.bodyBytes);
    authInfo = AuthInfo.decode(raw.authInfoBytes);
  } catch {
    return decodeError('invalid tx bytes');
  }
  if (body.messages.length !== 1) {
    reject(
      'INVALID_REQUEST',
      'sdk',
      18,
      `LocalChain txs carry exactly one message, got ${body.messages.length}: invalid request`,
    );
  }
  const message = body.messages[0]!;
  if (authInfo.signerInfos.length !== 1 || raw.signatures.length !== 1) {
    reject('UNAUTHORIZED', 'sdk', 4, 'wrong number of signers; expected 1: unauthorized');
  }
  const info = authInfo.signerInfos[0]!;
  if (info.modeInfo?.single?.mode !== SignMode.SIGN_MODE_DIRECT) {
    reject('UNAUTHORIZED', 'sdk', 4, 'only SIGN_MODE_DIRECT is accepted: unauthorized');
  }
  if (info.publicKey?.typeUrl !== SECP256K1_PUBKEY_TYPE_URL) {
    reject('INVALID_PUBKEY', 'sdk', 8, 'signer public key must be a secp256k1 key: invalid pubkey');
  }
  let pubkey: Uint8Array;
  try {
    pubkey = PubKey.decode(info.publicKey.value).key;
  } catch {
    return decodeError('invalid public key');
  }
  if (pubkey.length !== 33)
    reject('INVALID_PUBKEY', 'sdk', 8, 'secp256k1 key must be 33 bytes: invalid pubkey');
  const gasLimit = authInfo.fee?.gasLimit ?? 0n;
  if (gasLimit === 0n || gasLimit > MAX_TX_GAS_LIMIT) {
    reject(
      'INVALID_GAS_LIMIT',
      'sdk',
      41,
      `gas limit ${gasLimit} must be in 1..${MAX_TX_GAS_LIMIT}: invalid gas limit`,
    );
  }
  const anteGas = BigInt(txBytes.length) * TX_SIZE_COST_PER_BYTE + SIG_VERIFY_COST_SECP256K1;
  if (anteGas > gasLimit) {
    reject(
      'OUT_OF_GAS',
      'sdk',
      11,
      `out of gas in location: txSize; gasWanted: ${gasLimit}, gasUsed: ${anteGas}: out of gas`,
    );
  }

  const signerAddr = addressOf(pubkey, ctx.prefix);
  let msgSigner: string;
  try {
    msgSigner = signerOf(message);
  } catch (e) {
    if (e instanceof TxError) throw e;
    return decodeError(`unable to decode ${message.typeUrl}`);
  }
  if (msgSigner !== signerAddr) {
    reject(
      'INVALID_PUBKEY',
      'sdk',
      8,
      `pubKey does not match signer address ${msgSigner} with signer index: 0: invalid pubkey`,
    );
  }
  const account = ctx.auth.get(ctx.store, signerAddr);
  if (account === undefined) {
    reject('UNKNOWN_ADDRESS', 'sdk', 9, `account ${signerAddr} not found: unknown address`);
  }
  if (info.sequence !== account.sequence) {
    reject(
      'WRONG_SEQUENCE',
      'sdk',
      32,
      `account sequence mismatch, expected ${account.sequence}, got ${info.sequence}: incorrect account sequence`,
    );
  }
  const signBytes = directSignBytes(raw, ctx.chainId, account.accountNumber);
  const signature = raw.signatures[0]!;
  const sigInfo: SigInfo = { txBytes, signBytes, signMode: 'SIGN_MODE_DIRECT', publicKey: pubkey, signature };
  if (ctx.preverified?.(sigInfo) !== true && !verifySecp256k1(signBytes, signature, pubkey)) {
    reject(
      'UNAUTHORIZED',
      'sdk',
      4,
      `signature verification failed; please verify account number (${account.accountNumber}), sequence (${account.sequence}) and chain-id (${ctx.chainId}): unauthorized`,
    );
  }
  // IncrementSequenceDecorator: the last ante step, persisted whatever the message does
  ctx.auth.put(ctx.store, { ...account, sequence: account.sequence + 1n, pubkey });
  return {
    hash: txHash(txBytes),
    txBytes,
    message,
    memo: body.memo,
    signer: signerAddr,
    gasLimit,
    anteGas,
    sigInfo,
  };
}

/** SIGN_MODE_DIRECT sign bytes of a decoded TxRaw, as the ante handler and the prepare hint both rebuild them. */
function directSignBytes(raw: TxRaw, chainId: string, accountNumber: bigint): Uint8Array {
  return SignDoc.encode(
    SignDoc.fromPartial({
      bodyBytes: raw.bodyBytes,
      authInfoBytes: raw.authInfoBytes,
      chainId,
      accountNumber,
    }),
  ).finish();
}

/**
 * The SigInfo {@link verifyTx} would build for `txBytes` against the accounts as they are now, or undefined
 * when the tx would not get that far. Only a hint for the enclave's prepare worker: if an earlier tx of the
 * block changes the signer's account, the enclave finds no prepared fact for this tx and checks it inline.
 */
export function prospectiveSigInfo(txBytes: Uint8Array, ctx: AnteContext): SigInfo | undefined {
  try {
    const raw = TxRaw.decode(txBytes);
    const info = AuthInfo.decode(raw.authInfoBytes).signerInfos[0];
    const signature = raw.signatures[0];
    if (info?.publicKey?.typeUrl !== SECP256K1_PUBKEY_TYPE_URL || signature === undefined) return undefined;
    const pubkey = PubKey.decode(info.publicKey.value).key;
    const account = ctx.auth.get(ctx.store, addressOf(pubkey, ctx.prefix));
    if (account === undefined) return undefined;
    const signBytes = directSignBytes(raw, ctx.chainId, account.accountNumber);
    return { txBytes, signBytes, signMode: 'SIGN_MODE_DIRECT', publicKey: pubkey, signature };
  } catch {
    return undefined;
  }
}
