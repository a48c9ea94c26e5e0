// The whole device-binding flow through both simulated bridges: DeviceBinding makes its keys
// in the simulated Android Keystore (API 28, 31, 35) and iOS Secure Enclave, its handshake and
// request proofs verify with devicebind/server and with jose (EmbeddedJWK), envelopes sealed
// by jose and by the server open on the device, and a new biometric enrolment surfaces as
// KEY_INVALIDATED, after which unbind() and a new handshake recover. Who notices the
// enrolment differs: Android Keystore for biometric-only keys; for keys that accept the
// device credential Keystore does not (they are bound to the lock screen), and the
// reference module's biometric canary does; on iOS the saved biometric domain state.

import { CompactEncrypt, decodeJwt, EmbeddedJWK, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { DeviceBinding, type DeviceBindingOptions } from '../../src/core/device-binding.js';
import type { PublicJwk } from '../../src/core/jwk.js';
import { openEnvelope, seal, unseal } from '../../src/envelopes.js';
import { AndroidKeyStore } from '../../src/keystores/android/index.js';
import type { KeyStore } from '../../src/keystores/contract.js';
import { IosKeychainKeyStore } from '../../src/keystores/ios/index.js';
import { MemoryReplayCache, verifyHandshake, verifyRequest } from '../../src/server/index.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import {
  type BridgeSimulator,
  createBridgeSimulator,
} from '../../src/testing/bridge-simulator/index.js';
import { rejection } from '../helpers/rejection.js';

interface Variant {
  readonly label: string;
  readonly encryptionAlg: string;
  readonly attestation: 'android-key' | undefined;
  readonly userAuthentication: DeviceBindingOptions['userAuthentication'];
  /** What reports the enrolment change on this variant. */
  readonly invalidatedBy: string;
  make(): { simulator: BridgeSimulator; keyStore: KeyStore };
}

const VARIANTS: Variant[] = [
  {
    label: 'Android API 28',
    encryptionAlg: 'RSA-OAEP',
    attestation: 'android-key',
    userAuthentication: { type: 'biometric', validitySeconds: 0 },
    invalidatedBy: 'Keystore',
    make() {
      const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 28 });
      return { simulator, keyStore: new AndroidKeyStore(simulator) };
    },
  },
  {
    label: 'Android API 31',
    encryptionAlg: 'ECDH-ES+A256KW',
    attestation: 'android-key',
    userAuthentication: { type: 'biometric-or-device-credential', validitySeconds: 120 },
    invalidatedBy: 'the biometric canary',
    make() {
      const simulator = createBridgeSimulator({ platform: 'android', apiLevel: 31 });
      return { simulator, keyStore: new AndroidKeyStore(simulator) };
    },
  },
  {
    label: 'Android API 35 (RSA-OAEP-256 chosen)',
    encryptionAlg: 'RSA-OAEP-256',
    attestation: 'android-key',
    userAuthentication: { type: 'biometric', validitySeconds: 0 },
    invalidatedBy: 'Keystore',
    make() {
      const simulator = createBridgeSimulator({
        platform: 'android',
        apiLevel: 35,
        strongBox: true,
      });
      return { simulator, keyStore: new AndroidKeyStore(simulator) };
    },
  },
  {
    label: 'iOS Secure Enclave',
    encryptionAlg: 'ECDH-ES+A256KW',
    attestation: undefined,
    userAuthentication: { type: 'biometric' },
    invalidatedBy: 'the domain state check',
    make() {
      const simulator = createBridgeSimulator({ platform: 'ios' });
      return { simulator, keyStore: new IosKeychainKeyStore(simulator) };
    },
  },
];

const URL_ = 'https://api.example.com/orders?page=2';

async function joseEnvelope(plaintext: Uint8Array, key: PublicJwk): Promise<string> {
  const alg = key.alg === 'ECDH-ES+A256KW' ? 'ECDH-ES+A128KW' : (key.alg as string);
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg, enc: 'A128GCM' })
    .encrypt(await importJWK(key, alg));
}

for (const variant of VARIANTS) {
  describe(`device binding through the ${variant.label} bridge`, () => {
    function bind(keyStore: KeyStore, extra: Partial<DeviceBindingOptions> = {}) {
      return new DeviceBinding({
        keyStore,
        namespace: 'com.example.app',
        ...(variant.label.includes('RSA-OAEP-256') && {
          encryptionAlgorithm: 'RSA-OAEP-256' as const,
        }),
        ...extra,
      });
    }

    it('handshake and signed request verify with devicebind/server and with jose', async () => {
      const { keyStore } = variant.make();
      const binding = bind(keyStore);
      const keys = await binding.ensureKeys({ attestationChallenge: Uint8Array.of(1, 2, 3, 4) });
      expect(keys.created).toBe(true);
      const handshake = await binding.createHandshake({ nonce: 'n-1', subject: 'alice' });
      const verified = await verifyHandshake(handshake.token, { expectedNonce: 'n-1' });
      expect(verified.deviceId).toBe(handshake.deviceId);
      expect(verified.subject).toBe('alice');
      expect(verified.encryptionKey.alg).toBe(variant.encryptionAlg);
      const joseHandshake = await jwtVerify(handshake.token, EmbeddedJWK, {
        typ: 'devicebind-handshake+jwt',
      });
      expect(joseHandshake.payload.device_id).toBe(handshake.deviceId);
      const attestation = decodeJwt(handshake.token).attestation as
        | { signing?: { format: string; x5c: string[] } }
        | undefined;
      expect(attestation?.signing?.format).toBe(variant.attestation);

      const body = JSON.stringify({ item: 'book', quantity: 1 });
      const headers = await binding.signRequest({
        method: 'POST',
        url: URL_,
        body,
        accessToken: 'at-123',
      });
      const replayCache = new MemoryReplayCache();
      const request = { method: 'POST', url: URL_, headers, body };
      const result = await verifyRequest(request, {
        signingKey: verified.signingKey,
        accessToken: 'at-123',
        replayCache,
      });
      expect(result.deviceId).toBe(handshake.deviceId);
      const joseProof = await jwtVerify(headers.DPoP, EmbeddedJWK, { typ: 'dpop+jwt' });
      expect(joseProof.payload).toMatchObject({
        htm: 'POST',
        htu: 'https://api.example.com/orders',
      });
      expect(
        (
          await rejection(
            verifyRequest(request, {
              signingKey: verified.signingKey,
              accessToken: 'at-123',
              replayCache,
            }),
          )
        ).code,
      ).toBe('REPLAYED');
    });

    it('a proof does not verify for another device’s key', async () => {
      const first = bind(variant.make().keyStore);
      const second = bind(variant.make().keyStore);
      const otherKey = (await second.createHandshake({ nonce: 'n' })).signingKey;
      await first.ensureKeys();
      const headers = await first.signRequest({ method: 'GET', url: URL_ });
      const err = await rejection(
        verifyRequest(
          { method: 'GET', url: URL_, headers },
          { replayCache: new MemoryReplayCache(), signingKey: otherKey },
        ),
      );
      expect(err.code).toBe('INVALID_PROOF');
    });

    it('opens envelopes sealed by jose and by devicebind/server, and seals to itself', async () => {
      const { keyStore } = variant.make();
      const binding = bind(keyStore);
      const handshake = await binding.createHandshake({ nonce: 'n-2' });
      const secret = new TextEncoder().encode('for this device only');
      expect(
        await openEnvelope(binding, await joseEnvelope(secret, handshake.encryptionKey)),
      ).toEqual(secret);
      expect(
        await openEnvelope(binding, await sealEnvelope(secret, handshake.encryptionKey)),
      ).toEqual(secret);
      const sealed = await seal(binding, secret, { context: 'notes' });
      expect(await unseal(binding, sealed, { context: 'notes' })).toEqual(secret);
    });

    it(`a new biometric enrolment surfaces as KEY_INVALIDATED (reported by ${variant.invalidatedBy}); unbind() and a new handshake recover`, async () => {
      const { simulator, keyStore } = variant.make();
      const binding = bind(keyStore, {
        userAuthentication: variant.userAuthentication,
        prompts: { sign: { title: 'Confirm' } },
      });
      const before = await binding.createHandshake({ nonce: 'n-3' });
      // Something else the app keeps in the same store must survive the recovery.
      await keyStore.generateKey('com.example.other', { purpose: 'sign', algorithm: 'ES256' });
      simulator.authenticate();
      expect(simulator.prompts.length).toBeGreaterThan(0);
      expect(simulator.prompts.every((p) => p.prompt?.title === 'Confirm')).toBe(true);

      simulator.enrollBiometric();
      const err = await rejection(binding.signRequest({ method: 'GET', url: URL_ }));
      expect(err.code).toBe('KEY_INVALIDATED');
      expect(err.message).toMatch(/unbind\(\)/);
      expect((await rejection(bind(keyStore).ensureKeys())).code).toBe('KEY_INVALIDATED');

      await binding.unbind();
      const after = await binding.createHandshake({ nonce: 'n-4' });
      expect(after.deviceId).not.toBe(before.deviceId);
      const verified = await verifyHandshake(after.token, { expectedNonce: 'n-4' });
      simulator.authenticate();
      const headers = await binding.signRequest({ method: 'GET', url: URL_ });
      expect(
        (
          await verifyRequest(
            { method: 'GET', url: URL_, headers },
            { replayCache: new MemoryReplayCache(), signingKey: verified.signingKey },
          )
        ).deviceId,
      ).toBe(after.deviceId);
      expect(await keyStore.getKey('com.example.other')).not.toBeNull();
    });

    it('concurrent handshakes make one set of keys', async () => {
      const { simulator, keyStore } = variant.make();
      const binding = bind(keyStore);
      const handshakes = await Promise.all(
        [1, 2, 3].map((i) => binding.createHandshake({ nonce: `n-${i}` })),
      );
      expect(new Set(handshakes.map((h) => h.deviceId)).size).toBe(1);
      expect(
        simulator.calls.filter((c) => c.method === 'generateKey' && c.params.purpose === 'sign')
          .length,
      ).toBe(1);
    });
  });
}

describe('device binding on Android with keys that accept the device credential', () => {
  it('a binding made before any biometric was enrolled keeps working after the first enrolment (Keystore binds it to the lock screen)', async () => {
    const simulator = createBridgeSimulator({
      platform: 'android',
      apiLevel: 31,
      biometrics: false,
    });
    const binding = new DeviceBinding({
      keyStore: new AndroidKeyStore(simulator),
      namespace: 'com.example.app',
      userAuthentication: { type: 'biometric-or-device-credential', validitySeconds: 120 },
    });
    const handshake = await binding.createHandshake({ nonce: 'n-5' });
    const verified = await verifyHandshake(handshake.token, { expectedNonce: 'n-5' });
    simulator.enrollBiometric();
    simulator.authenticate();
    const headers = await binding.signRequest({ method: 'GET', url: URL_ });
    const result = await verifyRequest(
      { method: 'GET', url: URL_, headers },
      { signingKey: verified.signingKey, replayCache: new MemoryReplayCache() },
    );
    expect(result.deviceId).toBe(handshake.deviceId);
  });
});
