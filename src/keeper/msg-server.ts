/**
 * The `secret.compute.v1beta1.Msg` service (SecretNetwork x/compute/internal/keeper/msg_server.go). Implements
 * the generated interface, so `tsc` fails if an RPC is missing. Each RPC validates like `ValidateBasic`,
 * converts addresses and runs the keeper as one transaction (state written only on success).
 */
import type {
  Msg,
  MsgClearAdmin,
  MsgClearAdminResponse,
  MsgContractGovernanceProposal,
  MsgContractGovernanceProposalResponse,
  MsgExecuteContract,
  MsgExecuteContractResponse,
  MsgInstantiateContract,
  MsgInstantiateContractResponse,
  MsgMigrateContract,
  MsgMigrateContractResponse,
  MsgSetContractGovernance,
  MsgSetContractGovernanceResponse,
  MsgStoreCode,
  MsgStoreCodeResponse,
  MsgUpdateAdmin,
  MsgUpdateAdminResponse,
  MsgUpdateMachineWhitelist,
  MsgUpdateMachineWhitelistProposal,
  MsgUpdateMachineWhitelistProposalResponse,
  MsgUpdateMachineWhitelistResponse,
  MsgUpdateParams,
  MsgUpdateParamsResponse,
  MsgUpgradeProposalPassed,
  MsgUpgradeProposalPassedResponse,
} from '../proto/secret/compute/v1beta1/msg.js';
import { fromBech32, MAX_ADDRESS_LENGTH, toBech32 } from './address.js';
import { validateCoins } from './bank-keeper.js';
import type { KeeperContext } from './context.js';
import { computeError, ComputeErrors, SdkErrors } from './errors.js';
import {
  ATTRIBUTE_KEY_CODE_ID,
  ATTRIBUTE_KEY_CONTRACT_ADDR,
  ATTRIBUTE_KEY_MODULE,
  ATTRIBUTE_KEY_SENDER,
  ATTRIBUTE_KEY_SIGNER,
  EVENT_TYPE_MESSAGE,
  MODULE_ATTRIBUTE_VALUE,
  newEvent,
} from './events.js';
import type { Coin, SdkEvent, TxInfo } from './expected-keepers.js';
import type { ComputeKeeper, TxResult } from './keeper.js';
import { MAX_BUILDER_SIZE, MAX_LABEL_SIZE, MAX_WASM_UPLOAD_SIZE } from './limits.js';
import { atomicsToDec } from './params.js';

/** Options of {@link createMsgServer}. */
export interface MsgServerOptions {
  /** The tx each RPC belongs to (index, hash, signature data for the enclave); called once per RPC. */
  readonly tx?: () => TxInfo | undefined;
  /** SDK gas limit per RPC (default: the keeper's tx gas limit). */
  readonly gasLimit?: bigint;
  /** Receives events and gas of every successful RPC. */
  readonly onResult?: (rpc: string, result: TxResult<unknown>) => void;
}

/** `BUILDER` docker image reference rule (types/validation.go). */
const BUILDER_RE =
  /^[a-z0-9][a-z0-9._-]*[a-z0-9](\/[a-z0-9][a-z0-9._-]*[a-z0-9])+:[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/;

function invalidRequest(what: string): never {
  throw computeError(SdkErrors.InvalidRequest, what);
}

function checkRawAddress(addr: Uint8Array, what: string): void {
  if (addr.length === 0 || addr.length > MAX_ADDRESS_LENGTH)
    throw computeError(SdkErrors.InvalidAddress, what);
}

function checkLabel(label: string): void {
  if (label === '') throw computeError(ComputeErrors.Empty, 'label is required');
  if (new TextEncoder().encode(label).length > MAX_LABEL_SIZE) {
    throw computeError(ComputeErrors.Limit, `label cannot be longer than ${MAX_LABEL_SIZE} characters`);
  }
}

function checkFunds(coins: readonly Coin[]): void {
  if (coins.length > 0) validateCoins(coins);
}

/**
 * `callback_sig` is internal (spec §1.2: must be empty in a signed tx): it is the enclave's proof that a contract
 * produced the message, and it does not bind the sender. Contract messages reach the keeper through the
 * dispatcher, never through this service, so a non-empty one here is a forgery or a replay and is refused before
 * anything runs.
 */
function noCallbackSig(sig: Uint8Array): undefined {
  if (sig.length !== 0)
    throw computeError(SdkErrors.Unauthorized, 'callback_sig must be empty in a signed transaction');
  return undefined;
}

function messageEvent(sender: string, extra: readonly (readonly [string, string])[]): SdkEvent {
  return newEvent(
    EVENT_TYPE_MESSAGE,
    [ATTRIBUTE_KEY_MODULE, MODULE_ATTRIBUTE_VALUE],
    [ATTRIBUTE_KEY_SENDER, sender],
    ...extra,
  );
}

/** The Msg service over a keeper. */
export class MsgServer implements Msg {
  constructor(
    readonly keeper: ComputeKeeper,
    private readonly opts: MsgServerOptions = {},
  ) {}

  private run<T>(rpc: string, fn: (ctx: KeeperContext) => T): T {
    const res = this.keeper.runTxWith(this.opts.gasLimit, this.opts.tx?.(), fn);
    this.opts.onResult?.(rpc, res);
    return res.result;
  }

  StoreCode(req: MsgStoreCode): Promise<MsgStoreCodeResponse> {
    return Promise.resolve().then(() => {
      checkRawAddress(req.sender, 'Invalid sender address');
      if (req.wasmByteCode.length === 0) invalidRequest('code bytes is required: empty');
      if (req.wasmByteCode.length > MAX_WASM_UPLOAD_SIZE) {
        invalidRequest(`code bytes cannot be longer than ${MAX_WASM_UPLOAD_SIZE} bytes: exceeds limit`);
      }
      if (req.source !== '') {
        let url: URL | undefined;
        try {
          url = new URL(req.source);
        } catch {
          url = undefined;
        }
        if (url?.protocol !== 'https:') invalidRequest('source must be an absolute https URL');
      }
      if (req.builder !== '' && (req.builder.length > MAX_BUILDER_SIZE || !BUILDER_RE.test(req.builder))) {
        invalidRequest('builder is not a valid docker image reference');
      }
      const sender = toBech32(req.sender);
      return this.run('StoreCode', (ctx) => {
        ctx.emit(messageEvent(sender, [[ATTRIBUTE_KEY_SIGNER, sender]]));
        const { codeId } = this.keeper.storeCode(ctx, req.sender, req.wasmByteCode, req.source, req.builder);
        ctx.emit(newEvent(EVENT_TYPE_MESSAGE, [ATTRIBUTE_KEY_CODE_ID, codeId.toString()]));
        return { codeId };
      });
    });
  }

  InstantiateContract(req: MsgInstantiateContract): Promise<MsgInstantiateContractResponse> {
    return Promise.resolve().then(() => {
      checkRawAddress(req.sender, 'Invalid sender address');
      if (req.codeId === 0n) invalidRequest('code id is required');
      checkLabel(req.label);
      checkFunds(req.initFunds);
      if (req.admin !== '') fromBech32(req.admin);
      const sender = toBech32(req.sender);
      return this.run('InstantiateContract', (ctx) => {
        const r = this.keeper.instantiate(
          ctx,
          req.codeId,
          req.sender,
          req.admin,
          req.initMsg,
          req.label,
          req.initFunds,
          noCallbackSig(req.callbackSig),
        );
        const address = toBech32(r.address);
        ctx.emit(messageEvent(sender, [[ATTRIBUTE_KEY_CONTRACT_ADDR, address]]));
        return { address, data: r.data ?? new Uint8Array(0) };
      });
    });
  }

  ExecuteContract(req: MsgExecuteContract): Promise<MsgExecuteContractResponse> {
    return Promise.resolve().then(() => {
      checkRawAddress(req.sender, 'Invalid sender address');
      checkRawAddress(req.contract, 'Invalid contract address');
      checkFunds(req.sentFunds);
      const sender = toBech32(req.sender);
      return this.run('ExecuteContract', (ctx) => {
        ctx.emit(messageEvent(sender, [[ATTRIBUTE_KEY_CONTRACT_ADDR, toBech32(req.contract)]]));
        const r = this.keeper.execute(
          ctx,
          req.contract,
          req.sender,
          req.msg,
          req.sentFunds,
          noCallbackSig(req.callbackSig),
        );
        return { data: r.data ?? new Uint8Array(0) };
      });
    });
  }

  MigrateContract(req: MsgMigrateContract): Promise<MsgMigrateContractResponse> {
    return Promise.resolve().then(() => {
      const sender = fromBech32(req.sender);
      const contract = fromBech32(req.contract);
      if (req.codeId === 0n) invalidRequest('code id is required');
      return this.run('MigrateContract', (ctx) => {
        const r = this.keeper.migrate(
          ctx,
          contract,
          sender,
          req.codeId,
          req.msg,
          noCallbackSig(req.callbackSig),
        );
        return { data: r.data ?? new Uint8Array(0) };
      });
    });
  }

  UpdateAdmin(req: MsgUpdateAdmin): Promise<MsgUpdateAdminResponse> {
    return Promise.resolve().then(() => {
      const sender = fromBech32(req.sender);
      const contract = fromBech32(req.contract);
      fromBech32(req.newAdmin);
      if (req.newAdmin === req.sender)
        throw computeError(ComputeErrors.InvalidMsg, 'new admin is the same as the old');
      return this.run('UpdateAdmin', (ctx) => {
        this.keeper.updateAdmin(ctx, contract, sender, req.newAdmin, noCallbackSig(req.callbackSig));
        return {};
      });
    });
  }

  ClearAdmin(req: MsgClearAdmin): Promise<MsgClearAdminResponse> {
    return Promise.resolve().then(() => {
      const sender = fromBech32(req.sender);
      const contract = fromBech32(req.contract);
      return this.run('ClearAdmin', (ctx) => {
        this.keeper.updateAdmin(ctx, contract, sender, '', noCallbackSig(req.callbackSig));
        return {};
      });
    });
  }

  UpdateParams(req: MsgUpdateParams): Promise<MsgUpdateParamsResponse> {
    return Promise.resolve().then(() => {
      if (req.params === undefined) invalidRequest('params are required');
      const p = req.params;
      let compileCost: string;
      try {
        // LegacyDec travels as its 18-decimal atomic integer string in protobuf
        compileCost = atomicsToDec(BigInt(p.compileCost));
      } catch {
        return invalidRequest(`invalid compile cost ${JSON.stringify(p.compileCost)}`);
      }
      return this.run('UpdateParams', (ctx) => {
        this.keeper.updateParams(ctx, req.authority, { compileCost, maxContractSize: p.maxContractSize });
        return {};
      });
    });
  }

  UpgradeProposalPassed(_req: MsgUpgradeProposalPassed): Promise<MsgUpgradeProposalPassedResponse> {
    return unsupported('UpgradeProposalPassed');
  }

  ContractGovernanceProposal(
    _req: MsgContractGovernanceProposal,
  ): Promise<MsgContractGovernanceProposalResponse> {
    return unsupported('ContractGovernanceProposal');
  }

  SetContractGovernance(_req: MsgSetContractGovernance): Promise<MsgSetContractGovernanceResponse> {
    return unsupported('SetContractGovernance');
  }

  UpdateMachineWhitelistProposal(
    _req: MsgUpdateMachineWhitelistProposal,
  ): Promise<MsgUpdateMachineWhitelistProposalResponse> {
    return unsupported('UpdateMachineWhitelistProposal');
  }

  UpdateMachineWhitelist(_req: MsgUpdateMachineWhitelist): Promise<MsgUpdateMachineWhitelistResponse> {
    return unsupported('UpdateMachineWhitelist');
  }
}

/** Governance/upgrade RPCs need x/gov and an upgrade flow this implementation does not have. */
function unsupported(rpc: string): Promise<never> {
  return Promise.reject(
    computeError(
      SdkErrors.NotSupported,
      `Msg/${rpc} is not supported by this implementation (no governance/upgrade module)`,
    ),
  );
}

/** Creates the Msg service over `keeper`. */
export function createMsgServer(keeper: ComputeKeeper, opts: MsgServerOptions = {}): MsgServer {
  return new MsgServer(keeper, opts);
}
