/**
 * Per-instance, per-call mutable state shared by the host imports: gas, read-only flag, query depth, debug sink,
 * backend and access to the guest's memory and allocator. Mirrors CosmWasm packages/vm/src/environment.rs.
 */
import type { ApiVersion, Backend, GasInfo } from './backend.js';
import { CommunicationError, ENCLAVE_ERROR, OutOfGasError, VmError } from './errors.js';
import type { GasConfig } from './gas.js';
import { MAX_GUEST_CALL_DEPTH } from './limits.js';
import { utf8Length, writeRegion, writeRegionUtf8 } from './memory.js';

/** The guest exports the host needs. */
export interface GuestHandles {
  readonly memory: WebAssembly.Memory;
  readonly allocate: (size: number) => number;
  readonly deallocate: (ptr: number) => void;
  /** The instrumented i64 gas counter; absent when metering is off (then the host keeps the counter). */
  readonly gasRemaining?: WebAssembly.Global | undefined;
}

/** What varies from call to call. */
export interface CallContext {
  readonly backend: Backend;
  /** Queries are read-only: db_write/db_remove fail with WriteAccessDenied. */
  readonly readonly: boolean;
  /** Depth this call runs at (top level = 1). */
  readonly queryDepth: number;
  readonly gasLimit: bigint;
  /** Receives debug/debug_print output; `undefined` = debug output discarded. */
  readonly debug?: ((message: string) => void) | undefined;
}

/** Mutable runtime state behind the imports of one instance. */
export class Environment {
  private guest: GuestHandles | undefined;
  /** `guest.gasRemaining`, read on every charge (no getter chain per host call). */
  private gasGlobal: WebAssembly.Global | undefined;
  private ctx: CallContext | undefined;
  /** Host-side counter used when the module is not instrumented. */
  private softRemaining = 0n;
  /** Gas charged via `GasInfo.externallyUsed` this call. */
  externallyUsed = 0n;
  /** db_write pseudo-gas charged this call (Secret refunds it after handle). */
  writePseudoGas = 0n;
  /** Guest calls currently on the stack (entry point = 1). */
  callDepth = 0;
  /** Set when the host (not the instrumentation) found the budget exhausted. */
  hostOutOfGas = false;

  constructor(
    readonly apiVersion: ApiVersion,
    readonly gasConfig: GasConfig,
  ) {}

  /** Attaches the instance this environment serves (once, right after instantiation). */
  bind(guest: GuestHandles): void {
    this.guest = guest;
    this.gasGlobal = guest.gasRemaining;
  }

  /** Resets per-call state and sets the gas budget. */
  startCall(ctx: CallContext): void {
    this.ctx = ctx;
    this.externallyUsed = 0n;
    this.writePseudoGas = 0n;
    this.callDepth = 0;
    this.hostOutOfGas = false;
    this.setGasRemaining(ctx.gasLimit);
  }

  /** Drops references to the call's backend so nothing outlives the call. */
  endCall(): void {
    this.ctx = undefined;
  }

  get call(): CallContext {
    if (this.ctx === undefined) throw new VmError('Backend', 'no call in progress');
    return this.ctx;
  }

  get memory(): WebAssembly.Memory {
    const guest = this.guest;
    return guest === undefined ? this.handles.memory : guest.memory;
  }

  private get handles(): GuestHandles {
    this.assertBound();
    return this.guest!;
  }

  private assertBound(): void {
    if (this.guest === undefined) throw new VmError('Instantiation', 'environment not bound to an instance');
  }

  /** Whether gas lives in the instrumented global. */
  get metered(): boolean {
    return this.handles.gasRemaining !== undefined;
  }

  gasRemaining(): bigint {
    const g = this.gasGlobal;
    if (g !== undefined) return BigInt.asUintN(64, g.value as bigint);
    this.assertBound();
    return this.softRemaining;
  }

  setGasRemaining(value: bigint): void {
    const g = this.gasGlobal;
    if (g !== undefined) {
      g.value = BigInt.asIntN(64, value);
      return;
    }
    this.assertBound();
    this.softRemaining = value;
  }

  /** Gas consumed so far this call (wasm units), including externally used gas. */
  gasUsed(): bigint {
    const used = this.call.gasLimit - this.gasRemaining();
    return used < 0n ? 0n : used;
  }

  /** Charges `amount`; if it does not fit, the budget drops to 0 and the call aborts with OutOfGasError. */
  charge(amount: bigint): void {
    if (amount === 0n) return;
    const remaining = this.gasRemaining();
    if (amount > remaining) {
      this.setGasRemaining(0n);
      this.hostOutOfGas = true;
      throw new OutOfGasError(this.call.gasLimit);
    }
    this.setGasRemaining(remaining - amount);
  }

  /** CosmWasm `process_gas_info`: externally used gas also comes off the wasm budget. */
  processGasInfo(info: GasInfo): void {
    const external = info.externallyUsed;
    // most backends report nothing (NO_GAS): no bigint arithmetic then
    if (external === 0n) {
      this.charge(info.cost);
      return;
    }
    this.externallyUsed += external;
    this.charge(info.cost + external);
  }

  /** Runs a guest function under the re-entrancy guard. */
  callGuest<T>(fn: () => T): T {
    this.enterGuest();
    try {
      return fn();
    } finally {
      this.callDepth--;
    }
  }

  /**
   * The re-entrancy guard's entry half, for callers that call the guest directly (no closure per call): the caller
   * decrements `callDepth` in a `finally`.
   */
  enterGuest(): void {
    if (this.callDepth >= MAX_GUEST_CALL_DEPTH) {
      throw new VmError('Runtime', ENCLAVE_ERROR.failedFunctionCall, {
        detail: 'Maximum call depth exceeded.',
      });
    }
    this.callDepth++;
  }

  /** Calls the guest's `allocate(size)`; a zero pointer is a contract bug ("failed to allocate memory"). */
  allocate(size: number): number {
    const { allocate } = this.handles;
    // Guarded like callGuest, without a closure per allocation (several per call).
    this.enterGuest();
    let ptr: number;
    try {
      ptr = allocate(size) >>> 0;
    } finally {
      this.callDepth--;
    }
    if (ptr === 0) {
      throw new CommunicationError(
        ENCLAVE_ERROR.memoryAllocationError,
        { length: size },
        {
          detail: 'Got a zero Wasm address',
        },
      );
    }
    return ptr;
  }

  /** Calls the guest's `deallocate(ptr)`. */
  deallocate(ptr: number): void {
    const { deallocate } = this.handles;
    this.enterGuest();
    try {
      deallocate(ptr);
    } finally {
      this.callDepth--;
    }
  }

  /** Allocates a Region in the guest, copies `data` into it and returns the Region pointer. */
  writeToContract(data: Uint8Array): number {
    const ptr = this.allocate(data.length);
    writeRegion(this.memory, ptr, data);
    return ptr;
  }

  /**
   * {@link writeToContract} for text: allocates a Region of the UTF-8 length of `s` and encodes `s` straight into
   * it (same bytes, allocation size and errors as `writeToContract(utf8 bytes of s)`, without the temporary copy).
   */
  writeUtf8ToContract(s: string): number {
    const n = utf8Length(s);
    const ptr = this.allocate(n);
    writeRegionUtf8(this.memory, ptr, s, n);
    return ptr;
  }

  /** Sends a debug message to the sink, if any. */
  debug(message: string): void {
    this.ctx?.debug?.(message);
  }
}
