// Finds Debian's `redis-server` for the tests that need a real Redis (the Redis replay cache,
// multi-instance and load runs). Shared by vitest.config.ts, scripts/test.mjs, .ci/run and
// test/helpers/redis-server.ts.

import { spawnSync } from 'node:child_process';

/** Test files that need a real Redis: registered only when `redis-server` is installed. */
export const REDIS_TEST_FILES = 'test/**/*.redis.test.ts';

/** What to do when it is missing, for the loud notice. */
export const REDIS_INSTALL_HINT = 'apt-get install -y redis-server, or set REDIS_SERVER_PATH';

// Probed by running them, not by looking at the file system: the test workers run with
// reads confined to the repository (test/setup/read-guard.ts), but may start processes.
const CANDIDATES = [
  process.env.REDIS_SERVER_PATH,
  '/usr/bin/redis-server',
  '/usr/local/bin/redis-server',
  'redis-server',
];

let found;

/**
 * The `redis-server` executable that answers `--version`, or `undefined` when none is installed.
 * @returns {string | undefined}
 */
export function findRedisServer() {
  if (found !== undefined) return found || undefined;
  found = '';
  for (const candidate of CANDIDATES) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore', timeout: 20_000 });
    if (probe.status === 0) {
      found = candidate;
      break;
    }
  }
  return found || undefined;
}
