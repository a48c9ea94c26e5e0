// verifyRequest with the Redis replay cache (a local redis-server through node-redis) as a
// ratio to the same with MemoryReplayCache, one request at a time and 16 in flight, where the
// Redis round trip overlaps other requests' signature checks.

import { createClient } from 'redis';
import { findRedisServer, REDIS_INSTALL_HINT } from '../scripts/redis-server.mjs';
import {
  createRedisReplayCache,
  MemoryReplayCache,
  type ReplayCache,
} from '../src/server/index.js';
import { startRedisServer } from '../test/helpers/redis-server.js';
import { type BenchCase, type BenchGroup, defineBench } from './lib/bench.js';
import { benchDevice, proofPool, randomJti, verifyRequestCase } from './lib/proof-pool.js';

const URL = 'https://api.example.com/v1/items/42';
/** Proofs with unique jtis; a cache accepts each once, so a fresh cache starts when they wrap. */
const POOL_SIZE = 10_000;

export default defineBench(async () => {
  const device = await benchDevice();
  const pool = await proofPool(device, POOL_SIZE, URL);

  const verifying = (name: string, newCache: () => ReplayCache): BenchCase =>
    verifyRequestCase(name, device, pool, URL, newCache);

  const cases: BenchCase[] = [
    // One device sends every proof here: its share of the cache must hold the whole pool.
    verifying(
      'verifyRequest (MemoryReplayCache)',
      () => new MemoryReplayCache({ maxEntries: POOL_SIZE, maxEntriesPerDevice: POOL_SIZE }),
    ),
  ];
  const notes: string[] = [];
  if (findRedisServer() === undefined) {
    notes.push(`the Redis case is skipped: redis-server is not installed (${REDIS_INSTALL_HINT})`);
  } else {
    const server = await startRedisServer();
    const client = createClient({ url: server.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
    cases.push(
      verifying('verifyRequest (Redis replay cache)', () =>
        createRedisReplayCache({
          sendCommand: (...args) => client.sendCommand(args),
          prefix: `bench:${randomJti()}:`,
        }),
      ),
    );
  }

  const group = (inFlight: number, label: string): BenchGroup => ({
    name: `DPoP proof verification with a replay cache, ${label}`,
    baseline: 'verifyRequest (MemoryReplayCache)',
    cases,
    inFlight,
    ratios: [
      ['Redis / memory', 'verifyRequest (Redis replay cache)', 'verifyRequest (MemoryReplayCache)'],
    ],
    notes,
  });
  return [group(1, 'one at a time'), group(16, '16 in flight')];
});
