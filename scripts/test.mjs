// `npm test`: build, typecheck and lint, then every vitest project (Node, Node without
// crypto.subtle, packaging, the published-data suites when their folders are found,
// workerd/Deno/Bun, real Redis and real Chromium when installed); ends with "N passed, N failed".

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateDataSets, notRunNotice } from '../test/setup/published-data.mjs';
import { findRedisServer, REDIS_INSTALL_HINT } from './redis-server.mjs';
import { findRuntime, INSTALL_HINT, RUNTIME_NAMES } from './runtimes.mjs';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const resultsDir = fileURLToPath(new URL('../.vitest-tmp/', import.meta.url));
const resultsFile = `${resultsDir}results.json`;

let passed = 0;
let failed = 0;
const timings = [];

function run(label, command, args, env = {}) {
  const started = performance.now();
  console.log(`\n── ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  const seconds = (performance.now() - started) / 1000;
  timings.push(`${label} ${seconds.toFixed(1)} s`);
  return result.status === 0;
}

function step(label, command, args) {
  const ok = run(label, command, args);
  if (ok) passed += 1;
  else {
    failed += 1;
    console.log(`✗ ${label} failed`);
  }
  return ok;
}

// Mirrors test/setup/chromium.ts, which the vitest config uses to add the browser projects.
function findChromium() {
  const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * Counts a vitest JSON report. Skipped and todo tests are not allowed here, so each counts as
 * a failure (a failing beforeAll leaves its tests skipped); a file that failed before
 * collecting any test counts as one failure.
 */
function countVitest(report) {
  let filesWithoutTests = 0;
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0)
      filesWithoutTests += 1;
  }
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + skipped + filesWithoutTests,
    skipped,
  };
}

step('build', 'npx', ['-y', 'tsup']);
step('typecheck', 'npx', ['-y', 'tsc', '-p', 'tsconfig.json', '--noEmit']);
step('lint', 'npm', ['run', '--silent', 'lint']);

const chromium = findChromium();
const dataSets = locateDataSets(repoRoot);
rmSync(resultsFile, { force: true });
mkdirSync(resultsDir, { recursive: true });
// A fresh temporary folder: the only place outside the repository the confined tests may use.
const temporary = mkdtempSync(join(tmpdir(), 'devicebind-test-'));
const vitestOk = run(
  'vitest',
  'npx',
  [
    '-y',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
  ],
  // The build step above already ran (or failed): the packaging projects must not rebuild.
  { DEVICEBIND_SKIP_BUILD: '1', TMPDIR: temporary, TMP: temporary, TEMP: temporary },
);
rmSync(temporary, { recursive: true, force: true });

if (existsSync(resultsFile)) {
  const counts = countVitest(JSON.parse(readFileSync(resultsFile, 'utf8')));
  passed += counts.passed;
  failed += counts.failed;
  if (counts.skipped > 0)
    console.log(`✗ ${counts.skipped} test(s) were skipped or left as todo (counted as failed)`);
  if (!vitestOk && counts.failed === 0) {
    console.log('✗ vitest exited with an error outside any test (see above)');
    failed += 1;
  }
} else {
  console.log('✗ vitest wrote no report (it crashed before running the tests; see above)');
  failed += 1;
}

for (const set of dataSets.filter((s) => s.problem !== undefined)) {
  console.log(`✗ ${set.name} suites did not run: ${set.problem}`);
  failed += 1;
}

console.log(`\nTimings: ${timings.join(', ')}`);
if (chromium === undefined) {
  const where = process.env.CHROMIUM_PATH
    ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH}`
    : '/usr/bin/chromium';
  console.log(
    `!!!!! BROWSER TESTS NOT RUN: no Chromium at ${where} (apt-get install -y chromium, or set CHROMIUM_PATH) !!!!!`,
  );
}
for (const name of RUNTIME_NAMES) {
  if (findRuntime(name) === undefined)
    console.log(
      `!!!!! ${name.toUpperCase()} TESTS NOT RUN: ${name} is not installed (${INSTALL_HINT[name]}) !!!!!`,
    );
}
const notice = notRunNotice(dataSets);
if (notice !== undefined) console.log(notice);
if (findRedisServer() === undefined)
  console.log(
    `!!!!! REDIS TESTS NOT RUN: redis-server is not installed (${REDIS_INSTALL_HINT}) !!!!!`,
  );
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
