// Interop with jose: handshakes jose makes verify with verifyHandshake, and what jose signs
// with a wrong type or a referenced key is refused.

import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { DeviceBindingError } from '../../src/core/errors.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';

async function deviceKeys(alg: 'ES256' | 'EdDSA') {
  const signing = await generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
  const encryption = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256' });
  const jwk = await exportJWK(signing.publicKey);
  const encryptionKey = {
    ...(await exportJWK(encryption.publicKey)),
    use: 'enc',
    alg: 'ECDH-ES+A256KW',
  };
  return {
    privateKey: signing.privateKey,
    jwk,
    encryptionKey,
    deviceId: await calculateJwkThumbprint(jwk),
  };
}

describe.each(['ES256', 'EdDSA'] as const)('handshakes made with jose SignJWT (%s)', (alg) => {
  it('verify with verifyHandshake', async () => {
    const device = await deviceKeys(alg);
    const token = await new SignJWT({
      nonce: 'n-42',
      jti: crypto.randomUUID(),
      device_id: device.deviceId,
      encryption_key: device.encryptionKey,
      role: 'tablet',
    })
      .setProtectedHeader({ alg, typ: 'devicebind-handshake+jwt', jwk: device.jwk })
      .setIssuedAt()
      .setSubject('user-7')
      .sign(device.privateKey);
    const result = await verifyHandshake(token, { expectedNonce: 'n-42' });
    expect(result).toMatchObject({
      deviceId: device.deviceId,
      subject: 'user-7',
      claims: { role: 'tablet' },
    });
    expect(result.encryptionKey).toMatchObject({ kty: 'EC', use: 'enc', alg: 'ECDH-ES+A256KW' });
  });

  it('with typ "JWT" are refused', async () => {
    const device = await deviceKeys(alg);
    const token = await new SignJWT({
      nonce: 'n-42',
      jti: 'j',
      device_id: device.deviceId,
      encryption_key: device.encryptionKey,
    })
      .setProtectedHeader({ alg, typ: 'JWT', jwk: device.jwk })
      .setIssuedAt()
      .sign(device.privateKey);
    const err = await verifyHandshake(token, { expectedNonce: 'n-42' }).catch((e: unknown) => e);
    expect((err as DeviceBindingError).code).toBe('INVALID_HANDSHAKE');
  });

  it('with a kid instead of an embedded jwk are refused', async () => {
    const device = await deviceKeys(alg);
    const token = await new SignJWT({
      nonce: 'n-42',
      jti: 'j',
      device_id: device.deviceId,
      encryption_key: device.encryptionKey,
    })
      .setProtectedHeader({ alg, typ: 'devicebind-handshake+jwt', kid: device.deviceId })
      .setIssuedAt()
      .sign(device.privateKey);
    const err = await verifyHandshake(token, { expectedNonce: 'n-42' }).catch((e: unknown) => e);
    expect((err as DeviceBindingError).code).toBe('INVALID_HANDSHAKE');
  });
});
