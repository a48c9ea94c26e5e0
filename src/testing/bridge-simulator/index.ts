// The bridge simulator, re-exported by `devicebind/testing`.

export { NativeFailure } from './native-failure.js';
export type { BiometricState, PromptOutcome, SimulatedPrompt } from './simulated-device.js';
export {
  type BridgeSimulator,
  type BridgeSimulatorOptions,
  createBridgeSimulator,
  type SimulatedCall,
} from './simulator.js';
