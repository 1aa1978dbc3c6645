/** Address API for tests: the real bech32 implementation plus address helpers (cosmwasm_vm::testing::MockApi). */
import { sha256 } from '@noble/hashes/sha2.js';

import { Bech32Api, encodeBech32, SECRET_BECH32_PREFIX } from '../runtime/api.js';
import type { AddressFlavor, BackendResult } from '../runtime/backend.js';
import { utf8 } from '../runtime/memory.js';

/** Bech32 address API with helpers; optional overrides make a method fail on purpose. */
export class MockApi extends Bech32Api {
  constructor(prefix: string = SECRET_BECH32_PREFIX) {
    super(prefix);
  }

  /** A valid address derived from a name: bech32(prefix, sha256(name)[0..20]) — Secret addresses are 20 bytes. */
  addrMake(name: string): string {
    return encodeBech32(this.prefix, sha256(utf8.encode(name)).subarray(0, 20));
  }
}

/** An Api whose every call throws: for tests asserting a path never touches addresses. */
export class UnusedApi {
  canonicalizeAddress(_human: string, _flavor: AddressFlavor): BackendResult<Uint8Array> {
    throw new Error('canonicalizeAddress: not expected to be called');
  }
  humanizeAddress(_canonical: Uint8Array, _flavor: AddressFlavor): BackendResult<string> {
    throw new Error('humanizeAddress: not expected to be called');
  }
}
