// The bridge simulator, re-exported by `devicebind/testing`.

export type {
  AndroidAttestationFacts,
  AndroidAttestationFault,
  AndroidAttestationOptions,
  SimulatedAndroidAttestation,
} from './android-attestation.js';
export { TEST_APP_SIGNATURE_DIGEST } from './android-attestation.js';
export type {
  AppAttestAssertOptions,
  AppAttestFault,
  AppAttestOptions,
  SimulatedAppAttestKey,
} from './app-attestation.js';
export {
  type AttestationAuthority,
  type AttestationAuthorityOptions,
  createAttestationAuthority,
} from './attestation-authority.js';
export { NativeFailure } from './native-failure.js';
export type { BiometricState, PromptOutcome, SimulatedPrompt } from './simulated-device.js';
export {
  type BridgeSimulator,
  type BridgeSimulatorOptions,
  createBridgeSimulator,
  type SimulatedCall,
} from './simulator.js';
