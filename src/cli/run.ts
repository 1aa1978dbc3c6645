/**
 * The `secret-compute` command line: argument parsing (node:util parseArgs), dispatch, output (data to stdout,
 * `--json` for machines), and errors (stderr, non-zero exit: 1 for failures, 2 for usage).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { ContractError, TxError } from '../chain/index.js';
import { runNetworkSimulateCommand } from '../network/index.js';
import {
  type CommandContext,
  COMMANDS,
  defaultWidth,
  type Invocation,
  toJson,
  UsageError,
} from './commands.js';
import { colourFor, createStyle, Progress } from './style.js';

/** Usage text. */
export const USAGE = `secret-compute — a local Secret Network chain for private CosmWasm contracts

usage: secret-compute <command> [args] [--home DIR] [--json]

commands:
  init [--chain-id ID] [--scheme aes-256-gcm|aes-siv] [--seed S]   create a persistent chain in --home
  keys list | add <name> [--balance 100uscrt] | show <name>        accounts in the chain's test keyring
  store <file.wasm> --from <key> [--gas N]                         upload contract code (raw or gzip)
  instantiate <code-id> <json|@file> --label L --from <key> [--admin A] [--funds C] [--gas N]
  execute <contract> <json|@file> --from <key> [--funds C] [--gas N] [--memo M]
  query <contract> <json|@file>                                    encrypted smart query, decrypted answer
  send <to> <coins> --from <key>                                   bank transfer
  balance <name|address>                                           bank balances
  block [next [--seconds N]]                                       show or advance the block
  inspect [txs | tx <hash> | contract <address>]                   what the chain stores vs. what the sender decrypts
  network simulate --validators N --blocks B [--txs T] [--users U] [--faulty wrong-seed|tampered-store:NODE[@HEIGHT]]
          [--scheme aes-256-gcm|aes-siv] [--seed S]                N in-process validators run the same blocks and compare
                                                                   state hashes; exit 0 agreement, 1 divergence, 2 usage

options:
  --home, -H DIR   chain directory (default $SECRET_COMPUTE_HOME or ./.secret-compute)
  --json           machine-readable output on stdout
  --help, -h       this help
Every tx is encrypted to the network key, signed (SIGN_MODE_DIRECT), verified and executed in the enclave.
`;

/** Where the CLI writes. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** Parses `argv` (without node and script) into an invocation; throws UsageError. */
export function parseInvocation(
  argv: readonly string[],
  io: Pick<CliIo, 'env' | 'cwd'>,
): Invocation & { help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        home: { type: 'string', short: 'H' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        from: { type: 'string' },
        label: { type: 'string' },
        admin: { type: 'string' },
        funds: { type: 'string' },
        gas: { type: 'string' },
        balance: { type: 'string' },
        'chain-id': { type: 'string' },
        scheme: { type: 'string' },
        seed: { type: 'string' },
        seconds: { type: 'string' },
        memo: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  const [command = '', ...args] = positionals;
  return {
    command,
    args,
    help: v.help === true,
    home: v.home ?? io.env.SECRET_COMPUTE_HOME ?? join(io.cwd, '.secret-compute'),
    json: v.json === true,
    flags: {
      from: v.from,
      label: v.label,
      admin: v.admin,
      funds: v.funds,
      gas: v.gas,
      balance: v.balance,
      chainId: v['chain-id'],
      scheme: v.scheme,
      seed: v.seed,
      seconds: v.seconds,
      memo: v.memo,
    },
  };
}

function errorJson(e: Error): Record<string, unknown> {
  const base: Record<string, unknown> = { name: e.name, message: e.message };
  if ('code' in e) base.code = (e as { code: unknown }).code;
  if (e instanceof TxError) {
    base.codespace = e.codespace;
    base.abciCode = e.abciCode;
    base.log = e.log;
    if (e.txHash !== undefined) base.txHash = e.txHash;
  }
  return base;
}

/**
 * `network …` has its own grammar (src/network parses it) and needs no chain directory, so it is split off
 * before the strict parser sees its flags. Global options may precede it: `--home`/`-H` (ignored: the
 * simulation works in a temp directory) and `--json` (passed on). Returns the arguments after `network`, or
 * undefined when the command is another one.
 */
function networkArgs(argv: readonly string[]): string[] | undefined {
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--home' || a === '-H') i++;
    else if (a.startsWith('--home=')) continue;
    else if (a === '--json') json = true;
    else if (a === 'network') return [...argv.slice(i + 1), ...(json ? ['--json'] : [])];
    else return undefined;
  }
  return undefined;
}

const NETWORK_USAGE =
  'usage: secret-compute network simulate --validators N --blocks B [--txs T] [--users U]\n' +
  '         [--faulty wrong-seed|tampered-store:NODE[@HEIGHT]] [--scheme aes-256-gcm|aes-siv] [--seed S] [--json]\n' +
  'exit status: 0 every node agreed on every block, 1 divergence, 2 usage error\n';

async function runNetwork(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'help' || args.includes('--help') || args.includes('-h')) {
    io.stdout.write(NETWORK_USAGE);
    return 0;
  }
  if (sub !== 'simulate') {
    const errStyle = createStyle(colourFor(io.stderr, io.env));
    io.stderr.write(
      `${errStyle.red('error:')} unknown network subcommand ${JSON.stringify(sub ?? '')} (simulate)\n${NETWORK_USAGE}`,
    );
    return 2;
  }
  return runNetworkSimulateCommand(rest, {
    stdout: (t) => io.stdout.write(t),
    stderr: (t) => io.stderr.write(t),
  });
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const network = networkArgs(argv);
  if (network !== undefined) return runNetwork(network, io);
  const errStyle = createStyle(colourFor(io.stderr, io.env));
  let inv: Invocation & { help: boolean };
  try {
    inv = parseInvocation(argv, io);
  } catch (e) {
    io.stderr.write(`${errStyle.red('error:')} ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (inv.help || inv.command === '' || inv.command === 'help') {
    (inv.help || inv.command === 'help' ? io.stdout : io.stderr).write(USAGE);
    return inv.help || inv.command === 'help' ? 0 : 2;
  }
  const command = COMMANDS[inv.command];
  if (command === undefined) {
    io.stderr.write(`${errStyle.red('error:')} unknown command ${JSON.stringify(inv.command)}\n\n${USAGE}`);
    return 2;
  }
  const ctx: CommandContext = {
    style: createStyle(colourFor(io.stdout, io.env)),
    progress: new Progress(io.stderr),
    debug: (contract, message) =>
      io.stderr.write(
        `${errStyle.magenta('[debug')} ${errStyle.dim(contract)}${errStyle.magenta(']')} ${message}\n`,
      ),
    width: defaultWidth(),
  };
  try {
    const out = await command(inv, ctx);
    io.stdout.write(inv.json ? JSON.stringify(toJson(out.json)) + '\n' : out.lines.join('\n') + '\n');
    return 0;
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    if (e instanceof UsageError) {
      io.stderr.write(
        `${errStyle.red('error:')} ${e.message}\n${errStyle.dim('see secret-compute --help')}\n`,
      );
      return 2;
    }
    if (inv.json) {
      io.stderr.write(JSON.stringify({ error: errorJson(e) }) + '\n');
    } else {
      const kind =
        e instanceof ContractError
          ? 'contract error'
          : e instanceof TxError
            ? `tx failed (${e.code})`
            : 'error';
      io.stderr.write(`${errStyle.red(`${kind}:`)} ${e.message}\n`);
      if (e instanceof TxError && e.txHash !== undefined) io.stderr.write(errStyle.dim(`tx ${e.txHash}\n`));
      if (!(e instanceof TxError) && !('code' in e)) io.stderr.write(errStyle.dim(`${e.stack ?? ''}\n`));
    }
    return 1;
  }
}
