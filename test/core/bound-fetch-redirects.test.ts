// createFetch follows redirects itself: each hop is signed for its own method and URL, the
// Fetch standard's method and body rules apply, and a proof or token never reaches another
// origin unless the caller opts in (RFC 9449 §4.3 binds a proof to one htm and htu).

import { describe, expect, it } from 'vitest';
import { createFetch } from '../../src/fetch.js';
import {
  boundBinding,
  cancellableBody,
  type OriginServer,
  ok,
  originsClosedAfterEach,
  proofOf,
  redirectTo,
  scriptedFetch,
} from '../helpers/bound-fetch-harness.js';

const API = 'https://api.example.com';

const origin = originsClosedAfterEach();

describe('createFetch: redirects on the same origin', () => {
  it('signs a 307 hop for its own URL, with the same method and body', async () => {
    const { seen, fetchImpl } = scriptedFetch([redirectTo(307, '/v2/items'), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl, accessToken: 'at' });
    const res = await api(`${API}/v1/items`, { method: 'POST', body: 'payload' });
    expect(res.status).toBe(200);
    expect(seen.map((s) => s.url)).toEqual([`${API}/v1/items`, `${API}/v2/items`]);
    expect(seen[1]).toMatchObject({ method: 'POST', body: 'payload' });
    expect(proofOf(seen[1]!)).toMatchObject({ htm: 'POST', htu: `${API}/v2/items` });
    expect(seen[1]!.headers.get('Authorization')).toBe('DPoP at');
    expect(seen[1]!.headers.get('Content-Digest')).toBe(seen[0]!.headers.get('Content-Digest'));
    expect(proofOf(seen[1]!).jti).not.toBe(proofOf(seen[0]!).jti);
  });

  it('signs a 308 hop for its own URL, with the same method and body', async () => {
    const { seen, fetchImpl } = scriptedFetch([redirectTo(308, `${API}/moved`), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    await api(`${API}/old`, { method: 'PUT', body: 'data' });
    expect(seen[1]).toMatchObject({ method: 'PUT', body: 'data' });
    expect(proofOf(seen[1]!)).toMatchObject({ htm: 'PUT', htu: `${API}/moved` });
  });

  it('turns a POST into a GET without body or body headers after a 303', async () => {
    const { seen, fetchImpl } = scriptedFetch([redirectTo(303, '/result'), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    await api(`${API}/submit`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'Content-Type': 'application/json', 'X-Trace': 't-1' },
    });
    expect(seen[1]).toMatchObject({ method: 'GET', body: undefined });
    expect(seen[1]!.headers.get('Content-Type')).toBeNull();
    expect(seen[1]!.headers.get('Content-Digest')).toBeNull();
    expect(seen[1]!.headers.get('X-Trace')).toBe('t-1');
    expect(proofOf(seen[1]!)).toMatchObject({ htm: 'GET', htu: `${API}/result` });
    expect(proofOf(seen[1]!)).not.toHaveProperty('content_digest');
  });

  it('turns a DELETE into a GET after a 303', async () => {
    const { seen, fetchImpl } = scriptedFetch([redirectTo(303, '/gone'), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    await api(`${API}/items/1`, { method: 'DELETE' });
    expect(proofOf(seen[1]!)).toMatchObject({ htm: 'GET', htu: `${API}/gone` });
  });

  it.each([301, 302])('turns a POST into a GET after a %i', async (status) => {
    const { seen, fetchImpl } = scriptedFetch([redirectTo(status, '/next'), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    await api(`${API}/form`, { method: 'POST', body: 'x=1' });
    expect(seen[1]).toMatchObject({ method: 'GET', body: undefined });
    expect(proofOf(seen[1]!).htm).toBe('GET');
  });

  it.each([301, 302])('keeps a PUT and its body after a %i', async (status) => {
    const { seen, fetchImpl } = scriptedFetch([redirectTo(status, '/next'), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    await api(`${API}/doc`, { method: 'PUT', body: 'v2' });
    expect(seen[1]).toMatchObject({ method: 'PUT', body: 'v2' });
    expect(proofOf(seen[1]!).htm).toBe('PUT');
  });

  it('keeps a HEAD a HEAD after a 303', async () => {
    const { seen, fetchImpl } = scriptedFetch([redirectTo(303, '/h'), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    await api(`${API}/x`, { method: 'HEAD' });
    expect(proofOf(seen[1]!).htm).toBe('HEAD');
  });

  it('sends every hop with redirect "manual", so the platform never follows with an old proof', async () => {
    const { seen, fetchImpl } = scriptedFetch([redirectTo(302, '/b'), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    const res = await api(`${API}/a`);
    expect(seen.map((s) => s.redirect)).toEqual(['manual', 'manual']);
    expect(res.status).toBe(200);
  });

  it("gives a redirect back unfollowed when the caller asked for redirect: 'manual'", async () => {
    const { seen, fetchImpl } = scriptedFetch([redirectTo(307, '/b'), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    const res = await api(`${API}/a`, { redirect: 'manual' });
    expect(res.status).toBe(307);
    expect(seen).toHaveLength(1);
  });

  it('cancels the body of each redirect response it follows', async () => {
    const first = cancellableBody();
    const { fetchImpl } = scriptedFetch([
      () => new Response(first.body, { status: 302, headers: { Location: '/b' } }),
      ok(),
    ]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    await api(`${API}/a`);
    await expect.poll(first.cancelled).toBe(true);
  });
});

describe('createFetch: what a redirect cannot make it do', () => {
  it('stops after 20 redirects and returns the 21st as it is', async () => {
    const { seen, fetchImpl } = scriptedFetch([(s) => redirectTo(302, `${s.url}x`)()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    const res = await api(`${API}/loop`);
    expect(res.status).toBe(302);
    expect(seen).toHaveLength(21);
  });

  it.each([
    ['a non-http scheme', 'ftp://files.example.com/x'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['userinfo', 'https://user:pw@api.example.com/x'],
    ['an unparseable URL', 'http://[::1'],
  ])('returns a redirect to %s as it is, without throwing', async (_, location) => {
    const { seen, fetchImpl } = scriptedFetch([redirectTo(302, location), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    const res = await api(`${API}/a`);
    expect(res.status).toBe(302);
    expect(seen).toHaveLength(1);
  });

  it('returns a redirect without Location as it is', async () => {
    const { seen, fetchImpl } = scriptedFetch([() => new Response(null, { status: 301 }), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl });
    expect((await api(`${API}/a`)).status).toBe(301);
    expect(seen).toHaveLength(1);
  });

  it('returns a 307 that would send an unbound stream again, without following it', async () => {
    const { seen, fetchImpl } = scriptedFetch([redirectTo(307, '/b'), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl, unboundStreams: true });
    const body = new Blob(['streamed']).stream();
    const res = await api(`${API}/a`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(307);
    expect(seen).toHaveLength(1);
  });

  it('follows a 303 after an unbound stream, as a GET without it', async () => {
    const { seen, fetchImpl } = scriptedFetch([redirectTo(303, '/done'), ok()]);
    const api = createFetch(await boundBinding(), { fetch: fetchImpl, unboundStreams: true });
    const body = new Blob(['streamed']).stream();
    await api(`${API}/a`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(seen[1]).toMatchObject({ method: 'GET', body: undefined, url: `${API}/done` });
  });
});

describe('createFetch: redirects to another origin', () => {
  it('sends no proof, no Authorization and no Content-Digest to the other origin', async () => {
    const other = await origin((_, res) => res.end('elsewhere'));
    const home = await origin((_, res) => {
      res.writeHead(307, { Location: `${other.origin}/collect` }).end();
    });
    const api = createFetch(await boundBinding(), { accessToken: 'secret-token' });
    const res = await api(`${home.origin}/upload`, { method: 'POST', body: 'data' });
    expect(await res.text()).toBe('elsewhere');
    expect(home.seen[0]!.headers.get('DPoP')).not.toBeNull();
    const [leaked] = other.seen;
    expect(leaked).toMatchObject({ method: 'POST', body: 'data' });
    expect(leaked!.headers.get('DPoP')).toBeNull();
    expect(leaked!.headers.get('Authorization')).toBeNull();
    expect(leaked!.headers.get('Content-Digest')).toBeNull();
  });

  it("drops the caller's own Authorization header on the way to another origin, as Fetch does", async () => {
    const other = await origin((_, res) => res.end('elsewhere'));
    const home = await origin((_, res) => {
      res.writeHead(302, { Location: `${other.origin}/x` }).end();
    });
    const api = createFetch(await boundBinding());
    await api(`${home.origin}/a`, { headers: { Authorization: 'Bearer own' } });
    expect(home.seen[0]!.headers.get('Authorization')).toBe('Bearer own');
    expect(other.seen[0]!.headers.get('Authorization')).toBeNull();
  });

  it("signs the hop for the other origin's URL and sends the token with redirectCredentials: 'include'", async () => {
    const other = await origin((_, res) => res.end('elsewhere'));
    const home = await origin((_, res) => {
      res.writeHead(308, { Location: `${other.origin}/v2/a?q=1` }).end();
    });
    const api = createFetch(await boundBinding(), {
      accessToken: 'at',
      redirectCredentials: 'include',
    });
    await api(`${home.origin}/v1/a`, { method: 'PATCH', body: 'p' });
    const [hop] = other.seen;
    expect(hop!.headers.get('Authorization')).toBe('DPoP at');
    expect(proofOf(hop!)).toMatchObject({ htm: 'PATCH', htu: `${other.origin}/v2/a` });
  });

  it('signs again a hop that comes back to the original origin', async () => {
    let home: OriginServer | undefined;
    const other = await origin((_, res) => {
      res.writeHead(302, { Location: `${home!.origin}/back` }).end();
    });
    home = await origin((req, res) => {
      if (req.url === '/start') res.writeHead(302, { Location: `${other.origin}/bounce` }).end();
      else res.end('home again');
    });
    const api = createFetch(await boundBinding(), { accessToken: 'at' });
    const res = await api(`${home.origin}/start`);
    expect(await res.text()).toBe('home again');
    expect(other.seen[0]!.headers.get('DPoP')).toBeNull();
    const back = home.seen[1]!;
    expect(back.headers.get('Authorization')).toBe('DPoP at');
    expect(proofOf(back)).toMatchObject({ htm: 'GET', htu: `${home.origin}/back` });
  });
});
