// Test projects: the Node suite, the core again without crypto.subtle (pure-JS backend), the
// packaging checks on the built package, the other runtimes the README advertises (workerd,
// Deno, Bun: each when installed), and, when a Chromium is installed, real-browser tests.

import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { findRuntime } from './scripts/runtimes.mjs';
import { CHROMIUM_ARGS, findChromium } from './test/setup/chromium.js';
import { serverCommands } from './test/setup/server-commands.js';

const chromium = findChromium();

// A runtime that is not installed has no tests registered (scripts/test.mjs says so loudly):
// the workerd suite needs workerd; the package smoke test runs in whichever of Deno and Bun
// is there, and in Node.
const runtimeTests = [
  ...(findRuntime('workerd') ? ['test/runtimes/workerd/**/*.test.ts'] : []),
  'test/runtimes/package-smoke.test.ts',
];

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
          exclude: ['test/browser/**', 'test/package/**', 'test/examples/**', 'test/runtimes/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'node-purejs',
          environment: 'node',
          include: ['test/core/**/*.test.ts'],
          setupFiles: ['test/setup/without-subtle.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'package',
          environment: 'node',
          include: ['test/package/**/*.test.ts', 'test/examples/**/*.test.ts'],
          globalSetup: ['test/setup/build-once.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'runtimes',
          environment: 'node',
          include: runtimeTests,
          globalSetup: ['test/setup/build-once.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      ...browserProjects,
    ],
  },
});
