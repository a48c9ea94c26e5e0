// `npm run demo`: builds the package, then runs examples/demo against the build.

import { execFileSync } from 'node:child_process';

if (!process.argv.includes('--no-build')) {
  console.log('Building devicebind…\n');
  execFileSync('npx', ['-y', 'tsup', '--silent'], {
    cwd: new URL('../', import.meta.url),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
const { runDemo } = await import('../examples/demo/run.mjs');
const { failed } = await runDemo();
process.exitCode = failed === 0 ? 0 : 1;
