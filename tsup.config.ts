import { defineConfig } from 'tsup';

// One entry per public subpath (DESIGN.md export table); everything else is internal.
export const entries = {
  index: 'src/index.ts',
  'server/index': 'src/server/index.ts',
  'keystores/memory': 'src/keystores/memory/index.ts',
  'keystores/webcrypto': 'src/keystores/webcrypto/index.ts',
  'keystores/android': 'src/keystores/android/index.ts',
  'keystores/ios': 'src/keystores/ios/index.ts',
  'testing/index': 'src/testing/index.ts',
  'crypto/pure-js': 'src/crypto/pure-js.ts',
};

export default defineConfig({
  entry: entries,
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: false,
  splitting: true,
  treeshake: true,
  target: 'es2022',
  platform: 'neutral',
});
