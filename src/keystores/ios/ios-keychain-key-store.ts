// IosKeychainKeyStore: the KeyStore adapter over the native iOS Keychain / Secure Enclave
// module, reached through a NativeBridge (React Native module, Capacitor plugin, simulator).

import { assertFunction, assertObject, mustBe } from '../../core/assert.js';
import type { PublicJwk } from '../../core/jwk.js';
import { BridgeCore, type BridgeKeyStoreOptions } from '../bridge/bridge-core.js';
import type { NativeBridge } from '../bridge/native-bridge.js';
import type {
  ContentDecryptionRequest,
  KeyInfo,
  KeyOperationOptions,
  KeySpec,
  KeyStore,
  KeyStoreCapabilities,
} from '../contract.js';
import type { AppAttestProvider } from './app-attest.js';
import { type IosDeviceInfo, iosProfile } from './ios-profile.js';

/** Options for {@link IosKeychainKeyStore}. */
export interface IosKeychainKeyStoreOptions extends BridgeKeyStoreOptions {
  /**
   * Attests each new key with App Attest (the app calls `DCAppAttestService`); the result is
   * kept with the key and goes into the handshake as `apple-app-attest` attestation.
   */
  appAttest?: AppAttestProvider;
  /**
   * Before using a key bound to the enrolled biometrics, ask the native side to compare the
   * biometric domain state saved when the key was made with the current one, and report
   * `KEY_INVALIDATED` when they differ (default `true`). Without it, keys made with
   * `.biometryCurrentSet` fail after re-enrolment with an error that does not say why, and
   * keys that also accept the passcode keep working.
   */
  checkEnrollment?: boolean;
}

/**
 * A {@link KeyStore} whose keys live in the Secure Enclave (or the Keychain where there is
 * none, as in the iOS Simulator), used through the devicebind native module. Signing keys are
 * ES256 and encryption keys ECDH on P-256 (the enclave's key exchange, not Apple's ECIES);
 * there is no RSA and no Ed25519. `invalidateOnNewEnrollment` maps to `.biometryCurrentSet`
 * (else `.biometryAny`), and enrolment changes are reported as `KEY_INVALIDATED`.
 *
 * Every answer from the native side is validated; malformed answers give `KEYSTORE_ERROR`.
 *
 * @throws `INVALID_ARGUMENT` from the constructor for a bad bridge or option.
 * @example
 * ```ts
 * import { NativeModules } from 'react-native';
 * import { DeviceBinding } from 'devicebind';
 * import { IosKeychainKeyStore, reactNativeBridge } from 'devicebind/keystores/ios';
 * import { pureJsCrypto } from 'devicebind/crypto/pure-js';
 *
 * const keyStore = new IosKeychainKeyStore(reactNativeBridge(NativeModules.Devicebind), {
 *   prompts: { sign: { description: 'Confirm it is you' } },
 * });
 * const binding = new DeviceBinding({ keyStore, namespace: 'com.example.app', crypto: pureJsCrypto });
 * ```
 */
export class IosKeychainKeyStore implements KeyStore {
  readonly name = 'ios';
  readonly #core: BridgeCore<IosDeviceInfo>;

  constructor(bridge: NativeBridge, options: IosKeychainKeyStoreOptions = {}) {
    const { appAttest, checkEnrollment = true } = assertObject(options);
    if (appAttest !== undefined) assertFunction(appAttest, 'options.appAttest');
    if (typeof checkEnrollment !== 'boolean') mustBe('options.checkEnrollment', 'a boolean');
    this.#core = new BridgeCore(bridge, iosProfile({ appAttest, checkEnrollment }), options);
  }

  /**
   * What the native side reports about the device (Secure Enclave, passcode, biometrics).
   * @throws `PROTOCOL_MISMATCH`, `TIMEOUT`, `KEYSTORE_ERROR`
   */
  deviceInfo(): Promise<IosDeviceInfo> {
    return this.#core.info();
  }

  /** @throws `PROTOCOL_MISMATCH`, `TIMEOUT`, `KEYSTORE_ERROR` */
  capabilities(): Promise<KeyStoreCapabilities> {
    return this.#core.capabilities();
  }

  /** @throws `INVALID_ARGUMENT`, `UNSUPPORTED_ALGORITHM`, `TIMEOUT`, `PROTOCOL_MISMATCH`, `KEYSTORE_ERROR` */
  generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    return this.#core.generateKey(alias, spec);
  }

  /** @throws `INVALID_ARGUMENT`, `KEY_INVALIDATED`, `TIMEOUT`, `KEYSTORE_ERROR` */
  getKey(alias: string): Promise<KeyInfo | null> {
    return this.#core.getKey(alias);
  }

  /**
   * @throws `KEY_NOT_FOUND`, `KEY_INVALIDATED`, `USER_CANCELLED`, `AUTHENTICATION_FAILED`,
   * `LOCKED_OUT`, `USER_AUTHENTICATION_REQUIRED`, `UNSUPPORTED_ALGORITHM`, `TIMEOUT`, `KEYSTORE_ERROR`
   */
  sign(alias: string, data: Uint8Array, options?: KeyOperationOptions): Promise<Uint8Array> {
    return this.#core.sign(alias, data, options);
  }

  /**
   * @throws `KEY_NOT_FOUND`, `KEY_INVALIDATED`, `INVALID_ARGUMENT`, `USER_CANCELLED`,
   * `AUTHENTICATION_FAILED`, `LOCKED_OUT`, `UNSUPPORTED_ALGORITHM`, `TIMEOUT`, `KEYSTORE_ERROR`
   */
  deriveSharedSecret(
    alias: string,
    peerPublicKey: PublicJwk,
    options?: KeyOperationOptions,
  ): Promise<Uint8Array> {
    return this.#core.deriveSharedSecret(alias, peerPublicKey, options);
  }

  /** iOS keys are never RSA keys. @throws `KEY_NOT_FOUND`, `UNSUPPORTED_ALGORITHM`, `TIMEOUT`, `KEYSTORE_ERROR` */
  decrypt(
    alias: string,
    ciphertext: Uint8Array,
    options?: KeyOperationOptions,
  ): Promise<Uint8Array> {
    return this.#core.decrypt(alias, ciphertext, options);
  }

  /** @throws `INVALID_ARGUMENT`, `TIMEOUT`, `KEYSTORE_ERROR` */
  deleteKey(alias: string): Promise<void> {
    return this.#core.deleteKey(alias);
  }

  /** @throws `TIMEOUT`, `KEYSTORE_ERROR` */
  listAliases(): Promise<string[]> {
    return this.#core.listAliases();
  }

  /**
   * AES-GCM decryption of bulk content in native code, when the native module offers it
   * (`undefined` otherwise: the core then decrypts in JS). The core calls it for envelopes
   * and stream segments; apps do not need to.
   * @throws `INVALID_ARGUMENT`, `KEYSTORE_ERROR` (content that does not authenticate too), `TIMEOUT`
   */
  decryptContent(request: ContentDecryptionRequest): Promise<Uint8Array | undefined> {
    return this.#core.decryptContent(request);
  }
}
