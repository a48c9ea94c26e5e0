// What is particular to Android Keystore: capabilities by API level, the key kinds and user
// authentication policies each API level can enforce, and the StrongBox → TEE fallback.

import type { EncryptionAlgorithm } from '../../core/algorithms.js';
import { fail } from '../../core/errors.js';
import type { PlatformProfile } from '../bridge/bridge-core.js';
import { readBoolean, readInteger } from '../bridge/codec.js';
import { nativeErrorName } from '../bridge/native-errors.js';
import { hardwarePreference, normalizeUserAuthentication } from '../bridge/request-params.js';
import type { KeySpec, KeyStoreCapabilities } from '../contract.js';

/** What the Android native side reports about the device (`getInfo`). */
export interface AndroidDeviceInfo {
  /** `Build.VERSION.SDK_INT`. */
  readonly apiLevel: number;
  /** Whether Keystore keys live in secure hardware (a TEE). */
  readonly hardwareBacked: boolean;
  /** Whether the device has a StrongBox Keymaster/KeyMint (API 28+). */
  readonly strongBox: boolean;
  /** Whether a secure lock screen (PIN, pattern, password) is set. */
  readonly deviceSecure: boolean;
  /** Whether a class 3 (strong) biometric is enrolled. */
  readonly biometrics: boolean;
}

/** The oldest Android release the adapter supports: Android 7.0, API 24 (key attestation). */
export const MIN_ANDROID_API_LEVEL = 24;
/** `PURPOSE_AGREE_KEY` (ECDH in Keystore) arrived in Android 12, API 31. */
const AGREE_KEY_API_LEVEL = 31;
/** Keystore RSA-OAEP uses MGF1-SHA-1 whatever the digest until Android 15, API 35 (`setMgf1Digests`). */
const MGF1_DIGESTS_API_LEVEL = 35;
/** `setUserAuthenticationParameters` (per-type, per-use device credential) arrived in API 30. */
const AUTH_PARAMETERS_API_LEVEL = 30;

const WHAT = 'getInfo result';

/**
 * The key kinds Android Keystore can make at an API level: ES256 everywhere; ECDH from API 31;
 * RSA-OAEP (SHA-1, MGF1-SHA-1) everywhere; RSA-OAEP-256 only from API 35, because before it
 * OAEP in Keystore always uses MGF1 with SHA-1 and so cannot open JOSE `RSA-OAEP-256`.
 *
 * @example
 * ```ts
 * androidEncryptionAlgorithms(28); // ['RSA-OAEP']
 * androidEncryptionAlgorithms(35); // ['ECDH-ES', 'RSA-OAEP-256', 'RSA-OAEP']
 * ```
 */
export function androidEncryptionAlgorithms(apiLevel: number): EncryptionAlgorithm[] {
  const algorithms: EncryptionAlgorithm[] = [];
  if (apiLevel >= AGREE_KEY_API_LEVEL) algorithms.push('ECDH-ES');
  if (apiLevel >= MGF1_DIGESTS_API_LEVEL) algorithms.push('RSA-OAEP-256');
  algorithms.push('RSA-OAEP');
  return algorithms;
}

/** @internal The capabilities of Android Keystore on a device. */
export function androidCapabilities(info: AndroidDeviceInfo): KeyStoreCapabilities {
  return {
    signing: ['ES256'],
    encryption: androidEncryptionAlgorithms(info.apiLevel),
    hardwareBacked: info.hardwareBacked,
    userAuthentication: info.deviceSecure,
    attestation: info.hardwareBacked,
    persistent: true,
  };
}

function checkAndroidSpec(spec: KeySpec, info: AndroidDeviceInfo): void {
  const auth = normalizeUserAuthentication(spec.userAuthentication, 'spec.userAuthentication');
  if (auth.type === 'none') return;
  if (info.apiLevel < AUTH_PARAMETERS_API_LEVEL) {
    if (auth.type === 'biometric-or-device-credential' && auth.validitySeconds === 0) {
      fail(
        'UNSUPPORTED_ALGORITHM',
        'before Android 11 (API 30) a key cannot accept the device credential on every use; set "spec.userAuthentication.validitySeconds"',
      );
    }
    if (auth.type === 'biometric' && auth.validitySeconds > 0) {
      fail(
        'UNSUPPORTED_ALGORITHM',
        'before Android 11 (API 30) a key with a validity window accepts any unlock, not only biometrics; use "biometric-or-device-credential" or validitySeconds 0',
      );
    }
  }
  if (spec.algorithm === 'ECDH-ES' && auth.validitySeconds === 0) {
    fail(
      'UNSUPPORTED_ALGORITHM',
      'Android cannot ask for authentication on every use of an ECDH key (BiometricPrompt does not take a KeyAgreement); set "spec.userAuthentication.validitySeconds" or use an RSA key',
    );
  }
}

/** @internal The Android profile of the bridge adapter. */
export const androidProfile: PlatformProfile<AndroidDeviceInfo> = {
  platform: 'android',
  records: {
    platform: 'android',
    algorithms: ['ES256', 'ECDH-ES', 'RSA-OAEP-256', 'RSA-OAEP'],
    securityLevels: ['software', 'tee', 'strongbox'],
  },
  readInfo(answer) {
    const apiLevel = readInteger(answer, 'apiLevel', WHAT, 1, 10_000);
    if (apiLevel < MIN_ANDROID_API_LEVEL) {
      fail(
        'KEYSTORE_ERROR',
        `devicebind needs Android 7.0 (API ${MIN_ANDROID_API_LEVEL}) or later; this device runs API ${apiLevel}`,
      );
    }
    return {
      apiLevel,
      hardwareBacked: readBoolean(answer, 'hardwareBacked', WHAT),
      strongBox: readBoolean(answer, 'strongBox', WHAT),
      deviceSecure: readBoolean(answer, 'deviceSecure', WHAT),
      biometrics: readBoolean(answer, 'biometrics', WHAT),
    };
  },
  capabilities: androidCapabilities,
  checkSpec: checkAndroidSpec,
  generateParams(spec, info) {
    return { strongBox: hardwarePreference(spec) === 'strongbox-preferred' && info.strongBox };
  },
  retryGenerate(err, params) {
    // StrongBox is often missing, busy, or unable to hold the key kind (e.g. RSA above 2048
    // bits): the key then goes to the TEE, and its securityLevel says so.
    if (
      params.strongBox === true &&
      nativeErrorName(err.cause) === 'StrongBoxUnavailableException'
    ) {
      return { ...params, strongBox: false };
    }
    return undefined;
  },
};
