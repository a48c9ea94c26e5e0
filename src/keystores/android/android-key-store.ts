// AndroidKeyStore: the KeyStore adapter over the native Android Keystore module, reached
// through a NativeBridge (React Native module, Capacitor plugin, or the test simulator).

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
import { type AndroidDeviceInfo, androidProfile } from './android-profile.js';

/** Options for {@link AndroidKeyStore}. */
export interface AndroidKeyStoreOptions extends BridgeKeyStoreOptions {}

/**
 * A {@link KeyStore} whose keys live in Android Keystore (TEE or StrongBox), used through the
 * devicebind native module. Signing keys are ES256 (the Keystore's DER signatures are
 * converted to JOSE form); encryption keys are ECDH on P-256 from API 31, RSA-OAEP before
 * (`RSA-OAEP-256` from API 35). `hardware: 'strongbox-preferred'` falls back to the TEE when
 * StrongBox is unavailable, and `KeyInfo.securityLevel` says where the key ended up. Keys
 * made with an `attestationChallenge` carry their attestation certificate chain (`x5c`).
 *
 * Every answer from the native side is validated; malformed answers give `KEYSTORE_ERROR`.
 *
 * @throws `INVALID_ARGUMENT` from the constructor for a bad bridge or option.
 * @example
 * ```ts
 * import { NativeModules } from 'react-native';
 * import { DeviceBinding } from 'devicebind';
 * import { AndroidKeyStore, reactNativeBridge } from 'devicebind/keystores/android';
 * import { pureJsCrypto } from 'devicebind/crypto/pure-js';
 *
 * const keyStore = new AndroidKeyStore(reactNativeBridge(NativeModules.Devicebind), {
 *   prompts: { sign: { title: 'Confirm it is you' } },
 * });
 * const binding = new DeviceBinding({ keyStore, namespace: 'com.example.app', crypto: pureJsCrypto });
 * ```
 */
export class AndroidKeyStore implements KeyStore {
  readonly name = 'android';
  readonly #core: BridgeCore<AndroidDeviceInfo>;

  constructor(bridge: NativeBridge, options: AndroidKeyStoreOptions = {}) {
    this.#core = new BridgeCore(bridge, androidProfile, options);
  }

  /**
   * What the native side reports about the device (API level, StrongBox, lock screen).
   * @throws `PROTOCOL_MISMATCH`, `TIMEOUT`, `KEYSTORE_ERROR`
   */
  deviceInfo(): Promise<AndroidDeviceInfo> {
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
   * @throws `KEY_NOT_FOUND`, `KEY_INVALIDATED`, `USER_CANCELLED`, `USER_AUTHENTICATION_REQUIRED`,
   * `LOCKED_OUT`, `UNSUPPORTED_ALGORITHM`, `TIMEOUT`, `KEYSTORE_ERROR`
   */
  sign(alias: string, data: Uint8Array, options?: KeyOperationOptions): Promise<Uint8Array> {
    return this.#core.sign(alias, data, options);
  }

  /**
   * @throws `KEY_NOT_FOUND`, `KEY_INVALIDATED`, `INVALID_ARGUMENT`, `USER_CANCELLED`,
   * `USER_AUTHENTICATION_REQUIRED`, `LOCKED_OUT`, `UNSUPPORTED_ALGORITHM`, `TIMEOUT`, `KEYSTORE_ERROR`
   */
  deriveSharedSecret(
    alias: string,
    peerPublicKey: PublicJwk,
    options?: KeyOperationOptions,
  ): Promise<Uint8Array> {
    return this.#core.deriveSharedSecret(alias, peerPublicKey, options);
  }

  /**
   * @throws `KEY_NOT_FOUND`, `KEY_INVALIDATED`, `USER_CANCELLED`, `USER_AUTHENTICATION_REQUIRED`,
   * `LOCKED_OUT`, `UNSUPPORTED_ALGORITHM`, `TIMEOUT`, `KEYSTORE_ERROR`
   */
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
