/**
 * secret.js 1.22.1's EncryptionUtilsImpl, the incumbent client our wire format must match, loaded through
 * `require` with a small typed surface. Importing the package root would pull its dist/utils.d.ts, which imports
 * `../src/*.ts` sources that fail this project's `verbatimModuleSyntax` typecheck; the deep path also loads in
 * ~0.2 s instead of ~2 s.
 */
import { createRequire } from 'node:module';

/** The part of secret.js' `EncryptionUtilsImpl` the interop tests and the bench use. */
export interface SecretjsEncryptionUtils {
  encrypt(contractCodeHash: string, msg: object): Promise<Uint8Array>;
  decrypt(ciphertext: Uint8Array, nonce: Uint8Array): Promise<Uint8Array>;
  getPubkey(): Promise<Uint8Array>;
  getTxEncryptionKey(nonce: Uint8Array): Promise<Uint8Array>;
}

const require = createRequire(import.meta.url);
const { EncryptionUtilsImpl } = require('secretjs/dist/encryption.js') as {
  EncryptionUtilsImpl: new (url: string, seed?: Uint8Array) => SecretjsEncryptionUtils;
};

/**
 * A secret.js client with a fixed user seed and the given network io key. secret.js would fetch the key from a
 * node (`Query.TxKey`); setting its cache keeps everything offline while still using its real crypto.
 */
export function secretjsEncryptionUtils(seed: Uint8Array, ioPubkey: Uint8Array): SecretjsEncryptionUtils {
  const utils = new EncryptionUtilsImpl('http://127.0.0.1:1', seed);
  Object.assign(utils, { consensusIoPubKey: ioPubkey });
  return utils;
}
