/**
 * `npm start`: private token transfers on a local Secret chain, showing side by side what every validator sees
 * (encrypted input, encrypted events, encrypted contract state, encrypted errors) and what each user decrypts.
 * Runs from source via tsx on a fresh clone after `npm ci`; nothing is downloaded. Colour only on a TTY, never
 * under NO_COLOR.
 */
import { readFileSync } from 'node:fs';

import { sideBySide, stateRows, terminalWidth, txRows } from '../src/cli/render.js';
import { colourFor, createStyle, padEnd } from '../src/cli/style.js';
import { type Account, ContractError, LocalChain } from '../src/index.js';

const style = createStyle(colourFor(process.stdout));
const width = Math.min(terminalWidth(process.stdout), 140);
const out = (line = ''): void => {
  process.stdout.write(line + '\n');
};
const section = (n: number, title: string): void => {
  out();
  out(style.bold(style.blue(`${n}. ${title}`)));
};
const fmt = (n: bigint | number): string => n.toLocaleString('en-US');
/** Prints two columns (left: what validators store, right: what the owner decrypts), indented. */
const twoColumns = (
  headers: { left: string; right: string },
  rows: Parameters<typeof sideBySide>[1],
): void => {
  for (const line of sideBySide(headers, rows, style, width)) out('  ' + line);
};

const TOKEN_WASM = new Uint8Array(
  readFileSync(new URL('../test/fixtures/contracts/token.wasm', import.meta.url)),
);

async function main(): Promise<void> {
  const started = performance.now();
  out(style.bold('secret-compute demo') + style.dim(' — private CosmWasm tokens on a local Secret chain'));
  out(
    style.dim(
      'Every call below is a real tx: encrypted to the network key, signed with cosmjs, decoded and verified by the chain, executed in the enclave, decrypted by its sender.',
    ),
  );

  const chain = await LocalChain.create({ seed: 'secret-compute demo', onDebug: false });
  section(1, 'A fresh local chain and three accounts');
  out(
    `chain ${style.bold(chain.chainId)} · I/O encryption ${style.bold(chain.scheme)} · network key ${style.dim(Buffer.from(chain.ioPubkey).toString('hex'))}`,
  );
  const names = ['alice', 'bob', 'carol'] as const;
  const users: Record<(typeof names)[number], Account> = {
    alice: chain.createAccount({ name: 'alice', balance: [{ denom: 'uscrt', amount: '1000000' }] }),
    bob: chain.createAccount({ name: 'bob', balance: [{ denom: 'uscrt', amount: '1000000' }] }),
    carol: chain.createAccount({ name: 'carol', balance: [{ denom: 'uscrt', amount: '1000000' }] }),
  };
  for (const n of names) out(`  ${padEnd(style.bold(n), 8)} ${users[n].address}`);

  section(2, 'Upload and instantiate the token contract (test/fixtures/contracts/token.wasm)');
  const code = await chain.storeCode(users.alice, TOKEN_WASM);
  out(
    `  code #${code.codeId} · ${fmt(TOKEN_WASM.length)} bytes · sha256 ${style.dim(code.codeHash)} · gas ${fmt(code.gasUsed)}`,
  );
  const token = await chain.instantiate(
    users.alice,
    code.codeId,
    {
      name: 'Secret Demo Token',
      symbol: 'SDT',
      decimals: 6,
      initial_balances: [{ address: users.alice.address, amount: '1000000' }],
      minter: null,
    },
    { label: 'secret-demo-token' },
  );
  out(`  contract ${style.bold(token.address)} · alice holds 1,000,000 SDT · gas ${fmt(token.gasUsed)}`);
  await chain.nextBlock();

  section(3, 'alice privately sends 250,000 SDT to bob');
  const t1 = await chain.execute(users.alice, token.address, {
    transfer: { recipient: users.bob.address, amount: '250000' },
  });
  const rec1 = chain.getTx(t1.txHash)!;
  out(style.dim(`  tx ${t1.txHash} · block ${t1.height} · gas ${fmt(t1.gasUsed)}`));
  twoColumns(
    { left: 'what every validator sees', right: 'what alice sees' },
    txRows(rec1, chain.decryptTx(rec1)),
  );

  section(4, 'More private transfers');
  const transfers: [keyof typeof users, keyof typeof users, string][] = [
    ['bob', 'carol', '100000'],
    ['carol', 'alice', '30000'],
    ['alice', 'carol', '5000'],
  ];
  for (const [from, to, amount] of transfers) {
    const r = await chain.execute(users[from], token.address, {
      transfer: { recipient: users[to].address, amount },
    });
    const wasm = r.events.find((e) => e.type === 'wasm')!;
    const enc = r.raw.events.find((e) => e.type === 'wasm')!;
    const amountAttr = enc.attributes.find((_, i) => wasm.attributes[i]?.key === 'amount');
    out(
      `  ${padEnd(from, 6)} → ${padEnd(to, 6)} ${style.green(padEnd(`${fmt(BigInt(amount))} SDT`, 12))}` +
        style.dim(`  on chain: amount = ${amountAttr?.value.slice(0, 36) ?? '?'}…`),
    );
  }
  await chain.nextBlock();

  section(5, 'A transfer that fails: carol tries to send more than she has');
  try {
    await chain.execute(users.carol, token.address, {
      transfer: { recipient: users.bob.address, amount: '999999999' },
    });
    throw new Error('the transfer unexpectedly succeeded');
  } catch (e) {
    if (!(e instanceof ContractError)) throw e;
    const rec = chain.getTx(e.txHash!)!;
    twoColumns(
      { left: 'what every validator sees', right: 'what carol sees' },
      txRows(rec, chain.decryptTx(rec)),
    );
    out(
      style.dim(
        `  nothing changed: the state rolled back; carol's sequence still advanced (${chain.getAccount('carol').sequence})`,
      ),
    );
  }

  section(6, 'Balances: the contract state on disk vs. what each owner can query');
  const state = chain.contractState(token.address);
  twoColumns({ left: 'stored by every node', right: 'readable by' }, stateRows(state, 4));
  out();
  for (const n of names) {
    const { balance } = await chain.query<{ balance: string }>(token.address, {
      balance: { address: users[n].address },
    });
    out(
      `  ${padEnd(style.bold(n), 8)} ${style.green(padEnd(`${fmt(BigInt(balance))} SDT`, 14))} ${style.dim('(encrypted query, decrypted by the asker)')}`,
    );
  }
  const info = await chain.query<{ total_supply: string }>(token.address, { token_info: {} });
  out(`  ${padEnd(style.bold('total'), 8)} ${fmt(BigInt(info.total_supply))} SDT`);

  await chain.nextBlock();
  const txs = chain.recentTxs(100).length;
  out();
  out(
    style.dim(
      `${txs} transactions in ${chain.block.height - 1} blocks · app hash ${chain.appHash.slice(0, 16)}… · ${((performance.now() - started) / 1000).toFixed(1)} s`,
    ),
  );
  out(
    style.dim(
      'Try it yourself: npx secret-compute --help (after npm run build), or see docs/testing-your-contract.md',
    ),
  );
  await chain.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`demo failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
