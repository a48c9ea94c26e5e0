// Maps the error names native key-store code rejects with (Android exceptions and
// BiometricPrompt errors, iOS OSStatus and LAError names) to DeviceBindingError codes.

import { DeviceBindingError, type DeviceBindingErrorCode } from '../../core/errors.js';
import type { BridgePlatform } from './native-bridge.js';

/** @internal What a native error becomes. */
export interface NativeErrorMapping {
  readonly code: DeviceBindingErrorCode;
  /** What happened and what to do, shown to developers. */
  readonly message: string;
}

const NOT_FOUND: NativeErrorMapping = {
  code: 'KEY_NOT_FOUND',
  message: 'there is no key under this alias; generate it first',
};
const CANCELLED: NativeErrorMapping = {
  code: 'USER_CANCELLED',
  message: 'the user dismissed the authentication prompt; ask again when the user is ready',
};
const LOCKED_OUT: NativeErrorMapping = {
  code: 'LOCKED_OUT',
  message:
    'biometrics are locked out after too many failed attempts; the user must unlock the device with the passcode',
};
const AUTH_FAILED: NativeErrorMapping = {
  code: 'AUTHENTICATION_FAILED',
  message: 'the user could not be authenticated; let the user try again',
};
const NO_UI: NativeErrorMapping = {
  code: 'USER_AUTHENTICATION_REQUIRED',
  message:
    'the key needs the user to authenticate and no prompt can be shown now (device locked or app in the background)',
};
const INCOMPATIBLE: NativeErrorMapping = {
  code: 'UNSUPPORTED_ALGORITHM',
  message: 'the key cannot perform this operation (wrong purpose or algorithm)',
};
const UNSUPPORTED: NativeErrorMapping = {
  code: 'UNSUPPORTED_ALGORITHM',
  message: 'this device cannot make or use such a key (check the store capabilities)',
};

/** @internal Errors both native sides use for protocol-level conditions. */
export const COMMON_NATIVE_ERRORS: Readonly<Record<string, NativeErrorMapping>> = {
  KeyNotFound: NOT_FOUND,
  IncompatibleKey: INCOMPATIBLE,
  UnsupportedAlgorithm: UNSUPPORTED,
  UnknownMethod: {
    code: 'PROTOCOL_MISMATCH',
    message:
      'the native module does not know this method; update the native module to the protocol version of this SDK',
  },
  // One name for every decryptContent failure (the core answers INVALID_ENVELOPE for it).
  ContentDecryptionFailed: {
    code: 'KEYSTORE_ERROR',
    message: 'the native module could not decrypt the content',
  },
  InvalidParams: {
    code: 'KEYSTORE_ERROR',
    message:
      'the native module could not read the parameters; update the native module to the protocol version of this SDK',
  },
};

/** @internal Android Keystore exceptions and BiometricPrompt error names. */
export const ANDROID_NATIVE_ERRORS: Readonly<Record<string, NativeErrorMapping>> = {
  UserNotAuthenticatedException: {
    code: 'USER_AUTHENTICATION_REQUIRED',
    message:
      'the key needs a recent user authentication and no prompt could be shown; retry while the app is in the foreground',
  },
  KeyPermanentlyInvalidatedException: {
    code: 'KEY_INVALIDATED',
    message:
      'Android invalidated the key (a new biometric was enrolled or the lock screen was removed); call unbind() and bind the device again',
  },
  // Only reaches the caller when the retry without StrongBox is not possible.
  StrongBoxUnavailableException: {
    code: 'KEYSTORE_ERROR',
    message: 'StrongBox is not available for this key',
  },
  InvalidAlgorithmParameterException: {
    code: 'UNSUPPORTED_ALGORITHM',
    message:
      'Android refused the key parameters (for example, no biometric is enrolled or there is no secure lock screen)',
  },
  'BiometricPrompt.ERROR_USER_CANCELED': CANCELLED,
  'BiometricPrompt.ERROR_NEGATIVE_BUTTON': CANCELLED,
  'BiometricPrompt.ERROR_CANCELED': CANCELLED,
  'BiometricPrompt.ERROR_LOCKOUT': LOCKED_OUT,
  'BiometricPrompt.ERROR_LOCKOUT_PERMANENT': LOCKED_OUT,
  // Decryption failures all look the same (RFC 7516 §11.5: no padding oracle).
  BadPaddingException: {
    code: 'KEYSTORE_ERROR',
    message: 'the key store could not decrypt the data',
  },
  IllegalBlockSizeException: {
    code: 'KEYSTORE_ERROR',
    message: 'the key store could not decrypt the data',
  },
};

/** @internal iOS Security framework (OSStatus) and LocalAuthentication error names. */
export const IOS_NATIVE_ERRORS: Readonly<Record<string, NativeErrorMapping>> = {
  errSecUserCanceled: CANCELLED,
  LAErrorUserCancel: CANCELLED,
  LAErrorSystemCancel: CANCELLED,
  LAErrorAppCancel: CANCELLED,
  errSecItemNotFound: NOT_FOUND,
  errSecAuthFailed: AUTH_FAILED,
  LAErrorAuthenticationFailed: AUTH_FAILED,
  LAErrorBiometryLockout: LOCKED_OUT,
  errSecInteractionNotAllowed: NO_UI,
  LAErrorNotInteractive: NO_UI,
  LAErrorBiometryNotAvailable: {
    code: 'USER_AUTHENTICATION_REQUIRED',
    message:
      'biometrics are not available to the app now (turned off for the app in Settings, or the sensor is unavailable); the key needs them',
  },
  // Secure Enclave operations fail in the CryptoTokenKit domain (TKError.Code).
  TKErrorCanceledByUser: CANCELLED,
  TKErrorAuthenticationFailed: AUTH_FAILED,
  TKErrorAuthenticationNeeded: NO_UI,
  TKErrorObjectNotFound: NOT_FOUND,
  LAErrorPasscodeNotSet: {
    code: 'UNSUPPORTED_ALGORITHM',
    message: 'the device has no passcode, so a key cannot require user authentication',
  },
  LAErrorBiometryNotEnrolled: {
    code: 'UNSUPPORTED_ALGORITHM',
    message: 'no biometric is enrolled, so a key cannot require biometrics',
  },
  EnrollmentChanged: {
    code: 'KEY_INVALIDATED',
    message:
      'the enrolled biometrics changed since the key was made; call unbind() and bind the device again',
  },
};

const NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,80}$/;

/** @internal The native error name a bridge rejection carries, if it carries a usable one. */
export function nativeErrorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && NAME_PATTERN.test(code) ? code : undefined;
}

/** @internal The mapping for a native error name on a platform, if it is a known one. */
export function lookupNativeError(
  platform: BridgePlatform,
  name: string,
): NativeErrorMapping | undefined {
  const table = platform === 'android' ? ANDROID_NATIVE_ERRORS : IOS_NATIVE_ERRORS;
  if (Object.hasOwn(table, name)) return table[name];
  if (Object.hasOwn(COMMON_NATIVE_ERRORS, name)) return COMMON_NATIVE_ERRORS[name];
  return undefined;
}

/**
 * @internal Turns whatever a bridge rejected with into a DeviceBindingError. The native
 * message is never copied into ours (it is kept as `cause`); unknown names give
 * `KEYSTORE_ERROR`.
 */
export function mapNativeError(
  platform: BridgePlatform,
  method: string,
  err: unknown,
): DeviceBindingError {
  if (err instanceof DeviceBindingError) return err;
  const name = nativeErrorName(err);
  const mapping = name === undefined ? undefined : lookupNativeError(platform, name);
  if (mapping !== undefined) {
    return new DeviceBindingError(
      mapping.code,
      `${mapping.message} (native ${name} in "${method}")`,
      { cause: err },
    );
  }
  const what = name === undefined ? 'an unrecognised error' : `the unknown error ${name}`;
  return new DeviceBindingError(
    'KEYSTORE_ERROR',
    `the native key store failed "${method}" with ${what}`,
    {
      cause: err,
    },
  );
}
