/**
 * Registration, sealing and the determinism harness. Peers are measured in the same run:
 * - authenticateNewNode (report verification + seed shares) vs the seed-share encryption alone: what
 *   verification adds to a RegisterAuth tx;
 * - unsealing a keychain vs sealing it;
 * - tx executions per second of a 4-validator simulation vs a 1-validator run of the same workload: the harness
 *   must cost the same per node however many nodes it runs (ratio ≈ 1).
 */
import { createHash } from 'node:crypto';

import { simulateNetwork } from '../src/network/index.js';
import { AttestationAuthority, sealBytes, TrustedNode, unsealBytes } from '../src/registration/index.js';
import { type BenchResult, compare, measure, measureAsync } from './harness.js';

const h = (s: string): Uint8Array => new Uint8Array(createHash('sha256').update(s).digest());

export async function run(): Promise<BenchResult[]> {
  const measurement = h('measurement');
  const authority = AttestationAuthority.fromSecret('ed25519', h('authority'));
  const policy = { authorities: [authority.key], measurements: [measurement] };
  const bootstrap = TrustedNode.bootstrap({ measurement });
  const node = TrustedNode.create({ measurement });
  const t = 1_700_000_000_000_000_000n;
  const cert = authority.attest(node.registrationPublicKey, measurement, t);
  const auth = measure(() => bootstrap.authenticateNewNode(cert, policy, t));
  const shares = measure(() => bootstrap.keys.encryptSeedsFor(node.registrationPublicKey));

  const binding = { machineKey: h('machine'), measurement };
  const keychain = { seeds: [h('a'), h('b')], registrationKey: h('r') };
  const sealed = sealBytes(keychain, binding);
  const unseal = measure(() => unsealBytes(sealed, binding));
  const seal = measure(() => sealBytes(keychain, binding));

  // one simulation per timed run (runMs 1), three runs, median
  const opts = { runs: 3, warmupMs: 0, runMs: 1 };
  let four = 0;
  let one = 0;
  const m4 = await measureAsync(async () => {
    const r = await simulateNetwork({ validators: 4, blocks: 10 });
    four = r.txs * 4;
  }, opts);
  const m1 = await measureAsync(async () => {
    const r = await simulateNetwork({ validators: 1, blocks: 10 });
    one = r.txs;
  }, opts);

  return [
    compare(
      'registration: authenticateNewNode (verify ed25519 report + 2 seed shares)',
      'ops/s',
      auth.opsPerSec,
      { name: 'encryptSeedsFor alone', value: shares.opsPerSec },
      { text: '>= 200 registrations/s (rare tx; must not dominate a block)', met: (_r, v) => v >= 200 },
    ),
    compare('sealing: unseal keychain (HKDF + AES-256-GCM)', 'ops/s', unseal.opsPerSec, {
      name: 'seal keychain',
      value: seal.opsPerSec,
    }),
    compare(
      'network simulate 4 validators × 10 blocks: tx executions/s (all nodes)',
      'tx/s',
      four * m4.opsPerSec,
      { name: '1 validator, same workload', value: one * m1.opsPerSec },
      { text: 'per-node cost independent of N (ratio >= 0.8)', met: (r) => r >= 0.8 },
    ),
  ];
}
