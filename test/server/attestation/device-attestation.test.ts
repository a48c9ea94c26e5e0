// The whole flow: DeviceBinding makes its keys in a simulated Android Keystore or iOS Secure
// Enclave (attested by a simulated attestation service), its handshake verifies, and
// verifyDeviceAttestation checks each key's evidence against one policy, with the challenge
// taken from the handshake nonce; older evidence only when the policy accepts it.

import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { DeviceBinding } from '../../../src/core/device-binding.js';
import { AndroidKeyStore } from '../../../src/keystores/android/index.js';
import { IosKeychainKeyStore } from '../../../src/keystores/ios/index.js';
import { MemoryKeyStore } from '../../../src/keystores/memory/index.js';
import {
  type DeviceAttestationPolicy,
  handshakeAttestationChallenge,
  verifyAppAttestAssertion,
  verifyDeviceAttestation,
} from '../../../src/server/attestation/index.js';
import { verifyHandshake } from '../../../src/server/index.js';
import {
  type AndroidAttestationFacts,
  createAttestationAuthority,
  createBridgeSimulator,
} from '../../../src/testing/index.js';
import { makeHandshake, newEncryptionKey } from '../helpers/handshakes.js';
import { newKey } from '../helpers/proofs.js';
import { codeOf, reasonOf, refusal } from './helpers.js';

const TEAM = 'ABCDE12345';
const BUNDLE = 'com.example.app';
// The real clock: the bridge simulator and the verifier agree on it.
const authority = createAttestationAuthority();

const POLICY: DeviceAttestationPolicy = {
  android: { roots: authority.androidRoots, revocation: false, packageNames: ['com.example.app'] },
  ios: { teamId: TEAM, bundleId: BUNDLE, roots: authority.appleRoots },
};

function androidBinding(apiLevel = 34, facts?: AndroidAttestationFacts) {
  const simulator = createBridgeSimulator({
    platform: 'android',
    apiLevel,
    attestation: { authority, ...(facts && { facts }) },
  });
  return new DeviceBinding({
    keyStore: new AndroidKeyStore(simulator),
    namespace: 'com.example.app',
  });
}

function iosBinding() {
  const simulator = createBridgeSimulator({ platform: 'ios' });
  const appAttest = authority.appAttestProvider({ teamId: TEAM, bundleId: BUNDLE });
  return new DeviceBinding({
    keyStore: new IosKeychainKeyStore(simulator, { appAttest }),
    namespace: 'com.example.app',
  });
}

async function signIn(binding: DeviceBinding, nonce: string = crypto.randomUUID()) {
  const handshake = await binding.createHandshake({ nonce, subject: 'alice' });
  return verifyHandshake(handshake.token, { expectedNonce: nonce });
}

describe('createHandshake attests the keys it creates over the handshake nonce', () => {
  it('the attestation challenge of new keys is SHA-256 of the nonce', async () => {
    const nonce = 'n-123';
    const handshake = await androidBinding().createHandshake({ nonce });
    const { attestation } = decodeJwt(handshake.token) as {
      attestation: { signing: { x5c: string[] } };
    };
    const leaf = Buffer.from(attestation.signing.x5c[0]!, 'base64');
    const challenge = await handshakeAttestationChallenge(nonce);
    expect(leaf.includes(Buffer.from(challenge))).toBe(true);
  });
});

describe('verifyHandshake', () => {
  it('returns the nonce it checked, for the attestation challenge', async () => {
    const device = await signIn(androidBinding(), 'the-nonce');
    expect(device.nonce).toBe('the-nonce');
  });
});

describe('verifyDeviceAttestation on Android', () => {
  it('accepts both keys of a new device, attested for this sign-in', async () => {
    const device = await signIn(androidBinding());
    const result = await verifyDeviceAttestation(device, POLICY);
    expect(result.fresh).toBe(true);
    expect(result.signing).toMatchObject({
      platform: 'android',
      securityLevel: 'tee',
      provisioning: 'remote',
    });
    const { kty, crv, x, y } = device.signingKey as {
      kty: string;
      crv: string;
      x: string;
      y: string;
    };
    expect(result.signing?.publicKey).toEqual({ kty, crv, x, y });
    expect(result.encryption).toMatchObject({ platform: 'android', purposes: ['agree-key'] });
  });

  it('accepts a factory-provisioned device with an RSA encryption key (API 30)', async () => {
    const device = await signIn(androidBinding(30));
    const result = await verifyDeviceAttestation(device, POLICY);
    expect(result.signing).toMatchObject({ provisioning: 'factory', attestationVersion: 4 });
    expect(result.encryption).toMatchObject({ purposes: ['encrypt', 'decrypt'] });
  });

  it('refuses a device whose bootloader is unlocked (device_unlocked)', async () => {
    const device = await signIn(androidBinding(34, { deviceLocked: false }));
    expect(await reasonOf(verifyDeviceAttestation(device, POLICY))).toBe('device_unlocked');
  });

  it('refuses keys made earlier for another challenge (challenge_mismatch)', async () => {
    const binding = androidBinding();
    await binding.ensureKeys({ attestationChallenge: Uint8Array.of(1, 2, 3) });
    const error = await refusal(verifyDeviceAttestation(await signIn(binding), POLICY));
    expect(error.detail).toMatchObject({
      reason: 'challenge_mismatch',
      claim: 'attestationChallenge',
    });
  });

  it('accepts keys made earlier when the policy accepts earlier evidence, and says it is not fresh', async () => {
    const binding = androidBinding();
    await binding.ensureKeys({ attestationChallenge: Uint8Array.of(1, 2, 3) });
    const result = await verifyDeviceAttestation(await signIn(binding), {
      ...POLICY,
      acceptEarlierEvidence: true,
    });
    expect(result.fresh).toBe(false);
    expect(result.signing?.platform).toBe('android');
  });

  it('accepts keys made earlier with the challenge the policy names', async () => {
    const binding = androidBinding();
    await binding.ensureKeys({ attestationChallenge: Uint8Array.of(1, 2, 3) });
    const result = await verifyDeviceAttestation(await signIn(binding), {
      ...POLICY,
      expectedChallenge: Uint8Array.of(1, 2, 3),
    });
    expect(result.fresh).toBe(false);
  });

  it("refuses another device's genuine evidence in a handshake signed by another key (key_mismatch)", async () => {
    const victim = await signIn(androidBinding());
    const attacker = await newKey();
    const nonce = 'attacker-nonce';
    const token = await makeHandshake(attacker, await newEncryptionKey(), {
      nonce,
      claims: { attestation: victim.attestation },
    });
    const device = await verifyHandshake(token, { expectedNonce: nonce });
    const error = await refusal(
      verifyDeviceAttestation(device, { ...POLICY, acceptEarlierEvidence: true }),
    );
    expect(error.detail).toMatchObject({
      reason: 'key_mismatch',
      claim: 'x5c[0].subjectPublicKeyInfo',
    });
  });

  it('refuses Android evidence when the policy has no Android rules (unsupported)', async () => {
    const device = await signIn(androidBinding());
    const error = await refusal(verifyDeviceAttestation(device, { ios: POLICY.ios }));
    expect(error.detail).toMatchObject({
      reason: 'unsupported',
      claim: 'attestation.signing.format',
    });
  });
});

describe('verifyDeviceAttestation on iOS', () => {
  it('accepts both keys of a new device, vouched for by App Attest for this sign-in', async () => {
    const device = await signIn(iosBinding());
    const result = await verifyDeviceAttestation(device, POLICY);
    expect(result.fresh).toBe(true);
    expect(result.signing).toMatchObject({ platform: 'ios', environment: 'production' });
    expect(result.encryption).toMatchObject({ platform: 'ios', securityLevel: 'secure-enclave' });
  });

  it('keeps what the app needs to verify its App Attest assertions afterwards', async () => {
    const device = await signIn(iosBinding());
    const { signing } = await verifyDeviceAttestation(device, POLICY);
    if (signing?.platform !== 'ios') throw new Error('expected App Attest evidence');
    const appAttestKey = authority.appAttestKey(signing.keyId)!;
    const assertion = appAttestKey.assert('GET /me');
    const policy = {
      publicKey: signing.publicKey,
      previousCounter: signing.counter,
      teamId: TEAM,
      bundleId: BUNDLE,
      clientData: 'GET /me',
    };
    await expect(verifyAppAttestAssertion(assertion, policy)).resolves.toEqual({ counter: 1 });
  });

  it('refuses keys made earlier without a challenge (challenge_mismatch)', async () => {
    const binding = iosBinding();
    await binding.ensureKeys();
    expect(await reasonOf(verifyDeviceAttestation(await signIn(binding), POLICY))).toBe(
      'challenge_mismatch',
    );
  });

  it('accepts keys made earlier without a challenge when the policy accepts earlier evidence', async () => {
    const binding = iosBinding();
    await binding.ensureKeys();
    const result = await verifyDeviceAttestation(await signIn(binding), {
      ...POLICY,
      acceptEarlierEvidence: true,
    });
    expect(result).toMatchObject({ fresh: false, signing: { platform: 'ios' } });
  });

  it('accepts keys made earlier with the challenge the policy names', async () => {
    const binding = iosBinding();
    await binding.ensureKeys({ attestationChallenge: Uint8Array.of(9, 9) });
    const result = await verifyDeviceAttestation(await signIn(binding), {
      ...POLICY,
      expectedChallenge: Uint8Array.of(9, 9),
    });
    expect(result.fresh).toBe(false);
  });

  it('refuses a key of the development environment under a production policy', async () => {
    const simulator = createBridgeSimulator({ platform: 'ios' });
    const appAttest = authority.appAttestProvider({
      teamId: TEAM,
      bundleId: BUNDLE,
      environment: 'development',
    });
    const binding = new DeviceBinding({
      keyStore: new IosKeychainKeyStore(simulator, { appAttest }),
      namespace: 'com.example.app',
    });
    expect(await reasonOf(verifyDeviceAttestation(await signIn(binding), POLICY))).toBe(
      'development_environment',
    );
  });
});

describe('verifyDeviceAttestation and keys without evidence', () => {
  const memoryBinding = () =>
    new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'com.example.app' });

  it('refuses a signing key without attestation by default (missing)', async () => {
    const error = await refusal(verifyDeviceAttestation(await signIn(memoryBinding()), POLICY));
    expect(error.detail).toMatchObject({ reason: 'missing', claim: 'attestation.signing' });
  });

  it('accepts a device without evidence when the policy requires none', async () => {
    const result = await verifyDeviceAttestation(await signIn(memoryBinding()), {
      ...POLICY,
      requireEvidence: 'none',
    });
    expect(result).toEqual({ fresh: true });
  });

  it('refuses a device without encryption-key evidence when both keys must have it', async () => {
    const device = await signIn(androidBinding());
    const withoutEncryption = { ...device, attestation: { signing: device.attestation?.signing } };
    const error = await refusal(
      verifyDeviceAttestation(withoutEncryption, { ...POLICY, requireEvidence: 'both' }),
    );
    expect(error.detail).toMatchObject({ reason: 'missing', claim: 'attestation.encryption' });
  });

  it('refuses a device object that is not a verified handshake (INVALID_ARGUMENT)', async () => {
    const device = await signIn(androidBinding());
    const { nonce: _, ...withoutNonce } = device;
    expect(await codeOf(verifyDeviceAttestation(withoutNonce as never, POLICY))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('refuses an unknown requireEvidence (INVALID_ARGUMENT)', async () => {
    const device = await signIn(androidBinding());
    const policy = { ...POLICY, requireEvidence: 'some' as never };
    expect(await codeOf(verifyDeviceAttestation(device, policy))).toBe('INVALID_ARGUMENT');
  });
});
