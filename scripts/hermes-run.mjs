// Builds the Hermes test program the way Metro builds an app bundle (esbuild bundles the
// modules, Babel with @react-native/babel-preset compiles them) and runs it in the hermes CLI
// from hermes-engine-cli. Prints what the program printed; exits non-zero when Hermes fails.
// Usage: node scripts/hermes-run.mjs [entry.ts]   (default: test/hermes/hermes-entry.ts)

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildForHermes, hermesTools } from './hermes-bundle.mjs';

const { hermes } = hermesTools();

const entry = process.argv[2] ?? 'test/hermes/hermes-entry.ts';
const compiled = { code: await buildForHermes(entry) };

// 3. The seed of the test's random-source stand-in, fresh on every run.
const prelude = `var DEVICEBIND_HERMES_SEED = ${JSON.stringify(randomBytes(32).toString('hex'))};\n`;
const dir = mkdtempSync(join(tmpdir(), 'devicebind-hermes-'));
const file = join(dir, 'bundle.js');
writeFileSync(file, prelude + compiled.code);
try {
  // React Native runs promise jobs as microtasks before timers; the CLI does so only with
  // -Xmicrotask-queue (its timers also ignore their delay and fire once the queue is empty).
  const run = spawnSync(hermes, ['-Xmicrotask-queue', file], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  process.stdout.write(run.stdout ?? '');
  process.stderr.write(run.stderr ?? '');
  if (run.error) throw run.error;
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
