import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/core/base64url.js';
import { createNonceIssuer } from '../../src/server/nonce-issuer.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';
import { makeHandshake, newEncryptionKey, newRsaEncryptionKey } from './helpers/handshakes.js';
import { b64json, newKey, nowSeconds, privateJwkOf, signJws } from './helpers/proofs.js';
import { rejects } from './helpers/rejects.js';

const key = await newKey();
const otherKey = await newKey();
const encryptionKey = await newEncryptionKey();
const NONCE = 'challenge-1';

describe('verifyHandshake accepts', () => {
  it('a handshake and returns the device id, keys, subject and app claims', async () => {
    const token = await makeHandshake(key, encryptionKey, {
      subject: 'alice',
      claims: { app_version: '1.2.3', platform: 'web' },
    });
    const result = await verifyHandshake(token, { expectedNonce: NONCE });
    expect(result.deviceId).toBe(await calculateJwkThumbprint(key.publicJwk));
    expect(result.signingKey).toEqual({ ...key.publicJwk, use: 'sig', alg: 'ES256' });
    expect(result.encryptionKey).toEqual(encryptionKey);
    expect(result.subject).toBe('alice');
    expect(result.claims).toEqual({ app_version: '1.2.3', platform: 'web' });
    expect(result.attestation).toBeUndefined();
  });

  it('an Ed25519 signing key', async () => {
    const edKey = await newKey('EdDSA');
    const result = await verifyHandshake(await makeHandshake(edKey, encryptionKey), {
      expectedNonce: NONCE,
    });
    expect(result.signingKey).toEqual({ ...edKey.publicJwk, use: 'sig', alg: 'EdDSA' });
  });

  it('an Ed25519 signing key under its RFC 9864 name, alg "Ed25519", as request proofs accept', async () => {
    const edKey = await newKey('EdDSA');
    const token = await makeHandshake(edKey, encryptionKey, { header: { alg: 'Ed25519' } });
    const result = await verifyHandshake(token, { expectedNonce: NONCE });
    expect(result.deviceId).toBe(await calculateJwkThumbprint(edKey.publicJwk));
  });

  it('an Ed25519 key whose jwk names alg "Ed25519", with the header saying "EdDSA"', async () => {
    const edKey = await newKey('EdDSA');
    const token = await makeHandshake(edKey, encryptionKey, {
      header: { jwk: { ...edKey.publicJwk, alg: 'Ed25519' } },
    });
    await expect(verifyHandshake(token, { expectedNonce: NONCE })).resolves.toBeTruthy();
  });

  it.each(['RSA-OAEP-256', 'RSA-OAEP'] as const)('an RSA encryption key for %s', async (alg) => {
    const rsa = await newRsaEncryptionKey(alg);
    const result = await verifyHandshake(await makeHandshake(key, rsa), { expectedNonce: NONCE });
    expect(result.encryptionKey).toEqual(rsa);
  });

  it('a nonce accepted by a function or an issuer', async () => {
    const issuer = createNonceIssuer({ secret: new Uint8Array(32).fill(3) });
    const nonce = issuer.issue();
    const token = await makeHandshake(key, encryptionKey, { nonce });
    await expect(
      verifyHandshake(token, { expectedNonce: async (n) => n === nonce }),
    ).resolves.toBeTruthy();
    await expect(
      verifyHandshake(token, { expectedNonce: issuer, replayCache: new MemoryReplayCache() }),
    ).resolves.toBeTruthy();
  });

  it('attestation of the expected shape, passed through', async () => {
    const attestation = {
      signing: { format: 'android-key', x5c: ['MIIBAA==', 'MIIBAQ=='] },
      encryption: { format: 'apple-app-attest', attestationObject: 'o2NmbXQ', keyId: 'k1' },
    };
    const result = await verifyHandshake(
      await makeHandshake(key, encryptionKey, { claims: { attestation } }),
      { expectedNonce: NONCE },
    );
    expect(result.attestation).toEqual(attestation);
    expect(result.claims).toEqual({});
  });

  it('an iat up to 60 s in the future (device clock skew)', async () => {
    await expect(
      verifyHandshake(await makeHandshake(key, encryptionKey, { iat: nowSeconds() + 55 }), {
        expectedNonce: NONCE,
      }),
    ).resolves.toBeTruthy();
  });
});

describe('verifyHandshake refuses', () => {
  it('a forged signature', async () => {
    const token = await makeHandshake(key, encryptionKey);
    const forged = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBA' : 'AAAA'}`;
    await rejects(verifyHandshake(forged, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it('a handshake naming one key but signed by another', async () => {
    const token = await makeHandshake(otherKey, encryptionKey, { header: { jwk: key.publicJwk } });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it('a wrong nonce', async () => {
    await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey, { nonce: 'other' }), {
        expectedNonce: NONCE,
      }),
      'INVALID_HANDSHAKE',
    );
  });

  it('a missing nonce', async () => {
    const token = await makeHandshake(key, encryptionKey, { claims: { nonce: undefined } });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it('a nonce the checking function refuses', async () => {
    await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey), { expectedNonce: () => false }),
      'INVALID_HANDSHAKE',
    );
  });

  it('a stale iat', async () => {
    await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey, { iat: nowSeconds() - 301 }), {
        expectedNonce: NONCE,
      }),
      'INVALID_HANDSHAKE',
    );
  });

  it('a future iat', async () => {
    await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey, { iat: nowSeconds() + 120 }), {
        expectedNonce: NONCE,
      }),
      'INVALID_HANDSHAKE',
    );
  });

  it('an expired exp', async () => {
    const token = await makeHandshake(key, encryptionKey, { claims: { exp: nowSeconds() - 120 } });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it('a device_id that is not the thumbprint', async () => {
    const token = await makeHandshake(key, encryptionKey, {
      claims: { device_id: await calculateJwkThumbprint(otherKey.publicJwk) },
    });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it('a missing jti', async () => {
    await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey, { claims: { jti: undefined } }), {
        expectedNonce: NONCE,
      }),
      'INVALID_HANDSHAKE',
    );
  });

  it('a non-string sub', async () => {
    await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey, { claims: { sub: 42 } }), {
        expectedNonce: NONCE,
      }),
      'INVALID_HANDSHAKE',
    );
  });

  it('the signing key as encryption key', async () => {
    const token = await makeHandshake(key, encryptionKey, {
      encryptionKey: { ...key.publicJwk, use: 'enc', alg: 'ECDH-ES+A256KW' },
    });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it('a missing encryption key', async () => {
    await rejects(
      verifyHandshake(
        await makeHandshake(key, encryptionKey, { claims: { encryption_key: undefined } }),
        { expectedNonce: NONCE },
      ),
      'INVALID_HANDSHAKE',
    );
  });

  it('an encryption key with a private part', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
      'deriveBits',
    ])) as CryptoKeyPair;
    const leaked = {
      ...(await crypto.subtle.exportKey('jwk', pair.privateKey)),
      use: 'enc',
      alg: 'ECDH-ES+A256KW',
    };
    const err = await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey, { encryptionKey: leaked }), {
        expectedNonce: NONCE,
      }),
      'INVALID_HANDSHAKE',
    );
    expect(err.message).not.toContain(leaked.d);
  });

  it('an encryption key that is not on the curve', async () => {
    const bogus = { ...encryptionKey, y: encodeBase64url(new Uint8Array(32).fill(1)) };
    await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey, { encryptionKey: bogus }), {
        expectedNonce: NONCE,
      }),
      'INVALID_HANDSHAKE',
    );
  });

  it('an encryption key without use "enc"', async () => {
    const { use: _, ...noUse } = encryptionKey as unknown as Record<string, unknown>;
    await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey, { encryptionKey: noUse }), {
        expectedNonce: NONCE,
      }),
      'INVALID_HANDSHAKE',
    );
  });

  it('an encryption key without alg', async () => {
    const { alg: _, ...noAlg } = encryptionKey as unknown as Record<string, unknown>;
    await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey, { encryptionKey: noAlg }), {
        expectedNonce: NONCE,
      }),
      'INVALID_HANDSHAKE',
    );
  });

  it('an EC encryption key that claims RSA-OAEP-256', async () => {
    const token = await makeHandshake(key, encryptionKey, {
      encryptionKey: { ...encryptionKey, alg: 'RSA-OAEP-256' },
    });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it('an encryption key for an algorithm outside the registry (UNSUPPORTED_ALGORITHM)', async () => {
    const token = await makeHandshake(key, encryptionKey, {
      encryptionKey: { ...encryptionKey, alg: 'ECDH-ES+A192KW' },
    });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'UNSUPPORTED_ALGORITHM');
  });

  it('an Ed25519 encryption key (UNSUPPORTED_ALGORITHM)', async () => {
    const edKey = await newKey('EdDSA');
    const token = await makeHandshake(key, encryptionKey, {
      encryptionKey: { ...edKey.publicJwk, alg: 'ECDH-ES' },
    });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'UNSUPPORTED_ALGORITHM');
  });

  it('malformed attestation', async () => {
    const token = await makeHandshake(key, encryptionKey, {
      claims: { attestation: { signing: { format: 'tpm' } } },
    });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it('alg "none"', async () => {
    const token = `${b64json({ alg: 'none', typ: 'devicebind-handshake+jwt', jwk: key.publicJwk })}.${b64json({ nonce: NONCE })}.`;
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it('HS256 (UNSUPPORTED_ALGORITHM)', async () => {
    const token = await makeHandshake(key, encryptionKey, { header: { alg: 'HS256' } });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'UNSUPPORTED_ALGORITHM');
  });

  it('RS256 (UNSUPPORTED_ALGORITHM)', async () => {
    const token = await makeHandshake(key, encryptionKey, { header: { alg: 'RS256' } });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'UNSUPPORTED_ALGORITHM');
  });

  it('a wrong typ (a DPoP proof offered as a handshake)', async () => {
    await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey, { header: { typ: 'dpop+jwt' } }), {
        expectedNonce: NONCE,
      }),
      'INVALID_HANDSHAKE',
    );
  });

  it('a jwk with its private part', async () => {
    const token = await makeHandshake(key, encryptionKey, {
      header: { jwk: await privateJwkOf(key) },
    });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it('a key given by kid only', async () => {
    await rejects(
      verifyHandshake(
        await makeHandshake(key, encryptionKey, { header: { jwk: undefined, kid: 'k1' } }),
        { expectedNonce: NONCE },
      ),
      'INVALID_HANDSHAKE',
    );
  });

  it.each(['jku', 'x5u'])('a key reference through %s', async (member) => {
    const token = await makeHandshake(key, encryptionKey, {
      header: { [member]: 'https://evil.example.com/k' },
    });
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it.each([
    ['two segments', 'eyJhbGciOiJFUzI1NiJ9.e30'],
    ['an empty string', ''],
    ['a JSON serialization', '{"payload":"e30","signatures":[]}'],
  ])('a malformed token: %s', async (_, token) => {
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it('a payload that is not an object', async () => {
    const token = await signJws(
      key,
      { alg: 'ES256', typ: 'devicebind-handshake+jwt', jwk: key.publicJwk },
      ['nonce'],
    );
    await rejects(verifyHandshake(token, { expectedNonce: NONCE }), 'INVALID_HANDSHAKE');
  });

  it('an oversized token, quickly', async () => {
    await rejects(
      verifyHandshake(`${'A'.repeat(10_000_000)}.A.A`, { expectedNonce: NONCE }),
      'INVALID_HANDSHAKE',
    );
  });
});

describe('verifyHandshake arguments', () => {
  it.each([
    ['a non-string token', 42, { expectedNonce: NONCE }],
    ['missing options', 'a.b.c', undefined],
    ['a missing expectedNonce option', 'a.b.c', {}],
    ['an empty expectedNonce option', 'a.b.c', { expectedNonce: '' }],
    ['the old "nonce" option (renamed expectedNonce)', 'a.b.c', { nonce: NONCE }],
    [
      'the old "nonce" option beside expectedNonce',
      'a.b.c',
      { expectedNonce: NONCE, nonce: NONCE },
    ],
    ['a bad maxAgeSeconds', 'a.b.c', { expectedNonce: NONCE, maxAgeSeconds: Number.NaN }],
    ['a replay cache without checkAndStore', 'a.b.c', { expectedNonce: NONCE, replayCache: {} }],
  ])('are refused with INVALID_ARGUMENT: %s', async (_, token, options) => {
    await rejects(verifyHandshake(token as never, options as never), 'INVALID_ARGUMENT');
  });
});

describe('verifyHandshake and single-use nonces', () => {
  it('spends the nonce only on a handshake that passes every other check', async () => {
    const seen: string[] = [];
    const check = (nonce: string) => {
      seen.push(nonce);
      return true;
    };
    await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey, { iat: nowSeconds() - 3600 }), {
        expectedNonce: check,
      }),
      'INVALID_HANDSHAKE',
    );
    await rejects(
      verifyHandshake(await makeHandshake(key, encryptionKey, { claims: { device_id: 'x' } }), {
        expectedNonce: check,
      }),
      'INVALID_HANDSHAKE',
    );
    expect(seen).toEqual([]);
    await verifyHandshake(await makeHandshake(key, encryptionKey), { expectedNonce: check });
    expect(seen).toEqual([NONCE]);
  });
});
