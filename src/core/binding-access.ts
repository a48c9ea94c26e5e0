// How the envelope functions (`devicebind/envelopes`) reach a DeviceBinding's keys without
// them being part of the class: a hidden property under a registered symbol. Types only, so
// that neither side loads a module of its own for it.

import type { DeviceBindingOptions, DeviceKeys } from './device-binding.js';

/**
 * @internal The `Symbol.for` key of the property. Registered, so a binding from one copy of
 * the package (say its CommonJS build) works with the functions of another (its ESM build).
 */
export type BindingAccessKey = 'devicebind.bindingAccess.v1';

/** @internal What a DeviceBinding lets the envelope functions do. */
export interface BindingAccess {
  /** Loads the keys as the binding's own methods do; creates them only when `create`. */
  keys(create: boolean): Promise<DeviceKeys>;
  /**
   * The keys when the binding has already loaded them; with `reset`, forgets them instead, so
   * that the next use loads the current slot from the store (after a rotation's commit).
   */
  loadedKeys(reset?: boolean): DeviceKeys | undefined;
  /** The options the binding was made with (its key store, `crypto`, prompts). */
  readonly options: DeviceBindingOptions;
}
