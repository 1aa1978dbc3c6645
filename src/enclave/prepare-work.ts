/**
 * What the prepare worker does per tx: the state-independent part of an enclave call — decode the signed tx,
 * verify its secp256k1 signature, and decrypt every compute message's input — with the same functions the
 * inline path uses (tx-verification.ts, secp256k1-verify.ts, compute/protocol.ts). Only positive results are
 * returned; anything that fails here is simply left to the inline path, which then fails exactly as it would.
 */
import { TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';

import { gcmSealKeyBlocks } from '../compute/gcm-box.js';
import { openInputCiphertext, parseInputWire } from '../compute/protocol.js';
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
import { aliasingReader, decodeDirect, pubkeyAddress, type SignatureFacts } from './tx-verification.js';

/** Prepares one tx. Never throws for anything a tx can contain. */
export function prepareTx(io: IoKeyAgreement, scheme: EncryptionScheme, tx: BatchTx): PreparedTx {
  const signature = signatureFacts(tx);
  return { ...(signature === undefined ? {} : { signature }), inputs: decryptInputs(io, scheme, tx.txBytes) };
}

function signatureFacts(tx: BatchTx): SignatureFacts | undefined {
  switch (tx.signMode) {
    case 'SIGN_MODE_DIRECT': {
      let decoded;
      try {
        decoded = decodeDirect(tx);
      } catch {
        return undefined;
      }
      const candidates = decoded.signerKeys.slice(0, PREPARE_MAX_SIGNER_KEYS);
      if (tx.publicKey !== undefined && !candidates.some((k) => bytesEqual(k, tx.publicKey!))) {
        candidates.push(tx.publicKey);
      }
      const validKey = candidates.find((k) => verifySecp256k1(tx.signBytes, tx.signature, k));
      return {
        decoded: { ...decoded, signerAddresses: decoded.signerKeys.map(pubkeyAddress) },
        ...(validKey === undefined ? {} : { validKey }),
        ...publicKeyAddress(tx),
      };
    }
    case 'SIGN_MODE_LEGACY_AMINO_JSON': {
      const pk = tx.publicKey;
      return pk !== undefined && verifySecp256k1(tx.signBytes, tx.signature, pk)
        ? { validKey: pk, ...publicKeyAddress(tx) }
        : undefined;
    }
    default:
      return undefined;
  }
}

function publicKeyAddress(tx: BatchTx): { publicKeyAddress?: Uint8Array } {
  return tx.publicKey === undefined ? {} : { publicKeyAddress: pubkeyAddress(tx.publicKey) };
}

/** Encrypted inputs of the tx's compute messages (execute, instantiate, migrate), as the enclave receives them. */
function computeInputs(txBytes: Uint8Array): Uint8Array[] {
  const wires: Uint8Array[] = [];
  try {
    const body = TxBody.decode(aliasingReader(TxRaw.decode(aliasingReader(txBytes)).bodyBytes));
    for (const any of body.messages) {
      try {
        switch (any.typeUrl) {
          case '/secret.compute.v1beta1.MsgExecuteContract':
            wires.push(MsgExecuteContract.decode(any.value).msg);
            break;
          case '/secret.compute.v1beta1.MsgInstantiateContract':
            wires.push(MsgInstantiateContract.decode(any.value).initMsg);
            break;
          case '/secret.compute.v1beta1.MsgMigrateContract':
            wires.push(MsgMigrateContract.decode(any.value).msg);
            break;
          default:
        }
      } catch {
        // an undecodable message is not prepared
      }
    }
  } catch {
    // an undecodable tx has nothing to prepare
  }
  return wires;
}

/** The same steps as IoChannel.open: parse the wire, derive the tx key, open the ciphertext. */
function decryptInputs(io: IoKeyAgreement, scheme: EncryptionScheme, txBytes: Uint8Array): PreparedInput[] {
  const out: PreparedInput[] = [];
  for (const wire of computeInputs(txBytes)) {
    try {
      const parsed = parseInputWire(scheme, wire);
      const txKey = io.txKey(parsed.userPubkey, parsed.nonce);
      const plaintext = openInputCiphertext(scheme, txKey, parsed.ciphertext);
      out.push(
        scheme === 'aes-256-gcm'
          ? { wire, plaintext, txKey, sealKeyBlocks: gcmSealKeyBlocks(txKey) }
          : { wire, plaintext, txKey },
      );
    } catch {
      // not encrypted to this network (plaintext fallback or DecryptionError): the inline path decides
    }
  }
  return out;
}
