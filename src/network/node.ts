/**
 * One simulated validator: its own trusted component (registration key, seeds, contract enclave), its own
 * committed state (MemoryCommitStore with the compute, bank and registration modules in it), its own keeper and
 * services. Nothing is shared between nodes except the tx bytes they are given.
 */
import { join } from 'node:path';

import type { EncryptionScheme } from '../compute/scheme.js';
import {
  type ComputeKeeper,
  createComputeKeeper,
  createMsgServer,
  createQueryServer,
  LocalBlockContext,
  MemoryBankKeeper,
  type MsgServer,
  type QueryServer,
  toBech32,
  type TxInfo,
} from '../keeper/index.js';
import type { TrustedNode } from '../registration/index.js';
import {
  type AttestationPolicy,
  createRegistrationKeeper,
  createRegistrationMsgServer,
  createRegistrationQueryServer,
  loadOrCreateMachineKey,
  type RegistrationKeeper,
  type RegistrationMsgServer,
  type RegistrationQueryServer,
} from '../registration/index.js';
import { MemoryCommitStore, PrefixStore } from '../state/index.js';

/** Prefix of the registration module's keys in the node's state. */
export const REGISTRATION_STORE_PREFIX = new TextEncoder().encode('registration/');

/** What every node is configured with (identical on all validators). */
export interface ChainConfig {
  readonly chainId: string;
  readonly scheme: EncryptionScheme;
  readonly policy: AttestationPolicy;
  readonly genesisTimeNanos: bigint;
  readonly blockTimeNanos: bigint;
}

/** A validator of the simulation. */
export class SimNode {
  readonly store = new MemoryCommitStore();
  readonly block: LocalBlockContext;
  readonly bank = new MemoryBankKeeper();
  readonly machineKey: Uint8Array;
  readonly sealedPath: string;
  trusted: TrustedNode;
  keeper!: ComputeKeeper;
  msgs!: MsgServer;
  queries!: QueryServer;
  registration!: RegistrationKeeper;
  registrationMsgs!: RegistrationMsgServer;
  registrationQueries!: RegistrationQueryServer;
  /** The tx being delivered (the Msg server asks for it). */
  currentTx: TxInfo | undefined;
  /** Gas/events of the last successful compute RPC. */
  lastResult: { gasUsed: bigint; events: unknown[] } | undefined;

  constructor(
    readonly index: number,
    readonly dir: string,
    readonly config: ChainConfig,
    trusted: TrustedNode,
  ) {
    this.machineKey = loadOrCreateMachineKey(join(dir, 'machine.key'));
    this.sealedPath = join(dir, 'keychain.sealed');
    this.block = new LocalBlockContext({
      chainId: config.chainId,
      height: 1n,
      timeNanos: config.genesisTimeNanos,
      blockTimeNanos: config.blockTimeNanos,
    });
    this.trusted = trusted;
    this.wireRegistration();
  }

  /** Node name used in reports. */
  get name(): string {
    return `node${this.index}`;
  }

  private wireRegistration(): void {
    this.registration = createRegistrationKeeper({
      store: new PrefixStore(this.store, REGISTRATION_STORE_PREFIX),
      trusted: this.trusted,
      policy: this.config.policy,
    });
    this.registrationMsgs = createRegistrationMsgServer(this.registration, {
      blockTimeNanos: () => this.block.current().timeNanos,
      formatSender: toBech32,
    });
    this.registrationQueries = createRegistrationQueryServer(this.registration);
  }

  /** Builds the compute side from the trusted component's seeds (after bootstrap, registration or a restart). */
  startCompute(): void {
    const enclave = this.trusted.createEnclave({ ioScheme: this.config.scheme });
    this.keeper = createComputeKeeper({
      store: this.store,
      enclave,
      bank: this.bank,
      block: this.block,
      txGasLimit: 20_000_000n,
    });
    this.msgs = createMsgServer(this.keeper, {
      tx: () => this.currentTx,
      onResult: (_rpc, r) => {
        this.lastResult = { gasUsed: r.gasUsed, events: r.events };
      },
    });
    this.queries = createQueryServer(this.keeper);
  }

  /** Restart with another trusted component (after unsealing): rebuilds registration and compute wiring. */
  restartWith(trusted: TrustedNode): void {
    this.trusted = trusted;
    this.wireRegistration();
    this.startCompute();
  }
}
