// Global setup of the vitest projects that test the built package (packaging checks, the
// browser example): builds dist/ once per vitest run, unless scripts/test.mjs already did.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Set by scripts/test.mjs after its own build step, so the build runs once. */
export const SKIP_BUILD_ENV = 'DEVICEBIND_SKIP_BUILD';

interface BuildState {
  done?: boolean;
}

// Several projects use this setup in one process, each through its own module instance:
// a process-wide flag keeps them from building (and cleaning dist/) twice.
const state = globalThis as typeof globalThis & { __devicebindBuild?: BuildState };

export default function setup(): void {
  if (process.env[SKIP_BUILD_ENV] === '1') return;
  state.__devicebindBuild ??= {};
  if (state.__devicebindBuild.done) return;
  state.__devicebindBuild.done = true;
  const result = spawnSync('npx', ['-y', 'tsup', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  // A failed build is not thrown here (that would abort every project): the tests that
  // need dist/ fail one by one, naming the missing files.
  if (result.status !== 0)
    console.error(`devicebind: the build (tsup) failed with status ${result.status}`);
}
