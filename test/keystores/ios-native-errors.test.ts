// Every iOS native error of the protocol's mapping, through the simulator: injected as the
// next native failure, and where the simulator can, produced the way a device would.

import { describe, expect, it } from 'vitest';
import {
  COMMON_NATIVE_ERRORS,
  IOS_NATIVE_ERRORS,
} from '../../src/keystores/bridge/native-errors.js';
import { IosKeychainKeyStore } from '../../src/keystores/ios/index.js';
import { createBridgeSimulator } from '../../src/testing/bridge-simulator/index.js';
import { rejection } from '../helpers/rejection.js';

const SIGN = { purpose: 'sign', algorithm: 'ES256' } as const;
const PER_USE = { ...SIGN, userAuthentication: { type: 'biometric' } } as const;

async function signingStore(spec: Parameters<IosKeychainKeyStore['generateKey']>[1] = SIGN) {
  const simulator = createBridgeSimulator({ platform: 'ios' });
  const store = new IosKeychainKeyStore(simulator);
  await store.generateKey('app.signing', spec);
  return { simulator, store };
}

const EXPECTED: Record<string, string> = {
  errSecUserCanceled: 'USER_CANCELLED',
  LAErrorUserCancel: 'USER_CANCELLED',
  LAErrorSystemCancel: 'USER_CANCELLED',
  LAErrorAppCancel: 'USER_CANCELLED',
  errSecItemNotFound: 'KEY_NOT_FOUND',
  errSecAuthFailed: 'AUTHENTICATION_FAILED',
  LAErrorAuthenticationFailed: 'AUTHENTICATION_FAILED',
  LAErrorBiometryLockout: 'LOCKED_OUT',
  errSecInteractionNotAllowed: 'USER_AUTHENTICATION_REQUIRED',
  LAErrorNotInteractive: 'USER_AUTHENTICATION_REQUIRED',
  LAErrorBiometryNotAvailable: 'USER_AUTHENTICATION_REQUIRED',
  TKErrorCanceledByUser: 'USER_CANCELLED',
  TKErrorAuthenticationFailed: 'AUTHENTICATION_FAILED',
  TKErrorAuthenticationNeeded: 'USER_AUTHENTICATION_REQUIRED',
  TKErrorObjectNotFound: 'KEY_NOT_FOUND',
  LAErrorPasscodeNotSet: 'UNSUPPORTED_ALGORITHM',
  LAErrorBiometryNotEnrolled: 'UNSUPPORTED_ALGORITHM',
  EnrollmentChanged: 'KEY_INVALIDATED',
  KeyNotFound: 'KEY_NOT_FOUND',
  IncompatibleKey: 'UNSUPPORTED_ALGORITHM',
  UnsupportedAlgorithm: 'UNSUPPORTED_ALGORITHM',
  UnknownMethod: 'PROTOCOL_MISMATCH',
  InvalidParams: 'KEYSTORE_ERROR',
  ContentDecryptionFailed: 'KEYSTORE_ERROR',
};

describe('the iOS mapping table', () => {
  it('covers exactly the documented names', () => {
    expect(Object.keys({ ...IOS_NATIVE_ERRORS, ...COMMON_NATIVE_ERRORS }).sort()).toEqual(
      Object.keys(EXPECTED).sort(),
    );
  });
});

describe('each iOS native error, injected into sign', () => {
  for (const [name, code] of Object.entries(EXPECTED)) {
    it(`${name} → ${code}`, async () => {
      const { simulator, store } = await signingStore();
      simulator.failNext('sign', name, 'native detail');
      const err = await rejection(store.sign('app.signing', Uint8Array.of(1)));
      expect(err.code).toBe(code);
      expect((err.cause as { code?: string }).code).toBe(name);
    });
  }

  it('an unknown OSStatus name → KEYSTORE_ERROR', async () => {
    const { simulator, store } = await signingStore();
    simulator.failNext('sign', 'errSecDecode');
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'KEYSTORE_ERROR',
    );
  });

  it('an Android error name from the iOS side → KEYSTORE_ERROR', async () => {
    const { simulator, store } = await signingStore();
    simulator.failNext('sign', 'UserNotAuthenticatedException');
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'KEYSTORE_ERROR',
    );
  });
});

describe('iOS native errors as a device produces them', () => {
  it('the user cancels Face ID → USER_CANCELLED (errSecUserCanceled)', async () => {
    const { simulator, store } = await signingStore(PER_USE);
    simulator.nextPrompt('cancel');
    const err = await rejection(store.sign('app.signing', Uint8Array.of(1)));
    expect(err.code).toBe('USER_CANCELLED');
    expect((err.cause as { code?: string }).code).toBe('errSecUserCanceled');
  });

  it('the user fails to authenticate → AUTHENTICATION_FAILED (errSecAuthFailed)', async () => {
    const { simulator, store } = await signingStore(PER_USE);
    simulator.nextPrompt('fail');
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'AUTHENTICATION_FAILED',
    );
  });

  it('biometry locked out → LOCKED_OUT (LAErrorBiometryLockout)', async () => {
    const { simulator, store } = await signingStore(PER_USE);
    simulator.nextPrompt('lockout');
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe('LOCKED_OUT');
  });

  it('no UI (device locked) → USER_AUTHENTICATION_REQUIRED (errSecInteractionNotAllowed)', async () => {
    const { simulator, store } = await signingStore(PER_USE);
    simulator.setInteractionAllowed(false);
    expect((await rejection(store.sign('app.signing', Uint8Array.of(1)))).code).toBe(
      'USER_AUTHENTICATION_REQUIRED',
    );
  });

  it('an unknown key → KEY_NOT_FOUND (errSecItemNotFound)', async () => {
    const { store } = await signingStore();
    const err = await rejection(store.sign('app.missing', Uint8Array.of(1)));
    expect(err.code).toBe('KEY_NOT_FOUND');
    expect((err.cause as { code?: string }).code).toBe('errSecItemNotFound');
  });

  it('re-enrolled biometrics → KEY_INVALIDATED (EnrollmentChanged)', async () => {
    const { simulator, store } = await signingStore(PER_USE);
    simulator.enrollBiometric();
    const err = await rejection(store.sign('app.signing', Uint8Array.of(1)));
    expect(err.code).toBe('KEY_INVALIDATED');
    expect((err.cause as { code?: string }).code).toBe('EnrollmentChanged');
  });

  it('a biometric key with no biometrics enrolled → UNSUPPORTED_ALGORITHM (LAErrorBiometryNotEnrolled)', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios', biometrics: false });
    const err = await rejection(
      new IosKeychainKeyStore(simulator).generateKey('app.signing', PER_USE),
    );
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
    expect((err.cause as { code?: string }).code).toBe('LAErrorBiometryNotEnrolled');
  });

  it('user authentication without a passcode → UNSUPPORTED_ALGORITHM before reaching native code', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios', deviceSecure: false });
    const err = await rejection(
      new IosKeychainKeyStore(simulator).generateKey('app.signing', PER_USE),
    );
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
    expect(simulator.calls.some((c) => c.method === 'generateKey')).toBe(false);
  });
});
