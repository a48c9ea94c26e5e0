// Reaching the hidden access a DeviceBinding grants the functions of its subpaths
// (`devicebind/envelopes`, `devicebind/rotation`): see binding-access.ts.

import { mustBe } from './assert.js';
import type { BindingAccess, BindingAccessKey } from './binding-access.js';

const ACCESS = Symbol.for('devicebind.bindingAccess.v1' satisfies BindingAccessKey);

/** @internal What the DeviceBinding constructor granted. @throws `INVALID_ARGUMENT` for anything else. */
export function accessOf(binding: unknown): BindingAccess {
  const access =
    typeof binding === 'object' && binding !== null
      ? (binding as Record<symbol, unknown>)[ACCESS]
      : undefined;
  if (typeof access !== 'object' || access === null) mustBe('binding', 'a DeviceBinding');
  return access as BindingAccess;
}
