// The code of docs/attestation.md, run against simulated devices: the recommended policies,
// the observe-only rollout, and testing a policy with the simulated attestation service.

import { describe, expect, it } from 'vitest';
import { DeviceBinding } from '../../../src/core/device-binding.js';
import { isDeviceBindingError } from '../../../src/core/errors.js';
import { AndroidKeyStore } from '../../../src/keystores/android/index.js';
import {
  createRevocationList,
  type DeviceAttestationPolicy,
  verifyDeviceAttestation,
} from '../../../src/server/attestation/index.js';
import { type VerifiedHandshake, verifyHandshake } from '../../../src/server/index.js';
import {
  createAttestationAuthority,
  createBridgeSimulator,
  TEST_APP_SIGNATURE_DIGEST,
} from '../../../src/testing/index.js';
import { reasonOf } from './helpers.js';

const authority = createAttestationAuthority();
const APP_SIGNING_CERT_SHA256 = TEST_APP_SIGNATURE_DIGEST;
const revocation = createRevocationList({ list: { entries: {} } });
const roots = authority.androidRoots;

const consumer: DeviceAttestationPolicy = {
  android: {
    packageNames: ['com.example.app'],
    signatureDigests: [APP_SIGNING_CERT_SHA256],
    revocation,
    roots,
  },
  ios: { teamId: 'V8H6LQ9448', bundleId: 'com.example.app' },
};

const highAssurance: DeviceAttestationPolicy = {
  android: {
    minSecurityLevel: 'strongbox',
    chainValidation: 'strict',
    minOsPatchLevel: 202_501,
    packageNames: ['com.example.app'],
    signatureDigests: [APP_SIGNING_CERT_SHA256],
    revocation,
    roots,
  },
  ios: { teamId: 'V8H6LQ9448', bundleId: 'com.example.app' },
  requireEvidence: 'both',
};

async function signIn(options: { strongBox?: boolean; deviceLocked?: boolean } = {}) {
  const simulator = createBridgeSimulator({
    platform: 'android',
    strongBox: options.strongBox ?? false,
    attestation: { authority, facts: { deviceLocked: options.deviceLocked ?? true } },
  });
  const binding = new DeviceBinding({
    keyStore: new AndroidKeyStore(simulator),
    namespace: 'com.example.app',
    ...(options.strongBox && { hardware: 'strongbox-preferred' as const }),
  });
  const nonce = crypto.randomUUID();
  const handshake = await binding.createHandshake({ nonce });
  return verifyHandshake(handshake.token, { expectedNonce: nonce });
}

const counts = new Map<string, number>();
const metrics = {
  increment(name: string, tags: Record<string, string>) {
    const key = `${name} ${JSON.stringify(tags)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  },
};

async function observeAttestation(device: VerifiedHandshake, policy: DeviceAttestationPolicy) {
  try {
    const evidence = await verifyDeviceAttestation(device, policy);
    metrics.increment('attestation.ok', { level: evidence.signing?.securityLevel ?? 'none' });
    return evidence;
  } catch (err) {
    if (!isDeviceBindingError(err, 'ATTESTATION_FAILED')) throw err;
    metrics.increment('attestation.refused', { reason: err.detail?.reason ?? 'unknown' });
    return undefined; // observe only: the sign-in goes ahead
  }
}

describe('docs/attestation.md', () => {
  it('the consumer policy accepts a TEE device and refuses an unlocked one', async () => {
    await expect(verifyDeviceAttestation(await signIn(), consumer)).resolves.toMatchObject({
      signing: { securityLevel: 'tee' },
    });
    expect(
      await reasonOf(verifyDeviceAttestation(await signIn({ deviceLocked: false }), consumer)),
    ).toBe('device_unlocked');
  });

  it('the high-assurance policy accepts StrongBox keys only', async () => {
    await expect(
      verifyDeviceAttestation(await signIn({ strongBox: true }), highAssurance),
    ).resolves.toMatchObject({
      signing: { securityLevel: 'strongbox' },
      encryption: { securityLevel: 'strongbox' },
    });
    expect(await reasonOf(verifyDeviceAttestation(await signIn(), highAssurance))).toBe(
      'security_level',
    );
  });

  it('observe-only counts the reasons and lets the sign-in go ahead', async () => {
    expect(await observeAttestation(await signIn(), consumer)).toBeDefined();
    expect(
      await observeAttestation(await signIn({ deviceLocked: false }), consumer),
    ).toBeUndefined();
    expect(counts.get('attestation.ok {"level":"tee"}')).toBe(1);
    expect(counts.get('attestation.refused {"reason":"device_unlocked"}')).toBe(1);
  });

  it('testing a policy without a device', async () => {
    const nonce = crypto.randomUUID();
    const simulator = createBridgeSimulator({
      platform: 'android',
      attestation: { authority, facts: { deviceLocked: false } },
    });
    const binding = new DeviceBinding({
      keyStore: new AndroidKeyStore(simulator),
      namespace: 'com.example.app',
    });
    const handshake = await binding.createHandshake({ nonce });
    const device = await verifyHandshake(handshake.token, { expectedNonce: nonce });
    expect(
      await reasonOf(
        verifyDeviceAttestation(device, {
          android: { roots: authority.androidRoots, revocation: false },
        }),
      ),
    ).toBe('device_unlocked');
  });
});
