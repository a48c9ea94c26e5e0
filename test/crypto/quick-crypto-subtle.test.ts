// The default WebCrypto backend over exactly what react-native-quick-crypto's `subtle` offers
// (by version line: test/helpers/quick-crypto-subtle.ts), as on a React Native phone with the
// keys in the native key store: handshakes, request proofs, envelopes, streams and sealing
// all work, with the pure-JS backend taking over only the operations a version lacks, and
// nothing the core needs goes outside the newest version's subset.

import { describe, expect, it } from 'vitest';
import { webCryptoBackend } from '../../src/core/crypto-backend.js';
import { DeviceBinding } from '../../src/core/device-binding.js';
import { pureJsCrypto } from '../../src/crypto/pure-js.js';
import { openEnvelope, openEnvelopeStream, seal, unseal } from '../../src/envelopes.js';
import { AndroidKeyStore } from '../../src/keystores/android/index.js';
import type { KeyStore } from '../../src/keystores/contract.js';
import { IosKeychainKeyStore } from '../../src/keystores/ios/index.js';
import { MemoryReplayCache, verifyHandshake, verifyRequest } from '../../src/server/index.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import { sealEnvelopeStream } from '../../src/server/seal-envelope-stream.js';
import { createBridgeSimulator } from '../../src/testing/bridge-simulator/index.js';
import { collect, streamOf } from '../envelope/helpers/devices.js';
import { QUICK_CRYPTO_PROFILES, restrictedCrypto } from '../helpers/quick-crypto-subtle.js';
import { rejection } from '../helpers/rejection.js';

const URL_ = 'https://api.example.com/files/42';

const DEVICES: { label: string; keyStore: () => KeyStore; alg: string }[] = [
  {
    label: 'Android API 34 (ECDH)',
    keyStore: () => new AndroidKeyStore(createBridgeSimulator({ platform: 'android' })),
    alg: 'ECDH-ES+A256KW',
  },
  {
    label: 'Android API 28 (RSA-OAEP)',
    keyStore: () =>
      new AndroidKeyStore(createBridgeSimulator({ platform: 'android', apiLevel: 28 })),
    alg: 'RSA-OAEP',
  },
  {
    label: 'iOS',
    keyStore: () => new IosKeychainKeyStore(createBridgeSimulator({ platform: 'ios' })),
    alg: 'ECDH-ES+A256KW',
  },
];

for (const profile of QUICK_CRYPTO_PROFILES) {
  for (const device of DEVICES) {
    describe(`${profile.name}, ${device.label}`, () => {
      function bind() {
        const { crypto, refused } = restrictedCrypto(profile);
        const binding = new DeviceBinding({
          keyStore: device.keyStore(),
          namespace: 'com.example.app',
          crypto: webCryptoBackend(crypto, { fallback: pureJsCrypto }),
        });
        return { binding, refused };
      }

      it('handshake and request proof verify on the server', async () => {
        const { binding } = bind();
        const handshake = await binding.createHandshake({ nonce: 'n-1' });
        const verified = await verifyHandshake(handshake.token, { expectedNonce: 'n-1' });
        expect(verified.encryptionKey.alg).toBe(device.alg);
        const body = '{"a":1}';
        const headers = await binding.signRequest({ method: 'POST', url: URL_, body });
        const result = await verifyRequest(
          { method: 'POST', url: URL_, headers, body },
          { signingKey: verified.signingKey, replayCache: new MemoryReplayCache() },
        );
        expect(result.deviceId).toBe(handshake.deviceId);
      });

      it('opens envelopes and streams sealed by the server, and seals to itself', async () => {
        const { binding } = bind();
        const { encryptionKey } = await binding.createHandshake({ nonce: 'n-2' });
        const secret = pureJsCrypto.randomBytes(1000);
        expect(await openEnvelope(binding, await sealEnvelope(secret, encryptionKey))).toEqual(
          secret,
        );
        const large = pureJsCrypto.randomBytes(200_000);
        const sealedStream = await collect(
          sealEnvelopeStream(streamOf(large, 10_000), encryptionKey),
        );
        expect(await collect(openEnvelopeStream(binding, streamOf(sealedStream, 10_000)))).toEqual(
          large,
        );
        const sealed = await seal(binding, secret, { context: 'notes' });
        expect(await unseal(binding, sealed, { context: 'notes' })).toEqual(secret);
      });

      it('a tampered envelope is still the one INVALID_ENVELOPE', async () => {
        const { binding } = bind();
        const { encryptionKey } = await binding.createHandshake({ nonce: 'n-3' });
        const envelope = await sealEnvelope(Uint8Array.of(1, 2, 3), encryptionKey);
        const parts = envelope.split('.');
        parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith('A') ? 'B' : 'A'}A`;
        expect((await rejection(openEnvelope(binding, parts.join('.')))).code).toBe(
          'INVALID_ENVELOPE',
        );
      });
    });
  }
}

describe('what the newest react-native-quick-crypto lacks is nothing the core uses', () => {
  it('handshakes, proofs, envelopes, streams and sealing stay inside its subset', async () => {
    const [newest] = QUICK_CRYPTO_PROFILES;
    for (const device of DEVICES) {
      const { crypto, refused } = restrictedCrypto(newest!);
      const binding = new DeviceBinding({
        keyStore: device.keyStore(),
        namespace: 'com.example.app',
        crypto: webCryptoBackend(crypto),
      });
      const { encryptionKey } = await binding.createHandshake({ nonce: 'n' });
      await binding.signRequest({ method: 'POST', url: URL_, body: 'x' });
      const data = Uint8Array.of(9, 8, 7);
      expect(await openEnvelope(binding, await sealEnvelope(data, encryptionKey))).toEqual(data);
      const sealedStream = await collect(sealEnvelopeStream(streamOf(data, 10_000), encryptionKey));
      expect(await collect(openEnvelopeStream(binding, streamOf(sealedStream, 10_000)))).toEqual(
        data,
      );
      expect(await unseal(binding, await seal(binding, data))).toEqual(data);
      expect(refused).toEqual([]);
    }
  });
});

describe('the pure-JS fallback takes over only what a version lacks', () => {
  it('0.7 (no HKDF, no ECDH deriveBits, no AES-KW): sealing works through the fallback', async () => {
    const profile = QUICK_CRYPTO_PROFILES.find((p) => p.name.endsWith('0.7'))!;
    const { binding, refused } = (() => {
      const restricted = restrictedCrypto(profile);
      return {
        refused: restricted.refused,
        binding: new DeviceBinding({
          keyStore: DEVICES[0]!.keyStore(),
          namespace: 'com.example.app',
          crypto: webCryptoBackend(restricted.crypto, { fallback: pureJsCrypto }),
        }),
      };
    })();
    const data = Uint8Array.of(1, 2, 3);
    expect(await unseal(binding, await seal(binding, data))).toEqual(data);
    expect(new Set(refused)).toEqual(new Set(['deriveBits:ECDH', 'importKey:raw:HMAC']));
  });

  it('without a fallback, what a version lacks fails instead', async () => {
    const profile = QUICK_CRYPTO_PROFILES.find((p) => p.name.endsWith('0.7'))!;
    const { crypto } = restrictedCrypto(profile);
    const binding = new DeviceBinding({
      keyStore: DEVICES[0]!.keyStore(),
      namespace: 'com.example.app',
      crypto: webCryptoBackend(crypto),
    });
    await expect(seal(binding, Uint8Array.of(1))).rejects.toThrow();
  });

  it('a fallback that is not a backend is refused', () => {
    expect(() =>
      webCryptoBackend(globalThis.crypto, { fallback: {} as typeof pureJsCrypto }),
    ).toThrow(/options\.fallback/);
  });
});
