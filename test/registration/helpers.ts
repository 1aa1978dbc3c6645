/** Shared fixtures of the registration tests: a bootstrapped chain, an authority, a policy. */
import { createHash } from 'node:crypto';

import {
  AttestationAuthority,
  type AttestationPolicy,
  createRegistrationKeeper,
  RegistrationKeeper,
  TrustedNode,
} from '../../src/registration/index.js';
import { MemoryStore } from '../../src/state/index.js';

export const BLOCK_TIME = 1_700_000_000_000_000_000n;

export function bytes32(label: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(label).digest());
}

export const MEASUREMENT = bytes32('measurement of the trusted component');
export const AUTHORITY = AttestationAuthority.fromSecret('ed25519', bytes32('authority'));

export function policy(extra: Partial<AttestationPolicy> = {}): AttestationPolicy {
  return { authorities: [AUTHORITY.key], measurements: [MEASUREMENT], ...extra };
}

/** A chain bootstrapped by one node: its keeper (genesis applied) and trusted component. */
export function bootstrapChain(p: AttestationPolicy = policy()): {
  bootstrap: TrustedNode;
  keeper: RegistrationKeeper;
  store: MemoryStore;
} {
  const bootstrap = TrustedNode.bootstrap({
    measurement: MEASUREMENT,
    seeds: [bytes32('genesis seed'), bytes32('current seed')],
    registrationKey: bytes32('bootstrap registration key'),
  });
  const store = new MemoryStore();
  const keeper = createRegistrationKeeper({ store, trusted: bootstrap, policy: p });
  keeper.initGenesis(
    RegistrationKeeper.bootstrapGenesis(
      bootstrap,
      AUTHORITY.attest(bootstrap.registrationPublicKey, MEASUREMENT, BLOCK_TIME),
    ),
  );
  return { bootstrap, keeper, store };
}
