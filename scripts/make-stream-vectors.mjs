// Writes the published stream-envelope vectors, test/vectors/stream/*.json, from fixed
// inputs: bundles test/vectors/stream/generate.ts (the independent node:crypto reference
// implementation) with esbuild and runs it. Output is deterministic; the vector test
// fails if the files and this output ever differ.
//
//   node scripts/make-stream-vectors.mjs

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outputDir = join(root, 'test', 'vectors', 'stream');
const testKeys = join(root, 'test', 'fixtures', 'rsa-test-keys.json');

const cacheDir = join(root, 'node_modules', '.cache');
mkdirSync(cacheDir, { recursive: true });
const bundleDir = mkdtempSync(join(cacheDir, 'devicebind-stream-vectors-'));
try {
  await build({
    entryPoints: [join(outputDir, 'generate.ts')],
    outfile: join(bundleDir, 'generate.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const { makeStreamVectors } = await import(pathToFileURL(join(bundleDir, 'generate.mjs')).href);
  const rsaKey = JSON.parse(readFileSync(testKeys, 'utf8')).a;
  const { main, defaultSegmentSize } = makeStreamVectors(rsaKey);
  writeFileSync(join(outputDir, 'stream-vectors.json'), `${JSON.stringify(main, null, 2)}\n`);
  writeFileSync(
    join(outputDir, 'stream-vectors-64k.json'),
    `${JSON.stringify(defaultSegmentSize, null, 2)}\n`,
  );
  console.log(
    `wrote ${main.vectors.length} + ${defaultSegmentSize.vectors.length} vectors to ${outputDir}`,
  );
} finally {
  rmSync(bundleDir, { recursive: true, force: true });
}
