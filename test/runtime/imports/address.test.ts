import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { bech32 } from '@scure/base';
import fc from 'fast-check';

import { decodeBech32, encodeBech32 } from '../../../src/runtime/api.js';
import type { AddressFlavor, Api, BackendResult } from '../../../src/runtime/backend.js';
import { CommunicationError } from '../../../src/runtime/errors.js';
import {
  addrCanonicalize,
  addrHumanize,
  addrValidate,
  canonicalizeAddress,
  humanizeAddress,
} from '../../../src/runtime/imports/address.js';
import { MAX_LENGTH_HUMAN_ADDRESS } from '../../../src/runtime/limits.js';
import { MockApi } from '../../../src/testing/index.js';
import { harness } from '../helpers.js';

const api = new MockApi();
const alice = api.addrMake('alice');
const aliceBytes = (decodeBech32(alice) as { data: Uint8Array }).data;

describe('canonicalize_address (v0.10)', () => {
  it('works, trims, charges 8192', () => {
    const h = harness('v0.10');
    const out = h.out(64);
    assert.equal(canonicalizeAddress(h.inst.env, h.region(`  ${alice}\n`), out), 0);
    assert.deepEqual(h.read(out), aliceBytes);
    assert.equal(aliceBytes.length, 20);
    assert.equal(h.gasUsed(), 8192n);
  });
  const cases: [string, string | Uint8Array, string][] = [
    ['empty', '   ', 'input is empty'],
    ['invalid utf-8', new Uint8Array([0xff, 0xfe]), 'input is not valid UTF-8'],
    ['wrong prefix', encodeBech32('cosmos', new Uint8Array(20)), 'wrong address prefix: "cosmos"'],
    ['bad checksum', `${alice.slice(0, -1)}${alice.endsWith('q') ? 'p' : 'q'}`, 'invalid checksum'],
    ['too short', 'secret1', 'invalid length'],
    ['no separator', 'secretqqqqqqqqq', 'missing human-readable separator, "1"'],
    ['mixed case', `S${alice.slice(1)}`, 'mixed-case strings not allowed'],
    ['bad character', 'secret1qqqqqqbqqq', 'invalid character (code=98)'],
  ];
  for (const [name, input, message] of cases) {
    it(`returns "${message}" for ${name}`, () => {
      const h = harness('v0.10');
      const ptr = canonicalizeAddress(h.inst.env, h.region(input), h.out(64));
      assert.notEqual(ptr, 0);
      assert.equal(h.readStr(ptr), message);
    });
  }
  it('traps on a human address above the length limit before decoding it, in both flavours', () => {
    const tooLong = new Uint8Array(MAX_LENGTH_HUMAN_ADDRESS + 1).fill(0xff); // also invalid UTF-8
    for (const [flavor, fn] of [
      ['v0.10', canonicalizeAddress],
      ['v1', addrCanonicalize],
    ] as const) {
      const h = harness(flavor);
      assert.throws(
        () => fn(h.inst.env, h.region(tooLong), h.out(64)),
        (e) =>
          e instanceof CommunicationError &&
          e.message === 'failed to read memory' &&
          e.detail ===
            `Region length too big. Got ${MAX_LENGTH_HUMAN_ADDRESS + 1}, limit ${MAX_LENGTH_HUMAN_ADDRESS}`,
      );
      const ok = new Uint8Array(Buffer.from(alice));
      assert.equal(fn(h.inst.env, h.region(ok), h.out(64)), 0);
    }
  });
  it('traps when the output Region is too small', () => {
    const h = harness('v0.10');
    assert.throws(
      () => canonicalizeAddress(h.inst.env, h.region(alice), h.out(7)),
      (e) =>
        e instanceof CommunicationError &&
        e.message === 'failed to write memory' &&
        /Got 7, required 20/.test(e.detail ?? ''),
    );
  });
});

describe('humanize_address / addr_humanize', () => {
  it('round-trips any length with the secret prefix', () => {
    for (const version of ['v0.10', 'v1'] as const) {
      const h = harness(version);
      const out = h.out(90);
      const fn = version === 'v1' ? addrHumanize : humanizeAddress;
      assert.equal(fn(h.inst.env, h.region(aliceBytes), out), 0);
      assert.equal(h.readStr(out), alice);
      const out32 = h.out(90);
      assert.equal(fn(h.inst.env, h.region(new Uint8Array(32).fill(7)), out32), 0);
      assert.equal(h.readStr(out32), encodeBech32('secret', new Uint8Array(32).fill(7)));
    }
  });
  it('returns an error string for empty input', () => {
    const h = harness('v1');
    assert.equal(
      h.readStr(addrHumanize(h.inst.env, h.region(new Uint8Array()), h.out(90))),
      'Input is empty',
    );
  });
  it('traps for an input over 64 bytes', () => {
    const h = harness('v1');
    assert.throws(() => addrHumanize(h.inst.env, h.region(new Uint8Array(65)), h.out(200)), {
      name: 'CommunicationError',
    });
  });
});

describe('addr_canonicalize (v1)', () => {
  it('does not trim and uses capitalised messages', () => {
    const h = harness('v1');
    assert.equal(h.readStr(addrCanonicalize(h.inst.env, h.region(''), h.out(64))), 'Input is empty');
    assert.equal(
      h.readStr(addrCanonicalize(h.inst.env, h.region(new Uint8Array([0xc3])), h.out(64))),
      'Input is not valid UTF-8',
    );
    assert.equal(
      h.readStr(addrCanonicalize(h.inst.env, h.region(` ${alice}`), h.out(64))),
      'invalid character (code=32)',
    );
    const out = h.out(64);
    assert.equal(addrCanonicalize(h.inst.env, h.region(alice), out), 0);
    assert.deepEqual(h.read(out), aliceBytes);
  });
});

describe('addr_validate (v1)', () => {
  it('accepts a normalized address', () => {
    const h = harness('v1');
    assert.equal(addrValidate(h.inst.env, h.region(alice)), 0);
    assert.equal(h.gasUsed(), 8192n);
  });
  it('rejects upper case as not normalized, other prefixes, empty and non-UTF-8', () => {
    const h = harness('v1');
    assert.equal(
      h.readStr(addrValidate(h.inst.env, h.region(alice.toUpperCase()))),
      'Address is not normalized',
    );
    assert.equal(
      h.readStr(addrValidate(h.inst.env, h.region(bech32.encode('osmo', bech32.toWords(aliceBytes))))),
      'wrong address prefix: "osmo"',
    );
    assert.equal(h.readStr(addrValidate(h.inst.env, h.region(''))), 'Input is empty');
    assert.equal(
      h.readStr(addrValidate(h.inst.env, h.region(new Uint8Array([0x80])))),
      'Input is not valid UTF-8',
    );
  });
  it('traps for inputs over 256 bytes', () => {
    const h = harness('v1');
    assert.throws(() => addrValidate(h.inst.env, h.region('a'.repeat(257))), { name: 'CommunicationError' });
  });

  // Inputs for comparing the Api.validateAddress fast path with the two-call path: valid, upper case, other
  // prefixes, empty data (`secret1` + checksum), bad checksums, garbage.
  const validateInputs = [
    alice,
    api.addrMake('bob'),
    alice.toUpperCase(),
    bech32.encode('osmo', bech32.toWords(aliceBytes)),
    encodeBech32('secret', new Uint8Array(0)),
    encodeBech32('secret', new Uint8Array(33).fill(7)),
    `${alice.slice(0, -1)}${alice.endsWith('q') ? 'p' : 'q'}`,
    'secret1',
    'x',
    ' ',
  ];
  /** What addr_validate returns (0 or the error text) and charges, under `backendApi`. */
  const validateWith = (backendApi: Api, input: string): [string | 0, bigint] => {
    const h = harness('v1', { backend: { api: backendApi } });
    const ptr = addrValidate(h.inst.env, h.region(input));
    return [ptr === 0 ? 0 : h.readStr(ptr), h.gasUsed()];
  };
  /** An Api without validateAddress that forwards to `inner`'s two conversions. */
  const twoCalls = (inner: Api): Api => ({
    canonicalizeAddress: (h, f) => inner.canonicalizeAddress(h, f),
    humanizeAddress: (c, f) => inner.humanizeAddress(c, f),
  });

  it('Bech32Api.validateAddress answers as canonicalize + humanize + compare, also from its memo', () => {
    const fast = new MockApi();
    for (const input of [...validateInputs, ...validateInputs]) {
      assert.deepEqual(validateWith(fast, input), validateWith(twoCalls(new MockApi()), input), input);
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const input = `secret1${s}`;
        assert.deepEqual(validateWith(fast, input), validateWith(twoCalls(new MockApi()), input));
      }),
      { numRuns: 200 },
    );
  });

  it('a subclass overriding a conversion (here: with gas) is validated through it, not from the memo', () => {
    let calls = 0;
    class GasApi extends MockApi {
      override canonicalizeAddress(human: string, flavor: AddressFlavor): BackendResult<Uint8Array> {
        calls++;
        const r = super.canonicalizeAddress(human, flavor);
        return { ...r, gas: { cost: 7n, externallyUsed: 3n } };
      }
      override humanizeAddress(canonical: Uint8Array, flavor: AddressFlavor): BackendResult<string> {
        const r = super.humanizeAddress(canonical, flavor);
        return { ...r, gas: { cost: 11n, externallyUsed: 0n } };
      }
    }
    const sub = new GasApi();
    for (const input of validateInputs) {
      const [, gas] = validateWith(sub, input);
      assert.deepEqual(validateWith(sub, input), validateWith(twoCalls(new GasApi()), input), input);
      assert.ok(gas >= 8192n + 10n, input);
    }
    // each input validated through canonicalizeAddress every time (2 fast-path runs + 1 two-call run each)
    assert.equal(calls, validateInputs.length * 3);
  });

  /** What addr_canonicalize writes (bytes or the error text) and charges, under `backendApi`. */
  const canonicalizeWith = (backendApi: Api, input: string): [string, bigint] => {
    const h = harness('v1', { backend: { api: backendApi } });
    const out = h.out(64);
    const ptr = addrCanonicalize(h.inst.env, h.region(input), out);
    return [ptr === 0 ? Buffer.from(h.read(out)).toString('hex') : h.readStr(ptr), h.gasUsed()];
  };

  it('addr_canonicalize through Bech32Api.canonicalizeAddressView writes what canonicalizeAddress answers', () => {
    const viewApi = new MockApi();
    for (const input of [...validateInputs, ...validateInputs]) {
      assert.deepEqual(
        canonicalizeWith(viewApi, input),
        canonicalizeWith(twoCalls(new MockApi()), input),
        input,
      );
    }
    // the memoized array is never handed out to own: canonicalizeAddress still returns fresh copies
    const a = viewApi.canonicalizeAddress(alice, 'v1');
    const b = viewApi.canonicalizeAddress(alice, 'v1');
    assert.ok('ok' in a && 'ok' in b && a.ok !== b.ok);
    a.ok.fill(0);
    assert.deepEqual(canonicalizeWith(viewApi, alice)[0], Buffer.from(aliceBytes).toString('hex'));
  });

  it('a subclass overriding canonicalizeAddress is asked by the view too', () => {
    class Shifted extends MockApi {
      override canonicalizeAddress(human: string, flavor: AddressFlavor): BackendResult<Uint8Array> {
        const r = super.canonicalizeAddress(human, flavor);
        return 'ok' in r ? { ok: r.ok.map((x) => x ^ 0xff), gas: { cost: 5n, externallyUsed: 0n } } : r;
      }
    }
    const [hex, gas] = canonicalizeWith(new Shifted(), alice);
    assert.equal(hex, Buffer.from(aliceBytes.map((x) => x ^ 0xff)).toString('hex'));
    assert.equal(gas, canonicalizeWith(new MockApi(), alice)[1] + 5n);
  });
});
