// Every Android native error of the protocol's mapping, through the simulator: injected as
// the next native failure, and where the simulator can, produced the way a device would
// (cancelled prompt, lockout, new enrolment, app in the background, bad ciphertext).

import { describe, expect, it } from 'vitest';
import type { RsaPublicJwk } from '../../src/core/jwk.js';
import { AndroidKeyStore } from '../../src/keystores/android/index.js';
import {
  ANDROID_NATIVE_ERRORS,
  COMMON_NATIVE_ERRORS,
} from '../../src/keystores/bridge/native-errors.js';
import { createBridgeSimulator } from '../../src/testing/bridge-simulator/index.js';
import { rejection } from '../helpers/rejection.js';

const SIGN = { purpose: 'sign', algorithm: 'ES256' } as const;
const PER_USE = { ...SIGN, userAuthentication: { type: 'biometric' } } as const;

async function signingStore(spec: Parameters<AndroidKeyStore['generateKey']>[1] = SIGN) {
  const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 33 });
  const store = new AndroidKeyStore(simulator);
  await store.generateKey('app.signing', spec);
  return { simulator, store };
}

const EXPECTED: Record<string, string> = {
  UserNotAuthenticatedException: 'USER_AUTHENTICATION_REQUIRED',
  KeyPermanentlyInvalidatedException: 'KEY_INVALIDATED',
  StrongBoxUnavailableException: 'KEYSTORE_ERROR',
  InvalidAlgorithmParameterException: 'UNSUPPORTED_ALGORITHM',
  'BiometricPrompt.ERROR_USER_CANCELED': 'USER_CANCELLED',
  'BiometricPrompt.ERROR_NEGATIVE_BUTTON': 'USER_CANCELLED',
  'BiometricPrompt.ERROR_CANCELED': 'USER_CANCELLED',
  'BiometricPrompt.ERROR_LOCKOUT': 'LOCKED_OUT',
  'BiometricPrompt.ERROR_LOCKOUT_PERMANENT': 'LOCKED_OUT',
  BadPaddingException: 'KEYSTORE_ERROR',
  IllegalBlockSizeException: 'KEYSTORE_ERROR',
  KeyNotFound: 'KEY_NOT_FOUND',
  IncompatibleKey: 'UNSUPPORTED_ALGORITHM',
  UnsupportedAlgorithm: 'UNSUPPORTED_ALGORITHM',
  UnknownMethod: 'PROTOCOL_MISMATCH',
  InvalidParams: 'KEYSTORE_ERROR',
  ContentDecryptionFailed: 'KEYSTORE_ERROR',
};

describe('the Android mapping table', () => {
  it('covers exactly the documented names', () => {
    expect(Object.keys({ ...ANDROID_NATIVE_ERRORS, ...COMMON_NATIVE_ERRORS }).sort()).toEqual(
      Object.keys(EXPECTED).sort(),
    );
  });
});

describe('each Android native error, injected into sign', () => {
  for (const [name, code] of Object.entries(EXPECTED)) {
    it(`${name} → ${code}`, async () => {
      const { simulator, store } = await signingStore();
      simulator.failNext('sign', name, 'native detail');
      const err = await rejection(store.sign('app.signing', Uint8Array.of(1)));
      expect(err.code).toBe(code);
      expect((err.cause as { code?: string }).code).toBe(name);
    });
  }

  it('an unknown native error → KEYSTORE_ERROR', async () => {
    const { simulator, store } = await signingStore();
    simulator.failNext('sign', 'java.lang.IllegalStateException');
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'KEYSTORE_ERROR',
    );
  });

  it('an iOS error name from the Android side → KEYSTORE_ERROR', async () => {
    const { simulator, store } = await signingStore();
    simulator.failNext('sign', 'errSecUserCanceled');
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'KEYSTORE_ERROR',
    );
  });
});

describe('Android native errors as a device produces them', () => {
  it('the user cancels the prompt → USER_CANCELLED', async () => {
    const { simulator, store } = await signingStore(PER_USE);
    simulator.nextPrompt('cancel');
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'USER_CANCELLED',
    );
  });

  it('the user taps the negative button → USER_CANCELLED', async () => {
    const { simulator, store } = await signingStore(PER_USE);
    simulator.nextPrompt('negative-button');
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'USER_CANCELLED',
    );
  });

  it('biometrics locked out → LOCKED_OUT', async () => {
    const { simulator, store } = await signingStore(PER_USE);
    simulator.nextPrompt('lockout');
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe('LOCKED_OUT');
  });

  it('biometrics permanently locked out → LOCKED_OUT', async () => {
    const { simulator, store } = await signingStore(PER_USE);
    simulator.nextPrompt('lockout-permanent');
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe('LOCKED_OUT');
  });

  it('no prompt can be shown (app in the background) → USER_AUTHENTICATION_REQUIRED', async () => {
    const { simulator, store } = await signingStore({
      ...SIGN,
      userAuthentication: { type: 'biometric-or-device-credential', validitySeconds: 30 },
    });
    simulator.setInteractionAllowed(false);
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'USER_AUTHENTICATION_REQUIRED',
    );
  });

  it('a new biometric enrolment → KEY_INVALIDATED', async () => {
    const { simulator, store } = await signingStore(PER_USE);
    simulator.enrollBiometric();
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'KEY_INVALIDATED',
    );
  });

  it('StrongBox unavailable while preferred → the key is made in the TEE instead', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 33, strongBox: true });
    simulator.failNext('generateKey', 'StrongBoxUnavailableException');
    const info = await new AndroidKeyStore(simulator).generateKey('app.signing', {
      ...SIGN,
      hardware: 'strongbox-preferred',
    });
    expect(info.securityLevel).toBe('tee');
  });

  it('StrongBox unavailable twice in a row → KEYSTORE_ERROR', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 33, strongBox: true });
    simulator.failNext('generateKey', 'StrongBoxUnavailableException');
    simulator.failNext('generateKey', 'StrongBoxUnavailableException');
    const err = await rejection(
      new AndroidKeyStore(simulator).generateKey('app.signing', {
        ...SIGN,
        hardware: 'strongbox-preferred',
      }),
    );
    expect(err.code).toBe('KEYSTORE_ERROR');
  });

  it('a biometric key with no biometric enrolled → UNSUPPORTED_ALGORITHM (InvalidAlgorithmParameterException)', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', biometrics: false });
    const err = await rejection(new AndroidKeyStore(simulator).generateKey('app.signing', PER_USE));
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
    expect((err.cause as { code?: string }).code).toBe('InvalidAlgorithmParameterException');
  });

  it('a ciphertext the key cannot open → KEYSTORE_ERROR (BadPaddingException)', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 28 });
    const store = new AndroidKeyStore(simulator);
    const info = await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP',
    });
    const length = atob(
      (info.publicKey as RsaPublicJwk).n.replace(/-/g, '+').replace(/_/g, '/'),
    ).length;
    const err = await rejection(store.decrypt('app.encryption', new Uint8Array(length).fill(1)));
    expect(err.code).toBe('KEYSTORE_ERROR');
    expect((err.cause as { code?: string }).code).toBe('BadPaddingException');
  });

  it('a ciphertext of the wrong length → KEYSTORE_ERROR (IllegalBlockSizeException)', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 28 });
    const store = new AndroidKeyStore(simulator);
    await store.generateKey('app.encryption', { purpose: 'encrypt', algorithm: 'RSA-OAEP' });
    const err = await rejection(store.decrypt('app.encryption', new Uint8Array(10)));
    expect((err.cause as { code?: string }).code).toBe('IllegalBlockSizeException');
  });

  it('an unknown alias → KEY_NOT_FOUND (KeyNotFound)', async () => {
    const { store } = await signingStore();
    expect((await rejection(store.sign('app.other', Uint8Array.of(1)))).code).toBe('KEY_NOT_FOUND');
  });

  it('the wrong key for the operation → UNSUPPORTED_ALGORITHM (IncompatibleKey)', async () => {
    const { store } = await signingStore();
    expect((await rejection(store.decrypt('app.signing', new Uint8Array(256)))).code).toBe(
      'UNSUPPORTED_ALGORITHM',
    );
  });
});
