/**
 * The LocalChain client's SIGN_MODE_DIRECT signer. It produces the same bytes as cosmjs'
 * `DirectSecp256k1Wallet.signDirect` — ECDSA over SHA256(SignDoc bytes), RFC 6979 nonce without extra entropy,
 * low-S, 64-byte `r ‖ s` wrapped by `encodeSecp256k1Signature` — but computes the signature with
 * libsecp256k1 (the `secp256k1` package's N-API addon, which the enclave already loads for verification)
 * instead of @noble/curves' pure-JS scalar multiplication, which dominated the tx path (~1 ms of ~4 ms).
 * Where the addon does not load, the cosmjs wallet itself signs. test/chain/signer.test.ts checks that both
 * give identical signatures.
 */
import { createHash } from 'node:crypto';

import { encodeSecp256k1Signature } from '@cosmjs/amino';
import {
  type AccountData,
  type DirectSignResponse,
  makeSignBytes,
  type OfflineDirectSigner,
} from '@cosmjs/proto-signing';
import { DirectSecp256k1Wallet } from '@cosmjs/proto-signing';
import type { SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';

import { loadSecp256k1Addon, type Secp256k1Addon } from '../enclave/secp256k1-verify.js';

const native = loadSecp256k1Addon();

/** Which implementation computes client signatures in this process. */
export const signerBackend: 'libsecp256k1' | 'cosmjs' = native === undefined ? 'cosmjs' : 'libsecp256k1';

/** A direct signer; `signDirectSync`, when present, signs without a promise. */
export type ChainSigner = OfflineDirectSigner & {
  signDirectSync?: (address: string, signDoc: SignDoc) => DirectSignResponse;
};

/**
 * A cosmjs-compatible direct signer holding one key. `signDirectSync` is the same operation without the
 * promise, for callers on a hot path.
 */
export class LocalDirectSigner implements OfflineDirectSigner {
  private readonly accounts: readonly AccountData[];

  private constructor(
    private readonly privkey: Uint8Array,
    private readonly pubkey: Uint8Array,
    readonly address: string,
    private readonly impl: Secp256k1Addon,
  ) {
    this.accounts = [{ algo: 'secp256k1', address, pubkey }];
  }

  /**
   * A signer for `privkey` (32 bytes) whose compressed public key is `pubkey` and address `address`; the
   * cosmjs wallet itself when libsecp256k1 is unavailable.
   */
  static async create(
    privkey: Uint8Array,
    pubkey: Uint8Array,
    address: string,
    prefix: string,
  ): Promise<ChainSigner> {
    if (native === undefined) return DirectSecp256k1Wallet.fromKey(privkey, prefix);
    return new LocalDirectSigner(privkey, pubkey, address, native);
  }

  getAccounts(): Promise<readonly AccountData[]> {
    return Promise.resolve(this.accounts);
  }

  signDirect(address: string, signDoc: SignDoc): Promise<DirectSignResponse> {
    return new Promise((resolve) => resolve(this.signDirectSync(address, signDoc)));
  }

  /** {@link signDirect} without the promise. */
  signDirectSync(address: string, signDoc: SignDoc): DirectSignResponse {
    if (address !== this.address) throw new Error(`Address ${address} not found in wallet`);
    const digest = createHash('sha256').update(makeSignBytes(signDoc)).digest();
    const { signature } = this.impl.ecdsaSign(digest, this.privkey);
    return { signed: signDoc, signature: encodeSecp256k1Signature(this.pubkey, signature) };
  }
}
