/**
 * The `secret-compute` CLI end to end against one chain directory, with `--json` output parsed from stdout; a
 * failing command exits non-zero with its error on stderr and nothing on stdout. The key steps run the real
 * binary as separate node processes (each reopening the directory, so they also prove persistence); the rest
 * call the same `runCli` in-process to keep the suite fast (a tsx process start costs ~1-2 s here).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';

import { runCli } from '../../src/cli/run.js';
import { colourFor } from '../../src/cli/style.js';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');
const TOKEN = join(import.meta.dirname, '../fixtures/contracts/token.wasm');
const home = mkdtempSync(join(tmpdir(), 'secret-compute-cli-'));
after(() => rmSync(home, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

class Sink extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** The binary, as a separate process. */
function spawnCli(...args: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, '--home', home, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI in this process (same code path after argv). */
async function cli(...args: string[]): Promise<Run> {
  const out = new Sink();
  const err = new Sink();
  const status = await runCli(['--home', home, ...args], {
    stdout: out,
    stderr: err as unknown as NodeJS.WriteStream,
    env: { NO_COLOR: '1' },
    cwd: home,
  });
  return { status, stdout: out.text, stderr: err.text };
}

async function json<T>(...args: string[]): Promise<T> {
  const r = await cli(...args, '--json');
  assert.equal(r.status, 0, `secret-compute ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

describe('secret-compute CLI', () => {
  it('init → keys → store → instantiate → execute → query → inspect, and failures exit non-zero', async () => {
    const initRun = spawnCli('init', '--chain-id', 'cli-test-1', '--seed', 's', '--json');
    assert.equal(initRun.status, 0, initRun.stderr);
    const init = JSON.parse(initRun.stdout) as { chainId: string; ioPubkey: string };
    assert.equal(init.chainId, 'cli-test-1');
    assert.match(init.ioPubkey, /^[0-9a-f]{64}$/);
    assert.equal((await cli('init')).status, 1); // already initialized

    const alice = await json<{ address: string; balances: unknown }>(
      'keys',
      'add',
      'alice',
      '--balance',
      '1000uscrt',
    );
    assert.deepEqual(alice.balances, [{ denom: 'uscrt', amount: '1000' }]);
    const bob = await json<{ address: string }>('keys', 'add', 'bob');
    const list = await json<{ name: string }[]>('keys', 'list');
    assert.deepEqual(
      list.map((k) => k.name),
      ['alice', 'bob'],
    );

    const stored = await json<{ codeId: number; codeHash: string; txHash: string }>(
      'store',
      TOKEN,
      '--from',
      'alice',
    );
    assert.equal(stored.codeId, 1);
    assert.match(stored.codeHash, /^[0-9a-f]{64}$/);

    const init2 = JSON.stringify({
      name: 'Tok',
      symbol: 'TOK',
      decimals: 6,
      initial_balances: [{ address: alice.address, amount: '500' }],
      minter: null,
    });
    const inst = await json<{ address: string; events: { type: string }[] }>(
      'instantiate',
      '1',
      init2,
      '--label',
      'tok',
      '--from',
      'alice',
      '--admin',
      'alice',
    );
    assert.match(inst.address, /^secret1/);

    const exec = await json<{
      txHash: string;
      events: { type: string; attributes: { key: string; value: string }[] }[];
    }>(
      'execute',
      inst.address,
      JSON.stringify({ transfer: { recipient: bob.address, amount: '42' } }),
      '--from',
      'alice',
    );
    const wasm = exec.events.find((e) => e.type === 'wasm')!;
    assert.ok(wasm.attributes.some((a) => a.key === 'amount' && a.value === '42'));

    const q = spawnCli(
      'query',
      inst.address,
      JSON.stringify({ balance: { address: bob.address } }),
      '--json',
    );
    assert.equal(q.status, 0, q.stderr);
    assert.deepEqual(JSON.parse(q.stdout), { balance: '42' });

    const seen = await json<{
      onChain: { input: string; events: { type: string; attributes: { key: string; value: string }[] }[] };
      decrypted: { input: unknown };
    }>('inspect', 'tx', exec.txHash);
    assert.deepEqual(seen.decrypted.input, { transfer: { recipient: bob.address, amount: '42' } });
    const onChainWasm = seen.onChain.events.find((e) => e.type === 'wasm')!;
    assert.ok(!onChainWasm.attributes.some((a) => a.value === '42'), 'amount must be encrypted on chain');
    assert.ok(Buffer.from(seen.onChain.input, 'base64').length > 100);

    const contract = await json<{ label: string; admin: string; state: unknown[]; txs: string[] }>(
      'inspect',
      'contract',
      inst.address,
    );
    assert.equal(contract.label, 'tok');
    assert.equal(contract.admin, alice.address);
    assert.ok(contract.state.length >= 3);
    assert.ok(contract.txs.includes(exec.txHash));

    // human output of inspect shows both sides
    const human = await cli('inspect', 'tx', exec.txHash);
    assert.equal(human.status, 0);
    assert.match(human.stdout, /on chain \(every validator sees\)/);
    assert.match(human.stdout, /amount = 42/);
    assert.ok(!human.stdout.includes('\u001b[')); // NO_COLOR

    // a failing contract call: non-zero exit, decrypted error on stderr, nothing on stdout
    const fail = spawnCli(
      'execute',
      inst.address,
      JSON.stringify({ transfer: { recipient: alice.address, amount: '1000' } }),
      '--from',
      'bob',
    );
    assert.equal(fail.status, 1);
    assert.equal(fail.stdout, '');
    assert.match(fail.stderr, /contract error: Insufficient funds: balance 42, required 1000/);
    const failJson = await cli('query', inst.address, '{"nope":{}}', '--json');
    assert.equal(failJson.status, 1);
    assert.equal(failJson.stdout, '');
    const err = JSON.parse(failJson.stderr) as { error: { name: string; message: string } };
    assert.equal(err.error.name, 'ContractError');
    assert.match(err.error.message, /^Invalid message/);

    // bank, accounts and blocks
    await json('send', 'bob', '250uscrt', '--from', 'alice');
    assert.deepEqual(await json('balance', 'bob'), [{ denom: 'uscrt', amount: '250' }]);
    const shown = await json<{ sequence: string; accountNumber: string }>('keys', 'show', 'alice');
    assert.equal(shown.sequence, '4'); // store, instantiate, execute, send
    const b1 = await json<{ height: number }>('block');
    const b2 = await json<{ height: number; time: string }>('block', 'next', '--seconds', '60');
    assert.equal(b2.height, b1.height + 1);
    assert.equal((await json<{ height: number }>('block')).height, b2.height);
    const insufficient = await cli('send', 'alice', '1000000uscrt', '--from', 'bob');
    assert.equal(insufficient.status, 1);
    assert.match(insufficient.stderr, /tx failed \(INSUFFICIENT_FUNDS\)/);

    // usage errors: exit 2
    const usage = await cli('execute', inst.address, '{not json', '--from', 'alice');
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /not valid JSON/);
    assert.equal((await cli('frobnicate')).status, 2);
  });
});

describe('secret-compute CLI (in process)', () => {
  it('prints help to stdout with --help and usage to stderr without a command', async () => {
    const out = new Sink();
    const err = new Sink();
    const io = { stdout: out, stderr: err as unknown as NodeJS.WriteStream, env: {}, cwd: home };
    assert.equal(await runCli(['--help'], io), 0);
    assert.match(out.text, /usage: secret-compute/);
    assert.match(out.text, /network simulate --validators N --blocks B/);
    assert.equal(await runCli([], io), 2);
    assert.match(err.text, /usage: secret-compute/);
    assert.equal(await runCli(['keys', '--bogus'], io), 2);
    assert.match(err.text, /Unknown option '--bogus'/);
  });

  it('refuses commands on a directory without a chain', async () => {
    const err = new Sink();
    const io = { stdout: new Sink(), stderr: err as unknown as NodeJS.WriteStream, env: {}, cwd: home };
    assert.equal(await runCli(['keys', 'list', '--home', join(home, 'nothing-here')], io), 1);
    assert.match(err.text, /no chain in .*nothing-here; run `secret-compute init/);
  });

  it('uses colour only on a TTY and never under NO_COLOR', () => {
    assert.equal(colourFor({ isTTY: true }, {}), true);
    assert.equal(colourFor({ isTTY: false }, {}), false);
    assert.equal(colourFor({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(colourFor({ isTTY: false }, { FORCE_COLOR: '1' }), true);
  });
});

describe('secret-compute network simulate', () => {
  it('4 validators × 5 blocks agree: exit 0, every block reported, --json report', async () => {
    const text = await cli('network', 'simulate', '--validators', '4', '--blocks', '5');
    assert.equal(text.status, 0, text.stderr);
    assert.equal(text.stdout.match(/agree 4\/4/g)?.length, 7); // registration + deploy + 5 tx blocks
    assert.match(text.stdout, /all nodes agreed on every block/);
    assert.doesNotMatch(text.stdout, /DIVERGENCE/);

    const j = await cli('network', 'simulate', '--validators', '4', '--blocks', '5', '--json');
    assert.equal(j.status, 0, j.stderr);
    const report = JSON.parse(j.stdout) as { agreed: boolean; validators: number; blocks: number };
    assert.deepEqual(
      { agreed: report.agreed, validators: report.validators, blocks: report.blocks },
      { agreed: true, validators: 4, blocks: 5 },
    );
  });

  it('a faulty node exits 1 naming the diverging block and node; bad flags exit 2', async () => {
    const r = await cli(
      'network',
      'simulate',
      '--validators',
      '4',
      '--blocks',
      '5',
      '--faulty',
      'wrong-seed:2@4',
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /block +4 .*DIVERGENCE 3\/4/);
    assert.match(r.stdout, /node2 diverged: /);
    assert.match(r.stdout, /DIVERGENCE at block 4: node2 disagrees with the majority/);

    const usage = await cli('network', 'simulate', '--validators', '4');
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--validators and --blocks are required/);
    assert.equal(
      (await cli('network', 'simulate', '--validators', '4', '--blocks', '5', '--faulty', 'x:9')).status,
      2,
    );
    assert.equal((await cli('network', 'frobnicate')).status, 2);
    const help = await cli('network', 'simulate', '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--faulty wrong-seed\|tampered-store/);
  });
});
