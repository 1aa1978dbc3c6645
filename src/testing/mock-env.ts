/** Env/info helpers for tests (cosmwasm_vm::testing::mock_env / mock_info). */
import type { Backend } from '../runtime/backend.js';
import type { CallEnv, Coin, MessageInfo } from '../runtime/env.js';
import { MockApi } from './mock-api.js';
import { MockQuerier } from './mock-querier.js';
import { MemoryStorage } from './mock-storage.js';

/** Address of the contract in {@link mockEnv}: `new MockApi().addrMake('contract')`. */
export const MOCK_CONTRACT_ADDR = new MockApi().addrMake('contract');

/** A fixed env (height 12345, time 1571797419879305533 ns, chain "secret-testnet", tx index 3), overridable. */
export function mockEnv(overrides: Partial<CallEnv> = {}): CallEnv {
  return {
    block: { height: 12_345, timeNanos: 1_571_797_419_879_305_533n, chainId: 'secret-testnet' },
    contract: { address: MOCK_CONTRACT_ADDR },
    transaction: { index: 3, hash: 'E5469DACEC17CEF8A260FD37675ED87E7FB6A2B5AD95193C51308006C7E494B3' },
    queryDepth: 1,
    ...overrides,
  };
}

/** `MessageInfo` from a sender and funds. */
export function mockInfo(sender: string, funds: readonly Coin[] = []): MessageInfo {
  return { sender, funds: funds.map((c) => ({ ...c })) };
}

/** Storage, api and querier for a call. */
export function mockBackend(overrides: Partial<Backend> = {}): Backend & { storage: MemoryStorage } {
  return {
    storage: new MemoryStorage(),
    api: new MockApi(),
    querier: new MockQuerier(),
    ...overrides,
  } as Backend & { storage: MemoryStorage };
}
