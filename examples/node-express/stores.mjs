// Shared state of the Express example, in Redis: the replay cache every instance checks
// proofs against, and the device bindings (the keys registered at sign-in).

import { createRedisReplayCache } from 'devicebind/server';

/**
 * The example's stores over one node-redis client. Create the client with
 * `disableOfflineQueue: true`, so a command fails at once while Redis is away instead of
 * waiting for it (the replay cache refuses the proof: `REPLAY_CHECK_FAILED`, 503).
 *
 * @param {import('redis').RedisClientType} client
 * @param {{ prefix?: string }} [options]
 */
// #region redis-stores
export function redisStores(client, { prefix = 'example:' } = {}) {
  return {
    replayCache: createRedisReplayCache({
      sendCommand: (...args) => client.sendCommand(args),
      prefix: `${prefix}dpop:`,
    }),
    bindings: {
      async put(deviceId, binding) {
        await client.set(`${prefix}binding:${deviceId}`, JSON.stringify(binding));
      },
      async get(deviceId) {
        const stored = await client.get(`${prefix}binding:${deviceId}`);
        return stored === null ? undefined : JSON.parse(stored);
      },
    },
  };
}
// #endregion redis-stores
