// Rotated keys carry fresh attestation: rotateKeys makes the new keys with the challenge
// SHA-256(nonce), as createHandshake does, so verifyDeviceAttestation accepts what
// verifyRotation returns with the rotation's own nonce; and a rotation moves a device's keys
// into StrongBox once it has one, which the evidence then shows.

import { describe, expect, it } from 'vitest';
import { DeviceBinding } from '../../src/core/device-binding.js';
import { AndroidKeyStore } from '../../src/keystores/android/index.js';
import { rotateKeys } from '../../src/rotation.js';
import {
  type DeviceAttestationPolicy,
  verifyDeviceAttestation,
} from '../../src/server/attestation/index.js';
import { MemoryReplayCache, verifyHandshake, verifyRotation } from '../../src/server/index.js';
import { createAttestationAuthority, createBridgeSimulator } from '../../src/testing/index.js';

const authority = createAttestationAuthority();
const POLICY: DeviceAttestationPolicy = {
  android: { roots: authority.androidRoots, revocation: false, packageNames: ['com.example.app'] },
};

async function rotated(binding: DeviceBinding, hardware?: 'strongbox-preferred') {
  const first = crypto.randomUUID();
  const device = await verifyHandshake((await binding.createHandshake({ nonce: first })).token, {
    expectedNonce: first,
  });
  const nonce = crypto.randomUUID();
  const rotation = await rotateKeys(binding, { nonce, ...(hardware && { hardware }) });
  const result = await verifyRotation(rotation.token, {
    current: device.signingKey,
    expectedNonce: nonce,
    replayCache: new MemoryReplayCache(),
    isBound: () => false,
  });
  return { device, rotation, result, nonce };
}

describe('rotation and key attestation (Android, simulated)', () => {
  it('attests the new keys over the rotation nonce: fresh evidence, as at sign-in', async () => {
    const simulator = createBridgeSimulator({ platform: 'android', attestation: { authority } });
    const binding = new DeviceBinding({
      keyStore: new AndroidKeyStore(simulator),
      namespace: 'com.example.app',
    });
    const { result, nonce } = await rotated(binding);
    expect(result.nonce).toBe(nonce);
    const evidence = await verifyDeviceAttestation(result, POLICY);
    expect(evidence.fresh).toBe(true);
    expect(evidence.signing?.publicKey).toMatchObject({
      x: (result.signingKey as { x: string }).x,
    });
  });

  it('moves the keys into StrongBox once the device has one', async () => {
    const simulator = createBridgeSimulator({
      platform: 'android',
      apiLevel: 34,
      strongBox: true,
      attestation: { authority },
    });
    const binding = new DeviceBinding({
      keyStore: new AndroidKeyStore(simulator),
      namespace: 'com.example.app',
      hardware: 'preferred',
    });
    const { device, result } = await rotated(binding, 'strongbox-preferred');
    const before = await verifyDeviceAttestation(device, POLICY);
    const after = await verifyDeviceAttestation(result, POLICY);
    expect(before.signing?.securityLevel).toBe('tee');
    expect(after.signing?.securityLevel).toBe('strongbox');
  });
});
