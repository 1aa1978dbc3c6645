/**
 * Wire shapes (field number → wire type, nested message) of every message {@link decodeComputeMsg} accepts,
 * transcribed from proto/secret/compute/v1beta1/msg.proto and proto/secret/registration/v1beta1/msg.proto.
 * test/proto/wire-check.test.ts encodes fully populated generated messages and checks them against these.
 */
import { type FieldShape, type MessageShape, WireType } from './wire-check.js';

const LEN: FieldShape = { wire: WireType.LEN };
const VARINT: FieldShape = { wire: WireType.VARINT };
const nested = (message: MessageShape): FieldShape => ({ wire: WireType.LEN, message });
const shape = (name: string, fields: Record<number, FieldShape>): MessageShape => ({ name, fields });

/** cosmos.base.v1beta1.Coin: denom=1 string, amount=2 string. */
export const COIN_SHAPE = shape('cosmos.base.v1beta1.Coin', { 1: LEN, 2: LEN });
/** secret.compute.v1beta1.Params: compile_cost=1 string, max_contract_size=2 uint64. */
export const PARAMS_SHAPE = shape('secret.compute.v1beta1.Params', { 1: LEN, 2: VARINT });
const MIGRATE_CONTRACT_INFO = shape('secret.compute.v1beta1.MigrateContractInfo', { 1: LEN, 2: VARINT });
const UPDATE_ADMIN_INFO = shape('secret.compute.v1beta1.UpdateAdminInfo', { 1: LEN, 2: LEN });

/** Shapes by message name (the part of the type URL after the package). */
export const COMPUTE_MSG_SHAPES = {
  MsgStoreCode: shape('secret.compute.v1beta1.MsgStoreCode', { 1: LEN, 2: LEN, 3: LEN, 4: LEN }),
  MsgInstantiateContract: shape('secret.compute.v1beta1.MsgInstantiateContract', {
    1: LEN,
    2: LEN,
    3: VARINT,
    4: LEN,
    5: LEN,
    6: nested(COIN_SHAPE),
    7: LEN,
    8: LEN,
  }),
  MsgExecuteContract: shape('secret.compute.v1beta1.MsgExecuteContract', {
    1: LEN,
    2: LEN,
    3: LEN,
    4: LEN,
    5: nested(COIN_SHAPE),
    6: LEN,
  }),
  MsgMigrateContract: shape('secret.compute.v1beta1.MsgMigrateContract', {
    1: LEN,
    2: LEN,
    3: VARINT,
    4: LEN,
    7: LEN,
    8: LEN,
  }),
  MsgUpdateAdmin: shape('secret.compute.v1beta1.MsgUpdateAdmin', { 1: LEN, 2: LEN, 3: LEN, 7: LEN }),
  MsgClearAdmin: shape('secret.compute.v1beta1.MsgClearAdmin', { 1: LEN, 3: LEN, 7: LEN }),
  MsgUpdateParams: shape('secret.compute.v1beta1.MsgUpdateParams', { 1: LEN, 2: nested(PARAMS_SHAPE) }),
  MsgUpgradeProposalPassed: shape('secret.compute.v1beta1.MsgUpgradeProposalPassed', { 1: LEN, 2: LEN }),
  MsgContractGovernanceProposal: shape('secret.compute.v1beta1.MsgContractGovernanceProposal', {
    1: LEN,
    2: LEN,
    3: LEN,
    4: nested(MIGRATE_CONTRACT_INFO),
    5: nested(UPDATE_ADMIN_INFO),
  }),
  MsgMigrateContractProposal: shape('secret.compute.v1beta1.MsgMigrateContractProposal', {
    1: LEN,
    2: LEN,
    3: LEN,
    4: nested(MIGRATE_CONTRACT_INFO),
  }),
  MsgSetContractGovernance: shape('secret.compute.v1beta1.MsgSetContractGovernance', { 1: LEN, 2: LEN }),
  MsgUpdateMachineWhitelistProposal: shape('secret.compute.v1beta1.MsgUpdateMachineWhitelistProposal', {
    1: LEN,
    2: LEN,
    3: LEN,
    4: LEN,
  }),
  MsgUpdateMachineWhitelist: shape('secret.compute.v1beta1.MsgUpdateMachineWhitelist', {
    1: LEN,
    2: VARINT,
    3: LEN,
  }),
} as const satisfies Record<string, MessageShape>;

/** secret.registration.v1beta1.RaAuthenticate: sender=1 bytes, certificate=2 bytes, replace_machine_id=3. */
export const RA_AUTHENTICATE_SHAPE = shape('secret.registration.v1beta1.RaAuthenticate', {
  1: LEN,
  2: LEN,
  3: LEN,
});
