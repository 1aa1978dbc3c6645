/**
 * `network simulate`: a determinism harness (not a consensus engine). N validators, each with its own trusted
 * component, sealed keychain, state and keeper, obtain the consensus seeds by registering against a bootstrap
 * node (software attestation), then execute the same blocks of private transactions. After every block the
 * harness compares, byte for byte, every tx's result (encrypted data, events with encrypted attributes, gas,
 * error text) and the state commitment of every node, and names the nodes that disagree with the majority.
 *
 * Heights: 1 = registration block (genesis + RegisterAuth of every non-bootstrap node), 2 = deploy block (store
 * token + exerciser-v1, instantiate), 3 … B+2 = the B blocks of private transactions.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

import type { EncryptionScheme } from '../compute/scheme.js';
import { fromBech32 } from '../keeper/index.js';
import { RaAuthenticate } from '../proto/secret/registration/v1beta1/msg.js';
import {
  type AttestationAlgorithm,
  AttestationAuthority,
  measureTrustedComponent,
  RegistrationKeeper,
  TrustedNode,
  unsealKeychain,
} from '../registration/index.js';
import { DeterministicRng, type SignedTx, SimUser } from './client.js';
import { type ChainConfig, SimNode } from './node.js';
import { type PlannedTx, TOKEN_BALANCE_PER_USER, Workload } from './workload.js';

/** Faults the harness can inject into one node. */
export type FaultKind = 'wrong-seed' | 'tampered-store';

/** A fault injected into one node before the block at height `atBlock`. */
export interface FaultSpec {
  /** Index of the faulty node (0 = bootstrap node). */
  readonly node: number;
  /**
   * `wrong-seed`: the node restarts from its sealed keychain with one bit of its current seed flipped (what a
   * node that skipped registration or mis-restored its seed would hold). `tampered-store`: one bit of every
   * stored value of the token contract's encrypted state is flipped on that node's disk.
   */
  readonly kind: FaultKind;
  /** Height before which the fault is injected (≥ 2). Default: the middle of the private-tx blocks. */
  readonly atBlock?: number;
}

/** A node that disagrees with the majority at a block. */
export interface NodeDivergence {
  readonly node: number;
  readonly name: string;
  /** Human-readable: which tx's output differs first and/or that the state hash differs. */
  readonly reason: string;
  /** Index in the block of the first tx whose result differs (absent if only the state differs). */
  readonly firstTx?: number;
}

/** Per-block outcome. */
export interface BlockReport {
  readonly height: number;
  /** `registration`, `deploy` or `private txs`. */
  readonly kind: 'registration' | 'deploy' | 'private txs';
  readonly txs: number;
  /** Txs that succeeded / failed on the majority (contract errors such as overdrafts are expected failures). */
  readonly succeeded: number;
  readonly failed: number;
  /** Majority state commitment (hex). */
  readonly stateHash: string;
  /** Majority digest of all tx results (hex). */
  readonly resultsHash: string;
  /** Number of nodes in the majority. */
  readonly agreeing: number;
  readonly agreed: boolean;
  readonly divergent: readonly NodeDivergence[];
  /** Wall time of the block on all nodes together. */
  readonly millis: number;
}

/** Options of {@link simulateNetwork}. */
export interface SimulateOptions {
  /** Number of validators (≥ 1). */
  readonly validators: number;
  /** Number of private-tx blocks (≥ 0). */
  readonly blocks: number;
  /** Private txs per block (default 6). */
  readonly txsPerBlock?: number;
  /** Number of users sending txs (default 4). */
  readonly users?: number;
  readonly faulty?: FaultSpec;
  /** Called after every block. */
  readonly onBlock?: (block: BlockReport) => void;
  /** I/O encryption scheme of the chain (default `aes-256-gcm`). */
  readonly scheme?: EncryptionScheme;
  /** Seed of the clients' deterministic choices (default `secret-compute/simulate`). */
  readonly seed?: string;
  /** Directory of the fixture contracts (default: this repository's test/fixtures/contracts/). */
  readonly contractsDir?: URL | string;
  /** Where nodes keep machine keys and sealed keychains (default: a fresh temp dir, removed afterwards). */
  readonly workDir?: string;
  /** Attestation authority signature algorithm (default ed25519). */
  readonly authorityAlgorithm?: AttestationAlgorithm;
  /**
   * Restart nodes before the given heights: the node drops its trusted component and unseals it again from
   * its sealed keychain (no re-registration), keeping its state. Must not change any result.
   */
  readonly restarts?: readonly { readonly node: number; readonly atBlock: number }[];
  /** Stop after the first block with a divergence (default true). */
  readonly stopOnDivergence?: boolean;
}

/** What {@link simulateNetwork} returns. */
export interface SimulationReport {
  readonly validators: number;
  /** Private-tx blocks executed. */
  readonly blocks: number;
  /** Total txs delivered to each node (registration + deploy + private). */
  readonly txs: number;
  /** True if every node agreed on every block. */
  readonly agreed: boolean;
  /** The first block where some node disagreed. */
  readonly firstDivergence?: BlockReport;
  readonly blockReports: readonly BlockReport[];
  /** Measurement of the trusted component every node attested (hex). */
  readonly measurement: string;
  /** The network io key users encrypted to (hex). */
  readonly ioPublicKey: string;
  /**
   * What clients see at the end (only when every node agreed): each user's token balance, queried with an
   * encrypted query on every node and decrypted by the user; identical on all nodes by construction of the
   * check (a disagreement throws), and the balances must sum to the minted supply (transfers conserve it).
   */
  readonly clientView?: {
    readonly balances: Readonly<Record<string, string>>;
    readonly supplyConserved: boolean;
  };
  readonly registrationMillis: number;
  readonly totalMillis: number;
}

/** Default fixture directory: the repository's committed test contracts. */
export const DEFAULT_CONTRACTS_DIR = new URL('../../test/fixtures/contracts/', import.meta.url);

const CHAIN_ID = 'secret-sim-1';
const GENESIS_TIME = 1_700_000_000_000_000_000n;
const BLOCK_TIME = 6_000_000_000n;

interface TxOutcome {
  readonly digest: string;
  readonly ok: boolean;
  readonly summary: string;
}

interface NodeBlock {
  readonly outcomes: TxOutcome[];
  readonly stateHash: string;
  readonly resultsHash: string;
}

function canonical(v: unknown): unknown {
  if (v instanceof Uint8Array) return `0x${bytesToHex(v)}`;
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

function digest(v: unknown): string {
  return bytesToHex(sha256(new TextEncoder().encode(JSON.stringify(canonical(v)))));
}

async function deliver(node: SimNode, txs: readonly PlannedTx[]): Promise<TxOutcome[]> {
  const outcomes: TxOutcome[] = [];
  for (let i = 0; i < txs.length; i++) {
    const tx = txs[i]!;
    node.currentTx = { index: i, hash: tx.signed.hash, sigInfo: tx.signed.sigInfo };
    node.lastResult = undefined;
    try {
      const result = await tx.deliver(node);
      const last = node.lastResult as SimNode['lastResult'];
      const record = { ok: true, result, gasUsed: last?.gasUsed, events: last?.events };
      outcomes.push({ digest: digest(record), ok: true, summary: 'ok' });
    } catch (e) {
      const err = e as { name?: string; code?: unknown; codespace?: unknown; message?: string };
      const record = {
        ok: false,
        name: err.name,
        code: err.code,
        codespace: err.codespace,
        message: err.message,
      };
      outcomes.push({
        digest: digest(record),
        ok: false,
        summary: `${err.name ?? 'Error'}: ${err.message ?? ''}`,
      });
    } finally {
      node.currentTx = undefined;
    }
  }
  return outcomes;
}

function commit(node: SimNode, outcomes: TxOutcome[]): NodeBlock {
  const { hash } = node.store.commit(node.block.current().height);
  const resultsHash = bytesToHex(sha256(new TextEncoder().encode(outcomes.map((o) => o.digest).join(''))));
  return { outcomes, stateHash: bytesToHex(hash), resultsHash };
}

/** Majority vote over the nodes' (results, state) pairs; ties go to the group holding the lowest node index. */
function compare(
  height: number,
  kind: BlockReport['kind'],
  nodes: readonly SimNode[],
  results: readonly NodeBlock[],
  txs: readonly PlannedTx[],
  millis: number,
): BlockReport {
  const groups = new Map<string, number[]>();
  results.forEach((r, i) => {
    const k = `${r.resultsHash}/${r.stateHash}`;
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [i]);
    else g.push(i);
  });
  let best: number[] = [];
  for (const g of groups.values()) if (g.length > best.length) best = g;
  const ref = results[best[0]!]!;
  const divergent: NodeDivergence[] = [];
  results.forEach((r, i) => {
    if (best.includes(i)) return;
    const reasons: string[] = [];
    const firstTx = r.outcomes.findIndex((o, j) => o.digest !== ref.outcomes[j]?.digest);
    if (firstTx >= 0) {
      const mine = r.outcomes[firstTx]!;
      const theirs = ref.outcomes[firstTx]!;
      reasons.push(
        `tx #${firstTx} (${txs[firstTx]?.label ?? '?'}) output differs: majority ${theirs.summary}; this node ${truncate(mine.summary)}`,
      );
    }
    if (r.stateHash !== ref.stateHash) {
      reasons.push(`state hash ${r.stateHash.slice(0, 16)}… ≠ majority ${ref.stateHash.slice(0, 16)}…`);
    }
    divergent.push({
      node: i,
      name: nodes[i]!.name,
      reason: reasons.join('; '),
      ...(firstTx >= 0 ? { firstTx } : {}),
    });
  });
  const succeeded = ref.outcomes.filter((o) => o.ok).length;
  return {
    height,
    kind,
    txs: txs.length,
    succeeded,
    failed: ref.outcomes.length - succeeded,
    stateHash: ref.stateHash,
    resultsHash: ref.resultsHash,
    agreeing: best.length,
    agreed: divergent.length === 0,
    divergent,
    millis,
  };
}

function truncate(s: string): string {
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

/** A RegisterAuth tx of node `i` (delivered to the registration Msg server). */
function registrationTx(operator: SimUser, certificate: Uint8Array, label: string): PlannedTx {
  const req = { sender: operator.canonical, certificate, replaceMachineId: '' };
  const signed: SignedTx = operator.sign(
    '/secret.registration.v1beta1.RaAuthenticate',
    RaAuthenticate.encode(req).finish(),
  );
  return { label, signed, deliver: (n) => n.registrationMsgs.RegisterAuth(req) };
}

/** Smallest key greater than every key starting with `prefix` (undefined: unbounded). */
function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const end = prefix.slice();
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}

function injectFault(node: SimNode, fault: FaultSpec, tokenAddress: string): void {
  if (fault.kind === 'wrong-seed') {
    const keychain = unsealKeychain(node.sealedPath, {
      machineKey: node.machineKey,
      measurement: node.trusted.measurement,
    });
    const seeds = keychain.seeds.map((s) => s.slice());
    seeds[seeds.length - 1]![0]! ^= 0x01;
    node.restartWith(TrustedNode.fromKeychain({ ...keychain, seeds }, node.trusted.measurement));
    return;
  }
  // flip one bit of every stored value of the token contract (prefix 0x03 ‖ addr20, spec §1.6)
  const addr = fromBech32(tokenAddress);
  const start = new Uint8Array(1 + addr.length);
  start[0] = 0x03;
  start.set(addr, 1);
  const entries: [Uint8Array, Uint8Array][] = [];
  const it = node.store.iterator(start, prefixEnd(start));
  try {
    for (const [k, v] of it) entries.push([k.slice(), v.slice()]);
  } finally {
    it.close();
  }
  for (const [k, v] of entries) {
    v[v.length - 1]! ^= 0x01;
    node.store.set(k, v);
  }
}

/** Every user's token balance as the user decrypts it, from every node (they must answer the same). */
async function queryBalances(
  nodes: readonly SimNode[],
  users: readonly SimUser[],
  workload: Workload,
  rng: DeterministicRng,
): Promise<{ balances: Record<string, string>; supplyConserved: boolean }> {
  const token = workload.deployment.token;
  const balances: Record<string, string> = {};
  let total = 0n;
  for (const u of users) {
    const wire = u.encrypt(token.codeHash, { balance: { address: u.address } }, rng.bytes32());
    const answers = new Set<string>();
    for (const node of nodes) {
      const r = await node.queries.QuerySecretContract({ contractAddress: token.address, query: wire });
      answers.add(new TextDecoder().decode(u.io.decryptQueryResult(r.data, u.io.nonceOf(wire))));
    }
    if (answers.size !== 1)
      throw new Error(`nodes answered ${u.name}'s balance query differently: ${[...answers].join(' / ')}`);
    const balance = (JSON.parse([...answers][0]!) as { balance: string }).balance;
    balances[u.name] = balance;
    total += BigInt(balance);
  }
  return { balances, supplyConserved: total === BigInt(users.length) * TOKEN_BALANCE_PER_USER };
}

/** Runs the simulation (see the module comment). */
export async function simulateNetwork(opts: SimulateOptions): Promise<SimulationReport> {
  const t0 = performance.now();
  const validators = opts.validators;
  if (!Number.isInteger(validators) || validators < 1)
    throw new RangeError('validators must be an integer ≥ 1');
  if (!Number.isInteger(opts.blocks) || opts.blocks < 0)
    throw new RangeError('blocks must be an integer ≥ 0');
  const fault = opts.faulty;
  const firstTxHeight = 3;
  const faultHeight =
    fault === undefined ? undefined : (fault.atBlock ?? firstTxHeight + Math.floor(opts.blocks / 2));
  if (fault !== undefined) {
    if (!Number.isInteger(fault.node) || fault.node < 0 || fault.node >= validators) {
      throw new RangeError(`faulty node ${fault.node} out of range 0..${validators - 1}`);
    }
    if (faultHeight! < 2) throw new RangeError('a fault can be injected before height 2 or later');
  }
  const seed = opts.seed ?? 'secret-compute/simulate';
  const scheme = opts.scheme ?? 'aes-256-gcm';
  const ownDir = opts.workDir === undefined;
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'secret-compute-sim-'));
  try {
    // ---- chain configuration: one authority, the measurement of this very code, the allow-list
    const measurement = measureTrustedComponent();
    const authority = AttestationAuthority.fromSecret(
      opts.authorityAlgorithm ?? 'ed25519',
      sha256(new TextEncoder().encode(`${seed}/authority`)),
    );
    const config: ChainConfig = {
      chainId: CHAIN_ID,
      scheme,
      policy: { authorities: [authority.key], measurements: [measurement] },
      genesisTimeNanos: GENESIS_TIME,
      blockTimeNanos: BLOCK_TIME,
    };
    const nodeDir = (i: number): string => {
      const d = join(workDir, `node${i}`);
      mkdirSync(d, { recursive: true });
      return d;
    };
    const reportTime = GENESIS_TIME - 1_000_000_000n;

    // ---- height 1: bootstrap node, genesis, registration of every other node
    const tReg = performance.now();
    const bootstrap = new SimNode(0, nodeDir(0), config, TrustedNode.bootstrap({ measurement }));
    const genesis = RegistrationKeeper.bootstrapGenesis(
      bootstrap.trusted,
      authority.attest(bootstrap.trusted.registrationPublicKey, measurement, reportTime),
    );
    bootstrap.trusted.seal(bootstrap.sealedPath, bootstrap.machineKey);
    bootstrap.restartWith(TrustedNode.unseal(bootstrap.sealedPath, bootstrap.machineKey, measurement));
    const nodes: SimNode[] = [bootstrap];
    for (let i = 1; i < validators; i++) {
      const node = new SimNode(i, nodeDir(i), config, TrustedNode.create({ measurement }));
      node.trusted.seal(node.sealedPath, node.machineKey); // key gen seals the registration key
      nodes.push(node);
    }
    const rng = new DeterministicRng(seed);
    const operators = nodes.map(
      (n) => new SimUser(`operator${n.index}`, rng, bootstrap.trusted.ioPublicKey, scheme, 0n, CHAIN_ID),
    );
    const registrationTxs = nodes
      .slice(1)
      .map((n) =>
        registrationTx(
          operators[n.index]!,
          authority.attest(n.trusted.registrationPublicKey, measurement, reportTime),
          `RegisterAuth ${n.name}`,
        ),
      );

    bootstrap.registration.initGenesis(genesis);
    const regResults: NodeBlock[] = [];
    const bootOutcomes = await deliver(bootstrap, registrationTxs);
    for (const node of nodes.slice(1)) {
      // seed delivery: query the bootstrap node, decrypt in the trusted component, seal, restart from the seal
      const pk = node.trusted.registrationPublicKey;
      const { encryptedSeed } = await bootstrap.registrationQueries.EncryptedSeed({ pubKey: pk });
      const master = (await bootstrap.registrationQueries.RegistrationKey({})).key;
      const io = (await bootstrap.registrationQueries.TxKey({})).key;
      node.trusted.initFromSeedShares(master, encryptedSeed, io);
      node.trusted.seal(node.sealedPath, node.machineKey, { overwrite: true });
      node.restartWith(TrustedNode.unseal(node.sealedPath, node.machineKey, measurement));
      node.registration.initGenesis(genesis);
    }
    bootstrap.startCompute();
    const ioPublicKey = bootstrap.trusted.ioPublicKey;
    const users = Array.from(
      { length: opts.users ?? 4 },
      (_, i) => new SimUser(`user${i}`, rng, ioPublicKey, scheme, BigInt(100 + i), CHAIN_ID),
    );
    for (const node of nodes) {
      node.keeper.runTx({}, (ctx) => {
        for (const u of users) node.bank.mint(ctx, u.address, [{ denom: 'uscrt', amount: '1000000000' }]);
      });
    }
    const blockReports: BlockReport[] = [];
    let firstDivergence: BlockReport | undefined;
    const record = (r: BlockReport): void => {
      blockReports.push(r);
      if (!r.agreed && firstDivergence === undefined) firstDivergence = r;
      opts.onBlock?.(r);
    };
    regResults.push(commit(bootstrap, bootOutcomes));
    for (const node of nodes.slice(1)) regResults.push(commit(node, await deliver(node, registrationTxs)));
    record(compare(1, 'registration', nodes, regResults, registrationTxs, performance.now() - tReg));
    const registrationMillis = performance.now() - tReg;
    let txCount = registrationTxs.length;

    // ---- height 2: deploy; heights 3..: private txs
    const workload = new Workload(users, rng, opts.contractsDir ?? DEFAULT_CONTRACTS_DIR);
    const lastHeight = firstTxHeight + opts.blocks - 1;
    for (let height = 2; height <= lastHeight; height++) {
      if (firstDivergence !== undefined && opts.stopOnDivergence !== false) break;
      const t = performance.now();
      for (const node of nodes) node.block.nextBlock();
      for (const r of opts.restarts ?? []) {
        if (r.atBlock !== height) continue;
        const node = nodes[r.node];
        if (node === undefined) throw new RangeError(`restart node ${r.node} out of range`);
        node.restartWith(TrustedNode.unseal(node.sealedPath, node.machineKey, measurement));
      }
      if (fault !== undefined && height === faultHeight) {
        injectFault(nodes[fault.node]!, fault, workload.deployment.token.address);
      }
      const txs =
        height === 2 ? workload.deployBlock() : workload.block(BigInt(height), opts.txsPerBlock ?? 6);
      const results: NodeBlock[] = [];
      for (const node of nodes) {
        node.keeper.beginBlock();
        results.push(commit(node, await deliver(node, txs)));
      }
      txCount += txs.length;
      record(
        compare(height, height === 2 ? 'deploy' : 'private txs', nodes, results, txs, performance.now() - t),
      );
    }
    const clientView =
      firstDivergence === undefined ? await queryBalances(nodes, users, workload, rng) : undefined;
    return {
      validators,
      ...(clientView === undefined ? {} : { clientView }),
      blocks: blockReports.filter((b) => b.kind === 'private txs').length,
      txs: txCount,
      agreed: firstDivergence === undefined,
      ...(firstDivergence === undefined ? {} : { firstDivergence }),
      blockReports,
      measurement: bytesToHex(measurement),
      ioPublicKey: bytesToHex(ioPublicKey),
      registrationMillis,
      totalMillis: performance.now() - t0,
    };
  } finally {
    if (ownDir) rmSync(workDir, { recursive: true, force: true });
  }
}
