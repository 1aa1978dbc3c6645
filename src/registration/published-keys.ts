/**
 * The bootstrap node's published public keys, as `secretd init-bootstrap` writes them: `node-master-key.txt`
 * (seed-exchange public key, genesis `node_exch_key`) and `io-master-key.txt` (io public key, genesis
 * `io_exch_key`, what users encrypt to), each the base64 of the 32-byte X25519 key.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { GenesisState } from '../proto/secret/registration/v1beta1/genesis.js';
import { RegistrationError } from './errors.js';
import { REGISTRATION_KEY_LENGTH } from './limits.js';

/** File name of the seed-exchange master public key. */
export const NODE_MASTER_KEY_FILE = 'node-master-key.txt';
/** File name of the io master public key. */
export const IO_MASTER_KEY_FILE = 'io-master-key.txt';

function key(k: Uint8Array | undefined, what: string): Uint8Array {
  if (k === undefined || k.length !== REGISTRATION_KEY_LENGTH) {
    throw new RegistrationError(
      'INVALID_REQUEST',
      `${what} must be a ${REGISTRATION_KEY_LENGTH}-byte public key`,
    );
  }
  return k;
}

/** Writes both key files into `dir` (refuses to replace existing ones). */
export function writePublishedKeys(dir: string, genesis: GenesisState): void {
  const node = key(genesis.nodeExchMasterKey?.bytes, 'node_exch_key');
  const io = key(genesis.ioMasterKey?.bytes, 'io_exch_key');
  writeFileSync(join(dir, NODE_MASTER_KEY_FILE), Buffer.from(node).toString('base64'), { flag: 'wx' });
  writeFileSync(join(dir, IO_MASTER_KEY_FILE), Buffer.from(io).toString('base64'), { flag: 'wx' });
}

/** Reads both key files from `dir`. @throws RegistrationError `INVALID_REQUEST` for a key that is not 32 bytes. */
export function readPublishedKeys(dir: string): { nodeExchMasterKey: Uint8Array; ioMasterKey: Uint8Array } {
  const read = (f: string): Uint8Array =>
    key(new Uint8Array(Buffer.from(readFileSync(join(dir, f), 'utf8').trim(), 'base64')), f);
  return { nodeExchMasterKey: read(NODE_MASTER_KEY_FILE), ioMasterKey: read(IO_MASTER_KEY_FILE) };
}
