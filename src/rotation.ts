/**
 * Entry point `devicebind/rotation`: rotating a DeviceBinding's keys (new keys, a token both
 * sign, commit or abort), resuming an interrupted rotation, and ending the previous keys' life.
 *
 * @module devicebind/rotation
 */

export {
  forgetPreviousKeys,
  type KeyRotation,
  type PendingRotation,
  type PreviousKeys,
  pendingRotation,
  previousKeys,
  type RotateKeysOptions,
  rotateKeys,
} from './core/rotation/rotate-keys.js';
