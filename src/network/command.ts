/**
 * `secret-compute network simulate --validators N --blocks B [--txs T] [--users U] [--faulty KIND:NODE[@HEIGHT]]
 * [--scheme aes-256-gcm|aes-siv] [--seed S] [--json]`: runs {@link simulateNetwork}, prints one line per block
 * and a summary, and returns the process exit code (0 = every node agreed on every block, 1 = divergence,
 * 2 = usage error). The CLI (src/cli) wires it; it can also be called directly.
 */
import { type FaultKind, type FaultSpec, simulateNetwork, type SimulateOptions } from './simulate.js';

/** Where the command writes. */
export interface SimulateCommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const USAGE =
  'usage: network simulate --validators N --blocks B [--txs T] [--users U] [--faulty wrong-seed|tampered-store:NODE[@HEIGHT]] [--scheme aes-256-gcm|aes-siv] [--seed S] [--json]';

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function int(name: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min)
    throw new UsageError(`${name} must be an integer ≥ ${min}`);
  return n;
}

function parseFault(v: string | undefined): FaultSpec {
  const m = /^(wrong-seed|tampered-store):(\d+)(?:@(\d+))?$/.exec(v ?? '');
  if (m === null)
    throw new UsageError('--faulty must be wrong-seed:NODE[@HEIGHT] or tampered-store:NODE[@HEIGHT]');
  return {
    kind: m[1] as FaultKind,
    node: Number(m[2]),
    ...(m[3] === undefined ? {} : { atBlock: Number(m[3]) }),
  };
}

/** Parses the arguments after `network simulate`. @throws Error (name `UsageError`) on bad input. */
export function parseSimulateArgs(argv: readonly string[]): SimulateOptions & { json: boolean } {
  let validators: number | undefined;
  let blocks: number | undefined;
  let txsPerBlock: number | undefined;
  let users: number | undefined;
  let faulty: FaultSpec | undefined;
  let scheme: SimulateOptions['scheme'];
  let seed: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--validators':
      case '-n':
        validators = int('--validators', value(), 1);
        break;
      case '--blocks':
      case '-b':
        blocks = int('--blocks', value(), 0);
        break;
      case '--txs':
        txsPerBlock = int('--txs', value(), 0);
        break;
      case '--users':
        users = int('--users', value(), 1);
        break;
      case '--faulty':
        faulty = parseFault(value());
        break;
      case '--scheme': {
        const s = value();
        if (s !== 'aes-256-gcm' && s !== 'aes-siv')
          throw new UsageError('--scheme must be aes-256-gcm or aes-siv');
        scheme = s;
        break;
      }
      case '--seed':
        seed = value();
        if (seed === undefined) throw new UsageError('--seed needs a value');
        break;
      case '--json':
        json = true;
        break;
      default:
        throw new UsageError(`unknown argument ${a}`);
    }
  }
  if (validators === undefined || blocks === undefined)
    throw new UsageError('--validators and --blocks are required');
  if (faulty !== undefined && faulty.node >= validators) {
    throw new UsageError(`faulty node ${faulty.node} out of range 0..${validators - 1}`);
  }
  return {
    validators,
    blocks,
    json,
    ...(txsPerBlock === undefined ? {} : { txsPerBlock }),
    ...(users === undefined ? {} : { users }),
    ...(faulty === undefined ? {} : { faulty }),
    ...(scheme === undefined ? {} : { scheme }),
    ...(seed === undefined ? {} : { seed }),
  };
}

const defaultOutput: SimulateCommandOutput = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** Runs `network simulate` with `argv` (the arguments after `simulate`); resolves to the exit code. */
export async function runNetworkSimulateCommand(
  argv: readonly string[],
  out: SimulateCommandOutput = defaultOutput,
): Promise<number> {
  let opts: ReturnType<typeof parseSimulateArgs>;
  try {
    opts = parseSimulateArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      out.stderr(`${e.message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  const { json, ...sim } = opts;
  const report = await simulateNetwork({
    ...sim,
    onBlock: json
      ? undefined
      : (b) => {
          const status = b.agreed
            ? `agree ${b.agreeing}/${sim.validators}`
            : `DIVERGENCE ${b.agreeing}/${sim.validators}`;
          out.stdout(
            `block ${String(b.height).padStart(4)} ${b.kind.padEnd(12)} txs ${String(b.txs).padStart(3)} ` +
              `(ok ${b.succeeded}, failed ${b.failed})  state ${b.stateHash.slice(0, 16)}  ${status}  ${b.millis.toFixed(0)} ms\n`,
          );
          for (const d of b.divergent) out.stdout(`    ${d.name} diverged: ${d.reason}\n`);
        },
  });
  if (json) {
    out.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    out.stdout(
      `${report.validators} validators, ${report.blocks} private-tx blocks, ${report.txs} txs per node, ` +
        `measurement ${report.measurement.slice(0, 16)}…, registration ${report.registrationMillis.toFixed(0)} ms, ` +
        `total ${(report.totalMillis / 1000).toFixed(1)} s\n`,
    );
    if (report.clientView !== undefined) {
      const v = report.clientView;
      out.stdout(
        `token balances as users decrypt them (same on every node): ${Object.entries(v.balances)
          .map(([u, b]) => `${u} ${b}`)
          .join(', ')}; supply ${v.supplyConserved ? 'conserved' : 'NOT conserved'}\n`,
      );
    }
    if (report.firstDivergence === undefined) out.stdout('all nodes agreed on every block\n');
    else {
      const d = report.firstDivergence;
      out.stdout(
        `DIVERGENCE at block ${d.height}: ${d.divergent.map((x) => x.name).join(', ')} ${d.divergent.length === 1 ? 'disagrees' : 'disagree'} with the majority\n`,
      );
    }
  }
  return report.agreed ? 0 : 1;
}
