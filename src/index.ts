/**
 * Entry point `devicebind`: the client core and the KeyStore contract.
 *
 * @module devicebind
 */

export type {
  ContentEncryptionAlgorithm,
  EncryptionAlgorithm,
  KeyManagementAlgorithm,
  SigningAlgorithm,
} from './core/algorithms.js';
export type { RequestBody } from './core/content-digest.js';
export {
  type AesGcmKey,
  type CryptoBackend,
  type WebCryptoBackendOptions,
  webCryptoBackend,
} from './core/crypto-backend.js';
export {
  DeviceBinding,
  type DeviceBindingOptions,
  type DeviceKeys,
  type EnsureKeysOptions,
} from './core/device-binding.js';
export type { RequestProofHeaders, SignRequestOptions } from './core/dpop-proof.js';
export {
  DeviceBindingError,
  type DeviceBindingErrorCode,
  type DeviceBindingErrorDetail,
  type DeviceBindingErrorOptions,
  isDeviceBindingError,
  type VerificationFailureReason,
} from './core/errors.js';
export type { CreateHandshakeOptions, Handshake } from './core/handshake.js';
export type { EcPublicJwk, OkpPublicJwk, PublicJwk, RsaPublicJwk } from './core/jwk.js';
export type {
  AuthenticationPrompt,
  ContentDecryptionBase,
  ContentDecryptionRequest,
  HardwarePreference,
  KeyAlgorithm,
  KeyAttestation,
  KeyInfo,
  KeyOperationOptions,
  KeyPurpose,
  KeySpec,
  KeyStore,
  KeyStoreCapabilities,
  SecurityLevel,
  UserAuthenticationPolicy,
} from './keystores/contract.js';
