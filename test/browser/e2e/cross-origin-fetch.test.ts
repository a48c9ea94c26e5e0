// createFetch in real Chromium across origins: a page on one loopback port, APIs on others.
// An API that hides its nonce gets NONCE_UNREADABLE naming the headers to expose; the CORS
// answer of docs/getting-started.md makes the same call work; and redirects, which browsers
// hide from scripts, never carry a proof to another origin.

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyEmbeddedJws } from '../../helpers/verify-jws.js';
import { callHarness, launchChromium, openHarness } from './harness/chromium-session.js';
import { type HarnessServers, startHarnessServers } from './harness/harness-server.js';

const NAMESPACE = 'com.example.cors';
const NONCE = 'srv-nonce-1';
const GUIDE = readFileSync(new URL('../../../docs/getting-started.md', import.meta.url), 'utf8');

/** The CORS headers of the guide's `allowApp`, for a page on `pageOrigin`. */
function guideHeaders(pageOrigin: string): [string, string][] {
  const found = [...GUIDE.matchAll(/res\.setHeader\('([^']+)', '([^']+)'\);/g)].map(
    ([, name, value]): [string, string] => [
      name!,
      value!.replace('https://app.example.com', pageOrigin),
    ],
  );
  expect(found.map(([name]) => name)).toContain('Access-Control-Expose-Headers');
  return found;
}

/** What an API server saw of one request. */
interface Seen {
  method: string;
  path: string;
  dpop: string | undefined;
  authorization: string | undefined;
}

interface Recorder {
  origin: string;
  seen: Seen[];
  server: Server;
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, seen: Seen[]) => void,
): Promise<Recorder> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      path: req.url ?? '',
      dpop: req.headers.dpop as string | undefined,
      authorization: req.headers.authorization,
    });
    handler(req, res, seen);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

/** The API's own answer: a nonce challenge until the proof carries the nonce, then 200. */
function nonceProtected(req: IncomingMessage, res: ServerResponse): void {
  const proof = req.headers.dpop as string | undefined;
  const nonce = proof === undefined ? undefined : verifyEmbeddedJws(proof).payload.nonce;
  if (nonce !== NONCE) {
    res.writeHead(401, { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': NONCE });
    res.end();
  } else {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ nonce }));
  }
}

let browser: Browser;
let pages: HarnessServers;
let api: Recorder;
let elsewhere: Recorder;
let context: BrowserContext;
let page: Page;

const pageOrigin = () => pages.origins[0]!;
const apiRequests = (prefix: string) =>
  api.seen.filter((s) => s.method !== 'OPTIONS' && s.path.startsWith(prefix));
const preflights = (prefix: string) =>
  api.seen.filter((s) => s.method === 'OPTIONS' && s.path.startsWith(prefix));

beforeAll(async () => {
  // A third origin that lets anyone send it anything.
  elsewhere = await listen((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader(
      'Access-Control-Allow-Headers',
      'Authorization, DPoP, Content-Digest, Content-Type',
    );
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    res.end('elsewhere');
  });
  // The API on another origin. /hidden allows the request headers but exposes no response
  // header; /guide answers as the guide says; /nonce-only exposes DPoP-Nonce alone.
  api = await listen((req, res) => {
    const path = req.url ?? '';
    res.setHeader('Access-Control-Allow-Origin', pageOrigin());
    if (path.startsWith('/guide')) {
      for (const [name, value] of guideHeaders(pageOrigin())) res.setHeader(name, value);
    } else {
      res.setHeader(
        'Access-Control-Allow-Headers',
        'Authorization, DPoP, Content-Digest, Content-Type',
      );
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
      if (path.startsWith('/nonce-only'))
        res.setHeader('Access-Control-Expose-Headers', 'DPoP-Nonce');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (path.startsWith('/guide/expired')) {
      res.writeHead(401, { 'WWW-Authenticate': 'DPoP error="invalid_token"' }).end();
    } else if (path.startsWith('/guide/away')) {
      res.writeHead(302, { Location: `${elsewhere.origin}/collect` }).end();
    } else {
      nonceProtected(req, res);
    }
  });
  // The page's own origin also serves an API, which redirects.
  pages = await startHarnessServers(1, (req, res) => {
    if (req.url === '/api/start') res.writeHead(307, { Location: '/api/next' }).end();
    else if (req.url === '/api/next') res.end(`proof: ${req.headers.dpop !== undefined}`);
    else if (req.url === '/api/away')
      res.writeHead(302, { Location: `${elsewhere.origin}/collect` }).end();
    else return false;
    return true;
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  for (const { server } of [api, elsewhere].filter(Boolean))
    await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(async () => {
  context = await browser.newContext();
  page = await context.newPage();
  await openHarness(page, `${pageOrigin()}/`);
});

afterEach(async () => {
  await context?.close();
  api.seen.length = 0;
  elsewhere.seen.length = 0;
});

describe('createFetch from a page to an API on another origin', () => {
  it('raises NONCE_UNREADABLE, naming the headers to expose, when the API exposes none', async () => {
    const outcome = await callHarness(page, 'boundFetch', NAMESPACE, `${api.origin}/hidden/notes`);
    expect(outcome.response).toBeUndefined();
    expect(outcome.error).toMatchObject({ name: 'DeviceBindingError', code: 'NONCE_UNREADABLE' });
    expect(outcome.error!.message).toContain(
      'Access-Control-Expose-Headers: DPoP-Nonce, WWW-Authenticate',
    );
    expect(outcome.error!.message).toContain(api.origin);
    // The API did challenge: the page simply could not read it.
    expect(apiRequests('/hidden')).toHaveLength(1);
  });

  it("works with the guide's CORS answer: one nonce challenge, then the answer", async () => {
    const outcome = await callHarness(page, 'boundFetch', NAMESPACE, `${api.origin}/guide/notes`, {
      method: 'POST',
      body: '{"note":1}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.response).toMatchObject({ status: 200, body: JSON.stringify({ nonce: NONCE }) });
    const [challenged, retried] = apiRequests('/guide');
    expect(challenged!.authorization).toBe('DPoP at-1');
    expect(verifyEmbeddedJws(retried!.dpop!).payload).toMatchObject({
      htm: 'POST',
      htu: `${api.origin}/guide/notes`,
      nonce: NONCE,
    });
  });

  it("caches the guide's preflight: three calls, one preflight", async () => {
    for (let i = 0; i < 3; i++) {
      const outcome = await callHarness(
        page,
        'boundFetch',
        NAMESPACE,
        `${api.origin}/guide/cached`,
      );
      expect(outcome.response?.status).toBe(200);
    }
    expect(preflights('/guide/cached')).toHaveLength(1);
  });

  it('retries with the nonce when only DPoP-Nonce is exposed and the challenge itself is hidden', async () => {
    const outcome = await callHarness(page, 'boundFetch', NAMESPACE, `${api.origin}/nonce-only/x`);
    expect(outcome.response).toMatchObject({ status: 200 });
    expect(apiRequests('/nonce-only')).toHaveLength(2);
  });

  it('returns a 401 that is no nonce challenge as it is, once the headers are exposed', async () => {
    const outcome = await callHarness(page, 'boundFetch', NAMESPACE, `${api.origin}/guide/expired`);
    expect(outcome.error).toBeUndefined();
    expect(outcome.response?.status).toBe(401);
  });

  it('gives back a redirect to a third origin as an opaque redirect, and never follows it', async () => {
    const outcome = await callHarness(page, 'boundFetch', NAMESPACE, `${api.origin}/guide/away`);
    expect(outcome.response).toMatchObject({ status: 0, type: 'opaqueredirect' });
    expect(elsewhere.seen).toEqual([]);
  });
});

describe("createFetch from a page to its own origin's API", () => {
  it('lets the browser follow a same-origin redirect', async () => {
    const outcome = await callHarness(page, 'boundFetch', NAMESPACE, `${pageOrigin()}/api/start`);
    expect(outcome.response).toMatchObject({ status: 200, type: 'basic', body: 'proof: true' });
  });

  it('fails a redirect to another origin as a network error, before the proof leaves', async () => {
    const outcome = await callHarness(page, 'boundFetch', NAMESPACE, `${pageOrigin()}/api/away`);
    expect(outcome.error).toMatchObject({ name: 'TypeError' });
    expect(elsewhere.seen).toEqual([]);
  });

  it("follows that redirect with redirectCredentials: 'include', as the caller chose", async () => {
    const outcome = await callHarness(
      page,
      'boundFetch',
      NAMESPACE,
      `${pageOrigin()}/api/away`,
      undefined,
      { redirectCredentials: 'include' },
    );
    expect(outcome.response).toMatchObject({ status: 200, body: 'elsewhere' });
    expect(elsewhere.seen.filter((s) => s.method === 'GET')).toHaveLength(1);
  });
});
