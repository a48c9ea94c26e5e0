// The client's DPoP proofs (DeviceBinding.signRequest) verify with verifyRequest and with
// jose (jwtVerify and compactVerify with EmbeddedJWK), for each key store that signs.

import { compactVerify, EmbeddedJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { DeviceBinding } from '../../src/core/device-binding.js';
import type { KeyStore } from '../../src/keystores/contract.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { WebCryptoKeyStore } from '../../src/keystores/webcrypto/index.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';
import { verifyRequest } from '../../src/server/verify-request.js';

const URL = 'https://api.example.com/v1/files/7';

const stores: [string, () => KeyStore][] = [
  ['MemoryKeyStore', () => new MemoryKeyStore()],
  ['WebCryptoKeyStore', () => new WebCryptoKeyStore({ storage: 'memory' })],
];

async function boundDevice(
  makeStore: () => KeyStore,
  signingAlgorithm: 'ES256' | 'EdDSA' = 'ES256',
) {
  const binding = new DeviceBinding({
    keyStore: makeStore(),
    namespace: 'test.interop',
    signingAlgorithm,
  });
  const handshake = await binding.createHandshake({ nonce: 'challenge' });
  const device = await verifyHandshake(handshake.token, { expectedNonce: 'challenge' });
  return { binding, device };
}

describe.each(stores)('DeviceBinding.signRequest with %s', (_, makeStore) => {
  it('verifies with verifyRequest and with jose, for a GET', async () => {
    const { binding, device } = await boundDevice(makeStore);
    const headers = await binding.signRequest({ method: 'get', url: `${URL}?download=1` });
    const result = await verifyRequest(
      { method: 'GET', url: `${URL}?download=1`, headers },
      { signingKey: device.signingKey, replayCache: new MemoryReplayCache() },
    );
    expect(result.deviceId).toBe(device.deviceId);
    const { payload, protectedHeader } = await jwtVerify(headers.DPoP, EmbeddedJWK, {
      typ: 'dpop+jwt',
    });
    expect(payload).toMatchObject({ htm: 'GET', htu: URL });
    expect(device.signingKey).toEqual({ ...protectedHeader.jwk, use: 'sig', alg: 'ES256' });
    await expect(compactVerify(headers.DPoP, EmbeddedJWK)).resolves.toBeTruthy();
  });

  it('verifies a POST with a body, an access token and a nonce', async () => {
    const { binding, device } = await boundDevice(makeStore);
    const body = new TextEncoder().encode(JSON.stringify({ title: 'report' }));
    const headers = await binding.signRequest({
      method: 'POST',
      url: URL,
      body,
      accessToken: 'at-1',
      nonce: 'srv-nonce',
    });
    expect(headers['Content-Digest']).toMatch(/^sha-256=:[A-Za-z0-9+/]+=*:$/);
    await expect(
      verifyRequest(
        { method: 'POST', url: URL, headers, body },
        {
          replayCache: new MemoryReplayCache(),
          signingKey: device.signingKey,
          accessToken: 'at-1',
          expectedNonce: 'srv-nonce',
        },
      ),
    ).resolves.toMatchObject({ deviceId: device.deviceId });
    await expect(jwtVerify(headers.DPoP, EmbeddedJWK, { typ: 'dpop+jwt' })).resolves.toBeTruthy();
  });

  it('is refused for a body it did not sign', async () => {
    const { binding, device } = await boundDevice(makeStore);
    const headers = await binding.signRequest({ method: 'PUT', url: URL, body: 'v1' });
    const err = await verifyRequest(
      { method: 'PUT', url: URL, headers, body: 'v2' },
      { replayCache: new MemoryReplayCache(), signingKey: device.signingKey },
    ).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('INVALID_PROOF');
  });

  it('is refused under another device binding', async () => {
    const { binding } = await boundDevice(makeStore);
    const { device: otherDevice } = await boundDevice(makeStore);
    const headers = await binding.signRequest({ method: 'GET', url: URL });
    const err = await verifyRequest(
      { method: 'GET', url: URL, headers },
      { replayCache: new MemoryReplayCache(), signingKey: otherDevice.signingKey },
    ).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('INVALID_PROOF');
  });
});

describe('DeviceBinding.signRequest with an Ed25519 key (MemoryKeyStore)', () => {
  it('verifies with verifyRequest and jose', async () => {
    const { binding, device } = await boundDevice(() => new MemoryKeyStore(), 'EdDSA');
    const headers = await binding.signRequest({ method: 'DELETE', url: URL });
    await expect(
      verifyRequest(
        { method: 'DELETE', url: URL, headers },
        { replayCache: new MemoryReplayCache(), signingKey: device.signingKey },
      ),
    ).resolves.toBeTruthy();
    await expect(jwtVerify(headers.DPoP, EmbeddedJWK, { typ: 'dpop+jwt' })).resolves.toBeTruthy();
  });
});
