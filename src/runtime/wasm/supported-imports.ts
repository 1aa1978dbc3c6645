/**
 * Host functions a contract may import, per contract API. This should be updated when new imports are added
 * (the runtime's `buildImports(apiVersion)` must link every name listed here; mirrors the `SUPPORTED_IMPORTS`
 * tables of SecretNetwork cosmwasm/packages/sgx-vm/src/compatability.rs and CosmWasm packages/vm/src/compatibility.rs).
 */

/** Contract API generation, detected from the marker export. */
export type ApiVersion = 'v0.10' | 'v1';

/** Module name of every host import. */
export const IMPORT_MODULE = 'env';

/**
 * Secret's v0.10 set (spec secret-compute.md §3.1), with the optional `iterator` (`db_scan`, `db_next`) and
 * `debug-print` (`debug_print`) imports always accepted: Secret's node is built with them, and the enclave links
 * imports lazily, so a contract importing them stores fine and only fails if it calls them.
 */
const V010_IMPORTS = [
  'db_read',
  'db_write',
  'db_remove',
  'canonicalize_address',
  'humanize_address',
  'query_chain',
  'secp256k1_verify',
  'secp256k1_recover_pubkey',
  'secp256k1_sign',
  'ed25519_verify',
  'ed25519_batch_verify',
  'ed25519_sign',
  'db_scan',
  'db_next',
  'debug_print',
] as const;

/**
 * Secret's v1 set (spec §3.1) united with vanilla CosmWasm 1.x's (cosmwasm-abi.md §1.1: adds `abort`, and the
 * 1.4 iterator halves `db_next_key`/`db_next_value`), so unmodified CosmWasm 1.x contracts (`interface_version_8`)
 * store and run. CosmWasm 2.1+ crypto imports (BLS12-381, secp256r1) are not offered: Secret has no such host
 * functions.
 */
const V1_IMPORTS = [
  'db_read',
  'db_write',
  'db_remove',
  'addr_validate',
  'addr_canonicalize',
  'addr_humanize',
  'secp256k1_verify',
  'secp256k1_recover_pubkey',
  'secp256k1_sign',
  'ed25519_verify',
  'ed25519_batch_verify',
  'ed25519_sign',
  'dcap_quote_verify',
  'debug',
  'query_chain',
  'gas_evaporate',
  'check_gas',
  'db_scan',
  'db_next',
  'abort',
  'db_next_key',
  'db_next_value',
] as const;

/** Import names (module `env`) accepted per API version. */
export const SUPPORTED_IMPORTS: { readonly [V in ApiVersion]: readonly string[] } = {
  'v0.10': V010_IMPORTS,
  v1: V1_IMPORTS,
};

/** Exports a v0.10 contract must have (sgx-vm `REQUIRED_EXPORTS`). */
export const REQUIRED_EXPORTS_V010: readonly string[] = [
  'cosmwasm_vm_version_3',
  'query',
  'init',
  'handle',
  'allocate',
  'deallocate',
];

/** Exports a v1 contract must have (sgx-vm `REQUIRED_EXPORTS_V1`; CosmWasm 1.x also requires `instantiate`). */
export const REQUIRED_EXPORTS_V1: readonly string[] = [
  'interface_version_8',
  'allocate',
  'deallocate',
  'instantiate',
];

/** Marker export per API version (contract-engine cosmwasm_config.rs `api_marker`). */
export const API_MARKERS: { readonly [V in ApiVersion]: string } = {
  'v0.10': 'cosmwasm_vm_version_3',
  v1: 'interface_version_8',
};

/** The six IBC entry points; a contract exporting all of them can take part in IBC (CosmWasm `REQUIRED_IBC_EXPORTS`). */
export const IBC_EXPORTS: readonly string[] = [
  'ibc_channel_open',
  'ibc_channel_connect',
  'ibc_channel_close',
  'ibc_packet_receive',
  'ibc_packet_ack',
  'ibc_packet_timeout',
];
