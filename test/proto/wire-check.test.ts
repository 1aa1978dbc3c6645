import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  COIN_SHAPE,
  COMPUTE_MSG_SHAPES,
  PARAMS_SHAPE,
  RA_AUTHENTICATE_SHAPE,
} from '../../src/compute/message-shapes.js';
import { COMPUTE_TYPE_URLS, decodeComputeMsg, REGISTRATION_TYPE_URLS } from '../../src/compute/messages.js';
import {
  isProtoDecodeError,
  ProtoDecodeError,
  type ProtoDecodeErrorCode,
} from '../../src/compute/proto-errors.js';
import type { MessageShape } from '../../src/compute/wire-check.js';
import { Coin } from '../../src/proto/cosmos/base/v1beta1/coin.js';
import * as msgs from '../../src/proto/secret/compute/v1beta1/msg.js';
import { Params } from '../../src/proto/secret/compute/v1beta1/params.js';
import { RaAuthenticate } from '../../src/proto/secret/registration/v1beta1/msg.js';
import { populated, topLevelFields } from './wire-helpers.js';

const { MsgExecuteContract, MsgInstantiateContract } = msgs;
const EXEC = COMPUTE_TYPE_URLS.MsgExecuteContract;
const INST = COMPUTE_TYPE_URLS.MsgInstantiateContract;

const cat = (...parts: (Uint8Array | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => [...p]));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const rejects = (typeUrl: string, bytes: Uint8Array, code: ProtoDecodeErrorCode): void => {
  assert.throws(
    () => decodeComputeMsg(typeUrl, bytes),
    (e: unknown) => e instanceof ProtoDecodeError && e.name === 'ProtoDecodeError' && e.code === code,
  );
};

/** The shape's field numbers and wire types, as a comparable list. */
const shapeFields = (s: MessageShape): [number, number][] =>
  Object.entries(s.fields).map(([n, f]) => [Number(n), f.wire]);

/** Field numbers and wire types actually produced by the generated encoder for a fully populated message. */
function encodedFields<T>(fns: msgs.MessageFns<T>): [number, number][] {
  const seen = new Map<number, number>();
  for (const f of topLevelFields(fns.encode(populated(fns)).finish())) seen.set(f.fieldNo, f.wire);
  return [...seen.entries()].sort((a, b) => a[0] - b[0]);
}

describe('message shapes match the generated code (no silent drift from the .proto files)', () => {
  for (const [name, shape] of Object.entries(COMPUTE_MSG_SHAPES)) {
    it(name, () => {
      const fns = (msgs as unknown as Record<string, msgs.MessageFns<unknown>>)[name];
      assert.ok(fns, `generated ${name}`);
      assert.equal(shape.name, `secret.compute.v1beta1.${name}`);
      assert.deepEqual(shapeFields(shape), encodedFields(fns));
      // Every populated message passes the strict decoder and decodes to itself.
      const m = populated(fns);
      assert.deepEqual(decodeComputeMsg(`/secret.compute.v1beta1.${name}`, fns.encode(m).finish()), m);
    });
  }
  it('nested and registration shapes', () => {
    assert.deepEqual(shapeFields(COIN_SHAPE), encodedFields(Coin));
    assert.deepEqual(shapeFields(PARAMS_SHAPE), encodedFields(Params));
    assert.deepEqual(shapeFields(RA_AUTHENTICATE_SHAPE), encodedFields(RaAuthenticate));
    assert.equal(COMPUTE_MSG_SHAPES.MsgExecuteContract.fields[5]?.message, COIN_SHAPE);
    assert.equal(COMPUTE_MSG_SHAPES.MsgInstantiateContract.fields[6]?.message, COIN_SHAPE);
    assert.equal(COMPUTE_MSG_SHAPES.MsgUpdateParams.fields[2]?.message, PARAMS_SHAPE);
  });
});

describe('decodeComputeMsg rejects what the lenient generated decoder half-decodes', () => {
  const valid = MsgExecuteContract.encode(
    MsgExecuteContract.fromPartial({ sender: new Uint8Array(20).fill(1), msg: new Uint8Array([9, 9]) }),
  ).finish();

  it('a zero tag: ts-proto stops there and returns the fields before it', () => {
    const bytes = cat(valid, [0x00], [0x12, 0x01, 0x07]);
    const lenient = MsgExecuteContract.decode(bytes);
    assert.equal(
      lenient.contract.length,
      0,
      'ts-proto silently dropped the contract field after the zero tag',
    );
    rejects(EXEC, bytes, 'MALFORMED');
  });

  it('group wire types (3 start, 4 end)', () => {
    rejects(EXEC, cat(valid, [0x0c]), 'MALFORMED');
    rejects(EXEC, cat([0x0b], valid), 'MALFORMED');
  });

  it('a known field with the wrong wire type: ts-proto skips it, we reject', () => {
    const bytes = cat([0x08, 0x01], valid); // field 1 (sender, bytes) as a varint
    assert.deepEqual(MsgExecuteContract.decode(bytes), MsgExecuteContract.decode(valid));
    rejects(EXEC, bytes, 'WRONG_WIRE_TYPE');
  });

  it('a nested Coin whose field runs past the Coin length: ts-proto reads on into the parent', () => {
    // sent_funds (5) of length 2 holding "denom, length 5" — the 5 bytes after the Coin belong to the parent.
    const bytes = cat(valid, [0x2a, 0x02, 0x0a, 0x05], utf8('uscrt'));
    assert.equal(MsgExecuteContract.decode(bytes).sentFunds[0]?.denom, 'uscrt');
    rejects(EXEC, bytes, 'MALFORMED');
  });

  it('unknown critical fields are rejected, non-critical ones (bit 11, as the SDK allows) skipped', () => {
    rejects(EXEC, cat(valid, [0x48, 0x01]), 'UNKNOWN_FIELD'); // field 9, varint
    // field 1025 (0x401): tag = 1025 << 3 | 0 = 8200 → varint 0x88 0x40
    assert.deepEqual(
      decodeComputeMsg(EXEC, cat(valid, [0x88, 0x40, 0x01])),
      MsgExecuteContract.decode(valid),
    );
  });

  it('over-long varints, lengths beyond the input, oversized tags', () => {
    rejects(INST, cat([0x18], new Array<number>(10).fill(0xff), [0x01]), 'MALFORMED'); // code_id: 11-byte varint
    rejects(INST, cat([0x18], new Array<number>(9).fill(0xff), [0x02]), 'MALFORMED'); // 10th byte > 1
    assert.equal(
      decodeComputeMsg(INST, cat([0x18], new Array<number>(9).fill(0xff), [0x01])).codeId,
      (1n << 64n) - 1n,
    );
    rejects(EXEC, Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'TRUNCATED');
    rejects(EXEC, Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 'MALFORMED'); // tag > 32 bits
  });

  it('unknown type URLs', () => {
    rejects('/cosmos.bank.v1beta1.MsgSend', valid, 'UNKNOWN_TYPE_URL');
  });

  it('errors carry code, offset and a message naming the type', () => {
    assert.throws(
      () => decodeComputeMsg(EXEC, valid.subarray(0, 5)),
      (e: unknown) =>
        isProtoDecodeError(e, 'TRUNCATED') &&
        e.offset === 2 &&
        e.message.includes('secret.compute.v1beta1.MsgExecuteContract'),
    );
  });

  it('the result does not alias the input buffer', () => {
    const input = new Uint8Array(valid);
    const m = decodeComputeMsg(EXEC, input);
    input.fill(0);
    assert.deepEqual(m.sender, new Uint8Array(20).fill(1));
    assert.equal(Object.getPrototypeOf(m.sender), Uint8Array.prototype);
  });

  it('registration RaAuthenticate goes through the same checks', () => {
    const ra = RaAuthenticate.encode({
      sender: new Uint8Array(20),
      certificate: new Uint8Array([1]),
      replaceMachineId: 'm',
    });
    const bytes = ra.finish();
    assert.equal(decodeComputeMsg(REGISTRATION_TYPE_URLS.RaAuthenticate, bytes).replaceMachineId, 'm');
    rejects(REGISTRATION_TYPE_URLS.RaAuthenticate, bytes.subarray(0, bytes.length - 1), 'TRUNCATED');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties. "Never half-decoded" made precise: cutting a valid encoding E at byte k either
//  (a) lands on a top-level field boundary — then the prefix is itself a valid encoding, and it must decode to
//      exactly the message made of the fields wholly inside E[0..k] (and re-encode to E[0..k] byte for byte), or
//  (b) lands anywhere else (inside a tag, length, payload or nested Coin) — then it must throw TRUNCATED.
// Nothing else is allowed: no partial field, no field read from beyond the cut, no other error type.

const bytesArb = (maxLength: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength });
const coinArb = fc.record({
  denom: fc.string({ maxLength: 12 }),
  amount: fc.stringMatching(/^[0-9]{0,24}$/),
});

const execArb = fc
  .record({
    sender: bytesArb(20),
    contract: bytesArb(20),
    msg: bytesArb(300),
    callbackCodeHash: fc.string({ maxLength: 64 }),
    sentFunds: fc.array(coinArb, { maxLength: 3 }),
    callbackSig: bytesArb(32),
  })
  .map((x) => MsgExecuteContract.fromPartial(x));

const instArb = fc
  .record({
    sender: bytesArb(20),
    callbackCodeHash: fc.string({ maxLength: 64 }),
    codeId: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    label: fc.string({ maxLength: 40 }),
    initMsg: bytesArb(300),
    initFunds: fc.array(coinArb, { maxLength: 3 }),
    callbackSig: bytesArb(32),
    admin: fc.string({ maxLength: 45 }),
  })
  .map((x) => MsgInstantiateContract.fromPartial(x));

const EXEC_KEYS: Record<number, keyof msgs.MsgExecuteContract> = {
  1: 'sender',
  2: 'contract',
  3: 'msg',
  4: 'callbackCodeHash',
  5: 'sentFunds',
  6: 'callbackSig',
};
const INST_KEYS: Record<number, keyof msgs.MsgInstantiateContract> = {
  1: 'sender',
  2: 'callbackCodeHash',
  3: 'codeId',
  4: 'label',
  5: 'initMsg',
  6: 'initFunds',
  7: 'callbackSig',
  8: 'admin',
};

/** The message holding exactly the fields of `full` whose encodings end at or before `k`. */
function expectedPrefix<T extends object>(
  fns: msgs.MessageFns<T>,
  m: T,
  keys: Record<number, keyof T>,
  full: Uint8Array,
  k: number,
): T {
  const partial: Record<string, unknown> = {};
  for (const f of topLevelFields(full)) {
    if (f.end > k) break;
    const key = keys[f.fieldNo] as string;
    const value = (m as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      const have = (partial[key] as unknown[] | undefined) ?? [];
      partial[key] = [...have, value[have.length]];
    } else partial[key] = value;
  }
  return fns.fromPartial(partial as never);
}

function checkAllCuts<T extends object>(
  typeUrl: string,
  fns: msgs.MessageFns<T>,
  keys: Record<number, keyof T>,
  m: T,
): void {
  const full = fns.encode(m).finish();
  const boundaries = new Set([0, ...topLevelFields(full).map((f) => f.end)]);
  for (let k = 0; k <= full.length; k++) {
    const cut = full.slice(0, k);
    if (boundaries.has(k)) {
      const d = decodeComputeMsg(typeUrl, cut) as T;
      assert.deepEqual(d, expectedPrefix(fns, m, keys, full, k));
      assert.deepEqual(fns.encode(d).finish(), cut);
    } else {
      assert.throws(
        () => decodeComputeMsg(typeUrl, cut),
        (e: unknown) => isProtoDecodeError(e, 'TRUNCATED'),
      );
    }
  }
}

describe('properties (fast-check)', () => {
  it('every truncation of a MsgExecuteContract decodes to its exact field prefix or throws TRUNCATED', () => {
    fc.assert(
      fc.property(execArb, (m) => checkAllCuts(EXEC, MsgExecuteContract, EXEC_KEYS, m)),
      { numRuns: 150 },
    );
  });

  it('every truncation of a MsgInstantiateContract decodes to its exact field prefix or throws TRUNCATED', () => {
    fc.assert(
      fc.property(instArb, (m) => checkAllCuts(INST, MsgInstantiateContract, INST_KEYS, m)),
      { numRuns: 150 },
    );
  });

  /** Accepted garbage must be a complete decode: same as the lenient decoder's, and stable under re-encoding. */
  const acceptedIsComplete = (typeUrl: string, fns: msgs.MessageFns<unknown>, bytes: Uint8Array): void => {
    let d: unknown;
    try {
      d = decodeComputeMsg(typeUrl, bytes);
    } catch (e) {
      assert.ok(e instanceof ProtoDecodeError, `not a ProtoDecodeError: ${String(e)}`);
      return;
    }
    assert.deepEqual(d, fns.decode(bytes));
    assert.deepEqual(decodeComputeMsg(typeUrl, fns.encode(d).finish()), d);
  };

  it('random bytes: ProtoDecodeError or a complete decode, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        acceptedIsComplete(EXEC, MsgExecuteContract, b);
        acceptedIsComplete(INST, MsgInstantiateContract, b);
      }),
      { numRuns: 2000 },
    );
  });

  it('random single-byte corruptions of valid encodings: same guarantee', () => {
    fc.assert(
      fc.property(execArb, fc.nat(), fc.integer({ min: 0, max: 255 }), (m, at, byte) => {
        const b = MsgExecuteContract.encode(m).finish();
        if (b.length === 0) return;
        b[at % b.length] = byte;
        acceptedIsComplete(EXEC, MsgExecuteContract, b);
      }),
      { numRuns: 1000 },
    );
  });
});
