// AndroidKeyStore against what real Android devices do, as the corrected reference module
// handles it: prompts that cannot be shown, enrolment changes Keystore ignores (the biometric
// canary), SECURITY_LEVEL_UNKNOWN, StrongBox limits, and the device-wide validity window.

import { describe, expect, it } from 'vitest';
import { AndroidKeyStore } from '../../src/keystores/android/index.js';
import type { KeySpec } from '../../src/keystores/contract.js';
import {
  type BridgeSimulatorOptions,
  createBridgeSimulator,
} from '../../src/testing/bridge-simulator/index.js';
import { rejection } from '../helpers/rejection.js';

function android(options: Omit<BridgeSimulatorOptions, 'platform'> = {}) {
  const simulator = createBridgeSimulator({ platform: 'android', ...options });
  // A JS deadline far beyond the test's own: an answer that only a timeout could give fails the test.
  return { simulator, store: new AndroidKeyStore(simulator, { interactiveTimeoutMs: 600_000 }) };
}

const SIGN = { purpose: 'sign', algorithm: 'ES256' } as const;
const PER_USE_BIOMETRIC: KeySpec = { ...SIGN, userAuthentication: { type: 'biometric' } };
const CREDENTIAL_WINDOW: KeySpec = {
  ...SIGN,
  userAuthentication: { type: 'biometric-or-device-credential', validitySeconds: 60 },
};
const DATA = Uint8Array.of(1, 2, 3);

describe('Android prompts that cannot be shown end at once (never a hang until TIMEOUT)', () => {
  it('a per-use key while the activity is stopped gives USER_AUTHENTICATION_REQUIRED and shows no prompt', async () => {
    const { simulator, store } = android();
    await store.generateKey('app.signing', PER_USE_BIOMETRIC);
    simulator.setInteractionAllowed(false);
    const err = await rejection(store.sign('app.signing', DATA));
    expect(err.code).toBe('USER_AUTHENTICATION_REQUIRED');
    expect((err.cause as { code?: string }).code).toBe('UserNotAuthenticatedException');
    expect(simulator.prompts).toEqual([]);
  });

  it('a time-bound key whose window is over, while the activity is stopped, gives USER_AUTHENTICATION_REQUIRED', async () => {
    const { simulator, store } = android({ apiLevel: 31 });
    await store.generateKey('app.signing', CREDENTIAL_WINDOW);
    simulator.setInteractionAllowed(false);
    expect((await rejection(store.sign('app.signing', DATA))).code).toBe(
      'USER_AUTHENTICATION_REQUIRED',
    );
  });

  it('a prompt that never calls back is ended by the native backstop: USER_AUTHENTICATION_REQUIRED', async () => {
    const { simulator, store } = android();
    await store.generateKey('app.signing', PER_USE_BIOMETRIC);
    simulator.nextPrompt('no-callback');
    const err = await rejection(store.sign('app.signing', DATA));
    expect(err.code).toBe('USER_AUTHENTICATION_REQUIRED');
    expect(simulator.prompts.map((p) => p.outcome)).toEqual(['no-callback']);
  });

  it('after the app returns to the foreground the same key signs', async () => {
    const { simulator, store } = android();
    await store.generateKey('app.signing', PER_USE_BIOMETRIC);
    simulator.setInteractionAllowed(false);
    await rejection(store.sign('app.signing', DATA));
    simulator.setInteractionAllowed(true);
    expect((await store.sign('app.signing', DATA)).length).toBe(64);
  });
});

describe('Android enrolment changes: Keystore invalidates biometric-only keys, the canary covers the rest', () => {
  for (const apiLevel of [29, 31, 35]) {
    it(`API ${apiLevel}: a time-bound key that accepts the device credential is reported KEY_INVALIDATED through its canary`, async () => {
      const { simulator, store } = android({ apiLevel });
      await store.generateKey('app.signing', CREDENTIAL_WINDOW);
      simulator.authenticate();
      expect((await store.sign('app.signing', DATA)).length).toBe(64);
      simulator.enrollBiometric();
      expect((await rejection(store.getKey('app.signing'))).code).toBe('KEY_INVALIDATED');
      const err = await rejection(store.sign('app.signing', DATA));
      expect(err.code).toBe('KEY_INVALIDATED');
      expect((err.cause as { code?: string }).code).toBe('KeyPermanentlyInvalidatedException');
    });
  }

  it('API 31: a per-use key that accepts the device credential is reported KEY_INVALIDATED', async () => {
    const { simulator, store } = android({ apiLevel: 31 });
    await store.generateKey('app.signing', {
      ...SIGN,
      userAuthentication: { type: 'biometric-or-device-credential', validitySeconds: 0 },
    });
    simulator.enrollBiometric();
    expect((await rejection(store.sign('app.signing', DATA))).code).toBe('KEY_INVALIDATED');
  });

  it('an ECDH key that accepts the device credential is reported KEY_INVALIDATED on agree', async () => {
    const { simulator, store } = android({ apiLevel: 34 });
    await store.generateKey('app.encryption', {
      purpose: 'encrypt',
      algorithm: 'ECDH-ES',
      userAuthentication: { type: 'biometric-or-device-credential', validitySeconds: 60 },
    });
    const peer = (await android().store.generateKey('peer', { ...SIGN })).publicKey;
    simulator.enrollBiometric();
    expect((await rejection(store.deriveSharedSecret('app.encryption', peer))).code).toBe(
      'KEY_INVALIDATED',
    );
  });

  it('a key made with no biometric enrolled has no canary and stays valid after the first enrolment', async () => {
    const { simulator, store } = android({ apiLevel: 31, biometrics: false });
    await store.generateKey('app.signing', CREDENTIAL_WINDOW);
    simulator.enrollBiometric();
    simulator.authenticate();
    expect(await store.getKey('app.signing')).not.toBeNull();
    expect((await store.sign('app.signing', DATA)).length).toBe(64);
  });

  it('a key that accepts the device credential with invalidateOnNewEnrollment: false stays valid', async () => {
    const { simulator, store } = android({ apiLevel: 31 });
    await store.generateKey('app.signing', {
      ...SIGN,
      userAuthentication: {
        type: 'biometric-or-device-credential',
        validitySeconds: 60,
        invalidateOnNewEnrollment: false,
      },
    });
    simulator.enrollBiometric();
    simulator.authenticate();
    expect((await store.sign('app.signing', DATA)).length).toBe(64);
  });

  it('a biometric lockout is no enrolment change: the key stays valid and the device credential signs', async () => {
    const { simulator, store } = android({ apiLevel: 31 });
    await store.generateKey('app.signing', {
      ...SIGN,
      userAuthentication: { type: 'biometric-or-device-credential', validitySeconds: 0 },
    });
    simulator.setBiometricState('locked-out');
    expect(await store.getKey('app.signing')).not.toBeNull();
    expect((await store.sign('app.signing', DATA)).length).toBe(64);
  });

  it('a biometric-only key during a lockout gives LOCKED_OUT, not KEY_INVALIDATED', async () => {
    const { simulator, store } = android();
    await store.generateKey('app.signing', PER_USE_BIOMETRIC);
    simulator.setBiometricState('locked-out');
    expect((await rejection(store.sign('app.signing', DATA))).code).toBe('LOCKED_OUT');
    expect(await store.getKey('app.signing')).not.toBeNull();
  });
});

describe('Android security levels: SECURITY_LEVEL_UNKNOWN vouches for nothing', () => {
  it('a Keystore that reports UNKNOWN declares no hardware, and its keys are software', async () => {
    const { store } = android({ apiLevel: 31, reportedSecurityLevel: 'unknown' });
    expect((await store.capabilities()).hardwareBacked).toBe(false);
    expect((await store.capabilities()).attestation).toBe(false);
    const info = await store.generateKey('app.signing', { ...SIGN, hardware: 'preferred' });
    expect(info.securityLevel).toBe('software');
    expect(info.hardwareBacked).toBe(false);
  });

  it('hardware: "required" is refused where Keystore reports UNKNOWN', async () => {
    const { simulator, store } = android({ apiLevel: 33, reportedSecurityLevel: 'unknown' });
    const err = await rejection(
      store.generateKey('app.signing', { ...SIGN, hardware: 'required' }),
    );
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
    expect(simulator.hasKey('app.signing')).toBe(false);
  });

  it('a key made with a challenge where Keystore reports UNKNOWN carries no attestation', async () => {
    const { store } = android({ apiLevel: 31, reportedSecurityLevel: 'unknown' });
    const info = await store.generateKey('app.signing', {
      ...SIGN,
      attestationChallenge: Uint8Array.of(1, 2, 3),
    });
    expect(info.attestation).toBeUndefined();
  });

  it('UNKNOWN_SECURE is secure hardware: reported as tee, and "required" is met', async () => {
    const { store } = android({ apiLevel: 31, reportedSecurityLevel: 'unknown-secure' });
    const info = await store.generateKey('app.signing', { ...SIGN, hardware: 'required' });
    expect(info.securityLevel).toBe('tee');
    expect(info.hardwareBacked).toBe(true);
  });
});

describe('Android StrongBox limits raise StrongBoxUnavailableException, so the TEE fallback happens', () => {
  const RSA = { purpose: 'encrypt', hardware: 'strongbox-preferred' } as const;

  it('a SHA-1 RSA-OAEP key (StrongBox digests are SHA-256 only) is made in the TEE after one retry', async () => {
    const { simulator, store } = android({ apiLevel: 28, strongBox: true });
    const info = await store.generateKey('app.encryption', { ...RSA, algorithm: 'RSA-OAEP' });
    expect(info.securityLevel).toBe('tee');
    const attempts = simulator.calls.filter((c) => c.method === 'generateKey');
    expect(attempts.map((c) => c.params.strongBox)).toEqual([true, false]);
  });

  it('a 3072-bit RSA-OAEP-256 key is made in the TEE after one retry', async () => {
    const { simulator, store } = android({ apiLevel: 35, strongBox: true });
    const info = await store.generateKey('app.encryption', {
      ...RSA,
      algorithm: 'RSA-OAEP-256',
      modulusLength: 3072,
    });
    expect(info.securityLevel).toBe('tee');
    expect(simulator.calls.filter((c) => c.method === 'generateKey').length).toBe(2);
  });

  it('a 2048-bit RSA-OAEP-256 key (SHA-256, API 35) goes into StrongBox', async () => {
    const { store } = android({ apiLevel: 35, strongBox: true });
    const info = await store.generateKey('app.encryption', { ...RSA, algorithm: 'RSA-OAEP-256' });
    expect(info.securityLevel).toBe('strongbox');
  });
});

describe('Android validity windows are device-wide', () => {
  it('one authentication opens every time-bound key for its window', async () => {
    let now = 5_000_000;
    const { simulator, store } = android({ apiLevel: 31, now: () => now });
    await store.generateKey('app.a', CREDENTIAL_WINDOW);
    await store.generateKey('app.b', CREDENTIAL_WINDOW);
    await store.sign('app.a', DATA);
    expect(simulator.prompts.length).toBe(1);
    now += 30_000;
    await store.sign('app.b', DATA);
    expect(simulator.prompts.length).toBe(1);
    now += 61_000;
    await store.sign('app.b', DATA);
    expect(simulator.prompts.length).toBe(2);
  });
});
