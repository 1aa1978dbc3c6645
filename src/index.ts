/**
 * secret-compute: Secret Network's x/compute in TypeScript — private CosmWasm contracts with encrypted
 * inputs, outputs and state. This file is the curated public surface; each folder's own index holds the rest
 * (`secret-compute/runtime`, `secret-compute/state`, `secret-compute/keeper`, `secret-compute/testing`).
 */

// ── Local chain for contract developers (src/chain) ──────────────────────────────────────────────
export type {
  Account,
  AuthAccount,
  BlockTxOutcome,
  BlockView,
  ChainErrorCode,
  QueryPoolStats,
  QueryWorkerPoolOptions,
  TxErrorCode,
  TxFailure,
  TxRecord,
} from './chain/index.js';
export {
  addressOf,
  ChainError,
  ContractError,
  createRegistry,
  DEFAULT_CHAIN_ID,
  DEFAULT_DENOM,
  LocalChain,
  MSG_SEND_TYPE_URL,
  QueryWorkerPool,
  signTx,
  TxError,
  txHash,
} from './chain/index.js';

// ── Client protocol: encryption, message types, amino (src/compute) ─────────────────────────────
export type {
  AminoConverter,
  AminoConverters,
  AminoMsgClearAdmin,
  AminoMsgExecuteContract,
  AminoMsgInstantiateContract,
  AminoMsgMigrateContract,
  AminoMsgStoreCode,
  AminoMsgUpdateAdmin,
  ComputeTypeUrl,
  CryptoErrorCode,
  EncryptionScheme,
  EncryptionUtilsOptions,
  EventAttribute,
  MsgClearAdminEncodeObject,
  MsgExecuteContractEncodeObject,
  MsgInstantiateContractEncodeObject,
  MsgMigrateContractEncodeObject,
  MsgStoreCodeEncodeObject,
  MsgUpdateAdminEncodeObject,
  MsgUpdateParamsEncodeObject,
  ProtoDecodeErrorCode,
  TxEvent,
} from './compute/index.js';
export {
  aesSivOpen,
  aesSivSeal,
  COMPUTE_AMINO_TYPES,
  COMPUTE_TYPE_URLS,
  computeTypes,
  createComputeAminoConverters,
  CryptoError,
  decodeComputeMsg,
  DEFAULT_ENCRYPTION_SCHEME,
  ENCRYPTION_SCHEMES,
  EncryptionUtils,
  hkdfSha256,
  isCryptoError,
  isMsgClearAdminEncodeObject,
  isMsgExecuteContractEncodeObject,
  isMsgInstantiateContractEncodeObject,
  isMsgMigrateContractEncodeObject,
  isMsgStoreCodeEncodeObject,
  isMsgUpdateAdminEncodeObject,
  isMsgUpdateParamsEncodeObject,
  isProtoDecodeError,
  isRaAuthenticateEncodeObject,
  KDF_SALT,
  ProtoDecodeError,
  REGISTRATION_TYPE_URLS,
  registrationTypes,
  txEncryptionKey,
  x25519PublicKeyFromSeed,
} from './compute/index.js';

// ── Trusted component (src/enclave) ──────────────────────────────────────────────────────────────
export type {
  EnclaveErrorKind,
  EnclaveOptions,
  PrepareOptions,
  PrepareReport,
  PrepareStats,
  SigInfo,
} from './enclave/index.js';
export {
  createEnclave,
  DEFAULT_PREPARE_WORKERS,
  EnclaveError,
  isEnclaveError,
  SecretEnclave,
} from './enclave/index.js';
export { NetworkKeys } from './enclave/keys.js';

// ── The x/compute module for embedding chains (src/keeper) ───────────────────────────────────────
export {
  ComputeError,
  ComputeKeeper,
  contractAddress,
  createComputeKeeper,
  createMsgServer,
  createQueryServer,
  DEFAULT_PARAMS,
  exportGenesis,
  initGenesis,
  isComputeError,
  MsgServer,
  QueryServer,
} from './keeper/index.js';
