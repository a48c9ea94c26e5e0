// One key, one spelling, one device id: JWK members must be canonical base64url (no stray bits
// in the last character, RFC 4648 §3.5) in every public-key parser, and keys compare by their
// decoded bytes. In 0.1.0 one P-256 key had 16 spellings, so 16 device ids, and the same key
// spelled twice passed as a separate encryption key.

import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { type PublicJwk, parsePublicJwk } from '../../src/core/jwk.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import { sealEnvelopeStream } from '../../src/server/seal-envelope-stream.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';
import { verifyRequest } from '../../src/server/verify-request.js';
import { rejection } from '../helpers/rejections.js';
import { makeHandshake, newEncryptionKey, newRsaEncryptionKey } from './helpers/handshakes.js';
import { makeProof, newKey, requestWith } from './helpers/proofs.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The other spellings of the same bytes: the last character with its unused low bits set
 * (2 stray bits for 32 bytes, 4 for 256 bytes).
 */
function respellings(value: string): string[] {
  const strayBits = (value.length * 6) % 8;
  const last = ALPHABET.indexOf(value.at(-1)!);
  return Array.from(
    { length: (1 << strayBits) - 1 },
    (_, i) => value.slice(0, -1) + ALPHABET[last | (i + 1)],
  );
}

const ecKey = await newKey('ES256');
const edKey = await newKey('EdDSA');
const encryptionKey = await newEncryptionKey();
const rsaKey = (await newRsaEncryptionKey()) as PublicJwk & { n: string; e: string };
const ec = ecKey.publicJwk as { x: string; y: string };

// Every spelling of the P-256 key but the canonical one: 4 × 4 − 1 = 15.
const EC_SPELLINGS: PublicJwk[] = [ec.x, ...respellings(ec.x)]
  .flatMap((x) => [ec.y, ...respellings(ec.y)].map((y) => ({ ...ecKey.publicJwk, x, y })))
  .slice(1);

describe('the spellings under test', () => {
  it('name the same key: 15 extra spellings of a P-256 key, 3 of an Ed25519 key, 15 of a 2048-bit n', () => {
    expect(EC_SPELLINGS).toHaveLength(15);
    for (const jwk of EC_SPELLINGS) {
      const { x, y } = jwk as { x: string; y: string };
      expect(Buffer.from(x, 'base64url')).toEqual(Buffer.from(ec.x, 'base64url'));
      expect(Buffer.from(y, 'base64url')).toEqual(Buffer.from(ec.y, 'base64url'));
    }
    expect(respellings((edKey.publicJwk as { x: string }).x)).toHaveLength(3);
    expect(respellings(rsaKey.n)).toHaveLength(15);
  });
});

describe('non-canonical P-256 spellings are refused', () => {
  it.each(EC_SPELLINGS.map((jwk, i) => [i + 1, jwk] as const))(
    'in a handshake header (spelling %i)',
    async (_, jwk) => {
      const token = await makeHandshake(ecKey, encryptionKey, {
        header: { jwk },
        claims: { device_id: await calculateJwkThumbprint(jwk) },
      });
      await rejection(
        verifyHandshake(token, { expectedNonce: 'challenge-1' }),
        'INVALID_HANDSHAKE',
      );
    },
  );

  it('in a DPoP proof header, each with its own would-be device id', async () => {
    const ids = new Set<string>();
    for (const jwk of EC_SPELLINGS) {
      ids.add(await calculateJwkThumbprint(jwk));
      const proof = await makeProof(ecKey, { header: { jwk } });
      const err = await rejection(
        verifyRequest(await requestWith(proof), {
          replayCache: new MemoryReplayCache(),
          signingKey: ecKey.publicJwk,
        }),
        'INVALID_PROOF',
      );
      expect(err.message).toMatch(/"jwk"\.[xy] is missing or malformed/);
    }
    expect(ids.size).toBe(15);
  });

  it('as the registered signingKey of verifyRequest', async () => {
    for (const jwk of EC_SPELLINGS) {
      const proof = await makeProof(ecKey, { header: { jwk } });
      await rejection(
        verifyRequest(await requestWith(proof), {
          replayCache: new MemoryReplayCache(),
          signingKey: jwk,
        }),
        'INVALID_ARGUMENT',
      );
    }
  });

  it('as a handshake encryption key, by sealEnvelope and by sealEnvelopeStream', async () => {
    const { x, y } = encryptionKey as { x: string; y: string };
    for (const spelled of [
      { ...encryptionKey, x: respellings(x)[0]! },
      { ...encryptionKey, y: respellings(y)[2]! },
    ] as PublicJwk[]) {
      const token = await makeHandshake(ecKey, spelled);
      const err = await rejection(
        verifyHandshake(token, { expectedNonce: 'challenge-1' }),
        'INVALID_HANDSHAKE',
      );
      expect(err.message).toContain('"encryption_key"');
      await rejection(sealEnvelope('x', spelled), 'INVALID_ARGUMENT');
      expect(() => sealEnvelopeStream(new ReadableStream(), spelled)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });

  it('by the shared parser the client uses too', () => {
    for (const jwk of EC_SPELLINGS)
      expect(() => parsePublicJwk(jwk)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
  });
});

describe('non-canonical Ed25519 and RSA spellings are refused', () => {
  it.each(respellings((edKey.publicJwk as { x: string }).x).map((x, i) => [i + 1, x]))(
    'an Ed25519 x in a handshake header and as a signingKey (spelling %i)',
    async (_, x) => {
      const jwk = { ...edKey.publicJwk, x } as PublicJwk;
      const token = await makeHandshake(edKey, encryptionKey, {
        header: { jwk },
        claims: { device_id: await calculateJwkThumbprint(jwk) },
      });
      await rejection(
        verifyHandshake(token, { expectedNonce: 'challenge-1' }),
        'INVALID_HANDSHAKE',
      );
      const proof = await makeProof(edKey, { header: { jwk } });
      await rejection(
        verifyRequest(await requestWith(proof), {
          replayCache: new MemoryReplayCache(),
          signingKey: jwk,
        }),
        'INVALID_ARGUMENT',
      );
    },
  );

  it.each([
    ...respellings(rsaKey.n).map((n, i) => [`n (spelling ${i + 1})`, { n }] as const),
    ['e = 3 spelled "Ax"', { e: 'Ax' }] as const,
    ['e = 65537 with a leading zero byte', { e: 'AAEAAQ' }] as const,
    ['e = 65537 padded', { e: 'AQAB=' }] as const,
  ])('an RSA %s, in a handshake and by sealEnvelope', async (_, member) => {
    const spelled = { ...rsaKey, ...member } as PublicJwk;
    const err = await rejection(
      verifyHandshake(await makeHandshake(ecKey, spelled), { expectedNonce: 'challenge-1' }),
      'INVALID_HANDSHAKE',
    );
    expect(err.message).toContain(`"encryption_key".${Object.keys(member)[0]}`);
    await rejection(sealEnvelope('x', spelled), 'INVALID_ARGUMENT');
  });
});

describe('the same key spelled twice is one key', () => {
  it('a handshake whose encryption key is its signing key spelled differently is refused', async () => {
    const { x, y } = ec;
    for (const spelled of [
      { x: respellings(x)[0]!, y },
      { x, y: respellings(y)[1]! },
    ]) {
      const token = await makeHandshake(ecKey, {
        kty: 'EC',
        crv: 'P-256',
        ...spelled,
        use: 'enc',
        alg: 'ECDH-ES+A256KW',
      });
      await rejection(
        verifyHandshake(token, { expectedNonce: 'challenge-1' }),
        'INVALID_HANDSHAKE',
      );
    }
  });

  it('a handshake whose encryption key is its signing key with other alg, use and kid is refused', async () => {
    const token = await makeHandshake(ecKey, {
      ...ecKey.publicJwk,
      use: 'enc',
      alg: 'ECDH-ES',
      kid: 'looks-different',
    } as PublicJwk);
    const err = await rejection(
      verifyHandshake(token, { expectedNonce: 'challenge-1' }),
      'INVALID_HANDSHAKE',
    );
    expect(err.message).toContain('is the signing key');
  });
});
