/**
 * Wire format between {@link QueryWorkerPool} and its worker threads: one transferred ArrayBuffer per batch
 * of queries and one per batch of answers (no structured clone of per-query objects), and the JSON form of the
 * errors a query can end in, so the main thread rethrows the same class, code and message as its own
 * `ComputeKeeper.query` would.
 */
import { ENCLAVE_ERROR_DISPLAY,EnclaveError, type EnclaveErrorKind } from '../enclave/index.js';
import { ComputeError } from '../keeper/index.js';
import { OutOfGasError, StateError, type StateErrorCode } from '../state/index.js';
import { MAX_QUERY_ERROR_CAUSES } from './limits.js';

/** How a worker answered one query. */
export const AnswerStatus = {
  /** The encrypted result, as `ComputeKeeper.query` returns it. */
  Ok: 0,
  /** The query threw; the payload is an {@link ErrorJson}. */
  Error: 1,
  /** The query needs a module that lives on the main thread (bank, query plugins): answer it there. */
  Host: 2,
} as const;

/** One of {@link AnswerStatus}. */
export type AnswerStatus = (typeof AnswerStatus)[keyof typeof AnswerStatus];

/** One answer of a batch; `payload` is a view into the reply buffer. */
export interface Answer {
  readonly status: AnswerStatus;
  readonly payload: Uint8Array;
}

/** An error as it crosses the thread boundary (its own fields, and its causes up to a fixed depth). */
export interface ErrorJson {
  readonly name: string;
  readonly message: string;
  readonly codespace?: string;
  readonly code?: number | string;
  readonly description?: string;
  readonly kind?: string;
  readonly descriptor?: string;
  readonly cause?: ErrorJson;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Packs `(contract, wire)` pairs as `LE32 count ‖ (LE32 |contract| ‖ contract ‖ LE32 |wire| ‖ wire)*`. */
export function encodeQueries(
  items: readonly { readonly contract: Uint8Array; readonly wire: Uint8Array }[],
): ArrayBuffer {
  let size = 4;
  for (const q of items) size += 8 + q.contract.length + q.wire.length;
  const buf = new ArrayBuffer(size);
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  view.setUint32(0, items.length, true);
  let off = 4;
  for (const q of items) {
    view.setUint32(off, q.contract.length, true);
    bytes.set(q.contract, off + 4);
    off += 4 + q.contract.length;
    view.setUint32(off, q.wire.length, true);
    bytes.set(q.wire, off + 4);
    off += 4 + q.wire.length;
  }
  return buf;
}

/** Inverse of {@link encodeQueries}; the arrays are views into `buf`. Throws RangeError on a malformed buffer. */
export function decodeQueries(buf: ArrayBuffer): { contract: Uint8Array; wire: Uint8Array }[] {
  const view = new DataView(buf);
  const n = view.getUint32(0, true);
  const out: { contract: Uint8Array; wire: Uint8Array }[] = [];
  let off = 4;
  const take = (): Uint8Array => {
    const len = view.getUint32(off, true);
    off += 4;
    if (off + len > buf.byteLength) throw new RangeError('query batch truncated');
    const b = new Uint8Array(buf, off, len);
    off += len;
    return b;
  };
  for (let i = 0; i < n; i++) {
    const contract = take();
    out.push({ contract, wire: take() });
  }
  return out;
}

/** Packs answers as `LE32 count ‖ (u8 status ‖ LE32 |payload| ‖ payload)*`. */
export function encodeAnswers(answers: readonly Answer[]): ArrayBuffer {
  let size = 4;
  for (const a of answers) size += 5 + a.payload.length;
  const buf = new ArrayBuffer(size);
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  view.setUint32(0, answers.length, true);
  let off = 4;
  for (const a of answers) {
    view.setUint8(off, a.status);
    view.setUint32(off + 1, a.payload.length, true);
    bytes.set(a.payload, off + 5);
    off += 5 + a.payload.length;
  }
  return buf;
}

/** Inverse of {@link encodeAnswers}; payloads are views into `buf`. Throws RangeError on a malformed buffer. */
export function decodeAnswers(buf: ArrayBuffer): Answer[] {
  const view = new DataView(buf);
  const n = view.getUint32(0, true);
  const out: Answer[] = [];
  let off = 4;
  for (let i = 0; i < n; i++) {
    const status = view.getUint8(off) as AnswerStatus;
    const len = view.getUint32(off + 1, true);
    off += 5;
    if (off + len > buf.byteLength || status > AnswerStatus.Host)
      throw new RangeError('answer batch malformed');
    out.push({ status, payload: new Uint8Array(buf, off, len) });
    off += len;
  }
  return out;
}

/** The {@link ErrorJson} of a thrown value (non-errors become a plain `Error` with their string form). */
export function errorToJson(e: unknown, depth = 0): ErrorJson {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const o = e as Error &
    Partial<Record<'codespace' | 'code' | 'description' | 'kind' | 'descriptor', unknown>>;
  const cause =
    depth < MAX_QUERY_ERROR_CAUSES && e.cause !== undefined ? errorToJson(e.cause, depth + 1) : undefined;
  return {
    name: e.name,
    message: e.message,
    ...(typeof o.codespace === 'string' ? { codespace: o.codespace } : {}),
    ...(typeof o.code === 'number' || typeof o.code === 'string' ? { code: o.code } : {}),
    ...(typeof o.description === 'string' ? { description: o.description } : {}),
    ...(typeof o.kind === 'string' ? { kind: o.kind } : {}),
    ...(typeof o.descriptor === 'string' ? { descriptor: o.descriptor } : {}),
    ...(cause === undefined ? {} : { cause }),
  };
}

/** UTF-8 JSON bytes of {@link errorToJson}. */
export function encodeError(e: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(errorToJson(e)));
}

/**
 * Rebuilds the error of an {@link ErrorJson} with the main thread's classes: `ComputeError` (codespace, code,
 * description, message), `EnclaveError` (kind), `OutOfGasError`, `StateError` (code), the built-in error
 * classes by name, else an `Error` carrying the original name. Causes are rebuilt the same way.
 */
export function errorFromJson(j: ErrorJson): Error {
  const options = j.cause === undefined ? undefined : { cause: errorFromJson(j.cause) };
  switch (j.name) {
    case 'ComputeError':
      if (
        typeof j.codespace === 'string' &&
        typeof j.code === 'number' &&
        typeof j.description === 'string'
      ) {
        return new ComputeError(
          { codespace: j.codespace, code: j.code, description: j.description },
          j.message,
          options,
        );
      }
      break;
    case 'EnclaveError':
      if (typeof j.kind === 'string' && Object.hasOwn(ENCLAVE_ERROR_DISPLAY, j.kind)) {
        return new EnclaveError(j.kind as EnclaveErrorKind, options);
      }
      break;
    case 'OutOfGasError':
      if (typeof j.descriptor === 'string') return new OutOfGasError(j.descriptor, j.message);
      break;
    case 'StateError':
      if (typeof j.code === 'string') return new StateError(j.code as StateErrorCode, j.message, options);
      break;
    case 'TypeError':
      return new TypeError(j.message, options);
    case 'RangeError':
      return new RangeError(j.message, options);
    default:
      break;
  }
  const err = new Error(j.message, options);
  err.name = j.name;
  return err;
}

/** Inverse of {@link encodeError}. */
export function decodeError(payload: Uint8Array): Error {
  return errorFromJson(JSON.parse(decoder.decode(payload)) as ErrorJson);
}
