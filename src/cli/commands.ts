/**
 * The `secret-compute` subcommands. Each opens the chain in `--home`, does one thing through LocalChain's public
 * API (so every tx takes the full encrypt → sign → verify → execute → decrypt path), closes it (committing the
 * block) and returns what to print: a JSON value for `--json` and lines for humans.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { type Account, ChainError, LocalChain, type LocalTxResult, type TxRecord } from '../chain/index.js';
import type { Coin } from '../keeper/index.js';
import { sideBySide, stateRows, terminalWidth, txHeadline, txRows } from './render.js';
import type { Progress } from './style.js';
import { type Style } from './style.js';

/** A usage mistake: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parsed command line (flags shared by all subcommands; each uses what it needs). */
export interface Invocation {
  readonly command: string;
  readonly args: readonly string[];
  readonly home: string;
  readonly json: boolean;
  readonly flags: {
    readonly from?: string | undefined;
    readonly label?: string | undefined;
    readonly admin?: string | undefined;
    readonly funds?: string | undefined;
    readonly gas?: string | undefined;
    readonly balance?: string | undefined;
    readonly chainId?: string | undefined;
    readonly scheme?: string | undefined;
    readonly seed?: string | undefined;
    readonly seconds?: string | undefined;
    readonly memo?: string | undefined;
  };
}

/** What a command produced. */
export interface Output {
  readonly json: unknown;
  readonly lines: readonly string[];
}

/** Runtime context of a command. */
export interface CommandContext {
  readonly style: Style;
  readonly progress: Progress;
  /** Contract debug output sink (stderr). */
  readonly debug: (contract: string, message: string) => void;
  readonly width: number;
}

const COIN_RE = /^(\d+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/;

/** `10uscrt,5uatom` → coins sorted by denom. */
export function parseCoins(s: string | undefined): Coin[] {
  if (s === undefined || s.trim() === '') return [];
  const coins = s.split(',').map((part) => {
    const m = COIN_RE.exec(part.trim());
    if (m === null) throw new UsageError(`invalid coin ${JSON.stringify(part)}; expected e.g. 100uscrt`);
    return { denom: m[2]!, amount: BigInt(m[1]!).toString() };
  });
  return coins.sort((a, b) => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
}

/** A JSON argument, inline or `@path/to/file.json`. */
export function parseJsonArg(s: string | undefined, what: string): object {
  if (s === undefined) throw new UsageError(`missing ${what} (JSON, or @file.json)`);
  const text = s.startsWith('@') ? readFileSync(s.slice(1), 'utf8') : s;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null) throw new UsageError(`${what} must be a JSON object`);
  return v;
}

function gasOf(s: string | undefined): { gasLimit?: bigint } {
  if (s === undefined) return {};
  if (!/^\d+$/.test(s) || BigInt(s) === 0n)
    throw new UsageError(`--gas must be a positive integer, got ${JSON.stringify(s)}`);
  return { gasLimit: BigInt(s) };
}

function need(v: string | undefined, what: string): string {
  if (v === undefined || v === '') throw new UsageError(`missing ${what}`);
  return v;
}

/** JSON-safe value: bigint → decimal string, bytes → base64. */
export function toJson(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJson(x);
    return out;
  }
  return v;
}

function dataText(data: Uint8Array | undefined): string {
  if (data === undefined) return '(none)';
  const s = new TextDecoder().decode(data);
  return /^[\x20-\x7e\n\t]*$/.test(s) ? s : `base64:${Buffer.from(data).toString('base64')}`;
}

function resultJson(r: LocalTxResult): Record<string, unknown> {
  return {
    txHash: r.txHash,
    height: r.height,
    gasUsed: r.gasUsed,
    gasWanted: r.gasWanted,
    data: r.data,
    dataText: r.data === undefined ? undefined : new TextDecoder().decode(r.data),
    events: r.events,
    debug: r.debug.length > 0 ? r.debug : undefined,
  };
}

function resultLines(r: LocalTxResult, style: Style): string[] {
  const out = [
    `${style.dim('tx')}       ${r.txHash}`,
    `${style.dim('height')}   ${r.height}`,
    `${style.dim('gas')}      ${r.gasUsed} / ${r.gasWanted}`,
    `${style.dim('data')}     ${dataText(r.data)}`,
  ];
  for (const ev of r.events) {
    if (ev.type !== 'wasm' && !ev.type.startsWith('wasm-')) continue;
    out.push(
      `${style.dim('event')}    ${style.cyan(ev.type)} ${ev.attributes.map((a) => `${a.key}=${a.value}`).join(' ')}`,
    );
  }
  return out;
}

function chainExists(home: string): boolean {
  return existsSync(join(home, 'chain.json'));
}

async function openChain(inv: Invocation, ctx: CommandContext): Promise<LocalChain> {
  if (!chainExists(inv.home)) {
    throw new ChainError(
      'INVALID_ARGUMENT',
      `no chain in ${inv.home}; run \`secret-compute init --home ${inv.home}\` first`,
    );
  }
  return LocalChain.create({ dir: inv.home, onDebug: ctx.debug });
}

async function withChain(
  inv: Invocation,
  ctx: CommandContext,
  fn: (chain: LocalChain) => Promise<Output>,
): Promise<Output> {
  const chain = await openChain(inv, ctx);
  try {
    return await fn(chain);
  } finally {
    await chain.close();
  }
}

function accountLine(
  a: Account & { accountNumber?: bigint; sequence?: bigint },
  chain: LocalChain,
  style: Style,
): string {
  const bal =
    chain
      .getBalances(a.address)
      .map((c) => `${c.amount}${c.denom}`)
      .join(',') || '0';
  return `${style.bold(a.name.padEnd(12))} ${a.address}  ${style.dim(bal)}`;
}

async function init(inv: Invocation, ctx: CommandContext): Promise<Output> {
  const home = inv.home;
  if (chainExists(home)) throw new ChainError('INVALID_ARGUMENT', `${home} already holds a chain`);
  const scheme = inv.flags.scheme;
  if (scheme !== undefined && scheme !== 'aes-256-gcm' && scheme !== 'aes-siv') {
    throw new UsageError(`--scheme must be aes-256-gcm or aes-siv, got ${JSON.stringify(scheme)}`);
  }
  const chain = await LocalChain.create({
    dir: home,
    onDebug: ctx.debug,
    ...(inv.flags.chainId === undefined ? {} : { chainId: inv.flags.chainId }),
    ...(scheme === undefined ? {} : { scheme }),
    ...(inv.flags.seed === undefined ? {} : { seed: inv.flags.seed }),
  });
  try {
    const info = {
      home: resolve(home),
      chainId: chain.chainId,
      scheme: chain.scheme,
      ioPubkey: Buffer.from(chain.ioPubkey).toString('hex'),
      height: chain.block.height,
    };
    return {
      json: info,
      lines: [
        `${ctx.style.green('initialized')} ${info.home}`,
        `chain id   ${info.chainId}`,
        `scheme     ${info.scheme}`,
        `io pubkey  ${info.ioPubkey}`,
        ctx.style.dim('next: secret-compute keys add <name> --balance 1000000uscrt'),
      ],
    };
  } finally {
    await chain.close();
  }
}

async function keys(inv: Invocation, ctx: CommandContext): Promise<Output> {
  const [sub = 'list', name] = inv.args;
  return withChain(inv, ctx, (chain) => {
    if (sub === 'list') {
      const list = chain.accounts().map((a) => ({ ...a, balances: chain.getBalances(a.address) }));
      return Promise.resolve({
        json: list.map((a) => ({ name: a.name, address: a.address, pubkey: a.pubkey, balances: a.balances })),
        lines:
          list.length === 0
            ? [ctx.style.dim('no keys; add one with `secret-compute keys add <name>`')]
            : list.map((a) => accountLine(a, chain, ctx.style)),
      });
    }
    if (sub === 'add') {
      const a = chain.createAccount({
        name: need(name, 'key name: keys add <name>'),
        balance: parseCoins(inv.flags.balance),
      });
      return Promise.resolve({
        json: { name: a.name, address: a.address, pubkey: a.pubkey, balances: chain.getBalances(a.address) },
        lines: [accountLine(a, chain, ctx.style)],
      });
    }
    if (sub === 'show') {
      const a = chain.getAccount(need(name, 'key name: keys show <name>'));
      return Promise.resolve({
        json: { ...a, balances: chain.getBalances(a.address) },
        lines: [
          accountLine(a, chain, ctx.style),
          `${ctx.style.dim('account')}  #${a.accountNumber}, sequence ${a.sequence}`,
        ],
      });
    }
    throw new UsageError(`unknown keys subcommand ${JSON.stringify(sub)} (list, add, show)`);
  });
}

async function store(inv: Invocation, ctx: CommandContext): Promise<Output> {
  const file = need(inv.args[0], 'wasm file: store <file.wasm> --from <key>');
  const wasm = new Uint8Array(readFileSync(file));
  return withChain(inv, ctx, async (chain) => {
    const r = await ctx.progress.run(`storing ${file} (${(wasm.length / 1024).toFixed(1)} KiB)`, () =>
      chain.storeCode(need(inv.flags.from, '--from <key>'), wasm, gasOf(inv.flags.gas)),
    );
    return {
      json: {
        codeId: r.codeId,
        codeHash: r.codeHash,
        txHash: r.txHash,
        height: r.height,
        gasUsed: r.gasUsed,
      },
      lines: [
        `${ctx.style.dim('code id')}  ${ctx.style.bold(String(r.codeId))}`,
        `${ctx.style.dim('hash')}     ${r.codeHash}`,
        `${ctx.style.dim('tx')}       ${r.txHash}`,
        `${ctx.style.dim('gas')}      ${r.gasUsed}`,
      ],
    };
  });
}

async function instantiate(inv: Invocation, ctx: CommandContext): Promise<Output> {
  const codeId = need(inv.args[0], 'code id: instantiate <code-id> <json> --label <label> --from <key>');
  if (!/^\d+$/.test(codeId)) throw new UsageError(`code id must be a number, got ${JSON.stringify(codeId)}`);
  const msg = parseJsonArg(inv.args[1], 'init message');
  return withChain(inv, ctx, async (chain) => {
    const r = await ctx.progress.run('instantiating', () =>
      chain.instantiate(need(inv.flags.from, '--from <key>'), BigInt(codeId), msg, {
        label: need(inv.flags.label, '--label <label>'),
        funds: parseCoins(inv.flags.funds),
        ...(inv.flags.admin === undefined ? {} : { admin: inv.flags.admin }),
        ...gasOf(inv.flags.gas),
      }),
    );
    return {
      json: { address: r.address, ...resultJson(r) },
      lines: [`${ctx.style.dim('contract')} ${ctx.style.bold(r.address)}`, ...resultLines(r, ctx.style)],
    };
  });
}

async function execute(inv: Invocation, ctx: CommandContext): Promise<Output> {
  const contract = need(inv.args[0], 'contract: execute <contract> <json> --from <key>');
  const msg = parseJsonArg(inv.args[1], 'execute message');
  return withChain(inv, ctx, async (chain) => {
    const r = await chain.execute(need(inv.flags.from, '--from <key>'), contract, msg, {
      funds: parseCoins(inv.flags.funds),
      ...gasOf(inv.flags.gas),
      ...(inv.flags.memo === undefined ? {} : { memo: inv.flags.memo }),
    });
    return { json: resultJson(r), lines: resultLines(r, ctx.style) };
  });
}

async function query(inv: Invocation, ctx: CommandContext): Promise<Output> {
  const contract = need(inv.args[0], 'contract: query <contract> <json>');
  const msg = parseJsonArg(inv.args[1], 'query message');
  return withChain(inv, ctx, async (chain) => {
    const answer = await chain.query(contract, msg);
    return { json: answer, lines: [JSON.stringify(answer, null, 2)] };
  });
}

async function send(inv: Invocation, ctx: CommandContext): Promise<Output> {
  const to = need(inv.args[0], 'recipient: send <to> <coins> --from <key>');
  const coins = parseCoins(need(inv.args[1], 'coins, e.g. 100uscrt'));
  return withChain(inv, ctx, async (chain) => {
    const r = await chain.send(need(inv.flags.from, '--from <key>'), to, coins, gasOf(inv.flags.gas));
    return { json: resultJson(r), lines: resultLines(r, ctx.style) };
  });
}

async function balance(inv: Invocation, ctx: CommandContext): Promise<Output> {
  const who = need(inv.args[0], 'account: balance <name|address>');
  return withChain(inv, ctx, (chain) => {
    const coins = chain.getBalances(who);
    return Promise.resolve({
      json: coins,
      lines: coins.length === 0 ? ['0'] : coins.map((c) => `${c.amount}${c.denom}`),
    });
  });
}

async function block(inv: Invocation, ctx: CommandContext): Promise<Output> {
  return withChain(inv, ctx, async (chain) => {
    if (inv.args[0] === 'next') {
      const seconds = inv.flags.seconds === undefined ? undefined : Number(inv.flags.seconds);
      if (seconds !== undefined && !(Number.isFinite(seconds) && seconds >= 0))
        throw new UsageError('--seconds must be a non-negative number');
      await chain.nextBlock(seconds === undefined ? {} : { seconds });
    } else if (inv.args[0] !== undefined) {
      throw new UsageError(`unknown block subcommand ${JSON.stringify(inv.args[0])} (next)`);
    }
    const b = chain.block;
    return {
      json: { height: b.height, time: b.time, appHash: chain.appHash },
      lines: [`height ${b.height}`, `time   ${b.time.toISOString()}`, `app    ${chain.appHash}`],
    };
  });
}

function inspectTx(chain: LocalChain, rec: TxRecord, ctx: CommandContext): Output {
  const dec = chain.decryptTx(rec);
  const name = chain.accounts().find((a) => a.address === rec.sender)?.name;
  return {
    json: { onChain: rec, decrypted: dec === undefined ? null : { ...dec } },
    lines: [
      txHeadline(rec, ctx.style, name),
      ...sideBySide(
        { left: 'on chain (every validator sees)', right: `${name ?? 'sender'} decrypts` },
        txRows(rec, dec),
        ctx.style,
        ctx.width,
      ),
    ],
  };
}

async function inspect(inv: Invocation, ctx: CommandContext): Promise<Output> {
  const [what, id] = inv.args;
  return withChain(inv, ctx, (chain) => {
    if (what === undefined || what === 'txs') {
      const recs = chain.recentTxs(20);
      return Promise.resolve({
        json: recs,
        lines:
          recs.length === 0
            ? [ctx.style.dim('no transactions yet')]
            : recs.map((r) => txHeadline(r, ctx.style)),
      });
    }
    if (what === 'tx') {
      const rec = chain.getTx(need(id, 'tx hash: inspect tx <hash>'));
      if (rec === undefined) throw new ChainError('INVALID_ARGUMENT', `no tx ${id}`);
      return Promise.resolve(inspectTx(chain, rec, ctx));
    }
    if (what === 'contract') {
      const addr = need(id, 'contract address: inspect contract <address>');
      const info = chain.contractInfo(addr);
      if (info === undefined) throw new ChainError('INVALID_ARGUMENT', `no contract at ${addr}`);
      const state = chain.contractState(addr);
      const txs = chain.recentTxs(1000).filter((t) => t.contract === addr);
      return Promise.resolve({
        json: {
          ...info,
          state: state.map((e) => ({ key: e.key, value: e.value })),
          txs: txs.map((t) => t.hash),
        },
        lines: [
          `${ctx.style.bold(info.label)} ${info.address}`,
          `${ctx.style.dim('code')}  #${info.codeId} ${info.codeHash}`,
          `${ctx.style.dim('admin')} ${info.admin ?? '(none)'}   ${ctx.style.dim('creator')} ${info.creator}`,
          `${ctx.style.dim('state')} ${state.length} encrypted entries, ${txs.length} txs`,
          ...sideBySide(
            { left: 'stored on chain', right: 'who can read it' },
            stateRows(state),
            ctx.style,
            ctx.width,
          ),
        ],
      });
    }
    throw new UsageError(
      `unknown inspect target ${JSON.stringify(what)} (txs, tx <hash>, contract <address>)`,
    );
  });
}

/** Subcommands by name. */
export const COMMANDS: Readonly<Record<string, (inv: Invocation, ctx: CommandContext) => Promise<Output>>> = {
  init,
  keys,
  store,
  instantiate,
  execute,
  query,
  send,
  balance,
  block,
  inspect,
};

/** Default terminal width for rendering. */
export function defaultWidth(): number {
  return terminalWidth(process.stdout);
}
