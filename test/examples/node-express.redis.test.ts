// The Express example end to end, as deployed: a real redis-server, the example's own
// server.mjs in a process of its own, and a device that signs in and calls it through
// createFetch, reaching it through a "load balancer" that maps the public origin to the
// instance. Each attack gets the HTTP answer of answerVerificationError.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceBinding } from '../../src/core/device-binding.js';
import { openEnvelope } from '../../src/envelopes.js';
import { createFetch } from '../../src/fetch.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import {
  type ExpressInstance,
  exampleConfig,
  startExpressInstance,
} from '../helpers/express-instances.mjs';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { signIn, viaLoadBalancer } from './helpers/sign-in.js';

const PUBLIC_ORIGIN = 'https://api.example.test';

let redis: RedisServer;
let server: ExpressInstance;
let toServer: typeof fetch;
let accessToken: string;
const device = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'express' });
const other = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'express' });

beforeAll(async () => {
  redis = await startRedisServer();
  server = await startExpressInstance(
    await exampleConfig({ publicOrigin: PUBLIC_ORIGIN, redisUrl: redis.url }),
  );
  toServer = viaLoadBalancer(PUBLIC_ORIGIN, [server.origin]);
  accessToken = await signIn(device, PUBLIC_ORIGIN, toServer);
  await other.ensureKeys();
});

afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

const api = (binding: DeviceBinding, token = accessToken) =>
  createFetch(binding, { accessToken: token, fetch: toServer });

describe('the Express example (examples/node-express)', () => {
  it('signs a device in and answers its signed GET, with a fresh DPoP-Nonce', async () => {
    const response = await api(device)(`${PUBLIC_ORIGIN}/api/hello`);
    expect(response.status, server.output()).toBe(200);
    expect(await response.json()).toEqual({ hello: 'alice' });
    expect(response.headers.get('DPoP-Nonce')).toMatch(/^[\w-]{43}$/);
  });

  it('accepts a POST whose raw body the proof covers', async () => {
    const response = await api(device)(`${PUBLIC_ORIGIN}/api/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ item: 42 }),
    });
    expect(response.status, server.output()).toBe(201);
    expect(await response.json()).toEqual({
      accepted: { item: 42 },
      by: await device.getDeviceId(),
    });
  });

  it('sends a file sealed for the device, which only that device opens', async () => {
    const response = await api(device)(`${PUBLIC_ORIGIN}/api/files/welcome.txt`);
    expect(response.status, server.output()).toBe(200);
    const envelope = await response.text();
    expect(new TextDecoder().decode(await openEnvelope(device, envelope))).toMatch(
      /Only the device/,
    );
    await expect(openEnvelope(other, envelope)).rejects.toMatchObject({ code: 'INVALID_ENVELOPE' });
  });

  it('refuses a sign-in handshake sent a second time', async () => {
    const replayed: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/auth/sign-in')) replayed.push(String(init?.body));
      return toServer(input, init);
    };
    await signIn(
      new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'x' }),
      PUBLIC_ORIGIN,
      recording,
    );
    const again = await toServer(`${PUBLIC_ORIGIN}/auth/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: replayed[0] as string,
    });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
  });

  it('refuses a proof sent a second time: 401 invalid_dpop_proof', async () => {
    const proof = await device.signRequest({
      method: 'GET',
      url: `${PUBLIC_ORIGIN}/api/hello`,
      accessToken,
      nonce: (await (await toServer(`${PUBLIC_ORIGIN}/auth/challenge`)).json()).nonce,
    });
    const send = () =>
      toServer(`${PUBLIC_ORIGIN}/api/hello`, {
        headers: { ...proof, Authorization: `DPoP ${accessToken}` },
      });
    expect((await send()).status).toBe(200);
    const again = await send();
    expect(again.status).toBe(401);
    expect(again.headers.get('WWW-Authenticate')).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
  });

  it("refuses another device's proofs with this device's token", async () => {
    const response = await api(other)(`${PUBLIC_ORIGIN}/api/hello`);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/error="invalid_dpop_proof"/);
  });

  it('refuses a body changed after signing', async () => {
    const tampering: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      return toServer(request.url, {
        method: request.method,
        headers: request.headers,
        body: '{"item":1000}',
      });
    };
    const response = await createFetch(device, { accessToken, fetch: tampering })(
      `${PUBLIC_ORIGIN}/api/orders`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"item":1}' },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/error="invalid_dpop_proof"/);
  });

  it('refuses a request without an access token: 401 invalid_token', async () => {
    const response = await createFetch(device, { fetch: toServer })(`${PUBLIC_ORIGIN}/api/hello`);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/error="invalid_token"/);
  });

  it('refuses the token presented as a Bearer token (RFC 9449 §7.2)', async () => {
    const proof = await device.signRequest({
      method: 'GET',
      url: `${PUBLIC_ORIGIN}/api/hello`,
      accessToken,
    });
    const response = await toServer(`${PUBLIC_ORIGIN}/api/hello`, {
      headers: { ...proof, Authorization: `Bearer ${accessToken}` },
    });
    expect(response.status).toBe(401);
  });

  it('answers the unprotected endpoint without any proof', async () => {
    const response = await toServer(`${PUBLIC_ORIGIN}/hello`);
    expect(await response.json()).toEqual({ hello: 'world' });
  });
});
