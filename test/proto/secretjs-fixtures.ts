// Messages produced by the real secret.js client (v1.22.1): protobuf bytes and amino JSON from the same
// instance, with real AES-SIV encryption of the contract inputs (secret.js' own EncryptionUtilsImpl).
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

import { bech32 } from '@scure/base';

// secret.js is loaded through `require` with the small typed surface below, not `import`: its dist/index.d.ts
// pulls in dist/utils.d.ts, which imports `../src/protobuf/...` *.ts sources that fail this project's strict
// `verbatimModuleSyntax` typecheck. Deep paths also keep the load at ~0.2 s instead of ~2 s for the root.
interface SecretjsEncryptionUtils {
  readonly pubkey: Uint8Array;
  encrypt(codeHash: string, msg: object): Promise<Uint8Array>;
}
interface SecretjsMsg {
  toProto(utils: SecretjsEncryptionUtils): Promise<{ type_url: string; encode(): Uint8Array }>;
  toAmino(utils: SecretjsEncryptionUtils): Promise<{ type: string; value: unknown }>;
}
type SecretjsMsgClass = new (params: Record<string, unknown>) => SecretjsMsg;
const require = createRequire(import.meta.url);
const { EncryptionUtilsImpl } = require('secretjs/dist/encryption.js') as {
  EncryptionUtilsImpl: new (url: string, seed?: Uint8Array) => SecretjsEncryptionUtils;
};
const {
  MsgClearAdmin,
  MsgExecuteContract,
  MsgInstantiateContract,
  MsgMigrateContract,
  MsgStoreCode,
  MsgUpdateAdmin,
} = require('secretjs/dist/tx/compute.js') as Record<
  | 'MsgClearAdmin'
  | 'MsgExecuteContract'
  | 'MsgInstantiateContract'
  | 'MsgMigrateContract'
  | 'MsgStoreCode'
  | 'MsgUpdateAdmin',
  SecretjsMsgClass
>;

/** bech32 `secret1…` address of 20 bytes. */
export const secretAddress = (raw: Uint8Array): string => bech32.encode('secret', bech32.toWords(raw));

export const SENDER_RAW = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
export const CONTRACT_RAW = Uint8Array.from({ length: 20 }, (_, i) => 0xf0 - i);
export const SENDER = secretAddress(SENDER_RAW);
export const CONTRACT = secretAddress(CONTRACT_RAW);
export const ADMIN = secretAddress(new Uint8Array(20).fill(0x42));
export const CODE_HASH = 'af74387e276be8874f07bec3a87023ee49b0e7ebe08178c49d0a49c3c98ed60e';
/** A tiny real wasm module (magic + version), gzipped as secret.js uploads it. */
export const WASM_GZ = gzipSync(Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));

/**
 * secret.js' encryption utils with a fixed seed and a fixed network io key. secret.js would fetch the io key
 * from a node (`Query.TxKey`); setting its cache keeps the test offline while using its real encrypt().
 */
export function encryptionUtils(): SecretjsEncryptionUtils {
  const utils = new EncryptionUtilsImpl('http://127.0.0.1:1', new Uint8Array(32).fill(7));
  Object.assign(utils, { consensusIoPubKey: Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 9) & 0xff) });
  return utils;
}

export interface SecretjsSample {
  readonly name: string;
  readonly typeUrl: string;
  readonly proto: Uint8Array;
  readonly amino: { type: string; value: Record<string, unknown> };
}

/** One sample per secret.js compute message class, plus variants exercising optional fields. */
export async function secretjsSamples(): Promise<SecretjsSample[]> {
  const utils = encryptionUtils();
  const msgs = {
    execute: new MsgExecuteContract({
      sender: SENDER,
      contract_address: CONTRACT,
      msg: { transfer: { recipient: ADMIN, amount: '100' } },
      code_hash: CODE_HASH,
      sent_funds: [
        { denom: 'uscrt', amount: '1000000' },
        { denom: 'ibc/ABCD', amount: '7' },
      ],
    }),
    'execute (no funds)': new MsgExecuteContract({
      sender: SENDER,
      contract_address: CONTRACT,
      msg: { ping: {} },
      code_hash: CODE_HASH,
    }),
    instantiate: new MsgInstantiateContract({
      sender: SENDER,
      code_id: '18446744073709551615',
      label: 'my token 🚀',
      init_msg: { name: 'Token', decimals: 6 },
      init_funds: [{ denom: 'uscrt', amount: '5' }],
      code_hash: CODE_HASH,
      admin: ADMIN,
    }),
    'instantiate (no admin, no funds)': new MsgInstantiateContract({
      sender: SENDER,
      code_id: 1,
      label: 'x',
      init_msg: {},
      code_hash: CODE_HASH,
    }),
    'store code': new MsgStoreCode({
      sender: SENDER,
      wasm_byte_code: WASM_GZ,
      source: 'https://github.com/scrtlabs/secret-template',
      builder: 'enigmampc/secret-contract-optimizer:1.0.10',
    }),
    'store code (no source/builder)': new MsgStoreCode({
      sender: SENDER,
      wasm_byte_code: WASM_GZ,
      source: '',
      builder: '',
    }),
    migrate: new MsgMigrateContract({
      sender: SENDER,
      contract_address: CONTRACT,
      code_id: 42,
      msg: { migrate: {} },
      code_hash: CODE_HASH,
    }),
    'update admin': new MsgUpdateAdmin({ sender: SENDER, contract_address: CONTRACT, new_admin: ADMIN }),
    'clear admin': new MsgClearAdmin({ sender: SENDER, contract_address: CONTRACT }),
  };
  const out: SecretjsSample[] = [];
  for (const [name, m] of Object.entries(msgs)) {
    // toProto first: secret.js encrypts once and caches, so both encodings carry the same ciphertext.
    const proto = await m.toProto(utils);
    const amino = await m.toAmino(utils);
    out.push({
      name,
      typeUrl: proto.type_url,
      // protobufjs hands out a node Buffer; compare against plain bytes.
      proto: new Uint8Array(proto.encode()),
      // JSON round trip drops `undefined` members exactly as amino signing (JSON serialization) does.
      amino: JSON.parse(JSON.stringify(amino)) as SecretjsSample['amino'],
    });
  }
  return out;
}
