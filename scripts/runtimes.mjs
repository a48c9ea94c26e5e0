// Finds the JavaScript runtimes besides Node that the tests run the package in (workerd, Deno,
// Bun), from their npm packages. Shared by vitest.config.ts, scripts/test.mjs and .ci/run.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const modules = fileURLToPath(new URL('../node_modules/', import.meta.url));
const arch = process.arch === 'arm64' ? 'aarch64' : 'x64';

/** Where each runtime's npm package may have put its binary, environment override first. */
const CANDIDATES = {
  workerd: [process.env.WORKERD_PATH, `${modules}workerd/bin/workerd`, `${modules}.bin/workerd`],
  deno: [
    process.env.DENO_PATH,
    `${modules}deno/deno`,
    `${modules}@deno/${process.platform}-${process.arch}-glibc/deno`,
    `${modules}@deno/${process.platform}-${process.arch}/deno`,
    `${modules}.bin/deno`,
  ],
  // Bun's postinstall moves its binary from the platform package to bun/bin/bun.exe; without
  // install scripts it stays where the platform package put it.
  bun: [
    process.env.BUN_PATH,
    `${modules}bun/bin/bun.exe`,
    `${modules}@oven/bun-${process.platform}-${arch}/bin/bun`,
  ],
};

/** What to do when a runtime is missing, for the loud notice. */
export const INSTALL_HINT = {
  workerd: 'npm ci installs it from the npm package "workerd"; or set WORKERD_PATH',
  deno: 'npm ci installs it from the npm package "deno"; or set DENO_PATH',
  bun: 'npm ci installs it from the npm package "bun" (@oven/bun-*); or set BUN_PATH',
};

const found = new Map();

/**
 * The executable of a runtime that answers `--version`, or `undefined` when none is installed.
 * @param {'workerd' | 'deno' | 'bun'} name
 * @returns {string | undefined}
 */
export function findRuntime(name) {
  if (found.has(name)) return found.get(name);
  let result;
  for (const candidate of CANDIDATES[name]) {
    if (!candidate || !existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore', timeout: 20_000 });
    if (probe.status === 0) {
      result = candidate;
      break;
    }
  }
  found.set(name, result);
  return result;
}

/** The runtimes the suites run in, each with its executable or `undefined`. */
export const RUNTIME_NAMES = ['workerd', 'deno', 'bun'];
