/**
 * Entry point `devicebind/server/attestation`: verify Android key attestation and Apple App
 * Attest evidence on the server. Its own subpath, so servers that don't verify attestation
 * never load X.509 and CBOR code. Re-exports only.
 *
 * @module devicebind/server/attestation
 */

export {
  DeviceBindingError,
  type DeviceBindingErrorCode,
  type DeviceBindingErrorDetail,
  isDeviceBindingError,
} from '../../core/errors.js';
export type {
  AndroidDeviceState,
  AndroidKeyOrigin,
  AndroidKeyPurpose,
  AndroidSecurityLevel,
  VerifiedBootState,
} from './lib/android-facts.js';
export type { ExpectedChallenge } from './lib/expected.js';
export type { AttestationFailureReason } from './lib/refusal.js';
export {
  createRevocationList,
  type RevocationEntry,
  type RevocationList,
  type RevocationListOptions,
  type RevocationLookup,
} from './revocation-list.js';
export {
  APPLE_APP_ATTESTATION_ROOT,
  GOOGLE_ATTESTATION_ROOTS,
  GOOGLE_HARDWARE_ATTESTATION_ROOT_RSA,
  GOOGLE_KEY_ATTESTATION_CA1,
} from './roots.js';
export {
  type AndroidAttestationRules,
  type AndroidKeyAttestation,
  type AndroidKeyAttestationPolicy,
  verifyAndroidKeyAttestation,
} from './verify-android-key-attestation.js';
export {
  type AppAttestAssertion,
  type AppAttestAssertionPolicy,
  verifyAppAttestAssertion,
} from './verify-app-attest-assertion.js';
export {
  type AppAttestation,
  type AppAttestationPolicy,
  type AppAttestEvidence,
  type AppAttestRules,
  verifyAppAttestation,
} from './verify-app-attestation.js';
export {
  type DeviceAttestation,
  type DeviceAttestationPolicy,
  handshakeAttestationChallenge,
  type KeyAttestationResult,
  verifyDeviceAttestation,
} from './verify-device-attestation.js';
