// Envelopes against jose, both ways: every allowlisted alg × enc that jose makes
// (CompactEncrypt, FlattenedEncrypt with aad, apu/apv) opens with openEnvelope; every
// envelope sealEnvelope makes opens with jose's compactDecrypt / flattenedDecrypt.

import {
  CompactEncrypt,
  compactDecrypt,
  FlattenedEncrypt,
  flattenedDecrypt,
  importJWK,
  type JWK,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EncryptionAlgorithm } from '../../src/core/algorithms.js';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import type { EnvelopeKey } from '../../src/core/envelope/types.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import { fixedRsaJwk, jwkDevice } from '../envelope/helpers/devices.js';
import { generateEcJwk } from '../envelope/helpers/jwk-key-store.js';

const ENCS = ['A128GCM', 'A256GCM'] as const;
const plaintext = new TextEncoder().encode('interop with jose ✓');
const aad = new TextEncoder().encode('order-42');

interface Device {
  key: EnvelopeKey;
  privateJwk: JsonWebKey;
}

const devices = new Map<EncryptionAlgorithm, Device>();
beforeAll(async () => {
  const ec = await generateEcJwk();
  devices.set('ECDH-ES', { key: await jwkDevice(ec, 'ECDH-ES'), privateJwk: ec });
  devices.set('RSA-OAEP-256', {
    key: await jwkDevice(fixedRsaJwk('a'), 'RSA-OAEP-256'),
    privateJwk: fixedRsaJwk('a'),
  });
  devices.set('RSA-OAEP', {
    key: await jwkDevice(fixedRsaJwk('b'), 'RSA-OAEP'),
    privateJwk: fixedRsaJwk('b'),
  });
});

const combinations = (
  [
    ['ECDH-ES', 'ECDH-ES'],
    ['ECDH-ES+A128KW', 'ECDH-ES'],
    ['ECDH-ES+A256KW', 'ECDH-ES'],
    ['RSA-OAEP-256', 'RSA-OAEP-256'],
    ['RSA-OAEP', 'RSA-OAEP'],
  ] as const
).flatMap(([alg, device]) => ENCS.map((enc) => ({ alg, enc, device })));

function publicJwk(device: Device, alg: string): JWK {
  const { kty, crv, x, y, n, e } = device.privateJwk;
  return (kty === 'EC' ? { kty, crv, x, y } : { kty, n, e, alg }) as JWK;
}

describe('jose → openEnvelope', () => {
  it.each(combinations)('CompactEncrypt $alg + $enc opens', async ({ alg, enc, device }) => {
    const d = devices.get(device)!;
    const jwe = await new CompactEncrypt(plaintext)
      .setProtectedHeader({ alg, enc })
      .encrypt(await importJWK(publicJwk(d, alg), alg));
    expect(await openEnvelopeWithKey(d.key, jwe)).toEqual(plaintext);
  });

  it.each(combinations)(
    'FlattenedEncrypt $alg + $enc with aad opens (object and JSON text)',
    async ({ alg, enc, device }) => {
      const d = devices.get(device)!;
      const jwe = await new FlattenedEncrypt(plaintext)
        .setProtectedHeader({ alg, enc })
        .setAdditionalAuthenticatedData(aad)
        .encrypt(await importJWK(publicJwk(d, alg), alg));
      expect(await openEnvelopeWithKey(d.key, jwe as never, { aad })).toEqual(plaintext);
      expect(await openEnvelopeWithKey(d.key, JSON.stringify(jwe), { aad: 'order-42' })).toEqual(
        plaintext,
      );
    },
  );

  it.each(['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW'])(
    'CompactEncrypt %s with apu and apv opens',
    async (alg) => {
      const d = devices.get('ECDH-ES')!;
      const jwe = await new CompactEncrypt(plaintext)
        .setProtectedHeader({ alg, enc: 'A256GCM' })
        .setKeyManagementParameters({
          apu: new TextEncoder().encode('server'),
          apv: crypto.getRandomValues(new Uint8Array(32)),
        })
        .encrypt(await importJWK(publicJwk(d, alg), alg));
      expect(await openEnvelopeWithKey(d.key, jwe)).toEqual(plaintext);
    },
  );
});

describe('sealEnvelope → jose', () => {
  it.each(['ECDH-ES', 'RSA-OAEP-256', 'RSA-OAEP'] as const)(
    'a compact envelope for a %s key opens with compactDecrypt',
    async (device) => {
      const d = devices.get(device)!;
      const jwe = await sealEnvelope(plaintext, d.key.info.publicKey);
      const { alg } = JSON.parse(Buffer.from(jwe.split('.')[0]!, 'base64url').toString()) as {
        alg: string;
      };
      const { plaintext: opened, protectedHeader } = await compactDecrypt(
        jwe,
        await importJWK(d.privateJwk as JWK, alg),
        {
          keyManagementAlgorithms: [alg],
          contentEncryptionAlgorithms: ['A256GCM'],
        },
      );
      expect(opened).toEqual(plaintext);
      expect(protectedHeader.enc).toBe('A256GCM');
    },
  );

  it.each(['ECDH-ES', 'RSA-OAEP-256', 'RSA-OAEP'] as const)(
    'a flattened envelope with aad for a %s key opens with flattenedDecrypt',
    async (device) => {
      const d = devices.get(device)!;
      const jwe = JSON.parse(
        await sealEnvelope(plaintext, d.key.info.publicKey, { aad }),
      ) as Parameters<typeof flattenedDecrypt>[0];
      const { alg } = JSON.parse(Buffer.from(jwe.protected!, 'base64url').toString()) as {
        alg: string;
      };
      const opened = await flattenedDecrypt(jwe, await importJWK(d.privateJwk as JWK, alg));
      expect(opened.plaintext).toEqual(plaintext);
      expect(opened.additionalAuthenticatedData).toEqual(aad);
    },
  );
});
