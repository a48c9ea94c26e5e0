import { flattenedDecrypt, importJWK, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CryptoBackend } from '../../src/core/crypto-backend.js';
import { OPEN_FAILED } from '../../src/core/envelope/failure.js';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import { sealedAad, sealWithKey, unsealWithKey } from '../../src/core/envelope/seal.js';
import type { EnvelopeKey } from '../../src/core/envelope/types.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import { b64u, headerOf, joinCompact, splitCompact } from './helpers/build-jwe.js';
import {
  backend,
  fixedRsaDevice,
  fixedRsaJwk,
  jwkDevice,
  memoryDevice,
  rejection,
  thrown,
} from './helpers/devices.js';
import { generateEcJwk } from './helpers/jwk-key-store.js';

const secret = new TextEncoder().encode('refresh-token-value');
const DEVICE = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

/** docs/formats/sealed.md, computed independently: label ‖ u32 len ‖ device id ‖ u32 len ‖ context. */
function documentedAad(deviceId: string, context: string): Uint8Array {
  const id = Buffer.from(deviceId, 'utf8');
  const ctx = Buffer.from(context, 'utf8');
  const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  return new Uint8Array(
    Buffer.concat([Buffer.from('devicebind/sealed/v1'), u32(id.length), id, u32(ctx.length), ctx]),
  );
}

describe('seal / unseal to this device', () => {
  let ec: EnvelopeKey;
  let rsa256: EnvelopeKey;
  let rsa1: EnvelopeKey;
  beforeAll(async () => {
    ec = await memoryDevice();
    rsa256 = await fixedRsaDevice('RSA-OAEP-256', 'a');
    rsa1 = await fixedRsaDevice('RSA-OAEP', 'b');
  });

  it.each([
    ['EC (ECDH-ES+A256KW)', () => ec, 'ECDH-ES+A256KW'],
    ['RSA-OAEP-256', () => rsa256, 'RSA-OAEP-256'],
    ['RSA-OAEP', () => rsa1, 'RSA-OAEP'],
  ] as const)(
    "round-trips with a %s key, as a compact JWE with the key's own alg and A256GCM",
    async (_, device, alg) => {
      const sealed = await sealWithKey(device(), secret, {
        deviceId: DEVICE,
        context: 'refresh-token',
      });
      expect(sealed.split('.')).toHaveLength(5);
      expect(headerOf(sealed)).toMatchObject({ alg, enc: 'A256GCM' });
      expect(sealed).not.toContain(b64u(secret));
      expect(
        await unsealWithKey(device(), sealed, { deviceId: DEVICE, context: 'refresh-token' }),
      ).toEqual(secret);
    },
  );

  it('round-trips an empty value and a large one', async () => {
    for (const data of [new Uint8Array(0), crypto.getRandomValues(new Uint8Array(65536))]) {
      expect(
        await unsealWithKey(ec, await sealWithKey(ec, data, { deviceId: DEVICE }), {
          deviceId: DEVICE,
        }),
      ).toEqual(data);
    }
  });

  it('binds exactly the documented AAD bytes (checked by opening the value with jose)', async () => {
    const privateJwk = await generateEcJwk();
    const device = await jwkDevice(privateJwk, 'ECDH-ES');
    const context = 'kontext ✓ with "quotes" and \u0000';
    const sealed = await sealWithKey(device, secret, { deviceId: DEVICE, context });
    expect(sealedAad({ deviceId: DEVICE, context })).toEqual(documentedAad(DEVICE, context));
    const [protectedB64, encrypted_key, iv, ciphertext, tag] = sealed.split('.');
    const flattened = {
      protected: protectedB64!,
      encrypted_key: encrypted_key!,
      iv: iv!,
      ciphertext: ciphertext!,
      tag: tag!,
      aad: b64u(documentedAad(DEVICE, context)),
    };
    const opened = await flattenedDecrypt(
      flattened,
      await importJWK(privateJwk as JWK, 'ECDH-ES+A256KW'),
    );
    expect(opened.plaintext).toEqual(secret);
  });

  it('matches the example in docs/formats/sealed.md', () => {
    expect(b64u(sealedAad({ deviceId: DEVICE, context: 'refresh-token' }))).toBe(
      'ZGV2aWNlYmluZC9zZWFsZWQvdjEAAAArTnpiTHNYaDh1RENjZC02TU53WEY0V183bm9XWEZaQWZIa3hac1JHQzlYcwAAAA1yZWZyZXNoLXRva2Vu',
    );
  });

  it('binds exactly the documented AAD bytes with an RSA key too (jose)', async () => {
    const sealed = await sealWithKey(rsa256, secret, { deviceId: DEVICE, context: 'c' });
    const [protectedB64, encrypted_key, iv, ciphertext, tag] = sealed.split('.');
    const flattened = {
      protected: protectedB64!,
      encrypted_key: encrypted_key!,
      iv: iv!,
      ciphertext: ciphertext!,
      tag: tag!,
      aad: b64u(documentedAad(DEVICE, 'c')),
    };
    expect(
      (await flattenedDecrypt(flattened, await importJWK(fixedRsaJwk('a') as JWK, 'RSA-OAEP-256')))
        .plaintext,
    ).toEqual(secret);
  });

  it('seals the same value differently each time', async () => {
    const a = await sealWithKey(ec, secret, { deviceId: DEVICE });
    const b = await sealWithKey(ec, secret, { deviceId: DEVICE });
    expect(a).not.toBe(b);
  });

  it('treats an omitted context as the empty string', async () => {
    const sealed = await sealWithKey(ec, secret, { deviceId: DEVICE });
    expect(await unsealWithKey(ec, sealed, { deviceId: DEVICE, context: '' })).toEqual(secret);
  });

  it('refuses another context', async () => {
    const sealed = await sealWithKey(ec, secret, { deviceId: DEVICE, context: 'refresh-token' });
    for (const context of ['access-token', 'refresh-token ', 'Refresh-token', '']) {
      const err = await rejection(unsealWithKey(ec, sealed, { deviceId: DEVICE, context }));
      expect([err.code, err.message]).toEqual(['INVALID_ENVELOPE', OPEN_FAILED]);
    }
  });

  it('refuses another device id on the same key', async () => {
    const sealed = await sealWithKey(ec, secret, { deviceId: DEVICE, context: 'c' });
    const err = await rejection(
      unsealWithKey(ec, sealed, { deviceId: `${DEVICE.slice(0, -1)}Y`, context: 'c' }),
    );
    expect(err.code).toBe('INVALID_ENVELOPE');
  });

  it('keeps the device id and context apart (no ambiguity from concatenation)', async () => {
    const sealed = await sealWithKey(ec, secret, { deviceId: 'ab', context: 'c' });
    expect(
      (await rejection(unsealWithKey(ec, sealed, { deviceId: 'a', context: 'bc' }))).code,
    ).toBe('INVALID_ENVELOPE');
  });

  it('refuses a value sealed on another install (another key), even with the same device id and context', async () => {
    const other = await memoryDevice();
    const sealed = await sealWithKey(ec, secret, { deviceId: DEVICE, context: 'c' });
    expect(
      (await rejection(unsealWithKey(other, sealed, { deviceId: DEVICE, context: 'c' }))).code,
    ).toBe('INVALID_ENVELOPE');
    const rsaOther = await fixedRsaDevice('RSA-OAEP-256', 'b');
    const rsaSealed = await sealWithKey(rsa256, secret, { deviceId: DEVICE, context: 'c' });
    expect(
      (await rejection(unsealWithKey(rsaOther, rsaSealed, { deviceId: DEVICE, context: 'c' })))
        .code,
    ).toBe('INVALID_ENVELOPE');
  });

  it('refuses a sealed value with one flipped bit in any part', async () => {
    const parts = splitCompact(await sealWithKey(ec, secret, { deviceId: DEVICE }));
    for (let p = 0; p < 5; p++) {
      const flipped = parts.map((part, i) =>
        i === p ? part.map((b, j) => (j === part.length - 1 ? b ^ 1 : b)) : part,
      );
      const err = await rejection(unsealWithKey(ec, joinCompact(flipped), { deviceId: DEVICE }));
      expect(['INVALID_ENVELOPE', 'UNSUPPORTED_ALGORITHM']).toContain(err.code);
    }
  });

  it('does not open a sealed value as an ordinary envelope, nor a server envelope as a sealed value', async () => {
    const sealed = await sealWithKey(ec, secret, { deviceId: DEVICE });
    expect((await rejection(openEnvelopeWithKey(ec, sealed))).code).toBe('INVALID_ENVELOPE');
    const envelope = await sealEnvelope(secret, ec.info.publicKey);
    expect((await rejection(unsealWithKey(ec, envelope, { deviceId: DEVICE }))).code).toBe(
      'INVALID_ENVELOPE',
    );
  });

  it('refuses the JSON form as a sealed value', async () => {
    const flat = await sealEnvelope(secret, ec.info.publicKey, {
      aad: sealedAad({ deviceId: DEVICE }),
    });
    expect((await rejection(unsealWithKey(ec, flat, { deviceId: DEVICE }))).code).toBe(
      'INVALID_ENVELOPE',
    );
  });

  it('refuses malformed arguments with INVALID_ARGUMENT naming them', async () => {
    const sealed = await sealWithKey(ec, secret, { deviceId: DEVICE });
    expect(
      (await rejection(sealWithKey(ec, 'text' as unknown as Uint8Array, { deviceId: DEVICE })))
        .message,
    ).toContain('"plaintext"');
    expect((await rejection(sealWithKey(ec, secret, { deviceId: '' }))).message).toContain(
      'deviceId',
    );
    expect((await rejection(sealWithKey(ec, secret, undefined as never))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      (
        await rejection(
          sealWithKey(ec, secret, { deviceId: DEVICE, context: 5 as unknown as string }),
        )
      ).message,
    ).toContain('context');
    expect(
      (await rejection(unsealWithKey(ec, 42 as unknown as string, { deviceId: DEVICE }))).message,
    ).toContain('"sealed"');
    expect(
      (await rejection(unsealWithKey(ec, sealed, { deviceId: 7 as unknown as string }))).code,
    ).toBe('INVALID_ARGUMENT');
    expect(
      thrown(() => sealedAad({ deviceId: DEVICE, context: null as unknown as string })).code,
    ).toBe('INVALID_ARGUMENT');
  });

  it('is pure: the input is untouched, and a failure half-way changes nothing', async () => {
    const data = crypto.getRandomValues(new Uint8Array(100));
    const copy = data.slice();
    const sealed = await sealWithKey(ec, data, { deviceId: DEVICE });
    expect(data).toEqual(copy);
    // A backend that fails at the last step (content encryption), after key agreement and wrapping.
    const failing: CryptoBackend = {
      ...backend,
      aesGcmEncrypt: async () => Promise.reject(new Error('power loss')),
    };
    expect(
      (await rejection(sealWithKey({ ...ec, crypto: failing }, data, { deviceId: DEVICE }))).code,
    ).toBe('KEYSTORE_ERROR');
    expect(data).toEqual(copy);
    // An earlier sealed value is unaffected and still opens.
    expect(await unsealWithKey(ec, sealed, { deviceId: DEVICE })).toEqual(copy);
  });
});
