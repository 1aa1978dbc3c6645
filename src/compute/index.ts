/**
 * Public surface of src/compute: the encryption protocol (crypto engineer) and, below, the message types
 * (proto engineer adds its exports in its own section).
 */

// --- encryption protocol (crypto engineer) ---
export {
  AES_SIV_TAG_LENGTH,
  aesSivOpen,
  aesSivOpenWithPrefix,
  AesSivPrefix,
  aesSivPrefix,
  aesSivSeal,
  aesSivSealWithPrefix,
} from './aes-siv.js';
export type { EncryptionUtilsOptions, EventAttribute, TxEvent } from './encryption-utils.js';
export { EncryptionUtils } from './encryption-utils.js';
export type { CryptoErrorCode } from './errors.js';
export { CryptoError, isCryptoError } from './errors.js';
export type { CipherDomain, SealItem } from './gcm-box.js';
export { hmacSha256, sha256 } from './hash.js';
export { deriveFromKey, deriveFromSeed, hkdfExpand, hkdfSha256, KDF_SALT } from './hkdf.js';
export type { ParsedWire, SplitPlaintext } from './protocol.js';
export {
  buildInputPlaintext,
  encodeInputWire,
  IO_AD,
  normalizeCodeHashHex,
  openInputCiphertext,
  openOutput,
  parseInputWire,
  sealOutput,
  sealOutputs,
  splitInputPlaintext,
  txEncryptionKey,
} from './protocol.js';
export type { EncryptionScheme } from './scheme.js';
export {
  CODE_HASH_HEX_LENGTH,
  DEFAULT_ENCRYPTION_SCHEME,
  ENCRYPTION_SCHEMES,
  MIN_GCM_WIRE_LENGTH,
  MIN_SIV_WIRE_LENGTH,
  NONCE_LENGTH,
  parseEncryptionScheme,
  PUBKEY_LENGTH,
  SCHEME_MARKER_GCM_V1,
  wireHeaderLength,
} from './scheme.js';
export {
  importX25519PublicKey,
  X25519_KEY_LENGTH,
  X25519PrivateKey,
  x25519PublicKeyFromSeed,
} from './x25519.js';

// --- transaction messages: registry table, EncodeObjects, amino, strict decoding (proto engineer) ---
export type {
  AminoConverter,
  AminoConverters,
  AminoMsgClearAdmin,
  AminoMsgExecuteContract,
  AminoMsgInstantiateContract,
  AminoMsgMigrateContract,
  AminoMsgStoreCode,
  AminoMsgUpdateAdmin,
} from './amino.js';
export { COMPUTE_AMINO_TYPES, createComputeAminoConverters } from './amino.js';
export type {
  ComputeMsgName,
  ComputeTypeUrl,
  MsgByTypeUrl,
  MsgClearAdminEncodeObject,
  MsgExecuteContractEncodeObject,
  MsgInstantiateContractEncodeObject,
  MsgMigrateContractEncodeObject,
  MsgStoreCodeEncodeObject,
  MsgUpdateAdminEncodeObject,
  MsgUpdateParamsEncodeObject,
  RaAuthenticateEncodeObject,
  RegistrationTypeUrl,
} from './messages.js';
export {
  COMPUTE_PROTO_PACKAGE,
  COMPUTE_TYPE_URLS,
  computeTypes,
  decodeComputeMsg,
  isMsgClearAdminEncodeObject,
  isMsgExecuteContractEncodeObject,
  isMsgInstantiateContractEncodeObject,
  isMsgMigrateContractEncodeObject,
  isMsgStoreCodeEncodeObject,
  isMsgUpdateAdminEncodeObject,
  isMsgUpdateParamsEncodeObject,
  isRaAuthenticateEncodeObject,
  REGISTRATION_PROTO_PACKAGE,
  REGISTRATION_TYPE_URLS,
  registrationTypes,
} from './messages.js';
export type { ProtoDecodeErrorCode } from './proto-errors.js';
export { isProtoDecodeError, ProtoDecodeError } from './proto-errors.js';
