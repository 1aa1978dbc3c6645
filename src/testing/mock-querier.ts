/** Querier for tests (cosmwasm_vm::testing::MockQuerier): bank balances plus pluggable wasm/custom handlers. */
import type { GasInfo, Querier, QuerierResult } from '../runtime/backend.js';
import { NO_GAS } from '../runtime/backend.js';
import type { Coin } from '../runtime/env.js';
import { utf8 } from '../runtime/memory.js';

/** Handlers for query kinds; a request whose handler is unset throws "not expected to be called". */
export interface MockQuerierHandlers {
  /** `{"wasm":{"smart":{contract_addr, callback_code_hash|code_hash, msg}}}` with msg base64-decoded. */
  wasmSmart?: (
    contractAddr: string,
    msg: Uint8Array,
    codeHash: string | undefined,
    queryDepth: number,
  ) => QuerierResult;
  /** Any other request JSON. */
  other?: (request: unknown, queryDepth: number) => QuerierResult;
  /** Gas reported per query (default none). */
  gas?: (request: Uint8Array, result: QuerierResult) => GasInfo;
}

/** Mock querier with bank balances. */
export class MockQuerier implements Querier {
  private readonly balances = new Map<string, Coin[]>();
  /** Every request received (raw bytes), for assertions. */
  readonly requests: Uint8Array[] = [];

  constructor(private readonly handlers: MockQuerierHandlers = {}) {}

  /** Sets the balance of an address for bank queries. */
  setBalance(address: string, coins: Coin[]): this {
    this.balances.set(
      address,
      coins.map((c) => ({ ...c })),
    );
    return this;
  }

  query(request: Uint8Array, _gasLimit: bigint, queryDepth: number): { result: QuerierResult; gas: GasInfo } {
    this.requests.push(request.slice());
    const parsed = JSON.parse(new TextDecoder().decode(request)) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    const result = this.answer(parsed, queryDepth);
    return { result, gas: this.handlers.gas?.(request, result) ?? NO_GAS };
  }

  private answer(req: Record<string, Record<string, Record<string, unknown>>>, depth: number): QuerierResult {
    const bank = req['bank'];
    if (bank !== undefined) {
      const bal = bank['balance'];
      if (bal !== undefined) {
        const coins = this.balances.get(String(bal['address'])) ?? [];
        const denom = String(bal['denom']);
        const amount = coins.find((c) => c.denom === denom)?.amount ?? '0';
        return ok({ amount: { denom, amount } });
      }
      const all = bank['all_balances'];
      if (all !== undefined) return ok({ amount: this.balances.get(String(all['address'])) ?? [] });
    }
    const smart = req['wasm']?.['smart'];
    if (smart !== undefined && this.handlers.wasmSmart !== undefined) {
      const hash = smart['callback_code_hash'] ?? smart['code_hash'];
      return this.handlers.wasmSmart(
        String(smart['contract_addr']),
        Uint8Array.from(Buffer.from(String(smart['msg']), 'base64')),
        typeof hash === 'string' ? hash : undefined,
        depth,
      );
    }
    if (this.handlers.other !== undefined) return this.handlers.other(req, depth);
    throw new Error(`MockQuerier: query ${Object.keys(req).join(',')} not expected to be called`);
  }
}

function ok(value: unknown): QuerierResult {
  return { ok: { ok: utf8.encode(JSON.stringify(value)) } };
}
