/**
 * The transactions of the simulation: a deploy block (token + exerciser contracts) followed by blocks of
 * private transactions from several users against several contracts (token transfers, some failing; state
 * writes; a cross-contract query; submessages with replies; contract errors). Everything is planned from a
 * seeded {@link DeterministicRng}, signed once, and the same bytes are delivered to every node.
 */
import { readFileSync } from 'node:fs';

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

import { contractAddress, fromBech32, toBech32 } from '../keeper/index.js';
import {
  MsgExecuteContract,
  MsgInstantiateContract,
  MsgStoreCode,
} from '../proto/secret/compute/v1beta1/msg.js';
import type { DeterministicRng, SignedTx, SimUser } from './client.js';
import type { SimNode } from './node.js';

/** One tx as planned by the clients. */
export interface PlannedTx {
  /** Short human description, e.g. `transfer user1→user3 17`. */
  readonly label: string;
  readonly signed: SignedTx;
  /** Delivers the tx to one node's Msg server (the node's `currentTx` is set by the caller). */
  readonly deliver: (node: SimNode) => Promise<unknown>;
}

/** Contracts deployed by the deploy block. */
export interface Deployment {
  readonly token: { readonly address: string; readonly codeHash: Uint8Array };
  readonly exerciserA: { readonly address: string; readonly codeHash: Uint8Array };
  readonly exerciserB: { readonly address: string; readonly codeHash: Uint8Array };
}

/** Initial token balance of every user. */
export const TOKEN_BALANCE_PER_USER = 1_000_000n;

function b64Json(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64');
}

/** Loads a fixture contract from `dir` (a directory URL or path). */
export function loadContract(dir: URL | string, name: string): Uint8Array {
  const base = typeof dir === 'string' ? new URL(`file://${dir.endsWith('/') ? dir : `${dir}/`}`) : dir;
  return new Uint8Array(readFileSync(new URL(`${name}.wasm`, base)));
}

/** Plans the transactions of the simulation. */
export class Workload {
  readonly deployment: Deployment;
  private readonly tokenWasm: Uint8Array;
  private readonly exerciserWasm: Uint8Array;

  constructor(
    private readonly users: readonly SimUser[],
    private readonly rng: DeterministicRng,
    contractsDir: URL | string,
  ) {
    this.tokenWasm = loadContract(contractsDir, 'token');
    this.exerciserWasm = loadContract(contractsDir, 'exerciser-v1');
    const creator = this.users[0]!.canonical;
    // code ids 1, 2 and instance ids 1, 2, 3 on a fresh chain; the address rule is §8 fact 8
    this.deployment = {
      token: { address: toBech32(contractAddress(1n, 1n, creator)), codeHash: sha256(this.tokenWasm) },
      exerciserA: {
        address: toBech32(contractAddress(2n, 2n, creator)),
        codeHash: sha256(this.exerciserWasm),
      },
      exerciserB: {
        address: toBech32(contractAddress(2n, 3n, creator)),
        codeHash: sha256(this.exerciserWasm),
      },
    };
  }

  private storeCode(user: SimUser, wasm: Uint8Array, label: string): PlannedTx {
    const msg = MsgStoreCode.fromPartial({ sender: user.canonical, wasmByteCode: wasm });
    const signed = user.sign('/secret.compute.v1beta1.MsgStoreCode', MsgStoreCode.encode(msg).finish());
    return { label, signed, deliver: (n) => n.msgs.StoreCode(msg) };
  }

  private instantiate(
    user: SimUser,
    codeId: bigint,
    codeHash: Uint8Array,
    init: object,
    label: string,
  ): PlannedTx {
    const msg = MsgInstantiateContract.fromPartial({
      sender: user.canonical,
      codeId,
      label,
      initMsg: user.encrypt(codeHash, init, this.rng.bytes32()),
      initFunds: [],
      admin: '',
    });
    const signed = user.sign(
      '/secret.compute.v1beta1.MsgInstantiateContract',
      MsgInstantiateContract.encode(msg).finish(),
    );
    return { label: `instantiate ${label}`, signed, deliver: (n) => n.msgs.InstantiateContract(msg) };
  }

  private execute(
    user: SimUser,
    contract: { address: string; codeHash: Uint8Array },
    cmd: object,
    label: string,
  ): PlannedTx {
    const msg = MsgExecuteContract.fromPartial({
      sender: user.canonical,
      contract: fromBech32(contract.address),
      msg: user.encrypt(contract.codeHash, cmd, this.rng.bytes32()),
      sentFunds: [],
      callbackSig: new Uint8Array(0),
    });
    const signed = user.sign(
      '/secret.compute.v1beta1.MsgExecuteContract',
      MsgExecuteContract.encode(msg).finish(),
    );
    return { label, signed, deliver: (n) => n.msgs.ExecuteContract(msg) };
  }

  /** The deploy block: store both codes, instantiate the token (every user funded) and two exercisers. */
  deployBlock(): PlannedTx[] {
    const admin = this.users[0]!;
    const d = this.deployment;
    return [
      this.storeCode(admin, this.tokenWasm, 'store token'),
      this.storeCode(admin, this.exerciserWasm, 'store exerciser-v1'),
      this.instantiate(
        admin,
        1n,
        d.token.codeHash,
        {
          name: 'Simulated',
          symbol: 'SIM',
          decimals: 6,
          initial_balances: this.users.map((u) => ({
            address: u.address,
            amount: TOKEN_BALANCE_PER_USER.toString(),
          })),
          minter: admin.address,
        },
        'token',
      ),
      this.instantiate(admin, 2n, d.exerciserA.codeHash, {}, 'exerciser-a'),
      this.instantiate(admin, 2n, d.exerciserB.codeHash, {}, 'exerciser-b'),
    ];
  }

  /** A block of `count` private txs from random users. */
  block(height: bigint, count: number): PlannedTx[] {
    const d = this.deployment;
    const txs: PlannedTx[] = [];
    for (let i = 0; i < count; i++) {
      const from = this.users[this.rng.int(this.users.length)]!;
      const to = this.users[this.rng.int(this.users.length)]!;
      const kind = this.rng.int(10);
      if (kind < 4) {
        // one transfer in eight overdraws: a deterministic contract error ("Insufficient funds")
        const amount = this.rng.int(8) === 0 ? '1000000000000' : String(1 + this.rng.int(1000));
        txs.push(
          this.execute(
            from,
            d.token,
            { transfer: { recipient: to.address, amount } },
            `transfer ${from.name}→${to.name} ${amount}`,
          ),
        );
      } else if (kind < 6) {
        const value = bytesToHex(this.rng.bytes32()).slice(0, 16);
        txs.push(
          this.execute(
            from,
            d.exerciserA,
            { set: { key: `${from.name}/${height}`, value } },
            `set ${from.name}/${height}`,
          ),
        );
      } else if (kind < 7) {
        txs.push(
          this.execute(
            from,
            d.exerciserA,
            {
              query_other: {
                contract_addr: d.token.address,
                code_hash: bytesToHex(d.token.codeHash),
                msg: { balance: { address: to.address } },
              },
            },
            `query token balance of ${to.name} via exerciser`,
          ),
        );
      } else if (kind < 9) {
        const set = { set: { key: `sub/${from.name}`, value: String(height) } };
        const sub = {
          id: 1 + this.rng.int(1000),
          msg: {
            wasm: {
              execute: {
                contract_addr: d.exerciserB.address,
                code_hash: bytesToHex(d.exerciserB.codeHash),
                msg: b64Json(set),
                send: [],
              },
            },
          },
          gas_limit: null,
          reply_on: 'always',
        };
        txs.push(
          this.execute(
            from,
            d.exerciserA,
            { respond: { messages: [sub], attributes: [{ key: 'by', value: from.name, encrypted: true }] } },
            `submessage A→B with reply (${from.name})`,
          ),
        );
      } else {
        txs.push(
          this.execute(
            from,
            d.exerciserB,
            { fail: { msg: `refused for ${from.name}` } },
            `fail (${from.name})`,
          ),
        );
      }
    }
    return txs;
  }
}
