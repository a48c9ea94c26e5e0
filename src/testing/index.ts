/**
 * Entry point `devicebind/testing`: the KeyStore conformance kit for adapter authors and the
 * native bridge simulator for testing adapters and apps without a device.
 *
 * @module devicebind/testing
 */

export type { BridgeMethod } from '../keystores/bridge/native-bridge.js';
export {
  type AndroidAttestationFacts,
  type AndroidAttestationFault,
  type AndroidAttestationOptions,
  type AppAttestAssertOptions,
  type AppAttestFault,
  type AppAttestOptions,
  type AttestationAuthority,
  type AttestationAuthorityOptions,
  type BiometricState,
  type BridgeSimulator,
  type BridgeSimulatorOptions,
  createAttestationAuthority,
  createBridgeSimulator,
  NativeFailure,
  type PromptOutcome,
  type SimulatedAndroidAttestation,
  type SimulatedAppAttestKey,
  type SimulatedCall,
  type SimulatedPrompt,
  TEST_APP_SIGNATURE_DIGEST,
} from './bridge-simulator/index.js';
export {
  type ConformanceCheckInfo,
  type ConformanceCheckResult,
  type ConformanceCheckScope,
  type CreateKeyStore,
  formatConformanceReport,
  type KeyStoreConformanceOptions,
  type KeyStoreConformanceReport,
  listConformanceChecks,
  runKeyStoreConformance,
} from './conformance/index.js';
