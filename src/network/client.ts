/**
 * The client side of the simulated network: users with a secp256k1 account key and an X25519 io key who
 * encrypt contract messages to the network io key with {@link EncryptionUtils} and sign SIGN_MODE_DIRECT txs.
 * A tx is built and signed once and its bytes delivered unchanged to every node, as gossip would.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { bech32 } from '@scure/base';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { SignMode } from 'cosmjs-types/cosmos/tx/signing/v1beta1/signing';
import { AuthInfo, SignDoc, TxBody, TxRaw } from 'cosmjs-types/cosmos/tx/v1beta1/tx';

import { EncryptionUtils } from '../compute/encryption-utils.js';
import type { EncryptionScheme } from '../compute/scheme.js';
import type { SigInfo } from '../enclave/index.js';

/** Deterministic byte stream: SHA-256(label ‖ counter) blocks (no Math.random on anything nodes execute). */
export class DeterministicRng {
  private counter = 0;
  constructor(private readonly label: string) {}

  /** 32 fresh bytes. */
  bytes32(): Uint8Array {
    return sha256(new TextEncoder().encode(`${this.label}/${this.counter++}`));
  }

  /** Integer in [0, n). */
  int(n: number): number {
    const b = this.bytes32();
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, false) % n;
  }
}

/** A signed tx ready for delivery. */
export interface SignedTx {
  readonly txBytes: Uint8Array;
  /** UPPERCASE hex sha256(txBytes). */
  readonly hash: string;
  readonly sigInfo: SigInfo;
}

/** A simulated user. */
export class SimUser {
  readonly address: string;
  readonly canonical: Uint8Array;
  readonly io: EncryptionUtils;
  readonly #privkey: Uint8Array;
  readonly #pubkey: Uint8Array;
  #sequence = 0n;

  constructor(
    readonly name: string,
    rng: DeterministicRng,
    ioPubkey: Uint8Array,
    scheme: EncryptionScheme,
    readonly accountNumber: bigint,
    private readonly chainId: string,
  ) {
    this.#privkey = rng.bytes32();
    this.#pubkey = secp256k1.getPublicKey(this.#privkey, true);
    this.canonical = ripemd160(sha256(this.#pubkey));
    this.address = bech32.encode('secret', bech32.toWords(this.canonical), 1023);
    this.io = new EncryptionUtils({ ioPubkey, seed: rng.bytes32(), scheme });
  }

  /** Encrypts `msg` for a contract with code hash `codeHash` (the nonce comes from the caller's rng). */
  encrypt(codeHash: Uint8Array, msg: object, nonce: Uint8Array): Uint8Array {
    return this.io.encryptSync(bytesToHex(codeHash), msg, nonce);
  }

  /** Signs a one-message SIGN_MODE_DIRECT tx. */
  sign(typeUrl: string, value: Uint8Array): SignedTx {
    const bodyBytes = TxBody.encode(
      TxBody.fromPartial({ messages: [{ typeUrl, value }], memo: '' }),
    ).finish();
    const authInfoBytes = AuthInfo.encode(
      AuthInfo.fromPartial({
        signerInfos: [
          {
            publicKey: {
              typeUrl: '/cosmos.crypto.secp256k1.PubKey',
              value: PubKey.encode({ key: this.#pubkey }).finish(),
            },
            modeInfo: { single: { mode: SignMode.SIGN_MODE_DIRECT } },
            sequence: this.#sequence++,
          },
        ],
        fee: { amount: [], gasLimit: 10_000_000n },
      }),
    ).finish();
    const signBytes = SignDoc.encode(
      SignDoc.fromPartial({
        bodyBytes,
        authInfoBytes,
        chainId: this.chainId,
        accountNumber: this.accountNumber,
      }),
    ).finish();
    const signature = secp256k1.sign(signBytes, this.#privkey, { prehash: true, lowS: true });
    const txBytes = TxRaw.encode(
      TxRaw.fromPartial({ bodyBytes, authInfoBytes, signatures: [signature] }),
    ).finish();
    return {
      txBytes,
      hash: bytesToHex(sha256(txBytes)).toUpperCase(),
      sigInfo: { txBytes, signBytes, signMode: 'SIGN_MODE_DIRECT', publicKey: this.#pubkey, signature },
    };
  }
}
