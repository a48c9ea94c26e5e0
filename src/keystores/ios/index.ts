/**
 * Entry point `devicebind/keystores/ios`: the iOS Keychain / Secure Enclave adapter and its transports.
 *
 * @module devicebind/keystores/ios
 */

export type { BridgeKeyStoreOptions } from '../bridge/bridge-core.js';
export { type CapacitorDevicebindPlugin, capacitorBridge } from '../bridge/capacitor.js';
export { BRIDGE_PROTOCOL_VERSION, type NativeBridge } from '../bridge/native-bridge.js';
export { type ReactNativeDevicebindModule, reactNativeBridge } from '../bridge/react-native.js';
export type { AppAttestProvider, AppAttestRequest, AppAttestResult } from './app-attest.js';
export { IosKeychainKeyStore, type IosKeychainKeyStoreOptions } from './ios-keychain-key-store.js';
export { type IosDeviceInfo, MAX_IOS_REUSE_SECONDS } from './ios-profile.js';
