// Two instances of the Express example, separate processes with no proxy between them,
// sharing one real redis-server: a proof accepted by one is refused by the other, two
// copies sent to both at once are accepted exactly once, and while Redis is away every
// request is refused quickly with 503 (REPLAY_CHECK_FAILED), until it is back.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceBinding } from '../../src/core/device-binding.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import {
  type ExpressInstance,
  exampleConfig,
  startExpressInstance,
} from '../helpers/express-instances.mjs';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { signIn, viaLoadBalancer } from './helpers/sign-in.js';

const PUBLIC_ORIGIN = 'https://api.example.test';
const URL_ = `${PUBLIC_ORIGIN}/api/hello`;
/** The replay cache's default timeout; a refusal must come about this fast, never hang. */
const TIMEOUT_MS = 500;
/** Room for scheduling on a busy machine, on top of the timeout. */
const SLACK_MS = 1500;

let redis: RedisServer;
let a: ExpressInstance;
let b: ExpressInstance;
let accessToken: string;
let nonce: string;
const device = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'cluster' });

/** A fresh proof for GET /api/hello, with the instances' current nonce. */
async function freshProof(): Promise<Record<string, string>> {
  const proof = await device.signRequest({ method: 'GET', url: URL_, accessToken, nonce });
  return { DPoP: proof.DPoP, Authorization: `DPoP ${accessToken}` };
}

/** Sends the request with `headers` to one instance; resolves the status and the time taken. */
async function send(instance: ExpressInstance, headers: Record<string, string>) {
  const started = performance.now();
  const response = await fetch(`${instance.origin}/api/hello`, { headers });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

/** The codes an instance logged for its refusals, in order. */
function refusals(instance: ExpressInstance): string[] {
  return [...instance.output().matchAll(/"refused":"(\w+)"/g)].map((match) => match[1] as string);
}

beforeAll(async () => {
  redis = await startRedisServer();
  const config = await exampleConfig({ publicOrigin: PUBLIC_ORIGIN, redisUrl: redis.url });
  [a, b] = await Promise.all([startExpressInstance(config), startExpressInstance(config)]);
  const both = viaLoadBalancer(PUBLIC_ORIGIN, [a.origin, b.origin]);
  accessToken = await signIn(device, PUBLIC_ORIGIN, both);
  ({ nonce } = (await (await both(`${PUBLIC_ORIGIN}/auth/challenge`)).json()) as {
    nonce: string;
  });
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

describe('two instances sharing one Redis', () => {
  it('a proof accepted by instance A is refused by instance B (REPLAYED)', async () => {
    const headers = await freshProof();
    expect((await send(a, headers)).status).toBe(200);
    expect((await send(b, headers)).status).toBe(401);
    expect(refusals(b).at(-1)).toBe('REPLAYED');
  });

  it('the same proof sent to both at once, 200 times over, is accepted exactly once each time', async () => {
    const rounds: number[][] = [];
    for (let round = 0; round < 200; round++) {
      const headers = await freshProof();
      const answers = await Promise.all([send(a, headers), send(b, headers)]);
      rounds.push(answers.map((answer) => answer.status).sort());
    }
    expect(rounds.filter((statuses) => statuses.join() !== '200,401')).toEqual([]);
  });

  it('while Redis is stopped every request is refused with 503 within the timeout; once it is back, traffic recovers', async () => {
    expect((await send(a, await freshProof())).status).toBe(200);
    await redis.stop();
    const down = [];
    for (let i = 0; i < 20; i++) down.push(await send(i % 2 ? b : a, await freshProof()));
    expect(down.map((answer) => answer.status)).toEqual(Array(20).fill(503));
    expect(Math.max(...down.map((answer) => answer.ms))).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(refusals(a).at(-1)).toBe('REPLAY_CHECK_FAILED');
    expect(refusals(b).at(-1)).toBe('REPLAY_CHECK_FAILED');

    await redis.start();
    // The clients reconnect by themselves (with back-off); nothing is restarted.
    const recovered = await Promise.all(
      [a, b].map(async (instance) => {
        for (let attempt = 0; attempt < 100; attempt++) {
          if ((await send(instance, await freshProof())).status === 200) return true;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return false;
      }),
    );
    expect(recovered).toEqual([true, true]);
    const after = [];
    for (let i = 0; i < 20; i++) after.push((await send(i % 2 ? b : a, await freshProof())).status);
    expect(after).toEqual(Array(20).fill(200));
  });

  it('while Redis hangs (process frozen) every request is refused with 503 within the timeout, not left waiting', async () => {
    redis.freeze();
    try {
      const frozen = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => send(i % 2 ? b : a, await freshProof())),
      );
      expect(frozen.map((answer) => answer.status)).toEqual(Array(10).fill(503));
      expect(Math.max(...frozen.map((answer) => answer.ms))).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    } finally {
      redis.thaw();
    }
    const headers = await freshProof();
    expect((await send(b, headers)).status).toBe(200);
    expect((await send(a, headers)).status).toBe(401);
  });
});
