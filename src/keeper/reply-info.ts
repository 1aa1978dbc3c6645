/**
 * Reply bookkeeping carried by failed contract calls. Go passes it as `DataWithInternalReplyInfo` JSON inside the
 * failed message's result data; here the keeper attaches it to the error object it throws.
 */
import type { InternalReplyInfo } from '../enclave/index.js';

const replyInfos = new WeakMap<object, InternalReplyInfo>();

/** Attaches `info` to `err`. */
export function attachReplyInfo(err: object, info: InternalReplyInfo): void {
  replyInfos.set(err, info);
}

/** The reply info attached to `err` or to its `cause` (a gas-limited submessage wraps the callee's error). */
export function replyInfoOf(err: unknown): InternalReplyInfo | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const direct = replyInfos.get(err);
  if (direct !== undefined) return direct;
  return err instanceof Error ? replyInfoOf(err.cause) : undefined;
}
