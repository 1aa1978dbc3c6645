/**
 * What the prepare worker does per tx: the state-independent part of an enclave call — decode the signed tx,
 * verify its secp256k1 signature, and decrypt every compute message's input — with the same functions the
 * inline path uses (tx-verification.ts, secp256k1-verify.ts, compute/protocol.ts). Only positive results are
 * returned; anything that fails here is simply left to the inline path, which then fails exactly as it would.
 */
import { TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import type { Any } from 'cosmjs-types/google/protobuf/any';

import { openInputCiphertextWithSealKeyBlocks, parseInputWire } from '../compute/protocol.js';
import type { EncryptionScheme } from '../compute/scheme.js';
import {
  MsgExecuteContract,
  MsgInstantiateContract,
  MsgMigrateContract,
} from '../proto/secret/compute/v1beta1/msg.js';
import { bytesEqual } from './bytes.js';
import type { IoKeyAgreement } from './keys.js';
import type { BatchTx, PreparedInput, PreparedTx } from './prepare-codec.js';
import { PREPARE_MAX_SIGNER_KEYS } from './prepare-limits.js';
import { verifySecp256k1 } from './secp256k1-verify.js';
import {
  aliasingReader,
  decodeDirect,
  type DecodedMessage,
  pubkeyAddress,
  type SignatureFacts,
  signedExecuteFields,
} from './tx-verification.js';

/** Prepares one tx. Never throws for anything a tx can contain. */
export function prepareTx(io: IoKeyAgreement, scheme: EncryptionScheme, tx: BatchTx): PreparedTx {
  const signature = signatureFacts(tx);
  // A decoded SIGN_MODE_DIRECT tx has the body's messages already (its body bytes equal the TxRaw's, checked).
  const inputs = decryptInputs(io, scheme, signature?.decoded?.messages ?? bodyMessages(tx.txBytes));
  return signature === undefined ? { inputs } : { signature, inputs };
}

function signatureFacts(tx: BatchTx): SignatureFacts | undefined {
  const pk = tx.publicKey;
  switch (tx.signMode) {
    case 'SIGN_MODE_DIRECT': {
      let decoded;
      try {
        decoded = decodeDirect(tx);
      } catch {
        return undefined;
      }
      // The first valid key among the first PREPARE_MAX_SIGNER_KEYS signer keys, then SigInfo.publicKey.
      const keys = decoded.signerKeys;
      const n = Math.min(keys.length, PREPARE_MAX_SIGNER_KEYS);
      let validKey: Uint8Array | undefined;
      let publicKeyTried = false;
      for (let i = 0; i < n && validKey === undefined; i++) {
        const k = keys[i]!;
        if (pk !== undefined && !publicKeyTried && bytesEqual(k, pk)) publicKeyTried = true;
        if (verifySecp256k1(tx.signBytes, tx.signature, k)) validKey = k;
      }
      if (validKey === undefined && pk !== undefined && !publicKeyTried) {
        if (verifySecp256k1(tx.signBytes, tx.signature, pk)) validKey = pk;
      }
      const signerAddresses: Uint8Array[] = [];
      for (const k of keys) signerAddresses.push(pubkeyAddress(k));
      const messages: DecodedMessage[] = [];
      for (const m of decoded.messages) messages.push(withExecuteFields(m));
      const facts: Mutable<SignatureFacts> = {
        decoded: { signerKeys: keys, signerAddresses, messages },
      };
      if (validKey !== undefined) facts.validKey = validKey;
      if (pk !== undefined) facts.publicKeyAddress = pubkeyAddress(pk);
      return facts;
    }
    case 'SIGN_MODE_LEGACY_AMINO_JSON':
      return pk !== undefined && verifySecp256k1(tx.signBytes, tx.signature, pk)
        ? { validKey: pk, publicKeyAddress: pubkeyAddress(pk) }
        : undefined;
    default:
      return undefined;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const NO_MESSAGES: readonly Any[] = [];

/** The body messages of a tx's bytes (none if they do not decode). */
function bodyMessages(txBytes: Uint8Array): readonly Any[] {
  try {
    return TxBody.decode(aliasingReader(TxRaw.decode(aliasingReader(txBytes)).bodyBytes)).messages;
  } catch {
    return NO_MESSAGES; // an undecodable tx has nothing to prepare
  }
}

const EXECUTE_URL = '/secret.compute.v1beta1.MsgExecuteContract';

/** `m` with the compared fields of its MsgExecuteContract (when it is one and decodes), for verifyParams. */
function withExecuteFields(m: DecodedMessage): DecodedMessage {
  if (m.typeUrl !== EXECUTE_URL) return m;
  try {
    return {
      typeUrl: m.typeUrl,
      value: m.value,
      execute: signedExecuteFields(MsgExecuteContract.decode(m.value)),
    };
  } catch {
    return m; // undecodable: verifyParams decodes it on use and finds no match, as inline
  }
}

/** Encrypted input of a compute message (execute, instantiate, migrate), as the enclave receives it. */
function computeInput(any: DecodedMessage): Uint8Array | undefined {
  if (any.execute !== undefined) return any.execute.msg;
  try {
    switch (any.typeUrl) {
      case EXECUTE_URL:
        return MsgExecuteContract.decode(any.value).msg;
      case '/secret.compute.v1beta1.MsgInstantiateContract':
        return MsgInstantiateContract.decode(any.value).initMsg;
      case '/secret.compute.v1beta1.MsgMigrateContract':
        return MsgMigrateContract.decode(any.value).msg;
      default:
        return undefined;
    }
  } catch {
    return undefined; // an undecodable message is not prepared
  }
}

/**
 * The same steps as IoChannel.open for each compute message's input: parse the wire, derive the tx key, open the
 * ciphertext (aes-256-gcm: and take the key's seal key blocks from the same AES state).
 */
function decryptInputs(
  io: IoKeyAgreement,
  scheme: EncryptionScheme,
  messages: readonly DecodedMessage[],
): PreparedInput[] {
  const out: PreparedInput[] = [];
  for (const any of messages) {
    const wire = computeInput(any);
    if (wire === undefined) continue;
    try {
      const parsed = parseInputWire(scheme, wire);
      const txKey = io.txKey(parsed.userPubkey, parsed.nonce);
      const { plaintext, sealKeyBlocks } = openInputCiphertextWithSealKeyBlocks(
        scheme,
        txKey,
        parsed.ciphertext,
      );
      out.push(
        sealKeyBlocks === undefined ? { wire, plaintext, txKey } : { wire, plaintext, txKey, sealKeyBlocks },
      );
    } catch {
      // not encrypted to this network (plaintext fallback or DecryptionError): the inline path decides
    }
  }
  return out;
}
