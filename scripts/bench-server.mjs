// `npm run bench:server`: bundles bench/server/load.ts with esbuild (platform node, packages
// and .mjs helpers left external, so they resolve from where they are) and runs it.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the repository, so the external packages resolve from node_modules.
const cacheDir = join(root, 'node_modules', '.cache');
mkdirSync(cacheDir, { recursive: true });
const out = mkdtempSync(join(cacheDir, 'devicebind-bench-server-'));
try {
  await build({
    entryPoints: [join(root, 'bench/server/load.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: join(out, 'load.mjs'),
    logLevel: 'error',
    plugins: [
      {
        name: 'mjs-in-place',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /\.mjs$/ }, (args) => ({
            path: resolve(args.resolveDir, args.path),
            external: true,
          }));
        },
      },
    ],
  });
  const result = spawnSync(process.execPath, [join(out, 'load.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
