// Cold `import()` of the client entry point against `dpop` and `jose`: each sample is the
// first import in a fresh Node process, timed inside that process. Measures the built
// package (`npm run build` output in dist/), which this file builds first.

import { execFileSync } from 'node:child_process';
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
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js'), '--silent'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
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
