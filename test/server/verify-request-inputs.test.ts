// verifyRequest's inputs: a Fetch API Request (read without consuming the caller's body) or
// `{ method, url, headers, body }`; a configured public origin instead of whatever the
// request names; and methods compared the way `fetch` and `signRequest` write them.

import { describe, expect, it } from 'vitest';
import { DeviceBinding } from '../../src/core/device-binding.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { MemoryReplayCache } from '../../src/server/replay-cache.js';
import { verifyRequest } from '../../src/server/verify-request.js';
import { digestOf, makeProof, newKey, requestWith } from './helpers/proofs.js';
import { rejects } from './helpers/rejects.js';

const URL = 'https://api.example.com/v1/items';
const ORIGIN = 'https://api.example.com';
const key = await newKey();
const options = (extra: Record<string, unknown> = {}) => ({
  signingKey: key.publicJwk,
  replayCache: new MemoryReplayCache(),
  ...extra,
});

/** A Request carrying `body`, with a proof made for `signedBody`. */
async function signedRequest(
  body: string | Uint8Array,
  {
    signedBody = body,
    method = 'POST',
  }: { signedBody?: string | Uint8Array; method?: string } = {},
): Promise<Request> {
  const proof = await makeProof(key, { method, body: signedBody });
  return new Request(URL, { method, headers: { DPoP: proof }, body: body as BodyInit });
}

describe('verifyRequest with a Fetch API Request', () => {
  it('accepts a GET, taking method, URL and headers from the Request', async () => {
    const request = new Request(`${URL}?page=2`, { headers: { DPoP: await makeProof(key) } });
    const { claims } = await verifyRequest(request, options());
    expect(claims.htu).toBe(URL);
  });

  it("accepts a POST and leaves the caller's body unread", async () => {
    const body = '{"name":"widget"}';
    const proof = await makeProof(key, { method: 'POST', body });
    const request = new Request(URL, {
      method: 'POST',
      headers: { DPoP: proof, 'Content-Digest': await digestOf(body) },
      body,
    });
    await verifyRequest(request, options());
    expect(request.bodyUsed).toBe(false);
    expect(await request.text()).toBe(body);
  });

  it('accepts a binary body', async () => {
    const request = await signedRequest(new Uint8Array([0, 1, 2, 255, 254]), { method: 'PUT' });
    await expect(verifyRequest(request, options())).resolves.toBeTruthy();
  });

  it('refuses a Request whose body was swapped', async () => {
    const request = await signedRequest('{"amount":1000}', { signedBody: '{"amount":1}' });
    await rejects(verifyRequest(request, options()), 'INVALID_PROOF', {
      claim: 'content_digest',
      reason: 'mismatch',
    });
  });

  it('refuses a proof for another method than the Request', async () => {
    const request = new Request(URL, {
      method: 'DELETE',
      headers: { DPoP: await makeProof(key) },
    });
    await rejects(verifyRequest(request, options()), 'INVALID_PROOF', { claim: 'htm' });
  });

  it('refuses a Request whose body was already read (INVALID_ARGUMENT)', async () => {
    const request = await signedRequest('x');
    await request.text();
    await rejects(verifyRequest(request, options()), 'INVALID_ARGUMENT');
  });

  it('accepts a Request-like object from another realm or a fetch polyfill', async () => {
    const native = await signedRequest('polyfilled');
    // Not an instance of this realm's Request: only the members verifyRequest reads.
    const foreign = {
      method: native.method,
      url: native.url,
      headers: native.headers,
      body: native.body,
      bodyUsed: false,
      clone: () => native.clone(),
      arrayBuffer: () => native.arrayBuffer(),
    };
    await expect(verifyRequest(foreign as never, options())).resolves.toBeTruthy();
  });
});

describe('verifyRequest with expectedOrigin', () => {
  it('accepts a proof for the public origin when the request URL names an internal one', async () => {
    const request = new Request('http://10.0.0.7:8080/v1/items', {
      headers: { DPoP: await makeProof(key, { url: URL }) },
    });
    await rejects(verifyRequest(request, options()), 'INVALID_PROOF', { claim: 'htu' });
    await expect(verifyRequest(request, options({ expectedOrigin: ORIGIN }))).resolves.toBeTruthy();
  });

  it('refuses a proof made for another service, whatever Host the request claims', async () => {
    // A proof captured on its way to other.example.com, replayed here with a spoofed Host:
    // an adapter that builds request.url from the Host header would name that origin.
    const otherUrl = 'https://other.example.com/v1/items';
    const request = new Request(otherUrl, {
      headers: { DPoP: await makeProof(key, { url: otherUrl }), Host: 'other.example.com' },
    });
    const err = await rejects(
      verifyRequest(request, options({ expectedOrigin: ORIGIN })),
      'INVALID_PROOF',
      { claim: 'htu', expected: URL, actual: otherUrl },
    );
    expect(err.message).toContain(URL);
  });

  it('accepts a path such as req.originalUrl, query included', async () => {
    const request = await requestWith(await makeProof(key), { url: '/v1/items?page=2' });
    await expect(
      verifyRequest(request, options({ expectedOrigin: `${ORIGIN}/` })),
    ).resolves.toBeTruthy();
  });

  it('keeps a path that starts with "//" a path, not another host', async () => {
    const evil = 'https://evil.example.com/v1/items';
    const request = await requestWith(await makeProof(key, { url: evil }), {
      url: '//evil.example.com/v1/items',
    });
    await rejects(verifyRequest(request, options({ expectedOrigin: ORIGIN })), 'INVALID_PROOF', {
      claim: 'htu',
      expected: `${ORIGIN}//evil.example.com/v1/items`,
    });
  });

  it('refuses a path without expectedOrigin (INVALID_ARGUMENT)', async () => {
    const request = await requestWith(await makeProof(key), { url: '/v1/items' });
    await rejects(verifyRequest(request, options()), 'INVALID_ARGUMENT');
  });

  it.each([
    ['a URL with a path', `${ORIGIN}/v1`],
    ['a URL with a query', `${ORIGIN}/?x=1`],
    ['a host without scheme', 'api.example.com'],
    ['another scheme', 'ftp://api.example.com'],
    ['userinfo', 'https://user@api.example.com'],
    ['a number', 443],
  ])('refuses an expectedOrigin that is %s (INVALID_ARGUMENT)', async (_, expectedOrigin) => {
    const request = await requestWith(await makeProof(key));
    await rejects(verifyRequest(request, options({ expectedOrigin })), 'INVALID_ARGUMENT');
  });
});

describe('verifyRequest compares methods as fetch and signRequest write them (RFC 9110 §9.1)', () => {
  it('accepts request method "get" for a proof made for GET', async () => {
    const request = await requestWith(await makeProof(key, { method: 'GET' }), { method: 'get' });
    await expect(verifyRequest(request, options())).resolves.toBeTruthy();
  });

  it('accepts signRequest({ method: "post" }) verified with method "post"', async () => {
    const binding = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'methods' });
    await binding.ensureKeys();
    const headers = await binding.signRequest({ method: 'post', url: URL, body: 'x' });
    const deviceKey = (await binding.createHandshake({ nonce: 'n' })).signingKey;
    await expect(
      verifyRequest(
        { method: 'post', url: URL, headers, body: 'x' },
        { signingKey: deviceKey, replayCache: new MemoryReplayCache() },
      ),
    ).resolves.toBeTruthy();
  });

  it('accepts "patch" as sent, since fetch does not upper-case it', async () => {
    const request = await requestWith(await makeProof(key, { method: 'patch' }), {
      method: 'patch',
    });
    await expect(verifyRequest(request, options())).resolves.toBeTruthy();
  });

  it('refuses a proof for "PATCH" on a "patch" request: methods are case-sensitive', async () => {
    const request = await requestWith(await makeProof(key, { method: 'PATCH' }), {
      method: 'patch',
    });
    await rejects(verifyRequest(request, options()), 'INVALID_PROOF', {
      claim: 'htm',
      expected: 'patch',
      actual: 'PATCH',
    });
  });

  it('refuses a proof whose htm is "get" for a GET request', async () => {
    const request = await requestWith(await makeProof(key, { method: 'get' }));
    await rejects(verifyRequest(request, options()), 'INVALID_PROOF', {
      claim: 'htm',
      expected: 'GET',
      actual: 'get',
    });
  });
});
