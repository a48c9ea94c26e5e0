// A ReplayCache on Redis, shared by every server instance: one atomic `SET … NX` per proof,
// through a command function the app supplies, so no Redis client is a dependency.

import { assertFunction, assertNumber, assertObject, assertString } from '../core/assert.js';
import { fail } from '../core/errors.js';
import { utf8Decode } from '../core/utf8.js';
import type { ReplayCache } from './replay-cache.js';

/**
 * Sends one raw Redis command and resolves with its reply (`"OK"`, `null`, …). Both common
 * clients provide one: node-redis `(...args) => client.sendCommand(args)`, ioredis
 * `(...args) => client.call(...args)`.
 *
 * @example
 * ```ts
 * const sendCommand: RedisCommand = (...args) => client.sendCommand(args);
 * ```
 */
export type RedisCommand = (...args: string[]) => Promise<unknown>;

/**
 * Options for {@link createRedisReplayCache}.
 *
 * @example
 * ```ts
 * const options: RedisReplayCacheOptions = {
 *   sendCommand: (...args) => redis.sendCommand(args),
 *   prefix: 'api:dpop-jti:',
 *   timeoutMs: 250,
 * };
 * ```
 */
export interface RedisReplayCacheOptions {
  /** Sends one command to Redis (see {@link RedisCommand}). */
  sendCommand: RedisCommand;
  /** Put before every id to make the key (default `"devicebind:jti:"`, 1–256 characters). */
  prefix?: string;
  /**
   * How long to wait for Redis before refusing the proof with `REPLAY_CHECK_FAILED`
   * (default 500 ms, from 1 to 60000).
   */
  timeoutMs?: number;
}

const DEFAULT_PREFIX = 'devicebind:jti:';
const DEFAULT_TIMEOUT_MS = 500;
const LATEST_EXPIRY = 8.64e15;

function unavailable(message: string, cause?: unknown): never {
  return fail(
    'REPLAY_CHECK_FAILED',
    `the Redis replay cache ${message}, so the proof cannot be checked for replay and is refused`,
    cause,
  );
}

/** What `SET … NX` answered: `true` when the key was set, `false` when it already existed. */
function isStored(reply: unknown): boolean {
  // RESP: "OK" when set, a null bulk string when NX found the key. Clients that return
  // buffers give the same text as bytes.
  const text = reply instanceof Uint8Array ? utf8Decode(reply) : reply;
  if (text === 'OK') return true;
  if (text === null) return false;
  return unavailable(`answered ${JSON.stringify(String(text)).slice(0, 40)} to SET … NX`);
}

/**
 * A {@link ReplayCache} on Redis, for servers with several instances: each proof id becomes
 * one key, written with a single atomic `SET <prefix><id> 1 PXAT <expiresAt> NX` (Redis
 * 6.2+), so of two instances that receive the same proof at once exactly one accepts it,
 * and Redis forgets the id when the proof would be too old anyway.
 *
 * It fails closed and fast: a command that fails, or that has not answered within
 * `timeoutMs`, refuses the proof with `REPLAY_CHECK_FAILED` (answer 503; the client retries
 * with a new proof), never accepts it and never waits longer. Nothing is kept between
 * calls, so once Redis answers again checks succeed again. Configure the client to fail at
 * once while disconnected instead of queueing commands (node-redis `disableOfflineQueue:
 * true`, ioredis `enableOfflineQueue: false`); either way the timeout bounds the wait.
 *
 * @throws `INVALID_ARGUMENT` for malformed options. `checkAndStore` rejects with
 * `INVALID_ARGUMENT` for an empty id or a bad expiry, and `REPLAY_CHECK_FAILED` as above.
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createRedisReplayCache, verifyRequest } from 'devicebind/server';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect();
 * const replayCache = createRedisReplayCache({ sendCommand: (...args) => redis.sendCommand(args) });
 * const { deviceId } = await verifyRequest(request, { signingKey, replayCache });
 * ```
 */
export function createRedisReplayCache(options: RedisReplayCacheOptions): ReplayCache {
  const { sendCommand, prefix = DEFAULT_PREFIX, timeoutMs } = assertObject(options);
  const send = assertFunction<RedisCommand>(sendCommand, 'options.sendCommand');
  assertString(prefix, 'options.prefix', 256);
  const timeout = assertNumber(timeoutMs, 'options.timeoutMs', {
    min: 1,
    max: 60_000,
    fallback: DEFAULT_TIMEOUT_MS,
  });

  return {
    async checkAndStore(id: string, expiresAt: number): Promise<boolean> {
      assertString(id, 'id');
      const at = Math.ceil(assertNumber(expiresAt, 'expiresAt', { min: 1, max: LATEST_EXPIRY }));
      const late = new Error(`no reply within ${timeout} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(late), timeout);
      });
      let reply: unknown;
      try {
        // The sender is called inside the promise chain, so a synchronous throw is caught too.
        const sent = Promise.resolve().then(() =>
          send('SET', prefix + id, '1', 'PXAT', String(at), 'NX'),
        );
        reply = await Promise.race([sent, timedOut]);
      } catch (err) {
        return unavailable(err === late ? `did not answer within ${timeout} ms` : 'failed', err);
      } finally {
        clearTimeout(timer);
      }
      return isStored(reply);
    },
  };
}
