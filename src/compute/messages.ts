/**
 * The compute module's transaction messages for clients and the keeper: type URLs, the cosmjs registry table,
 * EncodeObject types with guards (the cosmjs `modules/wasm/messages.ts` pattern), and a strict decoder.
 *
 * The message types themselves are generated (src/proto/, from proto/secret/**.proto); this file adds no
 * encoding of its own.
 */
import { BinaryReader } from '@bufbuild/protobuf/wire';
import type { EncodeObject, GeneratedType } from '@cosmjs/proto-signing';

import {
  type MessageFns,
  MsgClearAdmin,
  MsgContractGovernanceProposal,
  MsgExecuteContract,
  MsgInstantiateContract,
  MsgMigrateContract,
  MsgMigrateContractProposal,
  MsgSetContractGovernance,
  MsgStoreCode,
  MsgUpdateAdmin,
  MsgUpdateMachineWhitelist,
  MsgUpdateMachineWhitelistProposal,
  MsgUpdateParams,
  MsgUpgradeProposalPassed,
} from '../proto/secret/compute/v1beta1/msg.js';
import { RaAuthenticate } from '../proto/secret/registration/v1beta1/msg.js';
import { COMPUTE_MSG_SHAPES, RA_AUTHENTICATE_SHAPE } from './message-shapes.js';
import { ProtoDecodeError } from './proto-errors.js';
import { checkWire, type MessageShape } from './wire-check.js';

/** Protobuf package of Secret's compute module. */
export const COMPUTE_PROTO_PACKAGE = 'secret.compute.v1beta1';
/** Protobuf package of Secret's registration module. */
export const REGISTRATION_PROTO_PACKAGE = 'secret.registration.v1beta1';

/** Generated message type by name, for every transaction message of `secret.compute.v1beta1`. */
interface ComputeMsgTypes {
  MsgStoreCode: MsgStoreCode;
  MsgInstantiateContract: MsgInstantiateContract;
  MsgExecuteContract: MsgExecuteContract;
  MsgMigrateContract: MsgMigrateContract;
  MsgUpdateAdmin: MsgUpdateAdmin;
  MsgClearAdmin: MsgClearAdmin;
  MsgUpdateParams: MsgUpdateParams;
  MsgUpgradeProposalPassed: MsgUpgradeProposalPassed;
  MsgContractGovernanceProposal: MsgContractGovernanceProposal;
  MsgMigrateContractProposal: MsgMigrateContractProposal;
  MsgSetContractGovernance: MsgSetContractGovernance;
  MsgUpdateMachineWhitelistProposal: MsgUpdateMachineWhitelistProposal;
  MsgUpdateMachineWhitelist: MsgUpdateMachineWhitelist;
}

/** Name of a compute transaction message, e.g. `"MsgExecuteContract"`. */
export type ComputeMsgName = keyof ComputeMsgTypes;

const COMPUTE_MSG_FNS: { readonly [N in ComputeMsgName]: MessageFns<ComputeMsgTypes[N]> } = {
  MsgStoreCode,
  MsgInstantiateContract,
  MsgExecuteContract,
  MsgMigrateContract,
  MsgUpdateAdmin,
  MsgClearAdmin,
  MsgUpdateParams,
  MsgUpgradeProposalPassed,
  MsgContractGovernanceProposal,
  MsgMigrateContractProposal,
  MsgSetContractGovernance,
  MsgUpdateMachineWhitelistProposal,
  MsgUpdateMachineWhitelist,
};

/** Type URLs (`/secret.compute.v1beta1.<Msg>`) by message name. */
export const COMPUTE_TYPE_URLS = {
  MsgStoreCode: '/secret.compute.v1beta1.MsgStoreCode',
  MsgInstantiateContract: '/secret.compute.v1beta1.MsgInstantiateContract',
  MsgExecuteContract: '/secret.compute.v1beta1.MsgExecuteContract',
  MsgMigrateContract: '/secret.compute.v1beta1.MsgMigrateContract',
  MsgUpdateAdmin: '/secret.compute.v1beta1.MsgUpdateAdmin',
  MsgClearAdmin: '/secret.compute.v1beta1.MsgClearAdmin',
  MsgUpdateParams: '/secret.compute.v1beta1.MsgUpdateParams',
  MsgUpgradeProposalPassed: '/secret.compute.v1beta1.MsgUpgradeProposalPassed',
  MsgContractGovernanceProposal: '/secret.compute.v1beta1.MsgContractGovernanceProposal',
  MsgMigrateContractProposal: '/secret.compute.v1beta1.MsgMigrateContractProposal',
  MsgSetContractGovernance: '/secret.compute.v1beta1.MsgSetContractGovernance',
  MsgUpdateMachineWhitelistProposal: '/secret.compute.v1beta1.MsgUpdateMachineWhitelistProposal',
  MsgUpdateMachineWhitelist: '/secret.compute.v1beta1.MsgUpdateMachineWhitelist',
} as const satisfies { readonly [N in ComputeMsgName]: `/secret.compute.v1beta1.${N}` };

/** Type URLs of the registration module's transaction messages. */
export const REGISTRATION_TYPE_URLS = {
  RaAuthenticate: '/secret.registration.v1beta1.RaAuthenticate',
} as const;

/** Type URL of a compute transaction message. */
export type ComputeTypeUrl = (typeof COMPUTE_TYPE_URLS)[ComputeMsgName];
/** Type URL of a registration transaction message. */
export type RegistrationTypeUrl = (typeof REGISTRATION_TYPE_URLS)[keyof typeof REGISTRATION_TYPE_URLS];

/** Decoded message type by type URL. */
export type MsgByTypeUrl = { [N in ComputeMsgName as (typeof COMPUTE_TYPE_URLS)[N]]: ComputeMsgTypes[N] } & {
  '/secret.registration.v1beta1.RaAuthenticate': RaAuthenticate;
};

const names = Object.keys(COMPUTE_MSG_FNS) as ComputeMsgName[];

/**
 * The generated types are ts-proto 2 types (`TsProto2GeneratedType`), but TypeScript sees two copies of
 * `@bufbuild/protobuf`'s `BinaryWriter`: the ESM declarations we import and the CJS ones cosmjs resolves
 * (dual-package hazard, same version, same runtime behaviour). cosmjs' Registry never passes its own writer, so
 * the cast is sound; the transaction test in test/compute/messages.test.ts exercises it.
 */
const asGeneratedType = (fns: object): GeneratedType => fns as unknown as GeneratedType;

/**
 * Every compute transaction message for a cosmjs `Registry`, e.g.
 * `new Registry([...defaultRegistryTypes, ...computeTypes])` (cosmjs `wasmTypes` pattern).
 */
export const computeTypes: ReadonlyArray<[string, GeneratedType]> = names.map((n) => [
  COMPUTE_TYPE_URLS[n],
  asGeneratedType(COMPUTE_MSG_FNS[n]),
]);

/** The registration module's transaction message (`RaAuthenticate`) for a cosmjs `Registry`. */
export const registrationTypes: ReadonlyArray<[string, GeneratedType]> = [
  [REGISTRATION_TYPE_URLS.RaAuthenticate, asGeneratedType(RaAuthenticate)],
];

// EncodeObjects: `value` is Partial like cosmjs' (Registry.encode runs fromPartial, filling defaults).

/** {@link EncodeObject} of a MsgStoreCode. */
export interface MsgStoreCodeEncodeObject extends EncodeObject {
  readonly typeUrl: '/secret.compute.v1beta1.MsgStoreCode';
  readonly value: Partial<MsgStoreCode>;
}
/** {@link EncodeObject} of a MsgInstantiateContract. */
export interface MsgInstantiateContractEncodeObject extends EncodeObject {
  readonly typeUrl: '/secret.compute.v1beta1.MsgInstantiateContract';
  readonly value: Partial<MsgInstantiateContract>;
}
/** {@link EncodeObject} of a MsgExecuteContract. */
export interface MsgExecuteContractEncodeObject extends EncodeObject {
  readonly typeUrl: '/secret.compute.v1beta1.MsgExecuteContract';
  readonly value: Partial<MsgExecuteContract>;
}
/** {@link EncodeObject} of a MsgMigrateContract. */
export interface MsgMigrateContractEncodeObject extends EncodeObject {
  readonly typeUrl: '/secret.compute.v1beta1.MsgMigrateContract';
  readonly value: Partial<MsgMigrateContract>;
}
/** {@link EncodeObject} of a MsgUpdateAdmin. */
export interface MsgUpdateAdminEncodeObject extends EncodeObject {
  readonly typeUrl: '/secret.compute.v1beta1.MsgUpdateAdmin';
  readonly value: Partial<MsgUpdateAdmin>;
}
/** {@link EncodeObject} of a MsgClearAdmin. */
export interface MsgClearAdminEncodeObject extends EncodeObject {
  readonly typeUrl: '/secret.compute.v1beta1.MsgClearAdmin';
  readonly value: Partial<MsgClearAdmin>;
}
/** {@link EncodeObject} of a MsgUpdateParams. */
export interface MsgUpdateParamsEncodeObject extends EncodeObject {
  readonly typeUrl: '/secret.compute.v1beta1.MsgUpdateParams';
  readonly value: Partial<MsgUpdateParams>;
}
/** {@link EncodeObject} of a registration RaAuthenticate. */
export interface RaAuthenticateEncodeObject extends EncodeObject {
  readonly typeUrl: '/secret.registration.v1beta1.RaAuthenticate';
  readonly value: Partial<RaAuthenticate>;
}

/** True if `o` carries a MsgStoreCode. */
export function isMsgStoreCodeEncodeObject(o: EncodeObject): o is MsgStoreCodeEncodeObject {
  return o.typeUrl === COMPUTE_TYPE_URLS.MsgStoreCode;
}
/** True if `o` carries a MsgInstantiateContract. */
export function isMsgInstantiateContractEncodeObject(
  o: EncodeObject,
): o is MsgInstantiateContractEncodeObject {
  return o.typeUrl === COMPUTE_TYPE_URLS.MsgInstantiateContract;
}
/** True if `o` carries a MsgExecuteContract. */
export function isMsgExecuteContractEncodeObject(o: EncodeObject): o is MsgExecuteContractEncodeObject {
  return o.typeUrl === COMPUTE_TYPE_URLS.MsgExecuteContract;
}
/** True if `o` carries a MsgMigrateContract. */
export function isMsgMigrateContractEncodeObject(o: EncodeObject): o is MsgMigrateContractEncodeObject {
  return o.typeUrl === COMPUTE_TYPE_URLS.MsgMigrateContract;
}
/** True if `o` carries a MsgUpdateAdmin. */
export function isMsgUpdateAdminEncodeObject(o: EncodeObject): o is MsgUpdateAdminEncodeObject {
  return o.typeUrl === COMPUTE_TYPE_URLS.MsgUpdateAdmin;
}
/** True if `o` carries a MsgClearAdmin. */
export function isMsgClearAdminEncodeObject(o: EncodeObject): o is MsgClearAdminEncodeObject {
  return o.typeUrl === COMPUTE_TYPE_URLS.MsgClearAdmin;
}
/** True if `o` carries a MsgUpdateParams. */
export function isMsgUpdateParamsEncodeObject(o: EncodeObject): o is MsgUpdateParamsEncodeObject {
  return o.typeUrl === COMPUTE_TYPE_URLS.MsgUpdateParams;
}
/** True if `o` carries a registration RaAuthenticate. */
export function isRaAuthenticateEncodeObject(o: EncodeObject): o is RaAuthenticateEncodeObject {
  return o.typeUrl === REGISTRATION_TYPE_URLS.RaAuthenticate;
}

interface Decoder {
  readonly fns: MessageFns<unknown>;
  readonly shape: MessageShape;
}

const DECODERS: ReadonlyMap<string, Decoder> = new Map<string, Decoder>([
  ...names.map((n): [string, Decoder] => [
    COMPUTE_TYPE_URLS[n],
    { fns: COMPUTE_MSG_FNS[n], shape: COMPUTE_MSG_SHAPES[n] },
  ]),
  [REGISTRATION_TYPE_URLS.RaAuthenticate, { fns: RaAuthenticate, shape: RA_AUTHENTICATE_SHAPE }],
]);

/**
 * Decodes the protobuf bytes of a compute (or registration) transaction message, strictly.
 *
 * Unlike the generated `X.decode`, this never returns a partially decoded message: the bytes are first checked
 * against the message's wire shape ({@link checkWire}: complete tags/varints/lengths, declared wire types, no
 * unknown critical fields, nested messages within their lengths), then decoded, and the decoder must consume
 * exactly all bytes. Any failure throws {@link ProtoDecodeError} (`code` says which; `cause` keeps a generated
 * decoder's own error). The input is copied once, so the result never aliases the caller's buffer.
 *
 * A truncation that falls exactly between two top-level fields is still a valid encoding (of a message without
 * the later fields), as in every protobuf implementation; it decodes to exactly that message.
 */
export function decodeComputeMsg<U extends keyof MsgByTypeUrl>(
  typeUrl: U,
  bytes: Uint8Array,
): MsgByTypeUrl[U];
export function decodeComputeMsg(typeUrl: string, bytes: Uint8Array): MsgByTypeUrl[keyof MsgByTypeUrl];
export function decodeComputeMsg(typeUrl: string, bytes: Uint8Array): unknown {
  const decoder = DECODERS.get(typeUrl);
  if (decoder === undefined) {
    throw new ProtoDecodeError(
      'UNKNOWN_TYPE_URL',
      `unknown compute message type URL ${JSON.stringify(typeUrl)}`,
    );
  }
  // One private copy: the result's bytes fields are views into it, so they neither alias the caller's buffer
  // nor inherit a Buffer subclass from it (public APIs hand out plain Uint8Arrays).
  const own = new Uint8Array(bytes);
  checkWire(decoder.shape, own);
  const reader = new BinaryReader(own);
  let message: unknown;
  try {
    message = decoder.fns.decode(reader);
  } catch (e) {
    throw new ProtoDecodeError(
      'MALFORMED',
      `${decoder.shape.name}: the generated decoder rejected the bytes`,
      {
        cause: e,
      },
    );
  }
  if (reader.pos !== bytes.length) {
    throw new ProtoDecodeError(
      'MALFORMED',
      `${decoder.shape.name}: decoding stopped at byte ${reader.pos} of ${bytes.length}`,
      { offset: reader.pos },
    );
  }
  return message;
}
