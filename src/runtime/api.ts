/**
 * Secret's address API: bech32 with a fixed prefix (`secret`), error texts as the Rust `bech32` crate displays
 * them, because contracts see these strings (spec §3.5).
 */
import { bech32 } from '@scure/base';

import type { AddressFlavor, Api, BackendResult, GasInfo } from './backend.js';
import { NO_GAS } from './backend.js';
import { ADDRESS_MEMO_SIZE } from './limits.js';

/** Default human-readable part on Secret Network. */
export const SECRET_BECH32_PREFIX = 'secret';

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
/** bech32 (BIP-173) string length limit enforced by the Rust crate Secret uses. */
const BECH32_MAX_LENGTH = 90;

/** Decodes bech32 to `{ prefix, data }` or returns the Rust-crate error display. */
export function decodeBech32(address: string): { prefix: string; data: Uint8Array } | { error: string } {
  if (address.length < 8 || address.length > BECH32_MAX_LENGTH) return { error: 'invalid length' };
  const lower = address.toLowerCase();
  if (lower !== address && address.toUpperCase() !== address)
    return { error: 'mixed-case strings not allowed' };
  const sep = lower.lastIndexOf('1');
  if (sep === -1) return { error: 'missing human-readable separator, "1"' };
  if (sep === 0 || lower.length - sep - 1 < 6) return { error: 'invalid length' };
  for (let i = 0; i < sep; i++) {
    const c = lower.charCodeAt(i);
    if (c < 33 || c > 126) return { error: `invalid character (code=${c})` };
  }
  for (let i = sep + 1; i < lower.length; i++) {
    if (!CHARSET.includes(lower.charAt(i)))
      return { error: `invalid character (code=${lower.charCodeAt(i)})` };
  }
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32.decode(lower as `${string}1${string}`, BECH32_MAX_LENGTH);
  } catch {
    return { error: 'invalid checksum' };
  }
  const bytes = bech32.fromWordsUnsafe(decoded.words);
  if (bytes === undefined) return { error: 'invalid padding' };
  return { prefix: decoded.prefix, data: Uint8Array.from(bytes) };
}

/** Encodes bytes of any length as bech32 with `prefix` (no 90-character limit, like Secret's humanize). */
export function encodeBech32(prefix: string, data: Uint8Array): string {
  return bech32.encode(prefix, bech32.toWords(data), false);
}

/**
 * The real address API: bech32 with one prefix. Gas is 0 here because the runtime charges Secret's flat 8,192 per
 * address operation itself (GasConfig); a chain embedding with other pricing can wrap this.
 */
export class Bech32Api implements Api {
  /**
   * Memo of both conversions (pure functions of their input, so caching changes no result, only speed): a token
   * transfer validates and canonicalizes the same few addresses every call, and bech32 in JS costs ~10 µs each.
   * Bounded by {@link ADDRESS_MEMO_SIZE}; the oldest entry goes first.
   */
  private readonly canonMemo = new Map<string, BackendResult<Uint8Array>>();
  private readonly humanMemo = new Map<string, BackendResult<string>>();
  /** v1 `addr_validate` verdicts (round trip included), when both conversions are this class's own. */
  private readonly validMemo: Map<string, BackendResult<true>> | undefined;

  constructor(readonly prefix: string = SECRET_BECH32_PREFIX) {
    // A subclass that overrides a conversion may answer differently per call: validate through it every time.
    const own =
      this.canonicalizeAddress === Bech32Api.prototype.canonicalizeAddress &&
      this.humanizeAddress === Bech32Api.prototype.humanizeAddress;
    this.validMemo = own ? new Map() : undefined;
  }

  canonicalizeAddress(human: string, _flavor: AddressFlavor): BackendResult<Uint8Array> {
    const res = this.canonicalMemoized(human);
    // A copy: callers own the bytes they get.
    return 'ok' in res ? { ok: new Uint8Array(res.ok), gas: res.gas } : res;
  }

  /** {@link Api.canonicalizeAddressView}: the memoized answer itself (read it, never keep or change it). */
  canonicalizeAddressView(human: string, flavor: AddressFlavor): BackendResult<Uint8Array> {
    // A subclass's own conversion is asked every time, as canonicalizeAddress would be.
    if (this.canonicalizeAddress !== Bech32Api.prototype.canonicalizeAddress) {
      return this.canonicalizeAddress(human, flavor);
    }
    return this.canonicalMemoized(human);
  }

  private canonicalMemoized(human: string): BackendResult<Uint8Array> {
    let res = this.canonMemo.get(human);
    if (res === undefined) {
      res = this.canonicalizeUncached(human);
      remember(this.canonMemo, human, res);
    }
    return res;
  }

  humanizeAddress(canonical: Uint8Array, flavor: AddressFlavor): BackendResult<string> {
    if (canonical.length === 0) {
      return { userError: flavor === 'v1' ? 'Input is empty' : 'canonical address is empty', gas: NO_GAS };
    }
    const key = Buffer.from(canonical.buffer, canonical.byteOffset, canonical.byteLength).toString('latin1');
    let res = this.humanMemo.get(key);
    if (res === undefined) {
      res = { ok: encodeBech32(this.prefix, canonical), gas: NO_GAS };
      remember(this.humanMemo, key, res);
    }
    return res;
  }

  /**
   * {@link Api.validateAddress}: canonicalize, humanize back, compare. v1 verdicts are memoized (a pure function
   * of `human`; the memo is bounded like the others): a balance query validates the same address every time.
   */
  validateAddress(human: string, flavor: AddressFlavor): BackendResult<true> {
    const memo = flavor === 'v1' ? this.validMemo : undefined;
    let res = memo?.get(human);
    if (res === undefined) {
      res = this.validateUncached(human, flavor);
      if (memo !== undefined) remember(memo, human, res);
    }
    return res;
  }

  private validateUncached(human: string, flavor: AddressFlavor): BackendResult<true> {
    const canon = this.canonicalizeAddress(human, flavor);
    if ('userError' in canon) return canon;
    const back = this.humanizeAddress(canon.ok, flavor);
    const gas = addGas(canon.gas, back.gas);
    if ('userError' in back) return { userError: back.userError, gas };
    if (back.ok !== human) return { userError: ADDRESS_NOT_NORMALIZED, gas };
    return { ok: true, gas };
  }

  private canonicalizeUncached(human: string): BackendResult<Uint8Array> {
    const decoded = decodeBech32(human);
    if ('error' in decoded) return { userError: decoded.error, gas: NO_GAS };
    if (decoded.prefix !== this.prefix)
      return { userError: `wrong address prefix: "${decoded.prefix}"`, gas: NO_GAS };
    return { ok: decoded.data, gas: NO_GAS };
  }
}

/** `addr_validate`'s verdict when the address round-trips to another string (e.g. upper case). */
export const ADDRESS_NOT_NORMALIZED = 'Address is not normalized';

function addGas(a: GasInfo, b: GasInfo): GasInfo {
  if (a.cost === 0n && a.externallyUsed === 0n) return b;
  if (b.cost === 0n && b.externallyUsed === 0n) return a;
  return { cost: a.cost + b.cost, externallyUsed: a.externallyUsed + b.externallyUsed };
}

function remember<V>(memo: Map<string, V>, key: string, value: V): void {
  if (memo.size >= ADDRESS_MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  memo.set(key, value);
}
