// The client's handshakes (DeviceBinding.createHandshake) verify with verifyHandshake and
// with jose's compactVerify and EmbeddedJWK.

import { calculateJwkThumbprint, compactVerify, EmbeddedJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { DeviceBinding } from '../../src/core/device-binding.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { WebCryptoKeyStore } from '../../src/keystores/webcrypto/index.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';

describe.each([
  ['MemoryKeyStore', () => new MemoryKeyStore()],
  ['WebCryptoKeyStore', () => new WebCryptoKeyStore({ storage: 'memory' })],
] as const)('DeviceBinding.createHandshake with %s', (_, makeStore) => {
  it('verifies with verifyHandshake and jose, and the results agree', async () => {
    const binding = new DeviceBinding({ keyStore: makeStore(), namespace: 'test.handshake' });
    const handshake = await binding.createHandshake({
      nonce: 'sign-in-1',
      subject: 'alice',
      claims: { app: 'notes' },
    });
    const result = await verifyHandshake(handshake.token, { expectedNonce: 'sign-in-1' });
    expect(result.deviceId).toBe(handshake.deviceId);
    expect(result.deviceId).toBe(await binding.getDeviceId());
    // The server marks the key it returns for signing, so it is never sealed to by mistake.
    expect(result.signingKey).toEqual({ ...handshake.signingKey, use: 'sig', alg: 'ES256' });
    expect(result.encryptionKey).toEqual(handshake.encryptionKey);
    expect(result.subject).toBe('alice');
    expect(result.claims).toEqual({ app: 'notes' });

    const { payload, protectedHeader } = await jwtVerify(handshake.token, EmbeddedJWK, {
      typ: 'devicebind-handshake+jwt',
    });
    expect(payload.device_id).toBe(await calculateJwkThumbprint(protectedHeader.jwk!));
    await expect(compactVerify(handshake.token, EmbeddedJWK)).resolves.toBeTruthy();
  });

  it('is refused for another nonce', async () => {
    const binding = new DeviceBinding({ keyStore: makeStore(), namespace: 'test.handshake' });
    const { token } = await binding.createHandshake({ nonce: 'sign-in-1' });
    const err = await verifyHandshake(token, { expectedNonce: 'sign-in-2' }).catch(
      (e: unknown) => e,
    );
    expect((err as { code?: string }).code).toBe('INVALID_HANDSHAKE');
  });
});
