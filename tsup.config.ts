import { existsSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per public subpath, as the README's "Entry points" table lists them; everything
// else is internal. package.json "exports" maps each subpath to dist/<key>.{js,cjs,d.ts,d.cts};
// test/package/exports-map.test.ts keeps the table, this list and the exports map in step.
export const entries = {
  index: 'src/index.ts',
  envelopes: 'src/envelopes.ts',
  fetch: 'src/fetch.ts',
  rotation: 'src/rotation.ts',
  'server/index': 'src/server/index.ts',
  'server/attestation/index': 'src/server/attestation/index.ts',
  'keystores/memory': 'src/keystores/memory/index.ts',
  'keystores/webcrypto': 'src/keystores/webcrypto/index.ts',
  'keystores/android': 'src/keystores/android/index.ts',
  'keystores/ios': 'src/keystores/ios/index.ts',
  'testing/index': 'src/testing/index.ts',
  'crypto/pure-js': 'src/crypto/pure-js.ts',
};

// An entry whose source is not written yet is left out of the build (never stubbed); the
// packaging tests then fail for that subpath by name.
const missing = Object.entries(entries).filter(([, source]) => !existsSync(source));
for (const [name, source] of missing) console.warn(`tsup: skipping entry ${name}: ${source} does not exist`);

export default defineConfig({
  entry: Object.fromEntries(Object.entries(entries).filter(([, source]) => existsSync(source))),
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: false,
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
});
