// createRedisReplayCache against a real redis-server, through both common clients (node-redis
// and ioredis): one atomic SET … NX per proof shared by every instance, failing closed and
// fast when Redis is down, frozen or refusing writes, and recovering by itself.

import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceBindingError } from '../../src/core/errors.js';
import { createRedisReplayCache, type RedisCommand } from '../../src/server/redis-replay-cache.js';
import type { ReplayCache } from '../../src/server/replay-cache.js';
import { verifyRequest } from '../../src/server/verify-request.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import { rejection } from '../helpers/rejections.js';
import { makeProof, newKey, randomJti, requestWith } from './helpers/proofs.js';

/** A connection as an app makes one, and how to close it. */
interface Connection {
  readonly send: RedisCommand;
  close(): Promise<void> | void;
}

interface ClientKind {
  readonly name: string;
  /**
   * `recommended`: as the guide says (no offline queue, quick reconnects); otherwise the
   * client's defaults, where commands wait in a queue while disconnected.
   */
  connect(server: RedisServer, recommended?: boolean): Promise<Connection>;
}

const CLIENTS: readonly ClientKind[] = [
  {
    name: 'node-redis',
    async connect(server, recommended = true) {
      const client = createClient({
        url: server.url,
        ...(recommended && {
          disableOfflineQueue: true,
          socket: { reconnectStrategy: () => 50 },
        }),
      });
      // A lost connection is reported as an 'error' event; the cache sees it as a failed command.
      client.on('error', () => {});
      await client.connect();
      return { send: (...args) => client.sendCommand(args), close: () => client.destroy() };
    },
  },
  {
    name: 'ioredis',
    async connect(server, recommended = true) {
      const client = new Redis(server.port, '127.0.0.1', {
        lazyConnect: true,
        ...(recommended && { enableOfflineQueue: false, retryStrategy: () => 50 }),
      });
      client.on('error', () => {});
      await client.connect();
      return {
        send: (...args) => client.call(...(args as [string])),
        close: () => client.disconnect(),
      };
    },
  },
];

const TIMEOUT_MS = 200;
// Generous: a loaded machine may be slow to fire a timer, but a hang is far beyond this.
const SETTLES_WITHIN_MS = TIMEOUT_MS + 2_000;
const URL_ = 'https://api.example.com/v1/items';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

function uniquePrefix(): string {
  return `test:${randomJti()}:`;
}

function cacheOn(connection: Connection, prefix = uniquePrefix()): ReplayCache {
  return createRedisReplayCache({ sendCommand: connection.send, prefix, timeoutMs: TIMEOUT_MS });
}

/** The outcome of one check, and whether it settled in time. */
async function outcome(check: Promise<boolean>): Promise<{ result: string; ms: number }> {
  const started = performance.now();
  const result = await check.then(
    (fresh) => (fresh ? 'accepted' : 'replayed'),
    (err: DeviceBindingError) => err.code ?? String(err),
  );
  return { result, ms: performance.now() - started };
}

/** `count` concurrent checks of fresh ids: each refused with REPLAY_CHECK_FAILED, none hanging. */
async function expectAllFailClosed(cache: ReplayCache, count: number): Promise<void> {
  const checks = await Promise.all(
    Array.from({ length: count }, () =>
      outcome(cache.checkAndStore(randomJti(), Date.now() + 60_000)),
    ),
  );
  for (const { result, ms } of checks) {
    expect(result).toBe('REPLAY_CHECK_FAILED');
    expect(ms).toBeLessThan(SETTLES_WITHIN_MS);
  }
}

/** Checks fresh ids until one is accepted again (Redis is back and the client reconnected). */
async function untilAccepted(cache: ReplayCache, deadlineMs = 20_000): Promise<number> {
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    const { result } = await outcome(cache.checkAndStore(randomJti(), Date.now() + 60_000));
    if (result === 'accepted') return attempt;
    expect(result).toBe('REPLAY_CHECK_FAILED');
    if (performance.now() - started > deadlineMs)
      throw new Error(`checks did not recover within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(CLIENTS)('createRedisReplayCache with $name', (kind) => {
  it('accepts a new id once and refuses it afterwards', async () => {
    const connection = await kind.connect(server);
    const cache = cacheOn(connection);
    const expiresAt = Date.now() + 60_000;
    expect(await cache.checkAndStore('device:jti-1', expiresAt)).toBe(true);
    expect(await cache.checkAndStore('device:jti-1', expiresAt)).toBe(false);
    expect(await cache.checkAndStore('device:jti-2', expiresAt)).toBe(true);
    await connection.close();
  });

  it('writes one key per id, under the prefix, that Redis drops at the proof expiry', async () => {
    const connection = await kind.connect(server);
    const prefix = uniquePrefix();
    const expiresAt = Date.now() + 45_000.4;
    await cacheOn(connection, prefix).checkAndStore('device:jti', expiresAt);
    expect(await connection.send('GET', `${prefix}device:jti`)).toBe('1');
    expect(await connection.send('PEXPIRETIME', `${prefix}device:jti`)).toBe(Math.ceil(expiresAt));
    expect(await connection.send('KEYS', `${prefix}*`)).toEqual([`${prefix}device:jti`]);
    await connection.close();
  });

  it('uses "devicebind:jti:" as the default prefix', async () => {
    const connection = await kind.connect(server);
    const id = `device:${randomJti()}`;
    await createRedisReplayCache({ sendCommand: connection.send }).checkAndStore(
      id,
      Date.now() + 60_000,
    );
    expect(await connection.send('EXISTS', `devicebind:jti:${id}`)).toBe(1);
    await connection.close();
  });

  it('lets exactly one of 200 concurrent checks of one id through, across two instances', async () => {
    const [a, b] = [await kind.connect(server), await kind.connect(server)];
    const prefix = uniquePrefix();
    const caches = [cacheOn(a, prefix), cacheOn(b, prefix)];
    const expiresAt = Date.now() + 60_000;
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          caches[i % 2]!.checkAndStore(`device:same-${round}`, expiresAt),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    }
    await a.close();
    await b.close();
  });

  it('makes verifyRequest refuse at one instance a proof another instance accepted', async () => {
    const [a, b] = [await kind.connect(server), await kind.connect(server)];
    const prefix = uniquePrefix();
    const key = await newKey();
    const request = await requestWith(await makeProof(key, { url: URL_ }), { url: URL_ });
    const options = { signingKey: key.publicJwk };
    const accepted = await verifyRequest(request, { ...options, replayCache: cacheOn(a, prefix) });
    expect(accepted.deviceId).toBeTypeOf('string');
    await rejection(
      verifyRequest(request, { ...options, replayCache: cacheOn(b, prefix) }),
      'REPLAYED',
    );
    await a.close();
    await b.close();
  });

  it('fails closed when Redis refuses the write (an error reply), and recovers', async () => {
    const connection = await kind.connect(server);
    const cache = cacheOn(connection);
    await connection.send('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    await connection.send('CONFIG', 'SET', 'maxmemory', '1');
    try {
      const err = await rejection(
        cache.checkAndStore('device:oom', Date.now() + 60_000),
        'REPLAY_CHECK_FAILED',
      );
      expect(err.message).toContain('the Redis replay cache failed');
      expect(String((err.cause as Error).message)).toMatch(/OOM/);
    } finally {
      await connection.send('CONFIG', 'SET', 'maxmemory', '0');
    }
    expect(await cache.checkAndStore('device:oom', Date.now() + 60_000)).toBe(true);
    await connection.close();
  });

  it('fails closed after timeoutMs while Redis does not answer, and recovers when it does', async () => {
    const connection = await kind.connect(server);
    const cache = cacheOn(connection);
    server.freeze();
    try {
      await expectAllFailClosed(cache, 20);
      const err = await rejection(cache.checkAndStore('device:late', Date.now() + 60_000));
      expect(err.message).toContain(`did not answer within ${TIMEOUT_MS} ms`);
    } finally {
      server.thaw();
    }
    await untilAccepted(cache);
    await connection.close();
  });

  it('fails closed for every request while Redis is stopped mid-traffic, and recovers after a restart', async () => {
    const connection = await kind.connect(server);
    const prefix = uniquePrefix();
    const cache = cacheOn(connection, prefix);
    const key = await newKey();
    const results: { result: string; ms: number; phase: string }[] = [];
    let phase = 'up';
    let running = true;
    // Eight clients sending requests with fresh proofs, without pause.
    const traffic = Array.from({ length: 8 }, async () => {
      while (running) {
        const request = await requestWith(await makeProof(key, { url: URL_ }), { url: URL_ });
        const current = phase;
        const started = performance.now();
        const result = await verifyRequest(request, {
          signingKey: key.publicJwk,
          replayCache: cache,
        }).then(
          () => 'accepted',
          (err: DeviceBindingError) => err.code,
        );
        results.push({ result, ms: performance.now() - started, phase: current });
      }
    });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
    await settle();
    phase = 'stopping';
    await server.stop();
    phase = 'down';
    await settle();
    await server.start();
    phase = 'restarted';
    await untilAccepted(cache);
    phase = 'recovered';
    await settle();
    running = false;
    await Promise.all(traffic);

    const of = (name: string) => results.filter((r) => r.phase === name);
    expect(of('up').length).toBeGreaterThan(0);
    expect(of('up').every((r) => r.result === 'accepted')).toBe(true);
    expect(of('down').length).toBeGreaterThan(0);
    for (const r of of('down')) {
      expect(r.result).toBe('REPLAY_CHECK_FAILED');
      expect(r.ms).toBeLessThan(SETTLES_WITHIN_MS);
    }
    // Nothing but acceptance or a fail-closed refusal, in any phase.
    expect(new Set(results.map((r) => r.result))).toEqual(
      new Set(['accepted', 'REPLAY_CHECK_FAILED']),
    );
    expect(of('recovered').length).toBeGreaterThan(0);
    expect(of('recovered').every((r) => r.result === 'accepted')).toBe(true);
    await connection.close();
  });

  it('with the client defaults (commands queued while disconnected) also answers within the timeout', async () => {
    const connection = await kind.connect(server, false);
    const cache = cacheOn(connection);
    expect(await cache.checkAndStore(randomJti(), Date.now() + 60_000)).toBe(true);
    await server.stop();
    try {
      await expectAllFailClosed(cache, 10);
    } finally {
      await server.start();
    }
    await untilAccepted(cache);
    await connection.close();
  });
});
