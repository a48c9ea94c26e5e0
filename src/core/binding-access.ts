// How the envelope functions (`devicebind/envelopes`) reach a DeviceBinding's keys without
// them being part of the class: a hidden property under a registered symbol.

import type { DeviceBindingOptions, DeviceKeys } from './device-binding.js';
import { mustBe } from './errors.js';

/** @internal What a DeviceBinding lets the envelope functions do. */
export interface BindingAccess {
  /** Loads the keys as the binding's own methods do; creates them only when `create`. */
  keys(create: boolean): Promise<DeviceKeys>;
  /** The keys when the binding has already loaded them. */
  loadedKeys(): DeviceKeys | undefined;
  /** The options the binding was made with (its key store, `crypto`, prompts). */
  readonly options: DeviceBindingOptions;
}

// Registered, so a binding from one copy of the package (say its CommonJS build) works with
// the functions of another (its ESM build) in the same process.
const ACCESS = Symbol.for('devicebind.bindingAccess.v1');

/** @internal Called once by the DeviceBinding constructor. */
export function grantAccess(binding: object, access: BindingAccess): void {
  Object.defineProperty(binding, ACCESS, { value: access });
}

/**
 * @internal The access a DeviceBinding granted.
 * @throws `INVALID_ARGUMENT` when `binding` is not a DeviceBinding.
 */
export function accessOf(binding: unknown): BindingAccess {
  const access =
    typeof binding === 'object' && binding !== null
      ? (binding as Record<symbol, unknown>)[ACCESS]
      : undefined;
  if (typeof access !== 'object' || access === null) mustBe('binding', 'a DeviceBinding');
  return access as BindingAccess;
}
