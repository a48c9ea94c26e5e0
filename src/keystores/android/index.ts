/**
 * Entry point `devicebind/keystores/android`: the Android Keystore adapter and its transports.
 *
 * @module devicebind/keystores/android
 */

export type { BridgeKeyStoreOptions } from '../bridge/bridge-core.js';
export { type CapacitorDevicebindPlugin, capacitorBridge } from '../bridge/capacitor.js';
export { BRIDGE_PROTOCOL_VERSION, type NativeBridge } from '../bridge/native-bridge.js';
export { type ReactNativeDevicebindModule, reactNativeBridge } from '../bridge/react-native.js';
export { AndroidKeyStore, type AndroidKeyStoreOptions } from './android-key-store.js';
export {
  type AndroidDeviceInfo,
  androidEncryptionAlgorithms,
  MIN_ANDROID_API_LEVEL,
} from './android-profile.js';
