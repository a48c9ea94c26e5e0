// Where the published test data lives (Wycheproof and JOSE cookbook vectors, real device
// attestation samples): folders outside the repository, never copied into it. Read by
// vitest.config.ts (which suites run, and what they may read) and scripts/test.mjs (the notice).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

/** Set to `1` (as `.ci/run` does) to make a missing data folder a failure instead of a notice. */
export const REQUIRE_VARIABLE = 'DEVICEBIND_REQUIRE_VECTORS';

/**
 * The published data sets. A suite that reads one is a test file under `folder` or named with
 * `suffix`; it runs in its own vitest project (named after the set) only when the set's folder
 * is found, and that project alone may read the folder.
 */
export const DATA_SETS = [
  {
    name: 'vectors',
    variable: 'DEVICEBIND_VECTORS',
    beside: '../shared/vectors',
    what: 'Wycheproof and JOSE cookbook vectors',
    folder: 'test/vectors/',
    suffix: '.vectors.test.ts',
  },
  {
    name: 'attestation',
    variable: 'DEVICEBIND_ATTESTATION',
    beside: '../shared/attestation',
    what: 'real Android and Apple attestation samples',
    folder: 'test/attestation-samples/',
    suffix: '.attestation-samples.test.ts',
  },
];

/** Whether `file` (relative to the repository root, `/`-separated) is a suite of `set`. */
export function isSuiteOf(set, file) {
  if (!file.endsWith('.test.ts')) return false;
  return file.startsWith(set.folder) || file.endsWith(set.suffix);
}

/** Every test file of the repository, relative to its root with `/` separators, sorted. */
export function testFiles(repoRoot) {
  const dir = join(repoRoot, 'test');
  return readdirSync(dir, { recursive: true })
    .map((entry) => `test/${String(entry).split(sep).join('/')}`)
    .filter((file) => file.endsWith('.test.ts') && statSync(join(repoRoot, file)).isFile())
    .sort();
}

/**
 * Finds each data set: the folder named by its variable (relative paths from the repository
 * root), else `beside` when that exists. Returns, per set, the suites, the absolute `dir` when
 * found, and a `problem` when the absence must fail the run: the variable names a folder that
 * does not exist, or `DEVICEBIND_REQUIRE_VECTORS=1` is set.
 */
export function locateDataSets(repoRoot, env = process.env) {
  const files = testFiles(repoRoot);
  const required = env[REQUIRE_VARIABLE] === '1';
  return DATA_SETS.map((set) => {
    const suites = files.filter((file) => isSuiteOf(set, file));
    const named = env[set.variable];
    const candidate = resolve(repoRoot, named || set.beside);
    const found = existsSync(candidate) && statSync(candidate).isDirectory();
    let problem;
    if (!found && named)
      problem = `${set.variable}=${named} names no folder (${candidate} does not exist)`;
    else if (!found && required && suites.length > 0)
      problem = `${REQUIRE_VARIABLE}=1 but the ${set.what} are not at ${candidate} (set ${set.variable})`;
    return { ...set, suites, dir: found ? candidate : undefined, problem };
  });
}

/**
 * The one-line notice for data sets that were not found, naming the suites that did not run
 * and how to run them; `undefined` when every set with suites was found.
 */
export function notRunNotice(located) {
  const parts = located
    .filter((set) => set.dir === undefined && set.suites.length > 0)
    .map((set) => {
      const names = set.suites.map((file) => file.replace(/^.*\//, '').replace(/\.test\.ts$/, ''));
      return `${set.suites.length} ${set.name} suite(s) (${names.join(', ')}): set ${set.variable} to the ${set.what} (default ${set.beside})`;
    });
  return parts.length === 0 ? undefined : `○ Not run, no published data: ${parts.join('; ')}`;
}
