// The JS side of the example: picks the adapter for the platform the app runs on, wires it
// to the native module through reactNativeBridge, and creates the app's DeviceBinding with
// react-native-quick-crypto's WebCrypto, falling back to the pure-JS backend for whatever
// that version lacks (or entirely, without quick-crypto: Hermes has no WebCrypto of its own).
//
// In the app's entry file, before devicebind:
//   import { install } from 'react-native-quick-crypto';
//   install(); // globalThis.crypto: subtle and getRandomValues
//   import 'web-streams-polyfill/polyfill'; // ReadableStream, for openEnvelopeStream
// (Without quick-crypto, import 'react-native-get-random-values' instead.)

import {
  type CryptoBackend,
  DeviceBinding,
  isDeviceBindingError,
  type KeyStore,
  webCryptoBackend,
} from 'devicebind';
import { pureJsCrypto } from 'devicebind/crypto/pure-js';
import { AndroidKeyStore, reactNativeBridge } from 'devicebind/keystores/android';
import { IosKeychainKeyStore } from 'devicebind/keystores/ios';
import { NativeModules, Platform } from 'react-native';

const prompts = {
  sign: { title: 'Confirm it is you', description: 'Sign in to Example', cancelLabel: 'Not now' },
  agree: { title: 'Open protected file', description: 'Open a file sent to this phone' },
  decrypt: { title: 'Open protected file', description: 'Open a file sent to this phone' },
};

function createKeyStore(): KeyStore {
  const bridge = reactNativeBridge(NativeModules.Devicebind);
  if (Platform.OS === 'android') return new AndroidKeyStore(bridge, { prompts });
  if (Platform.OS === 'ios') return new IosKeychainKeyStore(bridge, { prompts });
  throw new Error(`devicebind has no native key store on ${Platform.OS}`);
}

/**
 * WebCrypto where react-native-quick-crypto installed one, each operation it lacks in pure JS;
 * pure JS throughout otherwise. Large files are decrypted by the native module itself when it
 * offers `decryptContent` (the reference code does): the adapters use it on their own.
 */
function createCrypto(): CryptoBackend {
  const webcrypto = (globalThis as { crypto?: Crypto }).crypto;
  if (webcrypto?.subtle === undefined) return pureJsCrypto;
  return webCryptoBackend(webcrypto, { fallback: pureJsCrypto });
}

/** The app's one binding: keys `com.example.app.signing` and `com.example.app.encryption`. */
export const binding = new DeviceBinding({
  keyStore: createKeyStore(),
  namespace: 'com.example.app',
  crypto: createCrypto(),
  // Keys live in the TEE / StrongBox / Secure Enclave and need a fingerprint or face within
  // the last two minutes; a new enrolment invalidates them.
  hardware: 'strongbox-preferred',
  userAuthentication: { type: 'biometric-or-device-credential', validitySeconds: 120 },
  prompts: { sign: prompts.sign, decrypt: prompts.decrypt },
});

/**
 * Signs in: fetches the server's challenge, sends the handshake with the credentials, and
 * recovers when the platform invalidated the keys (new fingerprint or face enrolled).
 */
export async function signIn(api: string, username: string, password: string): Promise<string> {
  const { nonce } = (await (await fetch(`${api}/auth/challenge`)).json()) as { nonce: string };
  let handshake: Awaited<ReturnType<DeviceBinding['createHandshake']>>;
  try {
    handshake = await binding.createHandshake({ nonce, subject: username });
  } catch (err) {
    if (!isDeviceBindingError(err, 'KEY_INVALIDATED')) throw err;
    // The old device identity is gone for good: forget it and bind again.
    await binding.unbind();
    handshake = await binding.createHandshake({ nonce, subject: username });
  }
  const response = await fetch(`${api}/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password, handshake: handshake.token }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}
