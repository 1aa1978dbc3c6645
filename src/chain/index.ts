// Public surface of the LocalChain ('secret-compute' and 'secret-compute/testing'), exported by name.
export type { AuthAccount } from './auth.js';
export { AuthModule } from './auth.js';
export { ChainBank } from './bank.js';
export type { BlockView } from './clock.js';
export type { ChainErrorCode, TxErrorCode, TxFailure } from './errors.js';
export { ChainError, ContractError, TxError } from './errors.js';
export type { Account } from './keyring.js';
export { addressOf } from './keyring.js';
export {
  DEFAULT_BLOCK_SECONDS,
  DEFAULT_CHAIN_ID,
  DEFAULT_DENOM,
  DEFAULT_TX_GAS_LIMIT as DEFAULT_LOCAL_TX_GAS_LIMIT,
  DEFAULT_QUERY_WORKERS_MAX,
  MAX_TX_GAS_LIMIT,
  QUERY_BATCH_MAX,
  SIG_VERIFY_COST_SECP256K1,
  TX_SIZE_COST_PER_BYTE,
} from './limits.js';
export type {
  AccountInfo,
  BlockTxOutcome,
  ChainEvent,
  ContractInfoView,
  DecryptedTx,
  DeliveredTx,
  ExecuteOptions,
  InstantiateOptions,
  InstantiateResult,
  LocalChainOptions,
  TxOptions as LocalTxOptions,
  TxResult as LocalTxResult,
  StoreCodeResult,
} from './local-chain.js';
export { LocalChain } from './local-chain.js';
export { type QueryPoolStats, QueryWorkerPool, type QueryWorkerPoolOptions } from './query-pool.js';
export { type ChainSigner, LocalDirectSigner, signerBackend } from './signer.js';
export { createRegistry, encodeSignedTx, makeTxSignDoc, MSG_SEND_TYPE_URL, signTx, txHash } from './tx.js';
export type { TxRecord } from './tx-log.js';
