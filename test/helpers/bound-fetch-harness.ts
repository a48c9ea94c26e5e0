// What the createFetch tests share: a binding with keys, a fetch that records each request
// and answers from a script, local HTTP servers (one origin each), and a proof reader.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect } from 'vitest';
import { DeviceBinding } from '../../src/index.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { cryptoOption } from '../setup/crypto-option.js';
import { verifyEmbeddedJws } from './verify-jws.js';

/** One request as the wrapped fetch (or a server) received it. */
export interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
  redirect?: RequestRedirect;
}

/** A fetch that records what it was asked and answers from a script (the last answer repeats). */
export function scriptedFetch(answers: ((seen: Seen, index: number) => Response)[]) {
  const seen: Seen[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = request.body === null ? undefined : await request.text();
    const entry = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body,
      redirect: request.redirect,
    };
    seen.push(entry);
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    return answer(entry, seen.length - 1);
  };
  return { seen, fetchImpl: fetchImpl as typeof fetch };
}

/** An answer: 200 "ok" with the given headers. */
export const ok =
  (headers: Record<string, string> = {}) =>
  () =>
    new Response('ok', { status: 200, headers });

/** An answer: the resource server's nonce challenge (RFC 9449 §9) carrying `nonce`. */
export const nonceChallenge = (nonce: string) => () =>
  new Response(null, {
    status: 401,
    headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': nonce },
  });

/** An answer: a redirect with `status` to `location`. */
export const redirectTo = (status: number, location: string) => () =>
  new Response(null, { status, headers: { Location: location } });

/** A binding whose keys exist. */
export async function boundBinding(): Promise<DeviceBinding> {
  const binding = new DeviceBinding({
    keyStore: new MemoryKeyStore(),
    namespace: 'com.example.fetch',
    ...cryptoOption(),
  });
  await binding.ensureKeys();
  return binding;
}

/** The verified payload of the DPoP proof a request carried. */
export function proofOf(seen: Seen): Record<string, unknown> {
  const { header, payload } = verifyEmbeddedJws(seen.headers.get('DPoP')!);
  expect(header.typ).toBe('dpop+jwt');
  return payload;
}

/** A body stream that records whether it was cancelled. */
export function cancellableBody(): { body: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new TextEncoder().encode('more'));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { body, cancelled: () => cancelled };
}

/** A local HTTP server (its own origin) that records requests and answers with `handler`. */
export interface OriginServer {
  origin: string;
  seen: Seen[];
  close(): Promise<void>;
}

export async function startOrigin(
  handler: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void,
): Promise<OriginServer> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === 'string') headers.set(name, value);
      const entry: Seen = {
        url: `http://${req.headers.host}${req.url}`,
        method: req.method ?? '',
        headers,
        body: body === '' ? undefined : body,
      };
      seen.push(entry);
      handler(req, res, entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A `startOrigin` whose servers close after each test of the calling file. Call it at the
 * top level of a test file.
 */
export function originsClosedAfterEach(): typeof startOrigin {
  const started: OriginServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return async (handler) => {
    const server = await startOrigin(handler);
    started.push(server);
    return server;
  };
}
