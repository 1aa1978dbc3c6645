/** Test doubles for the contract runtime (`secret-compute/testing`), after cosmwasm_vm::testing. */
export { MockApi, UnusedApi } from './mock-api.js';
export { MOCK_CONTRACT_ADDR, mockBackend, mockEnv, mockInfo } from './mock-env.js';
export type { MockQuerierHandlers } from './mock-querier.js';
export { MockQuerier } from './mock-querier.js';
export type { StorageGasModel } from './mock-storage.js';
export { COSMWASM_MOCK_STORAGE_GAS, FREE_STORAGE_GAS, MemoryStorage } from './mock-storage.js';
