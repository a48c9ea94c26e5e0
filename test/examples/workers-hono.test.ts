// The Workers example end to end in a real workerd (no Node compatibility): two instances
// of the Hono app, each an isolate of its own, share one replay cache on Durable Objects.
// A device signs in and calls them through createFetch; each attack gets the HTTP answer
// of answerVerificationError.

import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64url } from '../../src/core/base64url.js';
import { DeviceBinding } from '../../src/core/device-binding.js';
import { createFetch } from '../../src/fetch.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { startWorkerd, type Workerd } from '../helpers/workerd.js';
import { DEMO_USER, signIn, viaLoadBalancer } from './helpers/sign-in.js';

const PUBLIC_ORIGIN = 'https://api.example.test';

let worker: Workerd;
let accessToken: string;
const device = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'workers' });
const other = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'workers' });

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  worker = await startWorkerd({
    entry: fileURLToPath(new URL('../../examples/workers-hono/src/index.ts', import.meta.url)),
    text: {
      PUBLIC_ORIGIN,
      NONCE_SECRET: encodeBase64url(crypto.getRandomValues(new Uint8Array(32))),
      TOKEN_SIGNING_KEY: JSON.stringify(await exportJWK(privateKey)),
      DEMO_PASSWORD: DEMO_USER.password,
    },
    durableObjects: { REPLAY_CACHE: { className: 'ReplayCacheObject' } },
    instances: 2,
  });
  accessToken = await signIn(device, PUBLIC_ORIGIN, viaLoadBalancer(PUBLIC_ORIGIN, worker.origins));
  await other.ensureKeys();
});

afterAll(async () => {
  await worker?.stop();
});

/** A fetch to one instance only: 0 or 1. */
const instance = (i: number) => viaLoadBalancer(PUBLIC_ORIGIN, [worker.origins[i] as string]);

async function freshProof(): Promise<Record<string, string>> {
  const { nonce } = (await (await instance(0)(`${PUBLIC_ORIGIN}/auth/challenge`)).json()) as {
    nonce: string;
  };
  const proof = await device.signRequest({
    method: 'GET',
    url: `${PUBLIC_ORIGIN}/api/hello`,
    accessToken,
    nonce,
  });
  return { DPoP: proof.DPoP, Authorization: `DPoP ${accessToken}` };
}

describe('the Workers example (examples/workers-hono) in workerd', () => {
  it('signs a device in and answers its signed GET and POST through both instances', async () => {
    const api = createFetch(device, {
      accessToken,
      fetch: viaLoadBalancer(PUBLIC_ORIGIN, worker.origins),
    });
    const hello = await api(`${PUBLIC_ORIGIN}/api/hello`);
    expect(hello.status, worker.output()).toBe(200);
    expect(await hello.json()).toEqual({ hello: 'alice', deviceId: await device.getDeviceId() });
    const order = await api(`${PUBLIC_ORIGIN}/api/orders`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ item: 42 }),
    });
    expect(order.status, worker.output()).toBe(201);
    expect(await order.json()).toEqual({ accepted: { item: 42 }, by: await device.getDeviceId() });
    expect(order.headers.get('DPoP-Nonce')).toMatch(/^[\w-]{43}$/);
  });

  it('a proof accepted by one instance is refused by the other: the Durable Object is shared', async () => {
    const headers = await freshProof();
    expect((await instance(0)(`${PUBLIC_ORIGIN}/api/hello`, { headers })).status).toBe(200);
    const again = await instance(1)(`${PUBLIC_ORIGIN}/api/hello`, { headers });
    expect(again.status).toBe(401);
    expect(again.headers.get('WWW-Authenticate')).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
  });

  it('the same proof sent to both instances at once is accepted exactly once, 50 times over', async () => {
    const rounds: string[] = [];
    for (let round = 0; round < 50; round++) {
      const headers = await freshProof();
      const answers = await Promise.all(
        [0, 1].map((i) => instance(i)(`${PUBLIC_ORIGIN}/api/hello`, { headers })),
      );
      rounds.push(
        answers
          .map((answer) => answer.status)
          .sort()
          .join(),
      );
    }
    expect(rounds.filter((statuses) => statuses !== '200,401')).toEqual([]);
  });

  it('refuses a sign-in handshake sent a second time, to the other instance', async () => {
    const bodies: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/auth/sign-in')) bodies.push(String(init?.body));
      return instance(0)(input, init);
    };
    const newcomer = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'workers' });
    await signIn(newcomer, PUBLIC_ORIGIN, recording);
    const again = await instance(1)(`${PUBLIC_ORIGIN}/auth/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: bodies[0] as string,
    });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
  });

  it("refuses another device's proofs with this device's token", async () => {
    const api = createFetch(other, { accessToken, fetch: instance(1) });
    const response = await api(`${PUBLIC_ORIGIN}/api/hello`);
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/error="invalid_dpop_proof"/);
  });

  it('refuses a body changed after signing', async () => {
    const tampering: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      return instance(0)(request.url, {
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
  });

  it('refuses a request without an access token: 401 invalid_token', async () => {
    const response = await createFetch(device, { fetch: instance(0) })(
      `${PUBLIC_ORIGIN}/api/hello`,
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/error="invalid_token"/);
  });

  it('refuses a wrong password without looking at the handshake', async () => {
    const response = await instance(0)(`${PUBLIC_ORIGIN}/auth/sign-in`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'wrong', handshake: 'x' }),
    });
    expect(response.status).toBe(401);
  });
});
