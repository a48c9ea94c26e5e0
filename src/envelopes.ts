/**
 * Entry point `devicebind/envelopes`: opening envelopes and streams sealed for this device,
 * and sealing secrets at rest to the install, given a DeviceBinding.
 *
 * @module devicebind/envelopes
 */

export {
  openEnvelope,
  openEnvelopeStream,
  type SealOptions,
  seal,
  unseal,
} from './core/envelope/binding-envelopes.js';
export type { EnvelopeInput, FlattenedJwe, OpenEnvelopeOptions } from './core/envelope/types.js';
