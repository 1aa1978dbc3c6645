// The .proto files against the research report (shared/spec/secret-compute.md §1 and §6), read back from the
// compiled descriptors (`buf build`), so a wrong field number, type, label or RPC fails here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

interface FieldDesc {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName?: string;
  options?: Record<string, unknown>;
}
interface MessageDesc {
  name: string;
  field?: FieldDesc[];
  options?: Record<string, unknown>;
}
interface MethodDesc {
  name: string;
  inputType: string;
  outputType: string;
  options?: { '[google.api.http]'?: { get?: string } };
}
interface FileDesc {
  name: string;
  package: string;
  messageType?: MessageDesc[];
  enumType?: { name: string; value: { name: string; number: number }[] }[];
  service?: { name: string; method: MethodDesc[]; options?: Record<string, unknown> }[];
}

const image = JSON.parse(
  execFileSync('node_modules/.bin/buf', ['build', '--exclude-source-info', '-o', '-#format=json'], {
    encoding: 'utf8',
  }),
) as { file: FileDesc[] };
const file = (name: string): FileDesc => {
  const f = image.file.find((x) => x.name === name);
  assert.ok(f, name);
  return f;
};

const SCALARS = new Set(['bytes', 'string', 'uint64', 'int64', 'uint32', 'bool']);

/**
 * Transcription of the report, one message per line: `Name: field=number type, …` where type is a scalar, a
 * message or enum name (relative to the package, or fully qualified with a leading dot) optionally prefixed by
 * `repeated`.
 */
function expectMessages(fileName: string, pkg: string, spec: string): void {
  const f = file(fileName);
  assert.equal(f.package, pkg);
  const enums = new Set((f.enumType ?? []).map((e) => e.name));
  const lines = spec
    .trim()
    .split('\n')
    .map((l) => l.trim());
  for (const line of lines) {
    const [name, rest = ''] = line.split(':').map((s) => s.trim());
    const m = f.messageType?.find((x) => x.name === name);
    assert.ok(m, `${fileName}: message ${name}`);
    const expected = rest === '' ? [] : rest.split(',').map((s) => s.trim());
    const actual = (m.field ?? []).map((fd) => {
      const rep = fd.label === 'LABEL_REPEATED' ? 'repeated ' : '';
      let t: string;
      if (fd.type === 'TYPE_MESSAGE' || fd.type === 'TYPE_ENUM') {
        const tn = fd.typeName ?? '';
        t = tn.startsWith(`.${pkg}.`) ? tn.slice(pkg.length + 2) : tn;
      } else t = fd.type.replace('TYPE_', '').toLowerCase();
      return `${fd.name}=${fd.number} ${rep}${t}`;
    });
    assert.deepEqual(actual, expected, `${fileName}: ${name}`);
    for (const e of expected) {
      const t = e.split(' ').pop() ?? '';
      assert.ok(
        SCALARS.has(t) || t.startsWith('.') || enums.has(t) || /^[A-Z]/.test(t),
        `${name}: type ${t}`,
      );
    }
  }
  // No message exists that the report does not list.
  assert.deepEqual(
    (f.messageType ?? []).map((x) => x.name).sort(),
    lines.map((l) => l.split(':')[0]?.trim()).sort(),
    `${fileName}: message set`,
  );
}

function expectRpcs(fileName: string, service: string, spec: string, pkg: string): MethodDesc[] {
  const s = file(fileName).service?.find((x) => x.name === service);
  assert.ok(s, `${fileName}: service ${service}`);
  const rows = spec
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  const strip = (t: string): string => (t.startsWith(`.${pkg}.`) ? t.slice(pkg.length + 2) : t);
  assert.deepEqual(
    s.method.map((m) => [
      m.name,
      strip(m.inputType),
      strip(m.outputType),
      m.options?.['[google.api.http]']?.get ?? '-',
    ]),
    rows,
  );
  return s.method;
}

describe('secret.compute.v1beta1 matches the report (§1)', () => {
  it('msg.proto messages (§1.2)', () => {
    expectMessages(
      'secret/compute/v1beta1/msg.proto',
      'secret.compute.v1beta1',
      `
      MsgStoreCode: sender=1 bytes, wasm_byte_code=2 bytes, source=3 string, builder=4 string
      MsgStoreCodeResponse: code_id=1 uint64
      MsgInstantiateContract: sender=1 bytes, callback_code_hash=2 string, code_id=3 uint64, label=4 string, init_msg=5 bytes, init_funds=6 repeated .cosmos.base.v1beta1.Coin, callback_sig=7 bytes, admin=8 string
      MsgInstantiateContractResponse: address=1 string, data=2 bytes
      MsgExecuteContract: sender=1 bytes, contract=2 bytes, msg=3 bytes, callback_code_hash=4 string, sent_funds=5 repeated .cosmos.base.v1beta1.Coin, callback_sig=6 bytes
      MsgExecuteContractResponse: data=1 bytes
      MsgMigrateContract: sender=1 string, contract=2 string, code_id=3 uint64, msg=4 bytes, callback_sig=7 bytes, callback_code_hash=8 string
      MsgMigrateContractResponse: data=1 bytes
      MsgUpdateAdmin: sender=1 string, new_admin=2 string, contract=3 string, callback_sig=7 bytes
      MsgUpdateAdminResponse:
      MsgClearAdmin: sender=1 string, contract=3 string, callback_sig=7 bytes
      MsgClearAdminResponse:
      MsgUpdateParams: authority=1 string, params=2 Params
      MsgUpdateParamsResponse:
      MsgUpgradeProposalPassed: sender_address=1 string, mr_enclave_hash=2 bytes
      MsgUpgradeProposalPassedResponse:
      MigrateContractInfo: address=1 string, new_code_id=2 uint64
      UpdateAdminInfo: address=1 string, new_admin=2 string
      MsgContractGovernanceProposal: authority=1 string, title=2 string, description=3 string, contracts=4 repeated MigrateContractInfo, admin_updates=5 repeated UpdateAdminInfo
      MsgContractGovernanceProposalResponse:
      MsgMigrateContractProposal: authority=1 string, title=2 string, description=3 string, contracts=4 repeated MigrateContractInfo
      MsgMigrateContractProposalResponse:
      MsgSetContractGovernance: sender=1 string, contract_address=2 string
      MsgSetContractGovernanceResponse:
      MsgUpdateMachineWhitelistProposal: authority=1 string, title=2 string, description=3 string, machine_id=4 string
      MsgUpdateMachineWhitelistProposalResponse:
      MsgUpdateMachineWhitelist: sender=1 string, proposal_id=2 uint64, machine_id=3 string
      MsgUpdateMachineWhitelistResponse:
      `,
    );
  });

  it('Msg service (§1.2): RPCs, cosmos.msg.v1.service, signers, amino names, address casts', () => {
    const methods = expectRpcs(
      'secret/compute/v1beta1/msg.proto',
      'Msg',
      `
      StoreCode MsgStoreCode MsgStoreCodeResponse -
      InstantiateContract MsgInstantiateContract MsgInstantiateContractResponse -
      ExecuteContract MsgExecuteContract MsgExecuteContractResponse -
      MigrateContract MsgMigrateContract MsgMigrateContractResponse -
      UpdateAdmin MsgUpdateAdmin MsgUpdateAdminResponse -
      ClearAdmin MsgClearAdmin MsgClearAdminResponse -
      UpdateParams MsgUpdateParams MsgUpdateParamsResponse -
      UpgradeProposalPassed MsgUpgradeProposalPassed MsgUpgradeProposalPassedResponse -
      ContractGovernanceProposal MsgContractGovernanceProposal MsgContractGovernanceProposalResponse -
      SetContractGovernance MsgSetContractGovernance MsgSetContractGovernanceResponse -
      UpdateMachineWhitelistProposal MsgUpdateMachineWhitelistProposal MsgUpdateMachineWhitelistProposalResponse -
      UpdateMachineWhitelist MsgUpdateMachineWhitelist MsgUpdateMachineWhitelistResponse -
      `,
      'secret.compute.v1beta1',
    );
    assert.equal(methods.length, 12);
    const f = file('secret/compute/v1beta1/msg.proto');
    assert.deepEqual(f.service?.[0]?.options, { '[cosmos.msg.v1.service]': true });
    const msg = (n: string): MessageDesc => f.messageType?.find((m) => m.name === n) as MessageDesc;
    const signers: Record<string, string> = {
      MsgStoreCode: 'sender',
      MsgInstantiateContract: 'sender',
      MsgExecuteContract: 'sender',
      MsgMigrateContract: 'sender',
      MsgUpdateAdmin: 'sender',
      MsgClearAdmin: 'sender',
      MsgUpdateParams: 'authority',
      MsgUpgradeProposalPassed: 'sender_address',
      MsgContractGovernanceProposal: 'authority',
      MsgMigrateContractProposal: 'authority',
      MsgSetContractGovernance: 'sender',
      MsgUpdateMachineWhitelistProposal: 'authority',
      MsgUpdateMachineWhitelist: 'sender',
    };
    for (const [n, signer] of Object.entries(signers)) {
      assert.deepEqual(msg(n).options?.['[cosmos.msg.v1.signer]'], [signer], n);
    }
    for (const n of [
      'StoreCode',
      'InstantiateContract',
      'ExecuteContract',
      'MigrateContract',
      'UpdateAdmin',
      'ClearAdmin',
    ]) {
      assert.equal(msg(`Msg${n}`).options?.['[amino.name]'], `wasm/Msg${n}`);
    }
    const accAddress = 'github.com/cosmos/cosmos-sdk/types.AccAddress';
    for (const [n, field] of [
      ['MsgStoreCode', 'sender'],
      ['MsgInstantiateContract', 'sender'],
      ['MsgExecuteContract', 'sender'],
      ['MsgExecuteContract', 'contract'],
    ]) {
      const fd = msg(n as string).field?.find((x) => x.name === field);
      assert.equal(fd?.options?.['[gogoproto.casttype]'], accAddress, `${n}.${field}`);
    }
    const funds = msg('MsgInstantiateContract').field?.find((x) => x.name === 'init_funds');
    assert.equal(funds?.options?.['[amino.encoding]'], 'legacy_coins');
    assert.equal(funds?.options?.['[gogoproto.nullable]'], false);
    assert.equal(funds?.options?.['[amino.dont_omitempty]'], true);
  });

  it('Query service (§1.3): 21 RPCs with their GET paths', () => {
    const methods = expectRpcs(
      'secret/compute/v1beta1/query.proto',
      'Query',
      `
      ContractInfo QueryByContractAddressRequest QueryContractInfoResponse /compute/v1beta1/info/{contract_address}
      ContractsByCodeId QueryByCodeIdRequest QueryContractsByCodeIdResponse /compute/v1beta1/contracts/{code_id}
      QuerySecretContract QuerySecretContractRequest QuerySecretContractResponse /compute/v1beta1/query/{contract_address}
      Code QueryByCodeIdRequest QueryCodeResponse /compute/v1beta1/code/{code_id}
      Codes .google.protobuf.Empty QueryCodesResponse /compute/v1beta1/codes
      CodeHashByContractAddress QueryByContractAddressRequest QueryCodeHashResponse /compute/v1beta1/code_hash/by_contract_address/{contract_address}
      CodeHashByCodeId QueryByCodeIdRequest QueryCodeHashResponse /compute/v1beta1/code_hash/by_code_id/{code_id}
      LabelByAddress QueryByContractAddressRequest QueryContractLabelResponse /compute/v1beta1/label/{contract_address}
      AddressByLabel QueryByLabelRequest QueryContractAddressResponse /compute/v1beta1/contract_address/{label}
      ContractHistory QueryContractHistoryRequest QueryContractHistoryResponse /compute/v1beta1/contract_history/{contract_address}
      Params ParamsRequest ParamsResponse /compute/v1beta1/params
      AuthorizedMigration QueryAuthorizedMigrationRequest QueryAuthorizedMigrationResponse /compute/v1beta1/authorized_migration/{contract_address}
      AuthorizedAdminUpdate QueryAuthorizedAdminUpdateRequest QueryAuthorizedAdminUpdateResponse /compute/v1beta1/authorized_admin_update/{contract_address}
      EcallRecord QueryEcallRecordRequest QueryEcallRecordResponse /compute/v1beta1/ecall/{height}
      EcallRecords QueryEcallRecordsRequest QueryEcallRecordsResponse /compute/v1beta1/ecalls
      NetworkPubkey QueryNetworkPubkeyRequest QueryNetworkPubkeyResponse /compute/v1beta1/network_pubkey/{height}/{i_seed}
      EncryptedSeed QueryEncryptedSeedRequest QueryEncryptedSeedResponse /compute/v1beta1/encrypted_seed/{cert_hash}
      BlockTraces QueryBlockTracesRequest QueryBlockTracesResponse /compute/v1beta1/block_traces/{height}
      MachineIDProof QueryMachineIDProofRequest QueryMachineIDProofResponse /compute/v1beta1/machine_id_proof/{height}/{machine_id}
      AnalyzeCode QueryAnalyzeCodeRequest QueryAnalyzeCodeResponse /compute/v1beta1/analyze_code
      BlockCreateResults QueryBlockCreateResultsRequest QueryBlockCreateResultsResponse /compute/v1beta1/block_create_results/{height}
      `,
      'secret.compute.v1beta1',
    );
    assert.equal(methods.length, 21);
  });

  it('query.proto messages (§1.3)', () => {
    expectMessages(
      'secret/compute/v1beta1/query.proto',
      'secret.compute.v1beta1',
      `
      ParamsRequest:
      ParamsResponse: params=1 Params
      QuerySecretContractRequest: contract_address=1 string, query=2 bytes
      QueryByLabelRequest: label=1 string
      QueryByContractAddressRequest: contract_address=1 string
      QueryByCodeIdRequest: code_id=1 uint64
      QuerySecretContractResponse: data=1 bytes
      QueryContractInfoResponse: contract_address=1 string, contract_info=2 ContractInfo
      ContractInfoWithAddress: contract_address=1 string, contract_info=2 ContractInfo
      QueryContractsByCodeIdResponse: contract_infos=1 repeated ContractInfoWithAddress
      CodeInfoResponse: code_id=1 uint64, creator=2 string, code_hash=3 string, source=4 string, builder=5 string
      QueryCodeResponse: code_info=1 CodeInfoResponse, wasm=2 bytes
      QueryCodesResponse: code_infos=1 repeated CodeInfoResponse
      QueryContractAddressResponse: contract_address=1 string
      QueryContractLabelResponse: label=1 string
      QueryCodeHashResponse: code_hash=1 string
      DecryptedAnswer: type=1 string, input=2 string, output_data=3 string, output_data_as_string=4 string
      DecryptedAnswers: answers=1 repeated DecryptedAnswer, output_logs=2 repeated .cosmos.base.abci.v1beta1.StringEvent, output_error=3 string, plaintext_error=4 string
      QueryContractHistoryRequest: contract_address=1 string
      QueryContractHistoryResponse: entries=1 repeated ContractCodeHistoryEntry
      QueryAuthorizedMigrationRequest: contract_address=1 string
      QueryAuthorizedMigrationResponse: new_code_id=1 uint64
      QueryAuthorizedAdminUpdateRequest: contract_address=1 string
      QueryAuthorizedAdminUpdateResponse: new_admin=1 string
      QueryEcallRecordRequest: height=1 int64
      QueryEcallRecordResponse: height=1 int64, random_seed=2 bytes, validator_set_evidence=3 bytes
      QueryNetworkPubkeyRequest: height=1 int64, i_seed=2 uint32
      QueryNetworkPubkeyResponse: node_pubkey=1 bytes, io_pubkey=2 bytes
      QueryEcallRecordsRequest: start_height=1 int64, end_height=2 int64
      QueryEcallRecordsResponse: records=1 repeated QueryEcallRecordResponse
      QueryEncryptedSeedRequest: cert_hash=1 string, height=2 int64
      QueryEncryptedSeedResponse: encrypted_seed=1 bytes, machine_binding=2 bytes
      StorageOp: is_delete=1 bool, key=2 bytes, value=3 bytes
      CrossModuleOp: store_key=1 string, key=2 bytes, value=3 bytes, is_delete=4 bool
      ExecutionTraceData: index=1 int64, ops=2 repeated StorageOp, result=3 bytes, gas_used=4 uint64, has_error=5 bool, error_msg=6 string, callback_gas=7 uint64, cross_ops=8 repeated CrossModuleOp
      QueryBlockTracesRequest: height=1 int64
      QueryBlockTracesResponse: traces=1 repeated ExecutionTraceData
      QueryMachineIDProofRequest: height=1 int64, machine_id=2 string
      QueryMachineIDProofResponse: proof=1 bytes
      QueryAnalyzeCodeRequest: code_hash=1 bytes
      QueryAnalyzeCodeResponse: has_ibc_entry_points=1 bool, required_features=2 string
      CreateResultData: wasm_hash=1 bytes, code_hash=2 bytes, has_error=3 bool, error_msg=4 string
      QueryBlockCreateResultsRequest: height=1 int64
      QueryBlockCreateResultsResponse: results=1 repeated CreateResultData
      `,
    );
  });

  it('types.proto (§1.4), genesis.proto and params.proto (§1.5)', () => {
    expectMessages(
      'secret/compute/v1beta1/types.proto',
      'secret.compute.v1beta1',
      `
      AccessTypeParam: value=1 AccessType
      CodeInfo: code_hash=1 bytes, creator=2 bytes, source=3 string, builder=4 string
      ContractKey: og_contract_key=1 bytes, current_contract_key=2 bytes, current_contract_key_proof=3 bytes
      ContractCustomInfo: enclave_key=1 ContractKey, label=2 string
      ContractInfo: code_id=1 uint64, creator=2 bytes, label=4 string, created=5 AbsoluteTxPosition, ibc_port_id=6 string, admin=7 string, admin_proof=8 bytes, require_governance=9 bool
      AbsoluteTxPosition: block_height=1 int64, tx_index=2 uint64
      Model: Key=1 bytes, Value=2 bytes
      ContractCodeHistoryEntry: operation=1 ContractCodeHistoryOperationType, code_id=2 uint64, updated=3 AbsoluteTxPosition, msg=4 bytes
      `,
    );
    const enums = file('secret/compute/v1beta1/types.proto').enumType ?? [];
    assert.deepEqual(
      enums.map((e) => [e.name, e.value.map((v) => `${v.name}=${v.number}`).join(' ')]),
      [
        ['AccessType', 'UNDEFINED=0 NOBODY=1 ONLY_ADDRESS=2 EVERYBODY=3'],
        [
          'ContractCodeHistoryOperationType',
          'CONTRACT_CODE_HISTORY_OPERATION_TYPE_UNSPECIFIED=0 CONTRACT_CODE_HISTORY_OPERATION_TYPE_INIT=1 ' +
            'CONTRACT_CODE_HISTORY_OPERATION_TYPE_MIGRATE=2 CONTRACT_CODE_HISTORY_OPERATION_TYPE_GENESIS=3',
        ],
      ],
    );
    expectMessages(
      'secret/compute/v1beta1/genesis.proto',
      'secret.compute.v1beta1',
      `
      GenesisState: codes=2 repeated Code, contracts=3 repeated Contract, sequences=4 repeated Sequence, params=5 Params
      Code: code_id=1 uint64, code_info=2 CodeInfo, code_bytes=3 bytes
      Contract: contract_address=1 bytes, contract_info=2 ContractInfo, contract_state=3 repeated Model, contract_custom_info=4 ContractCustomInfo
      Sequence: id_key=1 bytes, value=2 uint64
      `,
    );
    expectMessages(
      'secret/compute/v1beta1/params.proto',
      'secret.compute.v1beta1',
      'Params: compile_cost=1 string, max_contract_size=2 uint64',
    );
  });
});

describe('secret.registration.v1beta1 matches the report (§6)', () => {
  it('messages, JSON tags, services', () => {
    const pkg = 'secret.registration.v1beta1';
    expectMessages(
      'secret/registration/v1beta1/msg.proto',
      pkg,
      `
      RaAuthenticate: sender=1 bytes, certificate=2 bytes, replace_machine_id=3 string
      RaAuthenticateResponse: data=1 string, events=2 string
      MasterKey: bytes=1 bytes
      Key: key=1 bytes
      `,
    );
    expectMessages(
      'secret/registration/v1beta1/types.proto',
      pkg,
      `
      SeedConfig: master_key=1 string, encrypted_key=2 string, version=3 uint32
      LegacySeedConfig: master_cert=1 string, encrypted_key=2 string
      RegistrationNodeInfo: certificate=1 bytes, encrypted_seed=2 bytes
      `,
    );
    expectMessages(
      'secret/registration/v1beta1/genesis.proto',
      pkg,
      'GenesisState: registration=1 repeated RegistrationNodeInfo, node_exch_master_key=2 MasterKey, io_master_key=3 MasterKey',
    );
    expectMessages(
      'secret/registration/v1beta1/query.proto',
      pkg,
      `
      QueryEncryptedSeedRequest: pub_key=1 bytes
      QueryEncryptedSeedResponse: encrypted_seed=1 bytes
      `,
    );
    expectRpcs(
      'secret/registration/v1beta1/msg.proto',
      'Msg',
      'RegisterAuth RaAuthenticate RaAuthenticateResponse -',
      pkg,
    );
    expectRpcs(
      'secret/registration/v1beta1/query.proto',
      'Query',
      `
      TxKey .google.protobuf.Empty Key /registration/v1beta1/tx-key
      RegistrationKey .google.protobuf.Empty Key /registration/v1beta1/registration-key
      EncryptedSeed QueryEncryptedSeedRequest QueryEncryptedSeedResponse /registration/v1beta1/encrypted-seed/{pub_key}
      `,
      pkg,
    );
    const jsontag = (f: string, m: string, field: string): unknown =>
      file(f)
        .messageType?.find((x) => x.name === m)
        ?.field?.find((x) => x.name === field)?.options?.['[gogoproto.jsontag]'];
    assert.equal(
      jsontag('secret/registration/v1beta1/msg.proto', 'RaAuthenticate', 'certificate'),
      'ra_cert',
    );
    assert.equal(jsontag('secret/registration/v1beta1/types.proto', 'SeedConfig', 'master_key'), 'pk2');
    assert.equal(jsontag('secret/registration/v1beta1/types.proto', 'SeedConfig', 'encrypted_key'), 'encKey');
    assert.equal(jsontag('secret/registration/v1beta1/types.proto', 'LegacySeedConfig', 'master_cert'), 'pk');
    assert.equal(
      jsontag('secret/registration/v1beta1/genesis.proto', 'GenesisState', 'registration'),
      'reg_info',
    );
    assert.equal(
      jsontag('secret/registration/v1beta1/genesis.proto', 'GenesisState', 'node_exch_master_key'),
      'node_exch_key',
    );
    assert.equal(
      jsontag('secret/registration/v1beta1/genesis.proto', 'GenesisState', 'io_master_key'),
      'io_exch_key',
    );
  });
});
