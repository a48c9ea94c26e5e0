// IosKeychainKeyStore against what real iPhones do, as the corrected reference module handles
// it: a biometric lockout or Face ID turned off for the app is no enrolment change, keys made
// without biometrics to evaluate save no domain state, and reuse windows are per key.

import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import type { KeySpec } from '../../src/keystores/contract.js';
import { IosKeychainKeyStore } from '../../src/keystores/ios/index.js';
import {
  type BridgeSimulatorOptions,
  createBridgeSimulator,
} from '../../src/testing/bridge-simulator/index.js';
import { rejection } from '../helpers/rejection.js';

function ios(options: Omit<BridgeSimulatorOptions, 'platform'> = {}) {
  const simulator = createBridgeSimulator({ platform: 'ios', ...options });
  return { simulator, store: new IosKeychainKeyStore(simulator) };
}

const SIGN = { purpose: 'sign', algorithm: 'ES256' } as const;
const BIOMETRIC: KeySpec = { ...SIGN, userAuthentication: { type: 'biometric' } };
const OR_PASSCODE: KeySpec = {
  ...SIGN,
  userAuthentication: { type: 'biometric-or-device-credential' },
};
const DATA = Uint8Array.of(7);

describe('iOS: a biometric lockout is no enrolment change', () => {
  it('five failed attempts (a prompt ending in lockout), then getKey: the key is still there', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.signing', BIOMETRIC);
    simulator.nextPrompt('lockout');
    expect((await rejection(store.sign('app.signing', DATA))).code).toBe('LOCKED_OUT');
    expect((await store.getKey('app.signing'))?.alias).toBe('app.signing');
  });

  it('a biometric-only key during a lockout gives LOCKED_OUT, never KEY_INVALIDATED', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.signing', BIOMETRIC);
    simulator.setBiometricState('locked-out');
    const err = await rejection(store.sign('app.signing', DATA));
    expect(err.code).toBe('LOCKED_OUT');
    expect((err.cause as { code?: string }).code).toBe('LAErrorBiometryLockout');
  });

  it('a key that accepts the passcode signs during a lockout, and the passcode ends the lockout', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.signing', OR_PASSCODE);
    await store.generateKey('app.other', BIOMETRIC);
    simulator.setBiometricState('locked-out');
    expect((await store.sign('app.signing', DATA)).length).toBe(64);
    expect((await store.sign('app.other', DATA)).length).toBe(64);
  });

  it('after the lockout ends, a real enrolment change is still reported', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.signing', OR_PASSCODE);
    simulator.setBiometricState('locked-out');
    await store.getKey('app.signing');
    simulator.authenticate();
    simulator.enrollBiometric();
    expect((await rejection(store.getKey('app.signing'))).code).toBe('KEY_INVALIDATED');
  });

  it('a biometric key cannot be made during a lockout: LOCKED_OUT', async () => {
    const { simulator, store } = ios();
    simulator.setBiometricState('locked-out');
    expect((await rejection(store.generateKey('app.signing', BIOMETRIC))).code).toBe('LOCKED_OUT');
  });
});

describe('iOS: Face ID turned off for the app is no enrolment change', () => {
  it('getKey returns the key and a key that accepts the passcode signs', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.signing', OR_PASSCODE);
    simulator.setBiometricState('disabled-for-app');
    expect(await store.getKey('app.signing')).not.toBeNull();
    expect((await store.sign('app.signing', DATA)).length).toBe(64);
  });

  it('a biometric-only key gives USER_AUTHENTICATION_REQUIRED (LAErrorBiometryNotAvailable)', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.signing', BIOMETRIC);
    simulator.setBiometricState('disabled-for-app');
    const err = await rejection(store.sign('app.signing', DATA));
    expect(err.code).toBe('USER_AUTHENTICATION_REQUIRED');
    expect((err.cause as { code?: string }).code).toBe('LAErrorBiometryNotAvailable');
  });

  it('Android has no such state', () => {
    const simulator = createBridgeSimulator({ platform: 'android' });
    expect(() => simulator.setBiometricState('disabled-for-app')).toThrow(DeviceBindingError);
  });
});

describe('iOS: keys made with no biometrics to evaluate save no domain state', () => {
  it('a passcode-only device: a key that accepts the passcode is made, and survives a later enrolment', async () => {
    const { simulator, store } = ios({ biometrics: false });
    const info = await store.generateKey('app.signing', OR_PASSCODE);
    expect(info.userAuthentication?.invalidateOnNewEnrollment).toBe(true);
    simulator.enrollBiometric();
    expect(await store.getKey('app.signing')).not.toBeNull();
    expect((await store.sign('app.signing', DATA)).length).toBe(64);
  });

  it('a key made while Face ID is off for the app survives a later enrolment', async () => {
    const { simulator, store } = ios();
    simulator.setBiometricState('disabled-for-app');
    await store.generateKey('app.signing', OR_PASSCODE);
    simulator.setBiometricState('available');
    simulator.enrollBiometric();
    expect(await store.getKey('app.signing')).not.toBeNull();
  });
});

describe('iOS reuse windows are per key and start when the key’s context was authenticated', () => {
  const WINDOW: KeySpec = {
    ...SIGN,
    userAuthentication: { type: 'biometric-or-device-credential', validitySeconds: 60 },
  };

  it('authenticating one key does not open another', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.a', WINDOW);
    await store.generateKey('app.b', WINDOW);
    await store.sign('app.a', DATA);
    await store.sign('app.a', DATA);
    expect(simulator.prompts.map((p) => p.alias)).toEqual(['app.a']);
    await store.sign('app.b', DATA);
    expect(simulator.prompts.map((p) => p.alias)).toEqual(['app.a', 'app.b']);
  });

  it('the window runs from the authentication, and a new prompt starts a new one', async () => {
    let now = 1_000_000;
    const { simulator, store } = ios({ now: () => now });
    await store.generateKey('app.a', WINDOW);
    now += 45_000; // the key exists for a while before its first use
    await store.sign('app.a', DATA);
    now += 59_000;
    await store.sign('app.a', DATA);
    expect(simulator.prompts.length).toBe(1);
    now += 2_000;
    await store.sign('app.a', DATA);
    expect(simulator.prompts.length).toBe(2);
  });

  it('a device unlock within the window authenticates a key’s new context without a prompt', async () => {
    let now = 1_000_000;
    const { simulator, store } = ios({ now: () => now });
    await store.generateKey('app.a', WINDOW);
    simulator.authenticate();
    now += 30_000;
    await store.sign('app.a', DATA);
    expect(simulator.prompts.length).toBe(0);
    now += 61_000;
    await store.sign('app.a', DATA);
    expect(simulator.prompts.length).toBe(1);
  });

  it('a cancelled prompt opens no window', async () => {
    const { simulator, store } = ios();
    await store.generateKey('app.a', WINDOW);
    simulator.nextPrompt('cancel');
    expect((await rejection(store.sign('app.a', DATA))).code).toBe('USER_CANCELLED');
    await store.sign('app.a', DATA);
    expect(simulator.prompts.map((p) => p.outcome)).toEqual(['cancel', 'approve']);
  });
});
