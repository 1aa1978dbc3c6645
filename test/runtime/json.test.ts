import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { parseContractResult } from '../../src/runtime/calls.js';
import { parseJson, stringifyJson } from '../../src/runtime/json.js';

describe('64-bit safe JSON', () => {
  it('keeps integers above 2^53 exact as bigint, small ones as number', () => {
    assert.deepEqual(parseJson('{"id":18446744073709551615,"n":5,"f":1.5,"s":"12345678901234567890"}'), {
      id: 18_446_744_073_709_551_615n,
      n: 5,
      f: 1.5,
      s: '12345678901234567890',
    });
    assert.deepEqual(parseJson('[9007199254740993, -9007199254740993, 9007199254740991]'), [
      9_007_199_254_740_993n,
      -9_007_199_254_740_993n,
      9_007_199_254_740_991,
    ]);
  });
  it('parses strings with escapes and rejects malformed input on the slow path', () => {
    assert.deepEqual(parseJson('{"a\\"b":"\\u00e9\\n","big":12345678901234567890}'), {
      'a"b': 'é\n',
      big: 12_345_678_901_234_567_890n,
    });
    assert.throws(() => parseJson('{"big":12345678901234567890,}'), SyntaxError);
    assert.throws(() => parseJson('{"big":12345678901234567890} x'), SyntaxError);
  });
  it('does not let "__proto__" keys pollute objects', () => {
    const v = parseJson('{"__proto__":{"x":1},"big":12345678901234567890}') as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>)['x'], undefined);
    assert.deepEqual(Object.keys(v), ['__proto__', 'big']);
  });
  it('stringifies bigint as bare decimals and round-trips', () => {
    assert.equal(
      stringifyJson({ a: 18_446_744_073_709_551_615n, b: [1, 'x', null], c: undefined }),
      '{"a":18446744073709551615,"b":[1,"x",null]}',
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        // Canonical JSON text survives parse → stringify unchanged, including integers beyond 2^53.
        const text = JSON.stringify(v);
        assert.equal(stringifyJson(parseJson(text)), text);
        assert.equal(
          stringifyJson(parseJson(`[${text},12345678901234567890]`)),
          `[${text},12345678901234567890]`,
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('contract result envelope', () => {
  const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));
  /** The envelope as the generic path reads it: strict UTF-8, 64-bit safe JSON. */
  const viaJson = (s: string): unknown => {
    const o = parseJson(s) as Record<string, unknown>;
    return 'ok' in o ? { ok: o['ok'] } : 'Ok' in o ? { ok: o['Ok'] } : { error: o['error'] ?? o['Err'] };
  };

  it('the {"ok":"<base64>"} shortcut gives what JSON parsing gives; near misses take the JSON path', () => {
    const b64 = Buffer.from('{"balance":"1000"}').toString('base64');
    for (const s of [
      `{"ok":"${b64}"}`,
      `{"Ok":"${b64}"}`,
      '{"ok":""}',
      '{"ok":"1234567890123456789012"}', // long digits: the bigint-aware parser keeps it a string
      `{"ok": "${b64}"}`,
      `{"ok":"${b64}" }`,
      '{"ok":"a\\u0041"}',
      '{"ok":"a-b_c"}',
      '{"ok":{"messages":[]}}',
      '{"ok":null}',
      '{"error":"boom"}',
      '{"Err":{"generic_err":{"msg":"x"}}}',
    ]) {
      assert.deepEqual(parseContractResult(enc(s)), viaJson(s), s);
    }
    fc.assert(
      fc.property(fc.base64String({ maxLength: 200 }), (b) => {
        assert.deepEqual(parseContractResult(enc(`{"ok":"${b}"}`)), { ok: b });
      }),
    );
  });

  it('rejects what is not an envelope, also when it looks like one at the edges', () => {
    for (const s of [
      '{"ok":"abc"',
      '{"ok":"abc"}}',
      '{"OK":"abc"}',
      '{"ok":"abc","x":1}',
      '{"ok":"ab\x00"}',
    ]) {
      assert.throws(() => parseContractResult(enc(s)), { name: 'VmError', kind: 'Serialization' }, s);
    }
  });
});
