// Builds a program for the hermes CLI the way Metro builds an app bundle: esbuild bundles the
// modules into one script, Babel with @react-native/babel-preset compiles it. Shared by
// scripts/hermes-run.mjs (the Hermes tests) and the Hermes benchmarks.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformAsync } from '@babel/core';
import { build } from 'esbuild';

/** The repository root (pass it explicitly where this file is bundled elsewhere). */
export const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/** The hermes CLI and compiler of hermes-engine-cli under `root`. */
export function hermesTools(root = repoRoot) {
  const bin = join(root, 'node_modules/hermes-engine-cli/linux64-bin');
  return { hermes: join(bin, 'hermes'), hermesc: join(bin, 'hermesc') };
}

/**
 * The compiled program for `entry` (a path from `root`), as source text; `define` replaces
 * global identifiers with constants, as esbuild's option of that name does (test inputs).
 */
export async function buildForHermes(entry, root = repoRoot, { define } = {}) {
  // 1. One script, no module loader at run time: what Metro's serializer produces.
  const bundled = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['react-native', 'import', 'default'],
    define,
    logLevel: 'error',
  });
  // 2. Metro's transform: the React Native Babel preset, helpers inlined (no runtime require).
  const compiled = await transformAsync(bundled.outputFiles[0].text, {
    babelrc: false,
    configFile: false,
    cwd: root,
    filename: 'hermes-bundle.js',
    sourceType: 'script',
    compact: false,
    presets: [['@react-native/babel-preset', { enableBabelRuntime: false }]],
  });
  return compiled.code;
}
