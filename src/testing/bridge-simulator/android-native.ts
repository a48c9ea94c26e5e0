// The simulated Android native side: what the reference Kotlin module does on top of Android
// Keystore, with the platform's constraints by API level (ECDH from 31, OAEP's MGF1-SHA-1
// before 35, StrongBox limits) and its exceptions as error names.

import { encodeBase64url } from '../../core/base64url.js';
import type { BridgeMethod } from '../../keystores/bridge/native-bridge.js';
import { attestSimulatedKey } from './android-attestation.js';
import { decryptContent } from './content-decryption.js';
import { NativeFailure } from './native-failure.js';
import { generateRsaKey, rsaOaepDecrypt, rsaSpki } from './rsa.js';
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

/** @internal A handler per protocol method; `data` is what came over the binary channel. */
export type NativeHandlers = Record<
  BridgeMethod,
  (params: Record<string, unknown>, data?: Uint8Array) => unknown
>;

const PROMPT_ERRORS: PromptErrors = {
  notAuthenticated: 'UserNotAuthenticatedException',
  biometricsUnavailable: {
    'locked-out': 'BiometricPrompt.ERROR_LOCKOUT',
    'disabled-for-app': 'BiometricPrompt.ERROR_HW_UNAVAILABLE',
  },
  outcomes: {
    cancel: 'BiometricPrompt.ERROR_USER_CANCELED',
    'negative-button': 'BiometricPrompt.ERROR_NEGATIVE_BUTTON',
    lockout: 'BiometricPrompt.ERROR_LOCKOUT',
    'lockout-permanent': 'BiometricPrompt.ERROR_LOCKOUT_PERMANENT',
  },
};

/** @internal The simulated Kotlin module over Android Keystore. */
export function androidNative(device: SimulatedDevice): NativeHandlers {
  const { settings } = device;
  const api = settings.apiLevel;
  // KeyInfo.getSecurityLevel() may say UNKNOWN: nothing vouches for such a key, so the
  // reference module counts it as software (only UNKNOWN_SECURE names secure hardware).
  const hardwareBacked = (): boolean =>
    settings.hardwareBacked && settings.reportedSecurityLevel !== 'unknown';

  // Cipher.init / Signature.initSign throw this once Keystore invalidated the key; the
  // reference module initialises the key's biometric canary the same way.
  const checkValid = (key: SimulatedKey): void => {
    const canaryInvalidated =
      key.canaryEnrollment !== undefined && key.canaryEnrollment !== device.enrollment;
    if (key.invalidated || canaryInvalidated)
      throw new NativeFailure('KeyPermanentlyInvalidatedException', 'Key permanently invalidated');
  };

  const usable = (
    params: Record<string, unknown>,
    purpose: 'sign' | 'encrypt',
    algorithms: readonly string[],
  ): SimulatedKey => {
    const key = device.key(aliasParam(params), 'KeyNotFound');
    if (key.purpose !== purpose || !algorithms.includes(key.algorithm)) {
      throw new NativeFailure('IncompatibleKey', 'the key was not made for this operation');
    }
    checkValid(key);
    return key;
  };

  const checkPolicy = (algorithm: string, auth: SimulatedKey['userAuthentication']): void => {
    if (auth.type === 'none') return;
    if (!settings.deviceSecure) {
      throw new NativeFailure(
        'InvalidAlgorithmParameterException',
        'Secure lock screen must be enabled to create keys requiring user authentication',
      );
    }
    if (auth.type === 'biometric' && !settings.biometrics) {
      throw new NativeFailure(
        'InvalidAlgorithmParameterException',
        'At least one biometric must be enrolled to create keys requiring user authentication',
      );
    }
    // Before API 30 (setUserAuthenticationParameters) a per-use key accepts only biometrics,
    // and a key with a validity window accepts any unlock.
    const perUse = auth.validitySeconds === 0;
    if (api < 30 && (perUse ? auth.type !== 'biometric' : auth.type === 'biometric')) {
      throw new NativeFailure('UnsupportedAlgorithm', 'this authentication policy needs API 30');
    }
    if (algorithm === 'ECDH-ES' && auth.validitySeconds === 0) {
      throw new NativeFailure(
        'UnsupportedAlgorithm',
        'BiometricPrompt cannot authorize a KeyAgreement for each use',
      );
    }
  };

  return {
    getInfo() {
      return {
        protocolVersion: settings.protocolVersion,
        platform: 'android',
        apiLevel: api,
        // The reference module's probe: only a level that names secure hardware counts.
        hardwareBacked: hardwareBacked(),
        strongBox: settings.strongBox,
        deviceSecure: settings.deviceSecure,
        biometrics: settings.biometrics,
        ...(settings.contentDecryption && { contentDecryption: settings.contentDecryption }),
      };
    },

    async generateKey(params) {
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
      if (algorithm === 'EdDSA')
        throw new NativeFailure('UnsupportedAlgorithm', 'Keystore makes no Ed25519 keys here');
      if ((purpose === 'sign') !== (algorithm === 'ES256'))
        throw new NativeFailure('InvalidParams', 'purpose and algorithm disagree');
      if (algorithm === 'ECDH-ES' && api < 31)
        throw new NativeFailure('UnsupportedAlgorithm', 'PURPOSE_AGREE_KEY needs API 31');
      // Before API 35 the MGF1 digest of Keystore OAEP is always SHA-1 (no setMgf1Digests).
      if (algorithm === 'RSA-OAEP-256' && api < 35)
        throw new NativeFailure('UnsupportedAlgorithm', 'MGF1-SHA-256 needs API 35');
      const auth = userAuthenticationParam(params);
      checkPolicy(algorithm, auth);
      const isRsa = algorithm === 'RSA-OAEP' || algorithm === 'RSA-OAEP-256';
      const modulusLength = isRsa ? params.modulusLength : undefined;
      if (isRsa && modulusLength !== 2048 && modulusLength !== 3072 && modulusLength !== 4096) {
        throw new NativeFailure(
          'InvalidParams',
          'parameter "modulusLength" is missing or malformed',
        );
      }
      const strongBox = booleanParam(params, 'strongBox', false);
      // StrongBox holds RSA keys of 2048 bits with SHA-256 only; Keystore reports other kinds
      // as a ProviderException, so the reference module raises the protocol's name itself.
      if (
        strongBox &&
        (!settings.strongBox || (isRsa && (modulusLength !== 2048 || algorithm === 'RSA-OAEP')))
      ) {
        throw new NativeFailure('StrongBoxUnavailableException', 'StrongBox cannot hold this key');
      }
      const challenge =
        params.attestationChallenge === undefined
          ? undefined
          : bytesParam(params, 'attestationChallenge', 128);
      const material = isRsa ? await rsaMaterial(modulusLength as number) : newP256Key();
      // Another call may have made the key while this one waited for RSA generation.
      const raced = device.keys.get(alias);
      if (raced !== undefined) return { created: false, key: device.record(raced) };
      const key: SimulatedKey = {
        alias,
        purpose,
        algorithm,
        securityLevel: strongBox ? 'strongbox' : hardwareBacked() ? 'tee' : 'software',
        userAuthentication:
          auth.type === 'none'
            ? { type: 'none', validitySeconds: 0, invalidateOnNewEnrollment: false }
            : auth,
        createdAt: settings.now(),
        invalidated: false,
        ...material,
        // Keystore binds keys that accept the device credential to the lock-screen SID, which
        // an enrolment does not change; the reference module makes a per-use biometric canary
        // beside them, whose invalidation it reports as the key's.
        ...(auth.type === 'biometric-or-device-credential' &&
          auth.invalidateOnNewEnrollment &&
          settings.biometrics && { canaryEnrollment: device.enrollment }),
      };
      if (challenge !== undefined && key.securityLevel !== 'software') {
        const { authority, facts } = settings.attestation;
        key.attestation = {
          x5c: attestSimulatedKey(authority.android, key, challenge, api, facts),
        };
      }
      device.keys.set(alias, key);
      return { created: true, key: device.record(key) };
    },

    getKey(params) {
      const key = device.keys.get(aliasParam(params));
      if (key === undefined) return null;
      // The reference module initialises (and ends) an operation to learn whether Keystore
      // invalidated the key or its canary.
      checkValid(key);
      return device.record(key);
    },

    sign(params) {
      const key = usable(params, 'sign', ['ES256']);
      const data = bytesParam(params, 'data', 1024 * 1024);
      device.authorize(key, 'sign', promptParam(params), PROMPT_ERRORS);
      return { signature: encodeBase64url(signDer(key, data)) };
    },

    agree(params) {
      const key = usable(params, 'encrypt', ['ECDH-ES']);
      const peer = bytesParam(params, 'publicKey', 65);
      device.authorize(key, 'agree', promptParam(params), PROMPT_ERRORS);
      return { sharedSecret: encodeBase64url(agreeP256(key, peer, 'InvalidKeyException')) };
    },

    decrypt(params) {
      const key = usable(params, 'encrypt', ['RSA-OAEP', 'RSA-OAEP-256']);
      const ciphertext = bytesParam(params, 'ciphertext', 1024);
      device.authorize(key, 'decrypt', promptParam(params), PROMPT_ERRORS);
      const hash = key.algorithm === 'RSA-OAEP' ? 'SHA-1' : 'SHA-256';
      const plaintext = rsaOaepDecrypt(key.rsa!, ciphertext, hash, api >= 35 ? hash : 'SHA-1');
      return { plaintext: encodeBase64url(plaintext) };
    },

    deleteKey(params) {
      return { deleted: device.keys.delete(aliasParam(params)) };
    },

    listAliases() {
      return { aliases: [...device.keys.keys()] };
    },

    setAttestation() {
      throw new NativeFailure('UnknownMethod', 'setAttestation is an iOS method');
    },

    decryptContent: (params, data) => decryptContent(settings.contentDecryption, params, data),
  };
}

async function rsaMaterial(
  modulusLength: number,
): Promise<{ rsa: Awaited<ReturnType<typeof generateRsaKey>>; spki: Uint8Array }> {
  const rsa = await generateRsaKey(modulusLength);
  return { rsa, spki: rsaSpki(rsa) };
}
