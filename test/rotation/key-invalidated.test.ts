// When a new biometric invalidates biometric-only keys, rotation is impossible (the old key can
// no longer sign): the recovery is a new sign-in, one documented call sequence, run here end
// to end through the bridge simulator, together with what becomes of data sealed to the
// invalidated keys (lost: the server delivers it again).

import { describe, expect, it } from 'vitest';
import { seal, unseal } from '../../src/envelopes.js';
import { DeviceBinding, type DeviceBindingError, type KeyStore } from '../../src/index.js';
import { AndroidKeyStore } from '../../src/keystores/android/index.js';
import { IosKeychainKeyStore } from '../../src/keystores/ios/index.js';
import { pendingRotation, rotateKeys } from '../../src/rotation.js';
import {
  type BridgeSimulator,
  createBridgeSimulator,
} from '../../src/testing/bridge-simulator/index.js';
import { RotationServer } from './helpers/rotation-server.js';

const API = 'https://api.example.com/me';
const secret = new TextEncoder().encode('refresh token');

const PLATFORMS: readonly [string, () => { simulator: BridgeSimulator; keyStore: KeyStore }][] = [
  [
    'Android API 33, biometric-only keys',
    () => {
      const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 33 });
      return { simulator, keyStore: new AndroidKeyStore(simulator) };
    },
  ],
  [
    'iOS Secure Enclave, biometric-only keys',
    () => {
      const simulator = createBridgeSimulator({ platform: 'ios' });
      return { simulator, keyStore: new IosKeychainKeyStore(simulator) };
    },
  ],
];

function bindingOver(keyStore: KeyStore): DeviceBinding {
  return new DeviceBinding({
    keyStore,
    namespace: 'com.example.bio',
    // Biometrics only: both platforms invalidate such keys when a biometric is enrolled.
    userAuthentication: { type: 'biometric' },
    prompts: { sign: { title: 'Sign in' }, decrypt: { title: 'Unlock' } },
  });
}

async function rejection(promise: Promise<unknown>): Promise<DeviceBindingError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  return err as DeviceBindingError;
}

async function proofAccepted(binding: DeviceBinding, server: RotationServer): Promise<boolean> {
  const { DPoP } = await binding.signRequest({ method: 'GET', url: API });
  return server.accepts(DPoP, API);
}

describe.each(PLATFORMS)('KEY_INVALIDATED on %s', (_, make) => {
  it('makes rotation impossible, leaves nothing pending, and recovers by a new sign-in', async () => {
    const { simulator, keyStore } = make();
    const server = new RotationServer();
    const binding = bindingOver(keyStore);
    await server.signIn((await binding.createHandshake({ nonce: server.issueNonce() })).token);
    const before = await binding.getDeviceId();
    const sealed = await seal(binding, secret, { context: 'rt' });
    expect(await unseal(binding, sealed, { context: 'rt' })).toEqual(secret);

    simulator.enrollBiometric();

    // Rotation needs the old key's signature: there is none to be had.
    const refused = await rejection(rotateKeys(binding, { nonce: server.issueNonce() }));
    expect(refused.code).toBe('KEY_INVALIDATED');
    expect(await pendingRotation(bindingOver(keyStore))).toBeNull();
    // Data sealed to the invalidated keys cannot be opened any more.
    expect((await rejection(unseal(binding, sealed, { context: 'rt' }))).code).toBe(
      'KEY_INVALIDATED',
    );

    // The recovery (docs/getting-started.md, "Rotate the keys"):
    await binding.unbind();
    // … the user signs in again (password, passkey), then:
    const handshake = await binding.createHandshake({ nonce: server.issueNonce() });
    await server.signIn(handshake.token);

    expect(handshake.deviceId).not.toBe(before);
    expect(await proofAccepted(binding, server)).toBe(true);
    // What was sealed to the old keys is gone with them: the new sign-in delivers it again.
    expect((await rejection(unseal(binding, sealed, { context: 'rt' }))).code).toBe(
      'INVALID_ENVELOPE',
    );
    const fresh = await seal(binding, secret, { context: 'rt' });
    expect(await unseal(binding, fresh, { context: 'rt' })).toEqual(secret);
    // And the new keys rotate as any do.
    const rotation = await rotateKeys(binding, { nonce: server.issueNonce() });
    expect(await server.rotate(rotation.token, handshake.deviceId)).toBe(200);
    await rotation.commit();
    expect(await proofAccepted(binding, server)).toBe(true);
    expect(simulator.prompts.every((p) => p.prompt?.title !== undefined)).toBe(true);
  });

  it('prompts through the binding’s prompt options when rotating biometric keys', async () => {
    const { simulator, keyStore } = make();
    const server = new RotationServer();
    const binding = bindingOver(keyStore);
    await server.signIn((await binding.createHandshake({ nonce: server.issueNonce() })).token);
    const shown = simulator.prompts.length;
    const rotation = await rotateKeys(binding, { nonce: server.issueNonce() });
    const prompts = simulator.prompts.slice(shown);
    // One for the new key's signature, one for the old key's.
    expect(prompts.filter((p) => p.prompt?.title === 'Sign in')).toHaveLength(2);
    expect(await server.rotate(rotation.token, rotation.previousDeviceId)).toBe(200);
    await rotation.commit();
    expect(await proofAccepted(binding, server)).toBe(true);
  });
});
