import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { entryArguments } from '../../src/runtime/calls.js';
import { envArgV1, envJsonV1, envJsonV010, infoJsonV1 } from '../../src/runtime/env.js';
import { parseJson } from '../../src/runtime/json.js';
import { mockEnv, mockInfo } from '../../src/testing/index.js';

const HASH = 'ab'.repeat(32);
const dec = (b: Uint8Array | string): string => (typeof b === 'string' ? b : new TextDecoder().decode(b));

describe('env JSON', () => {
  const env = mockEnv({
    block: {
      height: 18_446_744_073_709_551_615n,
      timeNanos: 1_700_000_001_999_999_999n,
      chainId: 'secret-4',
      random: new Uint8Array(32).fill(1),
    },
  });
  const info = mockInfo('secret1sender', [{ denom: 'uscrt', amount: '12' }]);

  it('v0.10: seconds, sent_funds, null contract_key and transaction, code hash; u64 height exact', () => {
    assert.equal(
      envJsonV010(env, info, HASH),
      `{"block":{"height":18446744073709551615,"time":1700000001,"chain_id":"secret-4"},"message":{"sender":"secret1sender","sent_funds":[{"denom":"uscrt","amount":"12"}]},"contract":{"address":"${env.contract.address}"},"contract_key":null,"contract_code_hash":"${HASH}","transaction":null}`,
    );
    const parsed = parseJson(envJsonV010(env, info, HASH)) as { block: { height: bigint } };
    assert.equal(parsed.block.height, 18_446_744_073_709_551_615n);
  });

  it('v1: nanosecond string time, code_hash, transaction; random only when requested and present', () => {
    const tx = `{"index":3,"hash":"${env.transaction!.hash}"}`;
    assert.equal(
      envJsonV1(env, HASH, false),
      `{"block":{"height":18446744073709551615,"time":"1700000001999999999","chain_id":"secret-4"},"contract":{"address":"${env.contract.address}","code_hash":"${HASH}"},"transaction":${tx}}`,
    );
    assert.match(
      envJsonV1(env, HASH, true),
      /"chain_id":"secret-4","random":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="\}/,
    );
    const noRandom = mockEnv({ block: { height: 1, timeNanos: 0n, chainId: 'c', random: null } });
    assert.doesNotMatch(envJsonV1(noRandom, HASH, true), /random/);
    assert.match(envJsonV1(mockEnv({ transaction: null }), HASH, false), /"transaction":null\}$/);
  });

  it('v1 env argument: the v1 env JSON, as memoized UTF-8 bytes when repeated, across changing inputs', () => {
    const envs = [
      env,
      env,
      mockEnv({ transaction: null }),
      mockEnv({ transaction: null }),
      mockEnv({ transaction: { index: 4, hash: 'AB' } }),
      mockEnv({ block: { height: 2, timeNanos: 5n, chainId: 'c\u2028"é', random: new Uint8Array(32) } }),
      mockEnv({
        block: { height: 2, timeNanos: 5n, chainId: 'c\u2028"é', random: new Uint8Array(32).fill(9) },
      }),
      mockEnv({ contract: { address: 'secret1other\ud800' } }),
      env,
    ];
    for (const e of envs) {
      for (const [hash, random] of [
        [HASH, false],
        [HASH, true],
        ['cd'.repeat(32), true],
      ] as const) {
        const want = new Uint8Array(Buffer.from(envJsonV1(e, hash, random)));
        const asBytes = (a: string | Uint8Array): Uint8Array =>
          typeof a === 'string' ? new Uint8Array(Buffer.from(a)) : a;
        assert.deepEqual(asBytes(envArgV1(e, hash, random)), want);
        // built by the previous call already: the memoized bytes
        const again = envArgV1(e, hash, random);
        assert.ok(again instanceof Uint8Array);
        assert.deepEqual(again, want);
      }
    }
  });

  it('v1 info: funds always an array', () => {
    assert.equal(infoJsonV1(mockInfo('s')), '{"sender":"s","funds":[]}');
    assert.equal(infoJsonV1(info), '{"sender":"secret1sender","funds":[{"denom":"uscrt","amount":"12"}]}');
  });

  it('rejects heights outside u64', () => {
    assert.throws(
      () => envJsonV1(mockEnv({ block: { height: -1, timeNanos: 0n, chainId: 'c' } }), HASH, false),
      RangeError,
    );
  });
});

describe('entry point arguments (spec §3.3)', () => {
  const input = {
    env: mockEnv(),
    info: mockInfo('secret1s', [{ denom: 'u', amount: '1' }]),
    msg: new TextEncoder().encode('{"m":1}'),
    codeHashHex: HASH,
  };

  it('v1 instantiate: (env, info, msg), allocated env, msg, info', () => {
    const { args, allocationOrder } = entryArguments('v1', 'instantiate', input, false);
    assert.equal(args.length, 3);
    assert.match(dec(args[0]!), /^\{"block"/);
    assert.match(dec(args[1]!), /^\{"sender"/);
    assert.equal(dec(args[2]!), '{"m":1}');
    assert.deepEqual(allocationOrder, [0, 2, 1]);
  });
  it('v1 execute: allocated msg, env, info', () => {
    assert.deepEqual(entryArguments('v1', 'execute', input, false).allocationOrder, [2, 0, 1]);
  });
  it('v1 query/migrate/reply/sudo/IBC: (env, msg)', () => {
    for (const e of [
      'query',
      'migrate',
      'reply',
      'sudo',
      'ibc_channel_open',
      'ibc_packet_receive',
      'ibc_packet_timeout',
    ] as const) {
      const { args, allocationOrder } = entryArguments('v1', e, input, false);
      assert.equal(args.length, 2);
      assert.deepEqual(allocationOrder, [0, 1]);
    }
  });
  it('v0.10: init env then msg, handle msg then env, query(msg) without env', () => {
    assert.deepEqual(entryArguments('v0.10', 'instantiate', input, false).allocationOrder, [0, 1]);
    assert.deepEqual(entryArguments('v0.10', 'execute', input, false).allocationOrder, [1, 0]);
    const q = entryArguments('v0.10', 'query', input, false);
    assert.equal(q.args.length, 1);
    assert.equal(dec(q.args[0]!), '{"m":1}');
  });
  it('v0.10 migrate: sender from info, no funds', () => {
    const env = dec(entryArguments('v0.10', 'migrate', input, false).args[0]!);
    assert.match(env, /"message":\{"sender":"secret1s","sent_funds":\[\]\}/);
  });
  it('instantiate/execute need info', () => {
    assert.throws(() => entryArguments('v1', 'execute', { ...input, info: undefined }, false), TypeError);
  });
});

describe('env JSON fragments reused across calls', () => {
  // The pre-memo builders, verbatim: the oracle.
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  const refHeight = (h: bigint | number): string => {
    const v = BigInt(h);
    if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw new RangeError(`block height out of u64 range: ${v}`);
    return v.toString();
  };
  const refCoins = (funds: readonly { denom: string; amount: string }[]): string =>
    `[${funds.map((c) => `{"denom":${JSON.stringify(c.denom)},"amount":${JSON.stringify(c.amount)}}`).join(',')}]`;
  const refEnvV1 = (env: ReturnType<typeof mockEnv>, codeHashHex: string, withRandom: boolean): string => {
    const b = env.block;
    const random =
      withRandom && b.random !== undefined && b.random !== null
        ? `,"random":${JSON.stringify(b64(b.random))}`
        : '';
    const tx = env.transaction;
    const txJson =
      tx === undefined || tx === null
        ? 'null'
        : `{"index":${tx.index >>> 0},"hash":${JSON.stringify(tx.hash)}}`;
    return (
      `{"block":{"height":${refHeight(b.height)},"time":"${b.timeNanos.toString()}","chain_id":${JSON.stringify(b.chainId)}${random}},` +
      `"contract":{"address":${JSON.stringify(env.contract.address)},"code_hash":${JSON.stringify(codeHashHex)}},` +
      `"transaction":${txJson}}`
    );
  };
  const refInfoV1 = (info: { sender: string; funds: readonly { denom: string; amount: string }[] }): string =>
    `{"sender":${JSON.stringify(info.sender)},"funds":${refCoins(info.funds)}}`;

  it('property: any sequence of envs/infos (repeats, number vs bigint heights, random bytes mutated in place) builds the same JSON as before', () => {
    const shared = new Uint8Array(32).fill(7);
    const step = fc.record({
      height: fc.oneof(fc.constantFrom(5, 5n, 6n), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
      time: fc.constantFrom(1n, 2n, 1_700_000_000_123_456_789n),
      chainId: fc.constantFrom('secret-4', 'secret-4\u00e9', 'c"q', 'x\uD800'),
      random: fc.constantFrom('none', 'null', 'shared', 'fresh'),
      mutate: fc.nat(31),
      withRandom: fc.boolean(),
      address: fc.constantFrom('secret1a', 'secret1b', '"q'),
      hash: fc.constantFrom('ab'.repeat(32), 'cd'.repeat(32)),
      tx: fc.option(fc.record({ index: fc.nat(10), hash: fc.constantFrom('A1', 'B2') })),
      sender: fc.constantFrom('s1', 's2', 'é"'),
      funds: fc.constantFrom([], [{ denom: 'uscrt', amount: '1' }]),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        for (const s of steps) {
          shared[s.mutate] = (shared[s.mutate]! + 1) & 0xff; // same array object, new content
          const random =
            s.random === 'none'
              ? undefined
              : s.random === 'null'
                ? null
                : s.random === 'shared'
                  ? shared
                  : new Uint8Array(32).fill(s.mutate);
          const env = mockEnv({
            block: { height: s.height, timeNanos: s.time, chainId: s.chainId, random },
            contract: { address: s.address },
            transaction: s.tx,
          });
          assert.equal(envJsonV1(env, s.hash, s.withRandom), refEnvV1(env, s.hash, s.withRandom));
          const info = mockInfo(s.sender, s.funds);
          assert.equal(infoJsonV1(info), refInfoV1(info));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an out-of-range height still throws after a valid one was cached', () => {
    envJsonV1(mockEnv({ block: { height: 1n, timeNanos: 0n, chainId: 'c' } }), HASH, false);
    assert.throws(
      () => envJsonV1(mockEnv({ block: { height: 2n ** 64n, timeNanos: 0n, chainId: 'c' } }), HASH, false),
      RangeError,
    );
  });
});
