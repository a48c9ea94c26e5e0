// Setup file of every confined vitest project (vitest.config.ts): stops a test file that runs
// without the permission model (read-guard.ts), so a project cannot lose its guard unnoticed.

import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

if (process.permission === undefined || process.permission.has('fs.read', dirname(repoRoot))) {
  throw new Error(
    'this vitest project must run confined to the repository: give it the execArgv of test/setup/read-guard.ts (see vitest.config.ts)',
  );
}
