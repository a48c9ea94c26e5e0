// createFetch's nonce memory: kept per origin of the response that carried a nonce, only
// values of RFC 9449's NQCHAR grammar, never a throw on what a server sends, and a clear
// NONCE_UNREADABLE when a nonce is demanded but cannot be read.

import { describe, expect, it } from 'vitest';
import { createFetch } from '../../src/fetch.js';
import {
  boundBinding,
  cancellableBody,
  nonceChallenge,
  ok,
  originsClosedAfterEach,
  proofOf,
  redirectTo,
  scriptedFetch,
} from '../helpers/bound-fetch-harness.js';

const API = 'https://api.example.com';

const origin = originsClosedAfterEach();

describe('createFetch: where a nonce is kept', () => {
  it('keeps a nonce from a redirected response under the origin that sent it', async () => {
    const other = await origin((_, res) => {
      res.writeHead(200, { 'DPoP-Nonce': 'nonce-of-b' }).end('b');
    });
    const home = await origin((req, res) => {
      if (req.url === '/go') res.writeHead(302, { Location: `${other.origin}/x` }).end();
      else res.end('a');
    });
    const api = createFetch(await boundBinding());
    await api(`${home.origin}/go`);
    await api(`${home.origin}/again`);
    expect(proofOf(home.seen[1]!)).not.toHaveProperty('nonce');
  });

  it('uses the nonce of the other origin there, once credentials may go there', async () => {
    const other = await origin((_, res) => {
      res.writeHead(200, { 'DPoP-Nonce': 'nonce-of-b' }).end('b');
    });
    const { seen, fetchImpl } = scriptedFetch([redirectTo(302, `${other.origin}/x`), ok()]);
    const api = createFetch(await boundBinding(), {
      fetch: async (input, init) => {
        const request = new Request(input, init);
        return request.url.startsWith(other.origin) ? fetch(request) : fetchImpl(request);
      },
      redirectCredentials: 'include',
    });
    await api(`${API}/go`);
    await api(`${other.origin}/y`);
    expect(proofOf(other.seen[1]!).nonce).toBe('nonce-of-b');
    await api(`${API}/z`);
    expect(proofOf(seen[1]!)).not.toHaveProperty('nonce');
  });
});

describe('createFetch: server-supplied nonces it ignores', () => {
  it.each([
    ['two DPoP-Nonce headers, joined as "a, b"', ['n-a', 'n-b']],
    ['a nonce with a double quote', ['bad"nonce']],
    ['a nonce with a backslash', ['bad\\nonce']],
    ['a nonce with a space', ['bad nonce']],
    ['an empty nonce', ['']],
  ])('ignores %s, and the next request still goes out', async (_, values) => {
    const answer = () => {
      const headers = new Headers();
      for (const value of values) headers.append('DPoP-Nonce', value);
      return new Response('ok', { headers });
    };
    const { seen, fetchImpl } = scriptedFetch([answer, ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    await api(`${API}/1`);
    const res = await api(`${API}/2`);
    expect(res.status).toBe(200);
    expect(proofOf(seen[1]!)).not.toHaveProperty('nonce');
  });

  it('keeps the last good nonce when a later response carries a bad one', async () => {
    const bad = () => new Response('ok', { headers: { 'DPoP-Nonce': 'not"ok' } });
    const { seen, fetchImpl } = scriptedFetch([ok({ 'DPoP-Nonce': 'good-1' }), bad, ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    await api(`${API}/1`);
    await api(`${API}/2`);
    await api(`${API}/3`);
    expect(proofOf(seen[2]!).nonce).toBe('good-1');
  });

  it('returns a nonce challenge whose nonce is malformed, without retrying or throwing', async () => {
    const { seen, fetchImpl } = scriptedFetch([nonceChallenge('a, b'), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    const res = await api(`${API}/1`);
    expect(res.status).toBe(401);
    expect(seen).toHaveLength(1);
  });

  it('cancels the body of the nonce challenge it retries', async () => {
    const challenge = cancellableBody();
    const { seen, fetchImpl } = scriptedFetch([
      () =>
        new Response(challenge.body, {
          status: 401,
          headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'n-1' },
        }),
      ok(),
    ]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    expect((await api(`${API}/1`)).status).toBe(200);
    expect(seen).toHaveLength(2);
    await expect.poll(challenge.cancelled).toBe(true);
  });
});

describe('createFetch: a nonce it is asked for but cannot read (NONCE_UNREADABLE)', () => {
  const exposeHeaders = /Access-Control-Expose-Headers: DPoP-Nonce, WWW-Authenticate/;

  it('raises NONCE_UNREADABLE for a 401 use_dpop_nonce without DPoP-Nonce', async () => {
    const challenge = () =>
      new Response(null, {
        status: 401,
        headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"' },
      });
    const { seen, fetchImpl } = scriptedFetch([challenge, ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    const sent = api(`${API}/1`);
    await expect(sent).rejects.toMatchObject({ code: 'NONCE_UNREADABLE' });
    await expect(sent).rejects.toThrow(exposeHeaders);
    expect(seen).toHaveLength(1);
  });

  it('raises NONCE_UNREADABLE for a 400 use_dpop_nonce (authorization server) without DPoP-Nonce', async () => {
    const challenge = () =>
      new Response(JSON.stringify({ error: 'use_dpop_nonce' }), { status: 400 });
    const { fetchImpl } = scriptedFetch([challenge]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    await expect(api(`${API}/token`, { method: 'POST', body: 'x' })).rejects.toThrow(exposeHeaders);
  });

  it('names the origin that demanded the nonce', async () => {
    const challenge = () =>
      new Response(null, {
        status: 401,
        headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"' },
      });
    const { fetchImpl } = scriptedFetch([challenge]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    await expect(api(`${API}/1`)).rejects.toThrow(/^https:\/\/api\.example\.com demands/);
  });

  it('returns a 401 invalid_token as it is (no false alarm)', async () => {
    const denied = () =>
      new Response(null, {
        status: 401,
        headers: { 'WWW-Authenticate': 'DPoP error="invalid_token"' },
      });
    const { fetchImpl } = scriptedFetch([denied]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    expect((await api(`${API}/1`)).status).toBe(401);
  });

  it('returns a 401 without any WWW-Authenticate outside CORS as it is (no false alarm)', async () => {
    const bare = () => new Response(null, { status: 401 });
    const { fetchImpl } = scriptedFetch([bare]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    expect((await api(`${API}/1`)).status).toBe(401);
  });

  it('returns a 400 with another JSON error as it is (no false alarm)', async () => {
    const other = () => new Response(JSON.stringify({ error: 'invalid_grant' }), { status: 400 });
    const { fetchImpl } = scriptedFetch([other]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    const res = await api(`${API}/token`, { method: 'POST', body: 'x' });
    expect(await res.json()).toEqual({ error: 'invalid_grant' });
  });

  it('does not judge the answers of another origin it sent no proof to', async () => {
    const other = await origin((_, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"' }).end();
    });
    const { fetchImpl } = scriptedFetch([redirectTo(302, `${other.origin}/x`)]);
    const api = createFetch(await boundBinding(), {
      fetch: async (input, init) => {
        const request = new Request(input, init);
        return request.url.startsWith(other.origin) ? fetch(request) : fetchImpl(request);
      },
    });
    expect((await api(`${API}/go`)).status).toBe(401);
  });
});
