// RFC 7520 (JOSE cookbook) JWE examples through openEnvelope: §5.2 (RSA-OAEP, 4096-bit key,
// A256GCM) opens in compact and flattened form; §5.4 (ECDH-ES+A128KW on P-384) is refused
// as an unsupported curve, before any key operation.

import { describe, expect, it } from 'vitest';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import { jwkDevice, memoryDevice, rejection } from '../envelope/helpers/devices.js';
import { loadVector } from '../setup/vectors.js';

interface CookbookJwe {
  input: { plaintext: string; key: JsonWebKey };
  output: { compact: string; json: object; json_flat: object };
}

const rsaOaep = loadVector<CookbookJwe>(
  'jose-cookbook/jwe/5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json',
);
const p384 = loadVector<CookbookJwe>(
  'jose-cookbook/jwe/5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json',
);

describe('RFC 7520 §5.2: RSA-OAEP with A256GCM (4096-bit key)', () => {
  it('opens the compact serialization', async () => {
    const device = await jwkDevice(rsaOaep.input.key, 'RSA-OAEP');
    expect(
      new TextDecoder().decode(await openEnvelopeWithKey(device, rsaOaep.output.compact)),
    ).toBe(rsaOaep.input.plaintext);
  });

  it('opens the flattened JSON serialization, as an object and as text', async () => {
    const device = await jwkDevice(rsaOaep.input.key, 'RSA-OAEP');
    expect(
      new TextDecoder().decode(
        await openEnvelopeWithKey(device, rsaOaep.output.json_flat as never),
      ),
    ).toBe(rsaOaep.input.plaintext);
    expect(
      new TextDecoder().decode(
        await openEnvelopeWithKey(device, JSON.stringify(rsaOaep.output.json_flat)),
      ),
    ).toBe(rsaOaep.input.plaintext);
  });

  it('refuses the general JSON serialization of the same message', async () => {
    const device = await jwkDevice(rsaOaep.input.key, 'RSA-OAEP');
    expect((await rejection(openEnvelopeWithKey(device, rsaOaep.output.json as never))).code).toBe(
      'INVALID_ENVELOPE',
    );
  });

  it('refuses it on an RSA-OAEP-256 key (the key opens only its own OAEP variant)', async () => {
    const device = await jwkDevice(rsaOaep.input.key, 'RSA-OAEP-256');
    expect((await rejection(openEnvelopeWithKey(device, rsaOaep.output.compact))).code).toBe(
      'UNSUPPORTED_ALGORITHM',
    );
    expect(device.keyStore.calls).toBe(0);
  });
});

describe('RFC 7520 §5.4: ECDH-ES+A128KW with A128GCM on P-384', () => {
  it('is refused as an unsupported curve, before the key store is asked', async () => {
    const device = await memoryDevice();
    let asked = 0;
    const keyStore = {
      ...device.keyStore,
      deriveSharedSecret: async () => {
        asked++;
        return new Uint8Array(32);
      },
    };
    const err = await rejection(openEnvelopeWithKey({ ...device, keyStore }, p384.output.compact));
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
    expect(err.message).toContain('P-256');
    expect(asked).toBe(0);
  });

  it('is refused in flattened form too', async () => {
    const device = await memoryDevice();
    expect(
      (await rejection(openEnvelopeWithKey(device, p384.output.json_flat as never))).code,
    ).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('its P-384 key cannot be a device key: sealEnvelope refuses it', async () => {
    const { d: _, ...publicKey } = p384.input.key;
    expect((await rejection(sealEnvelope(new Uint8Array(1), publicKey as never))).code).toBe(
      'UNSUPPORTED_ALGORITHM',
    );
  });
});
