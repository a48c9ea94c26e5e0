// Cold `import()` of the client entry point against `dpop` and `jose`: each sample is the
// first import in a fresh Node process, timed inside that process. Measures the built
// package in dist/ (`npm run bench` builds it first).

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchCase, defineBench } from './lib/bench.js';

// The harness runs from the repository root, where `devicebind` resolves to this package.
const root = process.cwd();

function coldImport(specifier: string): () => { elapsedMs: number } {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
  return () => ({
    elapsedMs: Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root }),
    ),
  });
}

export default defineBench(async () => {
  if (!existsSync(join(root, 'dist', 'index.js'))) {
    throw new Error('cold-import measures the built package: run `npm run build` first');
  }
  const cases: BenchCase[] = [
    { name: "import('devicebind')", run: coldImport('devicebind') },
    { name: "import('dpop')", run: coldImport('dpop') },
    { name: "import('jose')", run: coldImport('jose') },
  ];
  return [
    {
      name: 'cold import',
      showMs: true,
      baseline: "import('devicebind')",
      cases,
      ratios: [
        ['devicebind / dpop (speed)', "import('devicebind')", "import('dpop')"],
        ['devicebind / jose (speed)', "import('devicebind')", "import('jose')"],
      ],
    },
  ];
});
