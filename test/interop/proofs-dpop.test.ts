// Interop with another DPoP implementation: proofs from the `dpop` package verify with
// verifyRequest.

import { generateKeyPair, generateProof } from 'dpop';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import type { PublicJwk } from '../../src/core/jwk.js';
import { createNonceIssuer } from '../../src/server/nonce-issuer.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyRequest } from '../../src/server/verify-request.js';

const URL = 'https://api.example.com/v1/profile';

async function publicJwkOf(key: CryptoKey): Promise<PublicJwk> {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', key);
  return (kty === 'EC' ? { kty, crv, x, y } : { kty, crv, x }) as PublicJwk;
}

describe('proofs made with the dpop package', () => {
  it('verify (ES256, GET)', async () => {
    const pair = await generateKeyPair('ES256');
    const signingKey = await publicJwkOf(pair.publicKey);
    const proof = await generateProof(pair, URL, 'GET');
    const result = await verifyRequest(
      { method: 'GET', url: URL, headers: { DPoP: proof } },
      { signingKey, replayCache: new MemoryReplayCache() },
    );
    expect(result.deviceId).toBe(await calculateJwkThumbprint(signingKey));
  });

  it('verify with an access token and a server nonce from createNonceIssuer', async () => {
    const pair = await generateKeyPair('ES256');
    const signingKey = await publicJwkOf(pair.publicKey);
    const nonces = createNonceIssuer({ secret: crypto.getRandomValues(new Uint8Array(32)) });
    const proof = await generateProof(pair, URL, 'PATCH', nonces.issue(), 'at-123', {
      extra: 'kept',
    });
    const result = await verifyRequest(
      { method: 'PATCH', url: URL, headers: new Headers({ dpop: proof }) },
      {
        replayCache: new MemoryReplayCache(),
        signingKey,
        accessToken: 'at-123',
        expectedNonce: nonces,
      },
    );
    expect(result.claims.extra).toBe('kept');
  });

  it('are refused when replayed', async () => {
    const pair = await generateKeyPair('ES256');
    const signingKey = await publicJwkOf(pair.publicKey);
    const replayCache = new MemoryReplayCache();
    const request = {
      method: 'GET',
      url: URL,
      headers: { dpop: await generateProof(pair, URL, 'GET') },
    };
    await verifyRequest(request, { signingKey, replayCache });
    const err = await verifyRequest(request, { signingKey, replayCache }).catch((e: unknown) => e);
    expect((err as DeviceBindingError).code).toBe('REPLAYED');
  });

  it('signed with RS256 are refused with UNSUPPORTED_ALGORITHM', async () => {
    const pair = await generateKeyPair('RS256');
    const proof = await generateProof(pair, URL, 'GET');
    const other = await generateKeyPair('ES256');
    const err = await verifyRequest(
      { method: 'GET', url: URL, headers: { dpop: proof } },
      { replayCache: new MemoryReplayCache(), signingKey: await publicJwkOf(other.publicKey) },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceBindingError);
    expect((err as DeviceBindingError).code).toBe('UNSUPPORTED_ALGORITHM');
  });

  it('signed with Ed25519 under the fully-specified alg "Ed25519" (RFC 9864) verify', async () => {
    const pair = await generateKeyPair('Ed25519');
    const proof = await generateProof(pair, URL, 'GET');
    expect(JSON.parse(Buffer.from(proof.split('.')[0]!, 'base64url').toString()).alg).toBe(
      'Ed25519',
    );
    const { deviceId } = await verifyRequest(
      { method: 'GET', url: URL, headers: { dpop: proof } },
      { replayCache: new MemoryReplayCache(), signingKey: await publicJwkOf(pair.publicKey) },
    );
    expect(deviceId).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('signed with "Ed25519" but carrying a P-256 key are refused', async () => {
    const ed = await generateKeyPair('Ed25519');
    const ec = await generateKeyPair('ES256');
    const proof = await generateProof(ed, URL, 'GET');
    const [, payload, signature] = proof.split('.');
    const header = Buffer.from(
      JSON.stringify({ typ: 'dpop+jwt', alg: 'Ed25519', jwk: await publicJwkOf(ec.publicKey) }),
    ).toString('base64url');
    const err = await verifyRequest(
      { method: 'GET', url: URL, headers: { dpop: `${header}.${payload}.${signature}` } },
      { replayCache: new MemoryReplayCache(), signingKey: await publicJwkOf(ec.publicKey) },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceBindingError);
    expect((err as DeviceBindingError).code).toBe('INVALID_PROOF');
  });
});
