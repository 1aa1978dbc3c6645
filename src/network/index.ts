// Public surface of the multi-validator determinism harness (src/network), exported by name.
export { DeterministicRng, type SignedTx, SimUser } from './client.js';
export { parseSimulateArgs, runNetworkSimulateCommand, type SimulateCommandOutput } from './command.js';
export { type ChainConfig, REGISTRATION_STORE_PREFIX, SimNode } from './node.js';
export {
  type BlockReport,
  DEFAULT_CONTRACTS_DIR,
  type FaultKind,
  type FaultSpec,
  type NodeDivergence,
  simulateNetwork,
  type SimulateOptions,
  type SimulationReport,
} from './simulate.js';
export {
  type Deployment,
  loadContract,
  type PlannedTx,
  TOKEN_BALANCE_PER_USER,
  Workload,
} from './workload.js';
