// Public surface of node registration, software attestation and sealing (src/registration), exported by name.
export {
  type AttestationAlgorithm,
  AttestationAuthority,
  type AttestationPolicy,
  type AttestationReport,
  type AuthorityKey,
  parseAttestationReport,
  REPORT_VERSION,
  verifyAttestationReport,
} from './attestation.js';
export {
  isRegistrationError,
  isSealError,
  RegistrationError,
  type RegistrationErrorCode,
  SealError,
  type SealErrorCode,
} from './errors.js';
export {
  createRegistrationKeeper,
  IO_MASTER_KEY_ID,
  NODE_EXCH_MASTER_KEY_ID,
  REGISTRATION_PREFIX,
  RegistrationKeeper,
  type RegistrationKeeperOptions,
} from './keeper.js';
export {
  BOOTSTRAP_SEED_COUNT,
  DEFAULT_MAX_REPORT_AGE_NANOS,
  DEFAULT_MAX_REPORT_FUTURE_NANOS,
  MACHINE_KEY_LENGTH,
  MEASUREMENT_LENGTH,
} from './limits.js';
export {
  type MeasuredFile,
  measureFiles,
  MEASUREMENT_DOMAIN,
  type MeasureOptions,
  measureTrustedComponent,
  TRUSTED_COMPONENT_DIRS,
} from './measurement.js';
export {
  IO_MASTER_KEY_FILE,
  NODE_MASTER_KEY_FILE,
  readPublishedKeys,
  writePublishedKeys,
} from './published-keys.js';
export {
  decodeKeychain,
  encodeKeychain,
  type Keychain,
  loadOrCreateMachineKey,
  nodeFingerprint,
  type SealBinding,
  sealBytes,
  sealKeychain,
  type SealOptions,
  unsealBytes,
  unsealKeychain,
} from './sealing.js';
export {
  createRegistrationMsgServer,
  createRegistrationQueryServer,
  type RegistrationEvent,
  RegistrationMsgServer,
  type RegistrationMsgServerOptions,
  RegistrationQueryServer,
} from './services.js';
export { type NodeAuthentication, TrustedNode, type TrustedNodeOptions } from './trusted-node.js';
