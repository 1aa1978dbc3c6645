/**
 * Event construction and validation (SecretNetwork x/compute/internal/types/events.go, spec §2.5 / §4.7).
 */
import type { OutputAttribute, OutputEvent } from '../enclave/index.js';
import { computeError, ComputeErrors } from './errors.js';
import type { EventAttribute, SdkEvent } from './expected-keepers.js';
import { EVENT_TYPE_MIN_LENGTH } from './limits.js';

/** Event type `wasm` (types/events.go). */
export const EVENT_TYPE_WASM = 'wasm';
/** Event type `wasm-` (types/events.go). */
export const CUSTOM_CONTRACT_EVENT_PREFIX = 'wasm-';
/** Event type `instantiate` (types/events.go). */
export const EVENT_TYPE_INSTANTIATE = 'instantiate';
/** Event type `execute` (types/events.go). */
export const EVENT_TYPE_EXECUTE = 'execute';
/** Event type `migrate` (types/events.go). */
export const EVENT_TYPE_MIGRATE = 'migrate';
/** Event type `reply` (types/events.go). */
export const EVENT_TYPE_REPLY = 'reply';
/** Event type `update_contract_admin` (types/events.go). */
export const EVENT_TYPE_UPDATE_CONTRACT_ADMIN = 'update_contract_admin';
/** Event type `message` (types/events.go). */
export const EVENT_TYPE_MESSAGE = 'message';

/** Attribute key `contract_address`. */
export const ATTRIBUTE_KEY_CONTRACT_ADDR = 'contract_address';
/** Attribute key `code_id`. */
export const ATTRIBUTE_KEY_CODE_ID = 'code_id';
/** Attribute key `new_admin_address`. */
export const ATTRIBUTE_KEY_NEW_ADMIN = 'new_admin_address';
/** Attribute key `module`. */
export const ATTRIBUTE_KEY_MODULE = 'module';
/** Attribute key `sender`. */
export const ATTRIBUTE_KEY_SENDER = 'sender';
/** Attribute key `signer`. */
export const ATTRIBUTE_KEY_SIGNER = 'signer';
/** Attribute key `_`. */
export const ATTRIBUTE_RESERVED_PREFIX = '_';
/** Value of `message.module` for this module. */
export const MODULE_ATTRIBUTE_VALUE = 'compute';

/** Builds an event from `[key, value]` pairs. */
export function newEvent(type: string, ...attrs: readonly (readonly [string, string])[]): SdkEvent {
  return { type, attributes: attrs.map(([key, value]) => ({ key, value })) };
}

/**
 * `ContractLogsToSdkEvents`: exactly one `wasm` event per successful call, `contract_address` first, contract
 * attributes after (an attribute whose key is literally `contract_address` is dropped; encrypted keys are
 * base64 so only plaintext ones can collide). No further validation, as in Go.
 */
export function contractLogsToEvent(attributes: readonly OutputAttribute[], contractAddr: string): SdkEvent {
  const attrs: EventAttribute[] = [{ key: ATTRIBUTE_KEY_CONTRACT_ADDR, value: contractAddr }];
  for (const a of attributes) {
    if (a.key !== ATTRIBUTE_KEY_CONTRACT_ADDR) attrs.push({ key: a.key, value: a.value });
  }
  return { type: EVENT_TYPE_WASM, attributes: attrs };
}

/**
 * `NewCustomEvents`: v1 custom events become `wasm-<type>` with `contract_address` first. Rejects (code 21) a
 * type of ≤ 2 chars after trimming, empty keys or values after trimming, and keys starting with `_`.
 */
export function customEvents(events: readonly OutputEvent[], contractAddr: string): SdkEvent[] {
  const out: SdkEvent[] = [];
  for (const e of events) {
    const type = e.type.trim();
    if (type.length <= EVENT_TYPE_MIN_LENGTH) {
      throw computeError(ComputeErrors.InvalidEvent, `Event type too short: '${type}'`);
    }
    const attrs: EventAttribute[] = [{ key: ATTRIBUTE_KEY_CONTRACT_ADDR, value: contractAddr }];
    for (const a of e.attributes) {
      const key = a.key.trim();
      if (key.length === 0) {
        throw computeError(ComputeErrors.InvalidEvent, `Empty attribute key. Value: ${a.value}`);
      }
      const value = a.value.trim();
      if (value.length === 0) {
        throw computeError(ComputeErrors.InvalidEvent, `Empty attribute value. Key: ${key}`);
      }
      if (key.startsWith(ATTRIBUTE_RESERVED_PREFIX)) {
        throw computeError(
          ComputeErrors.InvalidEvent,
          `Attribute key starts with reserved prefix ${ATTRIBUTE_RESERVED_PREFIX}: '${key}'`,
        );
      }
      attrs.push({ key, value });
    }
    out.push({ type: `${CUSTOM_CONTRACT_EVENT_PREFIX}${type}`, attributes: attrs });
  }
  return out;
}

/** Drops SDK `message` events (what the dispatcher does before re-emitting a submessage's events). */
export function filterMessageEvents(events: readonly SdkEvent[]): SdkEvent[] {
  return events.filter((e) => e.type !== EVENT_TYPE_MESSAGE);
}
