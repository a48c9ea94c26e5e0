// answerVerificationError: every verification failure, produced by the real verifiers, gets
// the status, challenge and headers its table promises; server mistakes and foreign errors
// become a 500 that shows nothing.

import { describe, expect, it } from 'vitest';
import { DeviceBindingError } from '../../src/core/errors.js';
import { answerVerificationError } from '../../src/server/answer-verification-error.js';
import { createNonceIssuer } from '../../src/server/nonce-issuer.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyHandshake } from '../../src/server/verify-handshake.js';
import { type VerifyRequestCommonOptions, verifyRequest } from '../../src/server/verify-request.js';
import { makeHandshake, newEncryptionKey } from './helpers/handshakes.js';
import { makeProof, newKey, requestWith, sha256b64url } from './helpers/proofs.js';
import { rejects } from './helpers/rejects.js';

const URL = 'https://api.example.com/v1/items';
const ALGS = 'algs="ES256 EdDSA Ed25519"';
const key = await newKey();
const nonces = createNonceIssuer({ secret: crypto.getRandomValues(new Uint8Array(32)) });

/** What verifyRequest throws for `request` (it must throw). */
async function failure(
  request: Parameters<typeof verifyRequest>[0],
  extra: Partial<VerifyRequestCommonOptions> = {},
): Promise<DeviceBindingError> {
  return verifyRequest(request, {
    signingKey: key.publicJwk,
    replayCache: new MemoryReplayCache(),
    ...extra,
  }).then(
    () => expect.fail('verifyRequest accepted the request'),
    (err: unknown) => err as DeviceBindingError,
  );
}

function bodyOf(answer: { body: string }): Record<string, string> {
  return JSON.parse(answer.body) as Record<string, string>;
}

describe('answerVerificationError answers a request proof failure with 401', () => {
  it('without an error code when the request has no DPoP header (RFC 6750 §3.1)', async () => {
    const answer = answerVerificationError(await failure({ method: 'GET', url: URL, headers: {} }));
    expect(answer.status).toBe(401);
    expect(answer.headers['WWW-Authenticate']).toBe(`DPoP ${ALGS}`);
  });

  it('with invalid_dpop_proof for a forged signature', async () => {
    const forged = await makeProof(await newKey(), { header: { jwk: key.publicJwk } });
    const err = await failure(await requestWith(forged));
    expect(err.detail?.reason).toBe('invalid_signature');
    const answer = answerVerificationError(err);
    expect(answer.status).toBe(401);
    expect(answer.headers['WWW-Authenticate']).toBe(`DPoP error="invalid_dpop_proof", ${ALGS}`);
    expect(bodyOf(answer)).toMatchObject({ error: 'invalid_dpop_proof', code: 'INVALID_PROOF' });
  });

  it('with invalid_dpop_proof for an algorithm outside the allowlist', async () => {
    const proof = await makeProof(key, { header: { alg: 'HS256' } });
    const err = await failure(await requestWith(proof));
    expect(err.code).toBe('UNSUPPORTED_ALGORITHM');
    expect(answerVerificationError(err).headers['WWW-Authenticate']).toContain(
      'error="invalid_dpop_proof"',
    );
  });

  it('with invalid_dpop_proof for a replayed proof', async () => {
    const replayCache = new MemoryReplayCache();
    const request = await requestWith(await makeProof(key));
    await verifyRequest(request, { signingKey: key.publicJwk, replayCache });
    const err = await failure(request, { replayCache });
    expect(err.code).toBe('REPLAYED');
    expect(answerVerificationError(err).status).toBe(401);
  });

  it('with invalid_token for a token sent as Bearer (RFC 9449 §7.2)', async () => {
    const request = await requestWith(await makeProof(key, { accessToken: 'at-1' }), {
      headers: { authorization: 'Bearer at-1' },
    });
    const answer = answerVerificationError(await failure(request, { accessToken: 'at-1' }));
    expect(answer.status).toBe(401);
    expect(answer.headers['WWW-Authenticate']).toBe(`DPoP error="invalid_token", ${ALGS}`);
  });

  it('with Want-Content-Digest when the body is not covered (RFC 9530 §4)', async () => {
    const request = {
      ...(await requestWith(await makeProof(key, { method: 'POST' }), { method: 'POST' })),
      body: '{"a":1}',
    };
    const answer = answerVerificationError(await failure(request));
    expect(answer.status).toBe(401);
    expect(answer.headers['Want-Content-Digest']).toBe('sha-256=10');
  });

  it('without Want-Content-Digest for a body that does not match its digest', async () => {
    const proof = await makeProof(key, { method: 'POST', body: 'a' });
    const answer = answerVerificationError(
      await failure({ method: 'POST', url: URL, headers: { dpop: proof }, body: 'b' }),
    );
    expect(answer.headers['Want-Content-Digest']).toBeUndefined();
  });

  it('with use_dpop_nonce and a fresh DPoP-Nonce, which a retry then passes with', async () => {
    const replayCache = new MemoryReplayCache();
    const options = { signingKey: key.publicJwk, replayCache, expectedNonce: nonces };
    const err = await rejects(
      verifyRequest(await requestWith(await makeProof(key)), options),
      'NONCE_REQUIRED',
    );
    const answer = answerVerificationError(err, { dpopNonce: nonces });
    expect(answer.status).toBe(401);
    expect(answer.headers['WWW-Authenticate']).toMatch(/^DPoP error="use_dpop_nonce"/);
    const nonce = answer.headers['DPoP-Nonce']!;
    expect(nonce).toBe(nonces.issue());
    const retry = await requestWith(await makeProof(key, { nonce }));
    await expect(verifyRequest(retry, options)).resolves.toBeTruthy();
  });

  it('with the given DPoP-Nonce on every 401, not only nonce challenges', async () => {
    const answer = answerVerificationError(
      await failure({ method: 'GET', url: URL, headers: {} }),
      { dpopNonce: 'n-42' },
    );
    expect(answer.headers['DPoP-Nonce']).toBe('n-42');
  });

  it('naming neither the access token nor its hash, whatever failed', async () => {
    const token = 'secret-access-token-value';
    const proof = await makeProof(key, { accessToken: 'another-token' });
    const answer = answerVerificationError(
      await failure(await requestWith(proof), { accessToken: token }),
    );
    const text = JSON.stringify(answer);
    expect(text).not.toContain(token);
    expect(text).not.toContain(await sha256b64url(token));
    expect(text).not.toContain(await sha256b64url('another-token'));
  });

  it('saying what the server expected for a URL mismatch', async () => {
    const proof = await makeProof(key, { url: 'http://api.example.com/v1/items' });
    const answer = answerVerificationError(await failure(await requestWith(proof)));
    expect(bodyOf(answer).error_description).toContain('"http://api.example.com/v1/items"');
    expect(bodyOf(answer).error_description).toContain(`"${URL}"`);
  });
});

describe('answerVerificationError answers other failures', () => {
  it('503 with Retry-After when the replay cache fails', async () => {
    const replayCache = { checkAndStore: () => Promise.reject(new Error('redis down')) };
    const err = await failure(await requestWith(await makeProof(key)), { replayCache });
    const answer = answerVerificationError(err);
    expect(answer.status).toBe(503);
    expect(answer.headers['Retry-After']).toBe('1');
    expect(answer.body).not.toContain('redis down');
    expect(answerVerificationError(err, { retryAfterSeconds: 5 }).headers['Retry-After']).toBe('5');
  });

  it('503 when a nonce check throws', async () => {
    const err = await failure(await requestWith(await makeProof(key, { nonce: 'n' })), {
      expectedNonce: () => {
        throw new Error('nonce store down');
      },
    });
    expect(answerVerificationError(err).status).toBe(503);
  });

  it('400 for a handshake that fails', async () => {
    const token = await makeHandshake(key, await newEncryptionKey(), { nonce: 'other' });
    const err = await rejects(
      verifyHandshake(token, { expectedNonce: 'challenge' }),
      'INVALID_HANDSHAKE',
    );
    const answer = answerVerificationError(err);
    expect(answer.status).toBe(400);
    expect(answer.headers['WWW-Authenticate']).toBeUndefined();
    expect(bodyOf(answer)).toMatchObject({ error: 'invalid_handshake' });
  });

  it('400 for an unsupported algorithm in a handshake, with verifying: "handshake"', async () => {
    const token = await makeHandshake(key, await newEncryptionKey(), {
      header: { alg: 'HS256' },
    });
    const err = await rejects(
      verifyHandshake(token, { expectedNonce: 'challenge-1' }),
      'UNSUPPORTED_ALGORITHM',
    );
    expect(answerVerificationError(err, { verifying: 'handshake' }).status).toBe(400);
  });

  it('403 for attestation that does not meet the policy', () => {
    const err = new DeviceBindingError('ATTESTATION_FAILED', 'software key', {
      detail: { reason: 'software_key' },
    });
    expect(answerVerificationError(err).status).toBe(403);
  });

  it("500 for the server's own argument mistake, showing nothing of it", async () => {
    const err = await rejects(
      verifyRequest(await requestWith(await makeProof(key)), {
        signingKey: key.publicJwk,
      } as never),
      'INVALID_ARGUMENT',
    );
    const answer = answerVerificationError(err);
    expect(answer.status).toBe(500);
    expect(answer.body).toBe('{"error":"server_error"}');
  });

  it('500 for CRYPTO_UNAVAILABLE', () => {
    const err = new DeviceBindingError('CRYPTO_UNAVAILABLE', 'no WebCrypto');
    expect(answerVerificationError(err).body).toBe('{"error":"server_error"}');
  });

  it.each([
    ['a TypeError', new TypeError('db password is hunter2')],
    ['a thrown string', 'db password is hunter2'],
    ['undefined', undefined],
  ])('500 for %s, without its message', (_, thrown) => {
    const answer = answerVerificationError(thrown);
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain('hunter2');
  });

  it('answers that a Fetch Response and node:http take as they are', async () => {
    const answer = answerVerificationError(
      await failure({ method: 'GET', url: URL, headers: {} }),
      { dpopNonce: nonces },
    );
    const response = new Response(answer.body, answer);
    expect(response.status).toBe(401);
    expect(response.headers.get('dpop-nonce')).toBe(nonces.issue());
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('answerVerificationError options', () => {
  const err = new DeviceBindingError('NONCE_REQUIRED', 'nonce required');
  it.each([
    ['a dpopNonce with a quote', { dpopNonce: 'a"b' }],
    ['a dpopNonce that is a number', { dpopNonce: 5 }],
    ['a verifying value outside the two', { verifying: 'proof' }],
    ['a negative retryAfterSeconds', { retryAfterSeconds: -1 }],
    ['options that are not an object', 'nonce'],
  ])('refuse %s (INVALID_ARGUMENT)', (_, options) => {
    expect(() => answerVerificationError(err, options as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
