// The simulated iOS native side: what the reference Swift module does with the Keychain and
// the Secure Enclave — P-256 only, access control with .biometryCurrentSet or .biometryAny,
// the saved biometric domain state for enrolment checks, OSStatus and LAError names.

import { encodeBase64url } from '../../core/base64url.js';
import type { NativeHandlers } from './android-native.js';
import { decryptContent } from './content-decryption.js';
import { NativeFailure } from './native-failure.js';
import {
  agreeP256,
  newP256Key,
  type PromptErrors,
  type SimulatedDevice,
  type SimulatedKey,
  signDer,
} from './simulated-device.js';
import {
  aliasParam,
  booleanParam,
  bytesParam,
  enumParam,
  promptParam,
  userAuthenticationParam,
} from './wire-params.js';

const PROMPT_ERRORS: PromptErrors = {
  notAuthenticated: 'errSecInteractionNotAllowed',
  biometricsUnavailable: {
    'locked-out': 'LAErrorBiometryLockout',
    'disabled-for-app': 'LAErrorBiometryNotAvailable',
  },
  outcomes: {
    cancel: 'errSecUserCanceled',
    fail: 'errSecAuthFailed',
    lockout: 'LAErrorBiometryLockout',
  },
};
const KEY_ID = /^[A-Za-z0-9+/=_-]{1,200}$/;

/** @internal Whether a key is bound to the current biometric set (`.biometryCurrentSet`). */
export function boundToCurrentBiometrics(key: SimulatedKey): boolean {
  return (
    key.userAuthentication.type === 'biometric' && key.userAuthentication.invalidateOnNewEnrollment
  );
}

/** @internal The simulated Swift module over the Keychain and Secure Enclave. */
export function iosNative(device: SimulatedDevice): NativeHandlers {
  const { settings } = device;

  // The domain state can be read only while biometrics can be evaluated: a lockout or
  // Face ID turned off for the app is no enrolment change. A biometric-only key cannot be
  // used during a lockout, which the operation reports as LAErrorBiometryLockout.
  const checkEnrollment = (
    key: SimulatedKey,
    params: Record<string, unknown>,
    operation: boolean,
  ): void => {
    if (!booleanParam(params, 'checkEnrollment', false)) return;
    if (key.savedEnrollment === undefined) return;
    if (device.biometricState !== 'available') {
      if (operation && key.userAuthentication.type === 'biometric') {
        const name = PROMPT_ERRORS.biometricsUnavailable[device.biometricState];
        throw new NativeFailure(name, `biometrics are ${device.biometricState}`);
      }
      return;
    }
    if (key.savedEnrollment !== device.enrollment) {
      throw new NativeFailure(
        'EnrollmentChanged',
        'evaluatedPolicyDomainState differs from the one saved with the key',
      );
    }
  };

  const usable = (
    params: Record<string, unknown>,
    algorithm: SimulatedKey['algorithm'],
  ): SimulatedKey => {
    const key = device.key(aliasParam(params), 'errSecItemNotFound');
    if (key.algorithm !== algorithm)
      throw new NativeFailure('IncompatibleKey', 'the key was not made for this operation');
    checkEnrollment(key, params, true);
    return key;
  };

  const use = (key: SimulatedKey, method: string, params: Record<string, unknown>): void => {
    device.authorize(key, method, promptParam(params), PROMPT_ERRORS);
    // A .biometryCurrentSet key no longer opens after re-enrolment; the error does not say why.
    if (key.invalidated)
      throw new NativeFailure(
        'errSecAuthFailed',
        'the access control of the key cannot be satisfied',
      );
  };

  return {
    getInfo() {
      return {
        protocolVersion: settings.protocolVersion,
        platform: 'ios',
        secureEnclave: settings.secureEnclave,
        deviceSecure: settings.deviceSecure,
        biometrics: settings.biometrics,
        ...(settings.contentDecryption && { contentDecryption: settings.contentDecryption }),
      };
    },

    generateKey(params) {
      const alias = aliasParam(params);
      const existing = device.keys.get(alias);
      if (existing !== undefined) return { created: false, key: device.record(existing) };
      const purpose = enumParam(params, 'purpose', ['sign', 'encrypt'] as const);
      const algorithm = enumParam(params, 'algorithm', [
        'ES256',
        'ECDH-ES',
        'RSA-OAEP',
        'RSA-OAEP-256',
        'EdDSA',
      ] as const);
      if (algorithm !== 'ES256' && algorithm !== 'ECDH-ES') {
        throw new NativeFailure('UnsupportedAlgorithm', 'the Secure Enclave holds only P-256 keys');
      }
      if ((purpose === 'sign') !== (algorithm === 'ES256'))
        throw new NativeFailure('InvalidParams', 'purpose and algorithm disagree');
      const auth = userAuthenticationParam(params);
      if (auth.type !== 'none' && !settings.deviceSecure)
        throw new NativeFailure('LAErrorPasscodeNotSet', 'no passcode');
      if (auth.type === 'biometric' && !settings.biometrics)
        throw new NativeFailure('LAErrorBiometryNotEnrolled', 'no biometrics');
      if (auth.type === 'biometric' && device.biometricState !== 'available') {
        const name = PROMPT_ERRORS.biometricsUnavailable[device.biometricState];
        throw new NativeFailure(name, `biometrics are ${device.biometricState}`);
      }
      if (auth.validitySeconds > 300)
        throw new NativeFailure('UnsupportedAlgorithm', 'reuse duration above 300 s');
      const secureEnclave = booleanParam(params, 'secureEnclave', false);
      if (secureEnclave && !settings.secureEnclave)
        throw new NativeFailure('errSecUnimplemented', 'no Secure Enclave');
      const key: SimulatedKey = {
        alias,
        purpose,
        algorithm,
        securityLevel: secureEnclave ? 'secure-enclave' : 'software',
        userAuthentication:
          auth.type === 'none'
            ? { type: 'none', validitySeconds: 0, invalidateOnNewEnrollment: false }
            : auth,
        createdAt: settings.now(),
        invalidated: false,
        ...newP256Key(),
        // The reference module saves the biometric domain state with keys that must follow
        // the enrolled biometrics, to compare it later; with no biometrics to evaluate it
        // saves none (and protects the key with .userPresence).
        ...(auth.type !== 'none' &&
          auth.invalidateOnNewEnrollment &&
          settings.biometrics &&
          device.biometricState === 'available' && { savedEnrollment: device.enrollment }),
      };
      device.keys.set(alias, key);
      return { created: true, key: device.record(key) };
    },

    getKey(params) {
      const key = device.keys.get(aliasParam(params));
      if (key === undefined) return null;
      checkEnrollment(key, params, false);
      return device.record(key);
    },

    sign(params) {
      const key = usable(params, 'ES256');
      const data = bytesParam(params, 'data', 1024 * 1024);
      use(key, 'sign', params);
      return { signature: encodeBase64url(signDer(key, data)) };
    },

    agree(params) {
      const key = usable(params, 'ECDH-ES');
      const peer = bytesParam(params, 'publicKey', 65);
      use(key, 'agree', params);
      return { sharedSecret: encodeBase64url(agreeP256(key, peer, 'errSecParam')) };
    },

    decrypt(params) {
      device.key(aliasParam(params), 'errSecItemNotFound');
      throw new NativeFailure(
        'IncompatibleKey',
        'iOS keys are P-256 keys; there is no RSA decryption',
      );
    },

    deleteKey(params) {
      return { deleted: device.keys.delete(aliasParam(params)) };
    },

    listAliases() {
      return { aliases: [...device.keys.keys()] };
    },

    setAttestation(params) {
      const key = device.key(aliasParam(params), 'errSecItemNotFound');
      const attestation = params.attestation as Record<string, unknown> | undefined;
      if (
        typeof attestation !== 'object' ||
        attestation === null ||
        typeof attestation.keyId !== 'string' ||
        !KEY_ID.test(attestation.keyId)
      ) {
        throw new NativeFailure('InvalidParams', 'parameter "attestation" is missing or malformed');
      }
      bytesParam(attestation, 'attestationObject', 64 * 1024);
      key.attestation = {
        keyId: attestation.keyId,
        attestationObject: attestation.attestationObject,
      };
      return {};
    },

    decryptContent: (params, data) => decryptContent(settings.contentDecryption, params, data),
  };
}
