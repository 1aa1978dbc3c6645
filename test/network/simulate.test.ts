import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  type BlockReport,
  parseSimulateArgs,
  runNetworkSimulateCommand,
  simulateNetwork,
} from '../../src/network/index.js';

function capture(): {
  out: { stdout(t: string): void; stderr(t: string): void };
  text: () => string;
  err: () => string;
} {
  let o = '';
  let e = '';
  return {
    out: { stdout: (t) => (o += t), stderr: (t) => (e += t) },
    text: () => o,
    err: () => e,
  };
}

describe('network simulate', () => {
  it('4 validators × 10 blocks: registration, deploy and every private-tx block agree byte for byte', async () => {
    const seen: BlockReport[] = [];
    const r = await simulateNetwork({ validators: 4, blocks: 10, onBlock: (b) => seen.push(b) });
    assert.equal(r.agreed, true);
    assert.equal(r.firstDivergence, undefined);
    assert.equal(r.blocks, 10);
    assert.equal(seen.length, 12);
    assert.deepEqual(
      seen.map((b) => b.kind),
      ['registration', 'deploy', ...Array<string>(10).fill('private txs')],
    );
    for (const b of seen) {
      assert.equal(b.agreeing, 4, `block ${b.height}`);
      assert.deepEqual(b.divergent, []);
      assert.match(b.stateHash, /^[0-9a-f]{64}$/);
    }
    // registration of 3 nodes and the whole deploy succeeded on the majority; state moves every block
    assert.equal(seen[0]!.succeeded, 3);
    assert.equal(seen[1]!.succeeded, 5);
    assert.equal(new Set(seen.map((b) => b.stateHash)).size, seen.length);
    // the workload really exercises both outcomes (overdrafts / fail commands are deterministic failures)
    const priv = seen.slice(2);
    assert.ok(priv.reduce((n, b) => n + b.succeeded, 0) > 30);
    assert.ok(priv.reduce((n, b) => n + b.failed, 0) > 0);
    // clients decrypt the same balances from every node, and transfers moved tokens without creating any
    const v = r.clientView!;
    assert.equal(v.supplyConserved, true);
    assert.equal(Object.keys(v.balances).length, 4);
    assert.ok(
      Object.values(v.balances).some((b) => b !== '1000000'),
      'some transfers went through',
    );
  });

  it('a node whose seed is wrong is named at the first block after the fault', async () => {
    const r = await simulateNetwork({
      validators: 4,
      blocks: 6,
      faulty: { node: 2, kind: 'wrong-seed', atBlock: 5 },
    });
    assert.equal(r.agreed, false);
    const d = r.firstDivergence!;
    assert.equal(d.height, 5);
    assert.equal(d.agreeing, 3);
    assert.deepEqual(
      d.divergent.map((x) => x.name),
      ['node2'],
    );
    assert.equal(d.divergent[0]!.firstTx, 0);
    assert.match(d.divergent[0]!.reason, /tx #0 .* output differs/);
    // all earlier blocks agreed; the run stopped at the divergence
    assert.ok(r.blockReports.slice(0, -1).every((b) => b.agreed));
    assert.equal(r.blockReports.at(-1)!.height, 5);
  });

  it('a node with a tampered store is named at the block where it was tampered', async () => {
    const r = await simulateNetwork({
      validators: 4,
      blocks: 6,
      faulty: { node: 1, kind: 'tampered-store', atBlock: 6 },
    });
    const d = r.firstDivergence!;
    assert.equal(d.height, 6);
    assert.deepEqual(
      d.divergent.map((x) => x.node),
      [1],
    );
    assert.match(d.divergent[0]!.reason, /state hash/);
  });

  it('nodes restarted from their sealed keychains (no re-registration) keep agreeing', async () => {
    const r = await simulateNetwork({
      validators: 3,
      blocks: 4,
      restarts: [
        { node: 1, atBlock: 3 },
        { node: 0, atBlock: 5 },
      ],
    });
    assert.equal(r.agreed, true);
    assert.equal(r.blockReports.length, 6);
  });

  it('the bootstrap node itself can be the faulty one (majority decides, not node 0)', async () => {
    const r = await simulateNetwork({
      validators: 3,
      blocks: 2,
      faulty: { node: 0, kind: 'wrong-seed', atBlock: 3 },
    });
    assert.deepEqual(
      r.firstDivergence?.divergent.map((x) => x.name),
      ['node0'],
    );
  });

  it('CLI: prints agreement per block and exits 0; divergence exits 1 and names the node; bad usage exits 2', async () => {
    const ok = capture();
    assert.equal(await runNetworkSimulateCommand(['--validators', '2', '--blocks', '2'], ok.out), 0);
    assert.match(ok.text(), /block +1 registration .*agree 2\/2/);
    assert.match(ok.text(), /all nodes agreed on every block/);
    assert.match(ok.text(), /token balances as users decrypt them .*supply conserved/);
    const bad = capture();
    assert.equal(
      await runNetworkSimulateCommand(
        ['--validators=3', '--blocks=3', '--faulty', 'tampered-store:2@4'],
        bad.out,
      ),
      1,
    );
    assert.match(bad.text(), /node2 diverged: /);
    assert.match(bad.text(), /DIVERGENCE at block 4: node2/);
    const usage = capture();
    assert.equal(await runNetworkSimulateCommand(['--validators', '0', '--blocks', '1'], usage.out), 2);
    assert.match(usage.err(), /--validators must be an integer/);
    assert.equal(await runNetworkSimulateCommand(['--blocks', '1'], usage.out), 2);
    assert.equal(
      await runNetworkSimulateCommand(['--validators', '2', '--blocks', '1', '--faulty', 'x:1'], usage.out),
      2,
    );
    assert.equal(
      await runNetworkSimulateCommand(
        ['--validators', '2', '--blocks', '1', '--faulty', 'wrong-seed:2'],
        usage.out,
      ),
      2,
    );
  });

  it('parses every option', () => {
    assert.deepEqual(
      parseSimulateArgs([
        '-n',
        '4',
        '-b',
        '50',
        '--txs',
        '3',
        '--users',
        '2',
        '--scheme',
        'aes-siv',
        '--seed',
        's',
        '--json',
        '--faulty',
        'wrong-seed:1@7',
      ]),
      {
        validators: 4,
        blocks: 50,
        txsPerBlock: 3,
        users: 2,
        scheme: 'aes-siv',
        seed: 's',
        json: true,
        faulty: { kind: 'wrong-seed', node: 1, atBlock: 7 },
      },
    );
  });

  it('agrees under the Secret-mainnet aes-siv io scheme too', async () => {
    const r = await simulateNetwork({ validators: 2, blocks: 3, scheme: 'aes-siv' });
    assert.equal(r.agreed, true);
    assert.ok(r.blockReports.slice(2).some((b) => b.succeeded > 0));
  });

  // 3-9 s on this machine (4 × 308 txs, depending on load), under the 20 s budget, so it runs by default
  it('4 validators × 50 blocks agree on every block', async () => {
    const r = await simulateNetwork({ validators: 4, blocks: 50 });
    assert.equal(r.agreed, true);
    assert.equal(r.blocks, 50);
    assert.ok(r.blockReports.every((b) => b.agreeing === 4));
  });
});
