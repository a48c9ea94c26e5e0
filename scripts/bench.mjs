// Runs every benchmark in bench/*.ts in one Node process: bundles them with esbuild
// (platform node, ESM, dependencies external) into a temporary folder, then measures each
// group's cases side by side in interleaved rounds and prints ops/s and ratios.
//
// Each case runs in a worker thread of its own (so in a V8 heap of its own), driven from
// the main thread one slice at a time: the cases share the process, the CPU and its noise,
// but not their garbage, nor the collector state one leaves behind (V8 sizes its next
// collections from the last ones), which would otherwise land in the next case's slice.
//
//   node scripts/bench.mjs [name ...]      only bench/<name>.ts
//   BENCH_ROUNDS=10 BENCH_SLICE_MS=150     rounds per group, least time per case per round
//                                          (longer where the slowest case needs it for 10 ops)
//   BENCH_ISOLATE=0                        every case on the main thread, in one heap

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, 'bench');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 150);
const MIN_OPS_PER_SLICE = 10;
const MAX_SLICE_MS = 1000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 300);
const ISOLATE = process.env.BENCH_ISOLATE !== '0';

// A relative import from a bench file whose target does not exist yet becomes an empty
// module, so benchmarks can name parts of the SDK that are still being written and skip
// those cases with a note instead of failing the whole run.
const missingSources = {
  name: 'missing-sources',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (dirname(args.importer) !== benchDir) return undefined;
      const target = resolve(args.resolveDir, args.path);
      const candidates = [
        target,
        target.replace(/\.js$/, '.ts'),
        `${target}.ts`,
        join(target, 'index.ts'),
      ];
      if (candidates.some((path) => existsSync(path) && !path.endsWith('/'))) return undefined;
      return { path: relative(root, target), namespace: 'bench-missing' };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'bench-missing' }, (args) => ({
      contents: 'module.exports = { __benchMissing: true };',
      loader: 'js',
      warnings: [
        { text: `${args.path} does not exist yet; benchmark cases that need it are skipped` },
      ],
    }));
  },
};

function formatOps(ops) {
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)} M`;
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(1)} k`;
  return ops.toFixed(1);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function loadGroups(url) {
  const module = await import(url);
  if (typeof module.default !== 'function')
    throw new Error(`${url} must export default defineBench(async () => groups)`);
  return module.default();
}

// A case whose run resolves to `{ elapsedMs }` timed its own work (e.g. in a child process):
// that time counts, not the wall time around it. With `inFlight` > 1, that many calls are
// kept running at once, as an app's parallel requests would.
async function measure(run, ms, inFlight = 1) {
  let ops = 0;
  let selfTimedMs = 0;
  const start = performance.now();
  const end = start + ms;
  let now = start;
  const loop = async () => {
    while (now < end) {
      const result = await run();
      if (typeof result?.elapsedMs === 'number') selfTimedMs += result.elapsedMs;
      ops++;
      now = performance.now();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  return (ops * 1000) / (selfTimedMs > 0 ? selfTimedMs : now - start);
}

/** Measures `group`; `runners[i].measure(ms)` measures its case `i` for `ms` (in its worker). */
async function runGroup(group, runners) {
  const cases = group.cases;
  const samples = new Map(cases.map((c) => [c.name, []]));
  let slowestOps = Number.POSITIVE_INFINITY;
  for (const runner of runners)
    slowestOps = Math.min(slowestOps, await runner.measure(WARMUP_MS / cases.length));
  // A slice must hold enough operations of the slowest case (16 MiB envelopes take ~50 ms)
  // that one GC pause or scheduling hiccup does not decide its sample.
  const sliceMs = Math.min(
    Math.max(SLICE_MS, (MIN_OPS_PER_SLICE * 1000) / slowestOps),
    MAX_SLICE_MS,
  );
  group.sliceMs = sliceMs;
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no case always runs right after the same one.
    for (let i = 0; i < cases.length; i++) {
      const k = (i + round) % cases.length;
      samples.get(cases[k].name).push(await runners[k].measure(sliceMs));
    }
  }
  const results = new Map(
    [...samples].map(([name, values]) => [name, { ops: median(values), values }]),
  );
  const base = results.get(group.baseline);
  if (base === undefined)
    throw new Error(`group "${group.name}": baseline "${group.baseline}" is not one of its cases`);
  const width = Math.max(...cases.map((c) => c.name.length), 10);
  const inFlight = group.inFlight > 1 ? `, ${group.inFlight} calls in flight` : '';
  console.log(`\n## ${group.name} (${Math.round(group.sliceMs)} ms slices${inFlight})\n`);
  console.log(
    `${'case'.padEnd(width)}  ${'ops/s'.padStart(10)}  ${'spread'.padStart(7)}  ${'ratio'.padStart(6)}${group.bytesPerOp ? `  ${'MB/s'.padStart(8)}` : ''}${group.showMs ? `  ${'ms/op'.padStart(7)}` : ''}`,
  );
  for (const c of cases) {
    const { ops, values } = results.get(c.name);
    const spread = ((Math.max(...values) - Math.min(...values)) / ops) * 100;
    let line = `${c.name.padEnd(width)}  ${formatOps(ops).padStart(10)}  ${`±${(spread / 2).toFixed(0)}%`.padStart(7)}  ${(ops / base.ops).toFixed(2).padStart(6)}`;
    if (group.bytesPerOp) line += `  ${((ops * group.bytesPerOp) / 1e6).toFixed(1).padStart(8)}`;
    if (group.showMs) line += `  ${(1000 / ops).toFixed(1).padStart(7)}`;
    console.log(line);
  }
  for (const [label, numerator, denominator] of group.ratios ?? []) {
    const a = results.get(numerator);
    const b = results.get(denominator);
    console.log(`${label}: ${a && b ? (a.ops / b.ops).toFixed(2) : 'n/a (case skipped)'}`);
  }
  for (const note of group.notes ?? []) console.log(`note: ${note}`);
}

/**
 * Worker side: sets the bench file up in this isolate, then measures case `index` of group
 * `group` on each request. The first worker of a file also describes the groups.
 */
async function serveCase({ url, group, index, describe }) {
  const groups = await loadGroups(url);
  const { cases, inFlight } = groups[group];
  const { run } = cases[index];
  parentPort.on('message', async (ms) => parentPort.postMessage(await measure(run, ms, inFlight)));
  parentPort.postMessage(
    describe
      ? groups.map(({ cases, ...rest }) => ({
          ...rest,
          cases: cases.map(({ name }) => ({ name })),
        }))
      : null,
  );
}

/** A worker for case `index` of group `group`, once it is set up; `groups` if `describe`. */
async function caseWorker(url, group, index, describe) {
  const worker = new Worker(fileURLToPath(import.meta.url), {
    workerData: { url, group, index, describe },
  });
  let pending;
  const reply = () =>
    new Promise((resolve, reject) => {
      pending = { resolve, reject };
    });
  const settle = (how) => (value) => {
    const waiting = pending;
    pending = undefined;
    waiting?.[how](value);
  };
  worker.on('message', settle('resolve'));
  worker.on('error', settle('reject'));
  worker.on('exit', (code) => settle('reject')(new Error(`a bench worker exited (${code})`)));
  const groups = await reply();
  return {
    groups,
    measure(ms) {
      const result = reply();
      worker.postMessage(ms);
      return result;
    },
    stop: () => worker.terminate(),
  };
}

/** Runs a bench file's groups, each case in a worker of its own. */
async function runIsolated(url) {
  // The first worker sets up alone, so what its notes measure (peak RSS) is its own.
  const first = await caseWorker(url, 0, 0, true);
  for (const [g, group] of first.groups.entries()) {
    const started = group.cases.map((_, index) =>
      g === 0 && index === 0 ? Promise.resolve(first) : caseWorker(url, g, index, false),
    );
    try {
      await runGroup(group, await Promise.all(started));
    } finally {
      await Promise.allSettled(started.map(async (runner) => (await runner).stop()));
    }
  }
}

async function main() {
  const { build } = await import('esbuild');
  // Bench files that run the package in child processes resolve it from the repository root.
  process.chdir(root);
  const wanted = process.argv.slice(2);
  const files = readdirSync(benchDir)
    .filter((name) => name.endsWith('.ts') && !name.startsWith('_'))
    .filter((name) => wanted.length === 0 || wanted.includes(name.slice(0, -3)))
    .sort();
  if (files.length === 0) {
    console.error(
      `no benchmarks found in bench/${wanted.length > 0 ? ` matching ${wanted.join(', ')}` : ''}`,
    );
    process.exit(1);
  }

  const cacheDir = join(root, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  // Inside node_modules/.cache so the bundles resolve the repository's dependencies.
  const outdir = mkdtempSync(join(cacheDir, 'devicebind-bench-'));

  const started = performance.now();
  try {
    const entryPoints = files.map((name) => join(benchDir, name));
    await build({
      entryPoints,
      outdir,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outExtension: { '.js': '.mjs' },
      plugins: [missingSources],
      logLevel: 'warning',
    });
    console.log(
      `devicebind benchmarks — Node ${process.version}, ${ROUNDS} rounds × ${SLICE_MS} ms per case, ` +
        `interleaved, ${ISOLATE ? 'each case in its own worker' : 'all cases on the main thread'}`,
    );
    for (const name of files) {
      const url = pathToFileURL(join(outdir, name.replace(/\.ts$/, '.mjs'))).href;
      console.log(`\n# ${name}`);
      if (ISOLATE) await runIsolated(url);
      else {
        for (const group of await loadGroups(url)) {
          await runGroup(
            group,
            group.cases.map((c) => ({ measure: (ms) => measure(c.run, ms, group.inFlight) })),
          );
        }
      }
    }
    console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (isMainThread) await main();
else await serveCase(workerData);
