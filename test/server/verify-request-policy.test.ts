// verifyRequest's policies: replay protection required by default (with an explicit,
// documented opt-out), the renamed `expectedNonce` option, the refusal of a DPoP-bound
// token downgraded to `Authorization: Bearer`, and how a body must be bound to its proof.

import { describe, expect, it } from 'vitest';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyRequest } from '../../src/server/verify-request.js';
import { digestOf, makeProof, newKey, requestWith } from './helpers/proofs.js';
import { rejects } from './helpers/rejects.js';

const URL = 'https://api.example.com/v1/items';
const key = await newKey();
const signingKey = key.publicJwk;

describe('verifyRequest is secure by default', () => {
  it('refuses to run without a replayCache, even for a valid proof (INVALID_ARGUMENT)', async () => {
    const request = await requestWith(await makeProof(key));
    const err = await rejects(verifyRequest(request, { signingKey } as never), 'INVALID_ARGUMENT');
    expect(err.message).toContain('"options.replayCache"');
    expect(err.message).toContain('false');
  });

  it.each([
    ['null', null],
    ['true', true],
    ['an object without checkAndStore', {}],
    ['a function', () => true],
  ])('refuses replayCache %s (INVALID_ARGUMENT)', async (_, replayCache) => {
    const request = await requestWith(await makeProof(key));
    await rejects(
      verifyRequest(request, { signingKey, replayCache: replayCache as never }),
      'INVALID_ARGUMENT',
    );
  });

  it('with a replay cache, accepts a proof once and refuses it after (REPLAYED)', async () => {
    const replayCache = new MemoryReplayCache();
    const request = await requestWith(await makeProof(key));
    await verifyRequest(request, { signingKey, replayCache });
    await rejects(verifyRequest(request, { signingKey, replayCache }), 'REPLAYED', {
      claim: 'jti',
      reason: 'replayed',
    });
  });

  it('with replayCache: false (the opt-out), a single-use nonce refuses the second use itself', async () => {
    const issued = new Set(['n-1']);
    const expectedNonce = (nonce: string) => issued.delete(nonce);
    const request = await requestWith(await makeProof(key, { nonce: 'n-1' }));
    await verifyRequest(request, { signingKey, replayCache: false, expectedNonce });
    await rejects(
      verifyRequest(request, { signingKey, replayCache: false, expectedNonce }),
      'NONCE_REQUIRED',
    );
  });

  it('refuses the old "nonce" option, which would otherwise silently turn the nonce check off', async () => {
    const request = await requestWith(await makeProof(key));
    const err = await rejects(
      verifyRequest(request, {
        signingKey,
        replayCache: new MemoryReplayCache(),
        nonce: 'n-1',
      } as never),
      'INVALID_ARGUMENT',
    );
    expect(err.message).toContain('"options.expectedNonce"');
  });

  it('refuses the old "nonce" option even beside expectedNonce', async () => {
    const request = await requestWith(await makeProof(key, { nonce: 'n-1' }));
    await rejects(
      verifyRequest(request, {
        signingKey,
        replayCache: new MemoryReplayCache(),
        expectedNonce: 'n-1',
        nonce: 'n-1',
      } as never),
      'INVALID_ARGUMENT',
    );
  });
});

describe('verifyRequest refuses a DPoP-bound token downgraded to Bearer (RFC 9449 §7.2)', () => {
  const token = 'at-bound-1';
  const verify = async (authorization: string | string[], accessToken?: string) =>
    verifyRequest(
      {
        method: 'GET',
        url: URL,
        headers: { dpop: await makeProof(key, { accessToken: token }), authorization },
      },
      { signingKey, replayCache: new MemoryReplayCache(), accessToken },
    );

  it('accepts the token sent as "Authorization: DPoP <token>"', async () => {
    await expect(verify(`DPoP ${token}`, token)).resolves.toBeTruthy();
  });

  it('accepts the scheme in any case ("dpop"), as RFC 9110 §11.1 says', async () => {
    await expect(verify(`dpop ${token}`, token)).resolves.toBeTruthy();
  });

  it('refuses the token sent as "Authorization: Bearer <token>"', async () => {
    const err = await rejects(verify(`Bearer ${token}`, token), 'INVALID_PROOF', {
      claim: 'Authorization',
      reason: 'mismatch',
      expected: 'DPoP',
      actual: 'Bearer',
    });
    expect(err.message).toContain('RFC 9449 §7.2');
    expect(err.message).not.toContain(token);
  });

  it('refuses Bearer in another case ("bEaReR")', async () => {
    await rejects(verify(`bEaReR ${token}`, token), 'INVALID_PROOF', { claim: 'Authorization' });
  });

  it('refuses Bearer even when the app passes no accessToken', async () => {
    await rejects(
      verifyRequest(
        {
          method: 'GET',
          url: URL,
          headers: { dpop: await makeProof(key), authorization: `Bearer ${token}` },
        },
        { signingKey, replayCache: new MemoryReplayCache() },
      ),
      'INVALID_PROOF',
      { claim: 'Authorization' },
    );
  });

  it('refuses Bearer in a Fetch Headers object', async () => {
    const headers = new Headers({
      dpop: await makeProof(key, { accessToken: token }),
      authorization: `Bearer ${token}`,
    });
    await rejects(
      verifyRequest(
        { method: 'GET', url: URL, headers },
        { signingKey, replayCache: new MemoryReplayCache(), accessToken: token },
      ),
      'INVALID_PROOF',
      { claim: 'Authorization' },
    );
  });

  it('refuses another scheme (Basic) when an access token is verified', async () => {
    await rejects(verify('Basic dXNlcjpwdw==', token), 'INVALID_PROOF', {
      claim: 'Authorization',
      actual: 'Basic',
    });
  });

  it('refuses two Authorization headers, one DPoP and one Bearer', async () => {
    await rejects(verify([`DPoP ${token}`, `Bearer ${token}`], token), 'INVALID_PROOF', {
      claim: 'Authorization',
      reason: 'duplicate',
    });
  });
});

describe('verifyRequest body binding', () => {
  const body = '{"name":"widget"}';
  // A standard DPoP proof (oauth4webapi, dpop): method, URL and token, no content_digest.
  const standardPost = async () =>
    requestWith(await makeProof(key, { method: 'POST' }), { method: 'POST' }).then((r) => ({
      ...r,
      body,
    }));

  it('by default refuses a body the proof does not cover, naming content_digest', async () => {
    const err = await rejects(
      verifyRequest(await standardPost(), { signingKey, replayCache: new MemoryReplayCache() }),
      'INVALID_PROOF',
      { claim: 'content_digest', reason: 'missing' },
    );
    expect(err.message).toContain('bodyBinding');
  });

  it('by default refuses an uncovered body in a Fetch Request', async () => {
    const proof = await makeProof(key, { method: 'POST' });
    const request = new Request(URL, { method: 'POST', headers: { dpop: proof }, body });
    await rejects(
      verifyRequest(request, { signingKey, replayCache: new MemoryReplayCache() }),
      'INVALID_PROOF',
      { claim: 'content_digest', reason: 'missing' },
    );
  });

  it('with bodyBinding "optional", accepts a standard proof whose body is not covered', async () => {
    const { claims } = await verifyRequest(await standardPost(), {
      signingKey,
      replayCache: new MemoryReplayCache(),
      bodyBinding: 'optional',
    });
    expect(claims.content_digest).toBeUndefined();
  });

  it('with bodyBinding "optional", still checks a proof that covers its body', async () => {
    const proof = await makeProof(key, { method: 'POST', body });
    const request = await requestWith(proof, { method: 'POST', body });
    await rejects(
      verifyRequest(
        { ...request, body: '{"name":"swapped"}', headers: { dpop: proof } },
        { signingKey, replayCache: new MemoryReplayCache(), bodyBinding: 'optional' },
      ),
      'INVALID_PROOF',
      { claim: 'content_digest', reason: 'mismatch' },
    );
  });

  it('with bodyBinding "optional", still refuses a Content-Digest header the proof does not cover', async () => {
    const request = await standardPost();
    await rejects(
      verifyRequest(
        { ...request, headers: { ...request.headers, 'content-digest': await digestOf(body) } },
        { signingKey, replayCache: new MemoryReplayCache(), bodyBinding: 'optional' },
      ),
      'INVALID_PROOF',
      { claim: 'Content-Digest' },
    );
  });

  it.each([
    ['true', true],
    ['"none"', 'none'],
    ['"Optional"', 'Optional'],
  ])('refuses bodyBinding %s (INVALID_ARGUMENT)', async (_, bodyBinding) => {
    await rejects(
      verifyRequest(await standardPost(), {
        signingKey,
        replayCache: new MemoryReplayCache(),
        bodyBinding: bodyBinding as never,
      }),
      'INVALID_ARGUMENT',
    );
  });
});
