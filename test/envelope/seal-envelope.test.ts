import { describe, expect, it } from 'vitest';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import { headerOf } from './helpers/build-jwe.js';
import { fixedRsaDevice, memoryDevice, rejection } from './helpers/devices.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('sealEnvelope: algorithm from the key', () => {
  it('uses ECDH-ES+A256KW and A256GCM for an EC key, whatever ECDH-ES variant the key declares', async () => {
    const device = await memoryDevice();
    const { alg: _, ...noAlg } = device.info.publicKey as { alg?: string };
    for (const key of [
      device.info.publicKey,
      noAlg,
      { ...noAlg, alg: 'ECDH-ES' },
      { ...noAlg, alg: 'ECDH-ES+A128KW' },
    ]) {
      const envelope = await sealEnvelope(bytes('x'), key as never);
      expect(headerOf(envelope)).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' });
      expect(Object.keys(headerOf(envelope)).sort()).toEqual(['alg', 'enc', 'epk']);
      expect(await openEnvelopeWithKey(device, envelope)).toEqual(bytes('x'));
    }
  });

  it("uses the RSA key's declared OAEP variant", async () => {
    for (const alg of ['RSA-OAEP-256', 'RSA-OAEP'] as const) {
      const device = await fixedRsaDevice(alg);
      const envelope = await sealEnvelope(bytes('x'), device.info.publicKey);
      expect(headerOf(envelope)).toEqual({ alg, enc: 'A256GCM' });
    }
  });

  it('accepts a string plaintext as UTF-8 and a string aad', async () => {
    const device = await memoryDevice();
    const envelope = await sealEnvelope('héllo', device.info.publicKey, { aad: 'ctx' });
    expect(
      new TextDecoder().decode(await openEnvelopeWithKey(device, envelope, { aad: bytes('ctx') })),
    ).toBe('héllo');
  });

  it('returns flattened JSON text only when aad is given', async () => {
    const device = await memoryDevice();
    expect((await sealEnvelope(bytes('x'), device.info.publicKey)).startsWith('ey')).toBe(true);
    const flat = JSON.parse(
      await sealEnvelope(bytes('x'), device.info.publicKey, { aad: bytes('a') }),
    ) as Record<string, unknown>;
    expect(Object.keys(flat).sort()).toEqual([
      'aad',
      'ciphertext',
      'encrypted_key',
      'iv',
      'protected',
      'tag',
    ]);
  });
});

describe('sealEnvelope: refused keys and arguments', () => {
  it('refuses a signing key marked use "sig"', async () => {
    const device = await memoryDevice();
    expect(
      (
        await rejection(
          sealEnvelope(bytes('x'), {
            ...device.info.publicKey,
            use: 'sig',
            alg: undefined,
          } as never),
        )
      ).code,
    ).toBe('INVALID_ARGUMENT');
  });

  it('refuses an EC key that declares a signature algorithm (ES256)', async () => {
    const device = await memoryDevice();
    const signing = await device.keyStore.generateKey('com.example.signing', {
      purpose: 'sign',
      algorithm: 'ES256',
    });
    const err = await rejection(sealEnvelope(bytes('x'), { ...signing.publicKey, alg: 'ES256' }));
    expect([err.code, err.message.includes('"encryptionKey.alg"')]).toEqual([
      'INVALID_ARGUMENT',
      true,
    ]);
  });

  it('refuses an Ed25519 key', async () => {
    const device = await memoryDevice();
    const signing = await device.keyStore.generateKey('com.example.ed', {
      purpose: 'sign',
      algorithm: 'EdDSA',
    });
    expect((await rejection(sealEnvelope(bytes('x'), signing.publicKey))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('refuses an RSA key without an OAEP alg, or with another one', async () => {
    const device = await fixedRsaDevice('RSA-OAEP-256');
    const { alg: _, ...noAlg } = device.info.publicKey as { alg?: string };
    for (const key of [
      noAlg,
      { ...noAlg, alg: 'RS256' },
      { ...noAlg, alg: 'RSA1_5' },
      { ...noAlg, alg: 'ECDH-ES+A256KW' },
    ]) {
      const err = await rejection(sealEnvelope(bytes('x'), key as never));
      expect([err.code, err.message.includes('"encryptionKey.alg"')]).toEqual([
        'INVALID_ARGUMENT',
        true,
      ]);
    }
  });

  it('refuses a private key, a malformed key, another curve and a short RSA key', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
      'deriveBits',
    ]);
    const privateJwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
    expect((await rejection(sealEnvelope(bytes('x'), privateJwk as never))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      (
        await rejection(
          sealEnvelope(bytes('x'), { kty: 'EC', crv: 'P-256', x: 'short', y: 'short' }),
        )
      ).code,
    ).toBe('INVALID_ARGUMENT');
    expect((await rejection(sealEnvelope(bytes('x'), 'not a key' as never))).code).toBe(
      'INVALID_ARGUMENT',
    );
    const p384 = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, true, [
      'deriveBits',
    ]);
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', p384.publicKey);
    expect((await rejection(sealEnvelope(bytes('x'), { kty, crv, x, y } as never))).code).toBe(
      'UNSUPPORTED_ALGORITHM',
    );
    const device = await fixedRsaDevice('RSA-OAEP-256');
    const rsa = device.info.publicKey as { n: string };
    expect(
      (await rejection(sealEnvelope(bytes('x'), { ...rsa, n: rsa.n.slice(0, 171) } as never))).code,
    ).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('refuses an EC public key that is not on the curve', async () => {
    const device = await memoryDevice();
    const key = device.info.publicKey as { x: string; y: string };
    const y = Buffer.from(key.y, 'base64url');
    y[31]! ^= 1;
    expect(
      (await rejection(sealEnvelope(bytes('x'), { ...key, y: y.toString('base64url') } as never)))
        .code,
    ).toBe('INVALID_ARGUMENT');
  });

  it('refuses a plaintext or aad that is neither bytes nor a string', async () => {
    const device = await memoryDevice();
    expect(
      (await rejection(sealEnvelope(42 as unknown as string, device.info.publicKey))).message,
    ).toContain('"plaintext"');
    expect(
      (
        await rejection(
          sealEnvelope(bytes('x'), device.info.publicKey, { aad: {} as unknown as string }),
        )
      ).message,
    ).toContain('"options.aad"');
  });
});
