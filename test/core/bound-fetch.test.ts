import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createFetch } from '../../src/fetch.js';
import { type DeviceBinding, DeviceBindingError } from '../../src/index.js';
import {
  boundBinding as bound,
  nonceChallenge,
  ok,
  proofOf,
  scriptedFetch,
} from '../helpers/bound-fetch-harness.js';
import { verifyEmbeddedJws } from '../helpers/verify-jws.js';

describe('createFetch', () => {
  it('signs each request and sends the token as DPoP authorization', async () => {
    const { seen, fetchImpl } = scriptedFetch([ok()]);
    const api = createFetch(await bound(), { fetch: fetchImpl, accessToken: 'at-1' });
    const res = await api('https://api.example.com/items?page=2');
    expect(res.status).toBe(200);
    expect(seen[0]!.headers.get('Authorization')).toBe('DPoP at-1');
    expect(proofOf(seen[0]!)).toMatchObject({
      htm: 'GET',
      htu: 'https://api.example.com/items',
    });
    expect(proofOf(seen[0]!).ath).toBeTypeOf('string');
  });

  it('asks a token function for the current token on every request', async () => {
    const { seen, fetchImpl } = scriptedFetch([ok()]);
    let n = 0;
    const api = createFetch(await bound(), {
      fetch: fetchImpl,
      accessToken: async () => `at-${++n}`,
    });
    await api('https://api.example.com/a');
    await api('https://api.example.com/b');
    expect(seen.map((s) => s.headers.get('Authorization'))).toEqual(['DPoP at-1', 'DPoP at-2']);
  });

  it('digests the body it sends', async () => {
    const { seen, fetchImpl } = scriptedFetch([ok()]);
    const api = createFetch(await bound(), { fetch: fetchImpl });
    await api('https://api.example.com/items', {
      method: 'post',
      body: 'hello',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(seen[0]!.body).toBe('hello');
    expect(seen[0]!.headers.get('Content-Type')).toBe('text/plain');
    const digest = seen[0]!.headers.get('Content-Digest');
    expect(digest).toMatch(/^sha-256=:.+:$/);
    expect(proofOf(seen[0]!).content_digest).toBe(digest);
    expect(proofOf(seen[0]!).htm).toBe('POST');
  });

  it('retries once with the nonce from a use_dpop_nonce challenge', async () => {
    const { seen, fetchImpl } = scriptedFetch([nonceChallenge('n-1'), ok()]);
    const api = createFetch(await bound(), { fetch: fetchImpl });
    const res = await api('https://api.example.com/items', { method: 'POST', body: 'payload' });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.body).toBe('payload');
    expect(proofOf(seen[0]!).nonce).toBeUndefined();
    expect(proofOf(seen[1]!).nonce).toBe('n-1');
    expect(proofOf(seen[1]!).jti).not.toBe(proofOf(seen[0]!).jti);
  });

  it('retries on the authorization server form of the challenge (400, JSON error)', async () => {
    const challenge = () =>
      new Response(JSON.stringify({ error: 'use_dpop_nonce' }), {
        status: 400,
        headers: { 'DPoP-Nonce': 'as-nonce' },
      });
    const { seen, fetchImpl } = scriptedFetch([challenge, ok()]);
    const api = createFetch(await bound(), { fetch: fetchImpl });
    expect(
      (await api('https://as.example.com/token', { method: 'POST', body: 'grant_type=x' })).status,
    ).toBe(200);
    expect(proofOf(seen[1]!).nonce).toBe('as-nonce');
  });

  it('retries at most once', async () => {
    const { seen, fetchImpl } = scriptedFetch([nonceChallenge('n-1'), nonceChallenge('n-2')]);
    const api = createFetch(await bound(), { fetch: fetchImpl });
    expect((await api('https://api.example.com/items')).status).toBe(401);
    expect(seen).toHaveLength(2);
  });

  it('does not retry a 401 that is not a nonce challenge', async () => {
    const denied = () =>
      new Response(null, {
        status: 401,
        headers: { 'WWW-Authenticate': 'DPoP error="invalid_token"', 'DPoP-Nonce': 'n' },
      });
    const { seen, fetchImpl } = scriptedFetch([denied, ok()]);
    const api = createFetch(await bound(), { fetch: fetchImpl });
    expect((await api('https://api.example.com/items')).status).toBe(401);
    expect(seen).toHaveLength(1);
  });

  it('refuses a ReadableStream body before sending anything, saying how to send it', async () => {
    const { seen, fetchImpl } = scriptedFetch([ok()]);
    const api = createFetch(await bound(), { fetch: fetchImpl });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const sent = api('https://api.example.com/upload', {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    await expect(sent).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(sent).rejects.toThrow(/"init\.body".*unboundStreams: true/);
    expect(seen).toHaveLength(0);
  });

  it('sends a ReadableStream body unbound, and never retries it, when unboundStreams is set', async () => {
    const { seen, fetchImpl } = scriptedFetch([nonceChallenge('n-1'), ok()]);
    const api = createFetch(await bound(), { fetch: fetchImpl, unboundStreams: true });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const res = await api('https://api.example.com/upload', {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(401);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body).toBe('streamed');
    expect(seen[0]!.headers.get('Content-Digest')).toBeNull();
    expect(proofOf(seen[0]!)).not.toHaveProperty('content_digest');
  });

  it("keeps the caller's request settings, on the first send and on the retry", async () => {
    const requests: Request[] = [];
    const answers = [nonceChallenge('n-1'), ok()];
    const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(new Request(input, init));
      return answers[requests.length - 1]!();
    }) as typeof fetch;
    const api = createFetch(await bound(), { fetch: fetchImpl });
    const controller = new AbortController();
    const settings = {
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'manual',
      referrerPolicy: 'no-referrer',
      integrity: 'sha256-AAAA',
      keepalive: true,
    } as const;
    await api('https://api.example.com/items', {
      method: 'PATCH',
      body: 'patch',
      signal: controller.signal,
      ...settings,
    });
    expect(requests).toHaveLength(2);
    for (const request of requests) {
      expect(request.method).toBe('PATCH');
      expect(await request.text()).toBe('patch');
      for (const [name, value] of Object.entries(settings))
        expect(request[name as keyof typeof settings], name).toBe(value);
      expect(request.signal.aborted).toBe(false);
    }
    controller.abort(new Error('user left'));
    for (const request of requests) expect(request.signal.aborted).toBe(true);
  });

  it('remembers the latest nonce per origin, from successful responses too', async () => {
    const { seen, fetchImpl } = scriptedFetch([ok({ 'DPoP-Nonce': 'from-200' })]);
    const api = createFetch(await bound(), { fetch: fetchImpl });
    await api('https://a.example.com/1');
    await api('https://a.example.com/2');
    await api('https://b.example.com/3');
    expect(proofOf(seen[1]!).nonce).toBe('from-200');
    expect(proofOf(seen[2]!).nonce).toBeUndefined();
  });

  it('accepts a Request object', async () => {
    const { seen, fetchImpl } = scriptedFetch([ok()]);
    const api = createFetch(await bound(), { fetch: fetchImpl });
    await api(new Request('https://api.example.com/r', { method: 'PUT', body: 'data' }));
    expect(seen[0]!.method).toBe('PUT');
    expect(seen[0]!.body).toBe('data');
    expect(seen[0]!.headers.get('Content-Digest')).not.toBeNull();
  });

  it('refuses a relative URL with a DeviceBindingError', async () => {
    const { fetchImpl } = scriptedFetch([ok()]);
    const api = createFetch(await bound(), { fetch: fetchImpl });
    await expect(api('/relative')).rejects.toBeInstanceOf(DeviceBindingError);
  });

  it.each([
    ['no binding', undefined],
    ['the options object in place of the binding', { accessToken: 'at' }],
  ])('refuses %s as the binding, naming it', (_, value) => {
    expect(() => createFetch(value as unknown as DeviceBinding)).toThrow(
      /"binding" must be a DeviceBinding/,
    );
  });

  it('refuses an accessToken option that is present but undefined', async () => {
    const binding = await bound();
    expect(() => createFetch(binding, { accessToken: undefined })).toThrow(
      /"options\.accessToken" must be a string or a function/,
    );
  });

  it('refuses an unknown redirectCredentials value', async () => {
    const binding = await bound();
    expect(() => createFetch(binding, { redirectCredentials: 'omit' as 'include' })).toThrow(
      /"options\.redirectCredentials" must be "same-origin" or "include"/,
    );
  });

  it('refuses a token function that returns nothing', async () => {
    const { fetchImpl } = scriptedFetch([ok()]);
    const api = createFetch(await bound(), { fetch: fetchImpl, accessToken: () => '' });
    await expect(api('https://api.example.com/x')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('works against a real HTTP server', async () => {
    const received: { auth?: string; dpop?: string; digest?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({
          auth: req.headers.authorization,
          dpop: req.headers.dpop as string,
          digest: req.headers['content-digest'] as string,
          body,
        });
        res.writeHead(
          received.length === 1 ? 401 : 200,
          received.length === 1
            ? { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'srv-nonce' }
            : {},
        );
        res.end('done');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const api = createFetch(await bound(), { accessToken: 'real-token' });
      const res = await api(`http://127.0.0.1:${port}/echo?x=1`, {
        method: 'POST',
        body: JSON.stringify({ a: 1 }),
      });
      expect(await res.text()).toBe('done');
      expect(received).toHaveLength(2);
      expect(received[1]).toMatchObject({ auth: 'DPoP real-token', body: '{"a":1}' });
      const { payload } = verifyEmbeddedJws(received[1]!.dpop!);
      expect(payload).toMatchObject({
        htu: `http://127.0.0.1:${port}/echo`,
        nonce: 'srv-nonce',
        content_digest: received[1]!.digest,
      });
    } finally {
      server.close();
    }
  });
});
