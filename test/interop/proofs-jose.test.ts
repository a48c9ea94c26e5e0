// Interop with jose: DPoP proofs jose makes (SignJWT with the embedded public JWK) verify
// with verifyRequest, and verifyRequest refuses the same tampering jose refuses.

import {
  calculateJwkThumbprint,
  EmbeddedJWK,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { encodeBase64, encodeBase64url } from '../../src/core/base64url.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import type { PublicJwk } from '../../src/core/jwk.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyRequest } from '../../src/server/verify-request.js';

const URL = 'https://api.example.com/v1/orders';

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

async function joseKey(alg: 'ES256' | 'EdDSA') {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    crv: alg === 'EdDSA' ? 'Ed25519' : undefined,
  });
  const jwk = (await exportJWK(publicKey)) as PublicJwk;
  return { privateKey, jwk, alg };
}

describe.each(['ES256', 'EdDSA'] as const)('proofs made with jose SignJWT (%s)', (alg) => {
  it('verify with verifyRequest, body, access token and nonce included', async () => {
    const { privateKey, jwk } = await joseKey(alg);
    const body = new TextEncoder().encode('{"qty":3}');
    const digest = `sha-256=:${encodeBase64(await sha256(body))}:`;
    const token = 'access-token-abc';
    const proof = await new SignJWT({
      jti: crypto.randomUUID(),
      htm: 'POST',
      htu: URL,
      ath: encodeBase64url(await sha256(new TextEncoder().encode(token))),
      nonce: 'server-nonce',
      content_digest: digest,
    })
      .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk })
      .setIssuedAt()
      .sign(privateKey);
    const result = await verifyRequest(
      {
        method: 'POST',
        url: `${URL}?x=1`,
        headers: new Headers({ DPoP: proof, 'Content-Digest': digest }),
        body,
      },
      {
        signingKey: jwk,
        accessToken: token,
        expectedNonce: 'server-nonce',
        replayCache: new MemoryReplayCache(),
      },
    );
    expect(result.deviceId).toBe(await calculateJwkThumbprint(jwk));
    // jose agrees the proof is valid.
    await expect(jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' })).resolves.toBeTruthy();
  });

  it('are refused by both jose and verifyRequest once the payload is altered', async () => {
    const { privateKey, jwk } = await joseKey(alg);
    const proof = await new SignJWT({ jti: crypto.randomUUID(), htm: 'GET', htu: URL })
      .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk })
      .setIssuedAt()
      .sign(privateKey);
    const [h, , s] = proof.split('.');
    const altered = `${h}.${encodeBase64url(new TextEncoder().encode(JSON.stringify({ jti: 'x', htm: 'GET', htu: `${URL}/all`, iat: Math.floor(Date.now() / 1000) })))}.${s}`;
    await expect(jwtVerify(altered, EmbeddedJWK)).rejects.toThrow();
    await expect(
      verifyRequest(
        { method: 'GET', url: `${URL}/all`, headers: { dpop: altered } },
        { replayCache: new MemoryReplayCache(), signingKey: jwk },
      ),
    ).rejects.toBeInstanceOf(DeviceBindingError);
  });
});

describe('what jose accepts but a DPoP verifier must refuse', () => {
  it('a proof with a jku header instead of an embedded key', async () => {
    const { privateKey, jwk } = await joseKey('ES256');
    const proof = await new SignJWT({ jti: crypto.randomUUID(), htm: 'GET', htu: URL })
      .setProtectedHeader({
        alg: 'ES256',
        typ: 'dpop+jwt',
        jwk,
        jku: 'https://evil.example.com/jwks',
      })
      .setIssuedAt()
      .sign(privateKey);
    await expect(jwtVerify(proof, EmbeddedJWK)).resolves.toBeTruthy();
    const err = await verifyRequest(
      { method: 'GET', url: URL, headers: { dpop: proof } },
      { replayCache: new MemoryReplayCache(), signingKey: jwk },
    ).catch((e: unknown) => e);
    expect((err as DeviceBindingError).code).toBe('INVALID_PROOF');
  });
});
