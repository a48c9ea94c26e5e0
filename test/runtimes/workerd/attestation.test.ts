// devicebind/server/attestation, as built, in a real workerd with no Node compatibility:
// simulated Android and iOS devices sign in with attested keys, and the Worker verifies the
// chains and App Attest objects with WebCrypto, consults a shared status list, and checks
// App Attest assertions and their counters.

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceBinding } from '../../../src/core/device-binding.js';
import { AndroidKeyStore } from '../../../src/keystores/android/index.js';
import { IosKeychainKeyStore } from '../../../src/keystores/ios/index.js';
import {
  type AndroidAttestationFacts,
  createAttestationAuthority,
  createBridgeSimulator,
} from '../../../src/testing/index.js';
import { startWorkerd, type Workerd } from '../../helpers/workerd.js';

const SIGN_IN_NONCE = 'workerd-attested-sign-in';
const TEAM_ID = 'ABCDE12345';
const BUNDLE_ID = 'com.example.app';
const authority = createAttestationAuthority();
let worker: Workerd;

function android(options: { facts?: AndroidAttestationFacts; strongBox?: boolean } = {}) {
  const simulator = createBridgeSimulator({
    platform: 'android',
    apiLevel: 34,
    strongBox: options.strongBox ?? false,
    attestation: { authority, ...(options.facts && { facts: options.facts }) },
  });
  return new DeviceBinding({
    keyStore: new AndroidKeyStore(simulator),
    namespace: 'com.example.app',
    ...(options.strongBox && { hardware: 'strongbox-preferred' as const }),
  });
}

function ios() {
  const simulator = createBridgeSimulator({ platform: 'ios' });
  const appAttest = authority.appAttestProvider({ teamId: TEAM_ID, bundleId: BUNDLE_ID });
  return new DeviceBinding({
    keyStore: new IosKeychainKeyStore(simulator, { appAttest }),
    namespace: 'com.example.app',
  });
}

async function signIn(binding: DeviceBinding) {
  const { token } = await binding.createHandshake({ nonce: SIGN_IN_NONCE });
  const response = await fetch(`${worker.origin}/sign-in`, {
    method: 'POST',
    body: JSON.stringify({ handshake: token }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function assert(keyId: string, assertion: Uint8Array, clientData: string) {
  const response = await fetch(`${worker.origin}/assertion`, {
    method: 'POST',
    body: JSON.stringify({
      keyId,
      assertion: Buffer.from(assertion).toString('base64'),
      clientData,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  // The StrongBox attestation key of this authority is listed as revoked.
  const { publicKey } = (await crypto.subtle.generateKey(
    { name: 'ECDSA', namedCurve: 'P-256' },
    true,
    ['sign'],
  )) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey));
  const probe = authority.android({
    publicKey: spki,
    challenge: Uint8Array.of(1),
    securityLevel: 'strongbox',
  });
  const statusList = {
    entries: { [probe.serials[1]!]: { status: 'REVOKED', reason: 'KEY_COMPROMISE' } },
  };
  worker = await startWorkerd({
    entry: fileURLToPath(new URL('./attestation.worker.ts', import.meta.url)),
    text: {
      SIGN_IN_NONCE,
      ANDROID_ROOT: authority.androidRoots[0]!,
      APPLE_ROOT: authority.appleRoots[0]!,
      TEAM_ID,
      BUNDLE_ID,
      STATUS_LIST: JSON.stringify(statusList),
    },
  });
});

afterAll(async () => {
  await worker?.stop();
});

describe('devicebind/server/attestation in workerd (no Node compatibility)', () => {
  it('accepts an Android device whose keys were attested for this sign-in', async () => {
    const { status, body } = await signIn(android());
    expect(status, worker.output()).toBe(200);
    expect(body).toMatchObject({ platform: 'android', securityLevel: 'tee', fresh: true });
  });

  it('loads the status list once for every sign-in', async () => {
    await signIn(android());
    const { body } = await signIn(android());
    expect(body.statusListLoads).toBe(1);
  });

  it('refuses an Android device with an unlocked bootloader (device_unlocked)', async () => {
    const { status, body } = await signIn(android({ facts: { deviceLocked: false } }));
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: 'ATTESTATION_FAILED', reason: 'device_unlocked' });
  });

  it('refuses a key attested by a revoked attestation key (revoked)', async () => {
    const { status, body } = await signIn(android({ strongBox: true }));
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: 'ATTESTATION_FAILED', reason: 'revoked' });
  });

  it('accepts an iOS device vouched for by App Attest, then its assertions, once each', async () => {
    const { status, body } = await signIn(ios());
    expect(status, worker.output()).toBe(200);
    expect(body).toMatchObject({ platform: 'ios', securityLevel: 'secure-enclave', fresh: true });
    const keyId = body.keyId as string;
    const assertion = authority.appAttestKey(keyId)!.assert('POST /orders');
    expect((await assert(keyId, assertion, 'POST /orders')).body).toEqual({ counter: 1 });
    const replay = await assert(keyId, assertion, 'POST /orders');
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ reason: 'counter' });
  });
});
