/** Test doubles for the contract runtime (`secret-compute/testing`), after cosmwasm_vm::testing. */
export { MockApi, UnusedApi } from './mock-api.js';
export { MOCK_CONTRACT_ADDR, mockBackend, mockEnv, mockInfo } from './mock-env.js';
export type { MockQuerierHandlers } from './mock-querier.js';
export { MockQuerier } from './mock-querier.js';
export type { StorageGasModel } from './mock-storage.js';
export { COSMWASM_MOCK_STORAGE_GAS, FREE_STORAGE_GAS, MemoryStorage } from './mock-storage.js';

// LocalChain lives in src/chain; it is re-exported here so test code can import everything from one subpath.
export type { Account, BlockView, TxErrorCode } from '../chain/index.js';
export { addressOf, ChainError, ContractError, createRegistry, LocalChain, signTx, TxError, txHash } from '../chain/index.js';
