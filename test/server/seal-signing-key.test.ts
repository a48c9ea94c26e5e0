// The keys verifyHandshake returns say what they are for (`use`, `alg`), so sealing to the
// signing key by mistake, which the device could never open, is refused. In 0.1.0 the
// handshake stripped both members and `sealEnvelope(data, device.signingKey)` succeeded.

import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import { sealEnvelopeStream } from '../../src/server/seal-envelope-stream.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';
import { makeHandshake, newEncryptionKey, newRsaEncryptionKey } from './helpers/handshakes.js';
import { newKey } from './helpers/proofs.js';

async function verifiedDevice(alg: 'ES256' | 'EdDSA', rsa = false) {
  const encryptionKey = rsa ? await newRsaEncryptionKey() : await newEncryptionKey();
  return verifyHandshake(await makeHandshake(await newKey(alg), encryptionKey), {
    expectedNonce: 'challenge-1',
  });
}

describe.each([
  ['ES256', false],
  ['EdDSA', false],
  ['ES256', true],
] as const)('a device verified with a %s signing key (RSA encryption key: %s)', (alg, rsa) => {
  it('gets back keys marked with their use and algorithm', async () => {
    const device = await verifiedDevice(alg, rsa);
    expect(device.signingKey).toMatchObject({ use: 'sig', alg });
    expect(device.encryptionKey).toMatchObject({
      use: 'enc',
      alg: rsa ? 'RSA-OAEP-256' : 'ECDH-ES+A256KW',
    });
  });

  it('cannot have an envelope sealed to its signing key', async () => {
    const device = await verifiedDevice(alg, rsa);
    const err = await sealEnvelope('secret', device.signingKey).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceBindingError);
    expect((err as DeviceBindingError).code).toBe('INVALID_ARGUMENT');
    expect((err as DeviceBindingError).message).toContain('signing key');
  });

  it('cannot have a stream sealed to its signing key', async () => {
    const device = await verifiedDevice(alg, rsa);
    expect(() => sealEnvelopeStream(new ReadableStream(), device.signingKey)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('cannot have either sealed to its signing key after a round trip through JSON storage', async () => {
    const device = await verifiedDevice(alg, rsa);
    const stored = JSON.parse(JSON.stringify(device.signingKey)) as typeof device.signingKey;
    expect(
      ((await sealEnvelope('secret', stored).catch((e: unknown) => e)) as DeviceBindingError).code,
    ).toBe('INVALID_ARGUMENT');
    expect(() => sealEnvelopeStream(new ReadableStream(), stored)).toThrow(DeviceBindingError);
  });

  it('still has envelopes and streams sealed to its encryption key', async () => {
    const device = await verifiedDevice(alg, rsa);
    expect((await sealEnvelope('secret', device.encryptionKey)).split('.')).toHaveLength(5);
    const sealed = sealEnvelopeStream(
      new ReadableStream({
        start: (controller) => {
          controller.enqueue(new Uint8Array(10));
          controller.close();
        },
      }),
      device.encryptionKey,
    );
    expect((await new Response(sealed).arrayBuffer()).byteLength).toBeGreaterThan(10);
  });
});
