// Test projects: the Node suite, the core again without crypto.subtle (pure-JS backend), the
// packaging checks on the built package, the other runtimes the README advertises (workerd,
// Deno, Bun: each when installed), the published-data suites when their folders are found
// (test/setup/published-data.mjs), and, when a Chromium is installed, real-browser tests.
// Every Node project runs confined (test/setup/read-guard.ts): only a published-data project
// may read outside the repository, and only its own folder.
// Suites that need a real Redis (`*.redis.test.ts`) run when redis-server is installed.

import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { findRedisServer, REDIS_TEST_FILES } from './scripts/redis-server.mjs';
import { findRuntime } from './scripts/runtimes.mjs';
import { CHROMIUM_ARGS, findChromium } from './test/setup/chromium.js';
import { DATA_SETS, locateDataSets } from './test/setup/published-data.mjs';
import { guardedExecArgv } from './test/setup/read-guard.js';
import { serverCommands } from './test/setup/server-commands.js';

const chromium = findChromium();
const repoRoot = realpathSync(fileURLToPath(new URL('./', import.meta.url)));
// Confined workers may use the temporary folder: vitest hands them modules there. scripts/test.mjs
// gives each run a fresh one; a temporary folder that holds the repository would open its sides.
const temporary = realpathSync(tmpdir());
const fromTemporary = relative(temporary, repoRoot);
if (!fromTemporary.startsWith('..') && !isAbsolute(fromTemporary)) {
  throw new Error(
    `the temporary folder ${temporary} holds the repository, so the tests could read beside it: run \`npm test\`, or set TMPDIR to a folder outside the repository`,
  );
}
const dataSets = locateDataSets(repoRoot);
for (const set of dataSets) if (set.problem) console.warn(`devicebind: ${set.name} suites not run: ${set.problem}`);

/** The test files of a data set, wherever they are. */
const suitesOf = (set: (typeof DATA_SETS)[number]) => [`${set.folder}**/*.test.ts`, `test/**/*${set.suffix}`];
const allDataSuites = DATA_SETS.flatMap(suitesOf);

interface Confinement {
  /** A published data set the project may read (its suites). */
  data?: { variable: string; dir: string };
  /** System files the project's tools read (Playwright's platform checks and browser). */
  system?: string[];
  /** The project's own setup files. */
  setupFiles?: string[];
}

/** Environment, flags and setup of a confined project. */
function confined({ data, system = [], setupFiles = [] }: Confinement = {}) {
  const env: Record<string, string> = {};
  // The loader (test/setup/vectors.ts) reads each folder from its variable: empty means not here.
  for (const set of DATA_SETS) env[set.variable] = '';
  if (data) env[data.variable] = data.dir;
  return {
    env,
    execArgv: guardedExecArgv([repoRoot, temporary], [...(data ? [data.dir] : []), ...system]),
    setupFiles: ['test/setup/confined.ts', ...setupFiles],
  };
}

const dataProjects = dataSets.flatMap((set) =>
  set.dir === undefined
    ? []
    : [
        {
          test: {
            name: set.name,
            environment: 'node',
            include: suitesOf(set),
            testTimeout: 30_000,
            ...confined({ data: { variable: set.variable, dir: set.dir } }),
          },
        },
      ],
);

// A runtime that is not installed has no tests registered (scripts/test.mjs says so loudly):
// the workerd suite needs workerd; the package smoke test runs in whichever of Deno and Bun
// is there, and in Node.
const deployedTests = [
  ...(findRuntime('workerd') ? ['test/runtimes/workerd/**/*.test.ts'] : []),
  'test/runtimes/package-smoke.test.ts',
  'test/oauth/**/*.test.ts',
];

// Without redis-server the Redis suites are not registered (scripts/test.mjs says so loudly).
const withoutRedis = findRedisServer() === undefined ? [REDIS_TEST_FILES] : [];

const browserProjects =
  chromium === undefined
    ? []
    : [
        {
          // What the conformance kit imports, pre-bundled up front: found mid-run, it would make
          // Vite reload the page under a running test.
          optimizeDeps: {
            include: [
              '@noble/curves/ed25519.js',
              '@noble/curves/nist.js',
              '@noble/hashes/legacy.js',
              '@noble/hashes/sha2.js',
            ],
          },
          test: {
            name: 'browser',
            include: ['test/browser/page/**/*.test.ts'],
            testTimeout: 30_000,
            browser: {
              enabled: true,
              headless: true,
              screenshotFailures: false,
              provider: playwright({ launchOptions: { executablePath: chromium, args: [...CHROMIUM_ARGS] } }),
              instances: [{ browser: 'chromium' as const }],
              commands: serverCommands,
            },
          },
        },
        {
          test: {
            name: 'browser-e2e',
            environment: 'node',
            include: ['test/browser/e2e/**/*.test.ts'],
            globalSetup: ['test/setup/build-once.ts'],
            testTimeout: 60_000,
            hookTimeout: 60_000,
            ...confined({ system: ['/proc', '/run/WSL', '/etc/os-release', chromium!] }),
          },
        },
      ];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: [
            'test/browser/**',
            'test/package/**',
            'test/examples/**',
            'test/runtimes/**',
            ...allDataSuites,
            ...withoutRedis,
            'test/oauth/**',
          ],
          testTimeout: 30_000,
          ...confined(),
        },
      },
      {
        test: {
          name: 'node-purejs',
          environment: 'node',
          include: ['test/core/**/*.test.ts'],
          testTimeout: 30_000,
          ...confined({ setupFiles: ['test/setup/without-subtle.ts'] }),
        },
      },
      {
        test: {
          name: 'package',
          environment: 'node',
          include: ['test/package/**/*.test.ts', 'test/examples/**/*.test.ts'],
          exclude: withoutRedis,
          globalSetup: ['test/setup/build-once.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          ...confined(),
        },
      },
      {
        test: {
          // The built package where it is deployed: other runtimes, next to a real OAuth server.
          name: 'deployed',
          environment: 'node',
          include: deployedTests,
          globalSetup: ['test/setup/build-once.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          ...confined(),
        },
      },
      ...dataProjects,
      ...browserProjects,
    ],
  },
});
