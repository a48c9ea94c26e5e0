// End to end: a DeviceBinding on a MemoryKeyStore signs in with a handshake and calls an
// API through createFetch; the "server" is a fetch handler built on devicebind/server, with
// a replay cache and server nonces.

import { describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/core/base64url.js';
import { DeviceBinding } from '../../src/core/device-binding.js';
import type { PublicJwk } from '../../src/core/jwk.js';
import { createFetch } from '../../src/fetch.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import {
  answerVerificationError,
  createNonceIssuer,
  MemoryReplayCache,
  verifyHandshake,
  verifyRequest,
} from '../../src/server/index.js';

const ORIGIN = 'https://api.example.com';

function createServer() {
  const nonces = createNonceIssuer({ secret: crypto.getRandomValues(new Uint8Array(32)) });
  const replayCache = new MemoryReplayCache();
  const challenges = new Set<string>();
  const sessions = new Map<string, { deviceId: string; signingKey: PublicJwk }>();
  const log: { path: string; status: number; code?: string }[] = [];

  const handle = async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    if (pathname === '/challenge') {
      const nonce = encodeBase64url(crypto.getRandomValues(new Uint8Array(16)));
      challenges.add(nonce);
      return Response.json({ nonce });
    }
    if (pathname === '/sign-in') {
      const { handshake } = (await request.json()) as { handshake: string };
      // Each challenge works once.
      const device = await verifyHandshake(handshake, {
        expectedNonce: (nonce) => challenges.delete(nonce),
      });
      const accessToken = encodeBase64url(crypto.getRandomValues(new Uint8Array(24)));
      sessions.set(accessToken, { deviceId: device.deviceId, signingKey: device.signingKey });
      return Response.json({ accessToken, deviceId: device.deviceId });
    }
    const accessToken = request.headers.get('authorization')?.replace(/^DPoP /, '') ?? '';
    const session = sessions.get(accessToken);
    if (session === undefined) return new Response(null, { status: 401 });
    try {
      // The Request itself: verifyRequest reads the body from a clone.
      const { deviceId } = await verifyRequest(request, {
        signingKey: session.signingKey,
        accessToken,
        replayCache,
        expectedNonce: nonces,
        expectedOrigin: ORIGIN,
      });
      return Response.json(
        { deviceId, path: pathname, body: await request.text() },
        { headers: { 'DPoP-Nonce': nonces.issue() } },
      );
    } catch (err) {
      const answer = answerVerificationError(err, { dpopNonce: nonces });
      return new Response(answer.body, answer);
    }
  };

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const response = await handle(request.clone());
    const code =
      response.status === 401 && response.headers.get('content-type')?.includes('json')
        ? ((await response.clone().json()) as { code?: string }).code
        : undefined;
    log.push({
      path: new URL(request.url).pathname,
      status: response.status,
      ...(code === undefined ? {} : { code }),
    });
    return response;
  };
  return { fetch: fetch as typeof globalThis.fetch, handle, log };
}

async function signIn(server: ReturnType<typeof createServer>, binding: DeviceBinding) {
  const { nonce } = (await (await server.fetch(`${ORIGIN}/challenge`)).json()) as { nonce: string };
  const handshake = await binding.createHandshake({ nonce, subject: 'alice' });
  const response = await server.fetch(`${ORIGIN}/sign-in`, {
    method: 'POST',
    body: JSON.stringify({ handshake: handshake.token }),
  });
  return (await response.json()) as { accessToken: string; deviceId: string };
}

describe('devicebind end to end (MemoryKeyStore client, devicebind/server API)', () => {
  it('signs in, answers the nonce challenge once, and calls the API with bodies', async () => {
    const server = createServer();
    const binding = new DeviceBinding({
      keyStore: new MemoryKeyStore(),
      namespace: 'com.example.e2e',
    });
    const { accessToken, deviceId } = await signIn(server, binding);
    expect(deviceId).toBe(await binding.getDeviceId());

    const api = createFetch(binding, { fetch: server.fetch, accessToken });
    const first = await api(`${ORIGIN}/me`);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ deviceId, path: '/me', body: '' });
    // The first call had no nonce: challenged once, then retried with it.
    expect(server.log.filter((entry) => entry.path === '/me').map((entry) => entry.status)).toEqual(
      [401, 200],
    );

    const post = await api(`${ORIGIN}/notes`, {
      method: 'POST',
      body: JSON.stringify({ text: 'hello' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(post.status).toBe(200);
    // The handler still reads the body verifyRequest checked.
    expect(((await post.json()) as { body: string }).body).toBe('{"text":"hello"}');
    // The nonce from the last response was reused: no new challenge.
    expect(
      server.log.filter((entry) => entry.path === '/notes').map((entry) => entry.status),
    ).toEqual([200]);
  });

  it('refuses a captured request sent again (REPLAYED)', async () => {
    const server = createServer();
    const binding = new DeviceBinding({
      keyStore: new MemoryKeyStore(),
      namespace: 'com.example.e2e',
    });
    const { accessToken } = await signIn(server, binding);
    const captured: Request[] = [];
    const api = createFetch(binding, {
      accessToken,
      fetch: async (input, init) => {
        captured.push(new Request(input, init));
        return server.fetch(input, init);
      },
    });
    expect((await api(`${ORIGIN}/me`)).status).toBe(200);
    const replay = await server.fetch(captured.at(-1)!);
    expect(replay.status).toBe(401);
    expect(replay.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof"/);
    expect(await replay.json()).toMatchObject({ error: 'invalid_dpop_proof', code: 'REPLAYED' });
  });

  it('refuses a stolen access token used from another device', async () => {
    const server = createServer();
    const victim = new DeviceBinding({
      keyStore: new MemoryKeyStore(),
      namespace: 'com.example.e2e',
    });
    const { accessToken } = await signIn(server, victim);
    const thief = new DeviceBinding({
      keyStore: new MemoryKeyStore(),
      namespace: 'com.example.e2e',
    });
    await thief.ensureKeys();
    const response = await createFetch(thief, { fetch: server.fetch, accessToken })(`${ORIGIN}/me`);
    expect(response.status).toBe(401);
    expect(server.log.at(-1)).toMatchObject({ path: '/me', status: 401, code: 'INVALID_PROOF' });
  });

  it('refuses a handshake whose challenge was already used', async () => {
    const server = createServer();
    const binding = new DeviceBinding({
      keyStore: new MemoryKeyStore(),
      namespace: 'com.example.e2e',
    });
    const { nonce } = (await (await server.fetch(`${ORIGIN}/challenge`)).json()) as {
      nonce: string;
    };
    const { token } = await binding.createHandshake({ nonce });
    const body = JSON.stringify({ handshake: token });
    expect(
      (await server.handle(new Request(`${ORIGIN}/sign-in`, { method: 'POST', body }))).status,
    ).toBe(200);
    const err = await server
      .handle(new Request(`${ORIGIN}/sign-in`, { method: 'POST', body }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_HANDSHAKE' });
  });
});
