// Confines the test workers with Node's permission model: a test file reads and writes only the
// repository and the temporary folder (where vitest also hands modules to its workers; a fresh
// one per run under `npm test`); a published-data suite may also read its set's folder.
// Reading anything else (`../shared`, a home folder) throws ERR_ACCESS_DENIED.

import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/** The permission flag: `--permission` from Node 22.13 and 23.5, experimental before. */
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission')
  ? '--permission'
  : '--experimental-permission';

/**
 * A path and its real path (the permission model compares both forms of what a test opens),
 * without a trailing separator (Node 20 aborts on one).
 */
function bothForms(path: string): string[] {
  const given = resolve(path);
  const real = existsSync(given) ? realpathSync(given) : given;
  return real === given ? [given] : [given, real];
}

/**
 * Node flags for a guarded worker: reads and writes in `writable`, reads only in `readable`.
 * Child processes, worker threads and native modules stay allowed (tests run real servers,
 * Hermes, npm, bundlers); child processes are not confined themselves.
 */
export function guardedExecArgv(writable: readonly string[], readable: readonly string[] = []) {
  return [
    PERMISSION_FLAG,
    ...writable
      .flatMap(bothForms)
      .flatMap((path) => [`--allow-fs-read=${path}`, `--allow-fs-write=${path}`]),
    ...readable.flatMap(bothForms).map((path) => `--allow-fs-read=${path}`),
    '--allow-child-process',
    '--allow-worker',
    // Native modules (rollup's parser) are allowed; fs reads stay confined.
    ...(process.allowedNodeEnvironmentFlags.has('--allow-addons') ? ['--allow-addons'] : []),
    // The permission model announces itself in every worker; the failures it causes are loud.
    '--disable-warning=ExperimentalWarning',
    '--disable-warning=SecurityWarning',
  ];
}
