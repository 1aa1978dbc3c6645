// Public surface of the compute keeper ('secret-compute/keeper'), exported by name.
export { MemoryAccountKeeper } from './account-keeper.js';
export { BECH32_PREFIX, contractAddress, fromBech32, toBech32 } from './address.js';
export { coinsToString, MemoryBankKeeper, type MemoryBankOptions, validateCoins } from './bank-keeper.js';
export { LocalBlockContext, type LocalBlockOptions } from './block-context.js';
export { cacheContext, createContext, EventManager, type KeeperContext, type TxState } from './context.js';
export { parseCosmosMsg, type ParsedCosmosMsg } from './cosmos-msg.js';
export {
  COMPUTE_CODESPACE,
  ComputeError,
  computeError,
  ComputeErrors,
  isComputeError,
  type RegisteredError,
  SdkErrors,
  wrapError,
} from './errors.js';
export {
  ATTRIBUTE_KEY_CODE_ID,
  ATTRIBUTE_KEY_CONTRACT_ADDR,
  ATTRIBUTE_KEY_NEW_ADMIN,
  contractLogsToEvent,
  customEvents,
  EVENT_TYPE_EXECUTE,
  EVENT_TYPE_INSTANTIATE,
  EVENT_TYPE_MIGRATE,
  EVENT_TYPE_REPLY,
  EVENT_TYPE_UPDATE_CONTRACT_ADMIN,
  EVENT_TYPE_WASM,
} from './events.js';
export type {
  AccountKeeper,
  BankKeeper,
  BlockContext,
  BlockInfo,
  CodeAnalysis,
  CodeAnalyzer,
  Coin,
  EventAttribute,
  MessageRouter,
  RoutedMsg,
  RoutedMsgResult,
  SdkEvent,
  StoreContext,
  TxInfo,
  WasmChecker,
} from './expected-keepers.js';
export {
  DEFAULT_QUERY_GAS_LIMIT,
  GAS_MULTIPLIER,
  INSTANCE_COST,
  MAX_WASM_GAS,
  sdkGasFromWasm,
} from './gas.js';
export { exportGenesis, initGenesis } from './genesis.js';
export {
  callbackSigInfo,
  ComputeKeeper,
  type ComputeKeeperOptions,
  type ContractCallResult,
  createComputeKeeper,
  DEFAULT_TX_GAS_LIMIT,
  txGasUsedOf,
  type TxOptions,
  type TxResult,
} from './keeper.js';
export * as keys from './keys.js';
export {
  MAX_CALL_DEPTH,
  MAX_GUNZIP_SIZE,
  MAX_LABEL_SIZE,
  MAX_QUERY_DEPTH,
  MAX_WASM_UPLOAD_SIZE,
} from './limits.js';
export { MessageDispatcher, redactError } from './msg-dispatcher.js';
export { createMsgServer, MsgServer, type MsgServerOptions } from './msg-server.js';
export { type ComputeParams, DEFAULT_PARAMS } from './params.js';
export { createQuerier, handleQuery, type QueryPlugin, type QueryPlugins } from './query-plugins.js';
export { createQueryServer, QueryServer } from './query-server.js';
export { replyInfoOf } from './reply-info.js';
