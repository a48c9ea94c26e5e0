// Helpers for the packaging tests: run a command, pack the package, and install the packed
// tarball into a temporary folder the way a user's project would get it.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root, with a trailing slash. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The result of a finished command. */
export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (at most `timeoutMs`) and returns its status and output. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): CommandResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', npm_config_update_notifier: 'false' },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** package.json of the repository. */
export function readPackageJson(): {
  name: string;
  version: string;
  sideEffects?: unknown;
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
} {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
}

/** Throws a readable error when dist/ lacks a file, so a test names what was not built. */
export function assertBuilt(distFiles: readonly string[]): void {
  const missing = distFiles.filter((file) => !existsSync(join(repoRoot, 'dist', file)));
  if (missing.length > 0) {
    throw new Error(`not built: dist/${missing.join(', dist/')} (did \`npx tsup\` succeed?)`);
  }
}

/** A temporary project with the packed tarball installed in node_modules/devicebind. */
export interface InstalledPackage {
  /** The consumer project's folder. */
  dir: string;
  /** The tarball's file name inside `dir`. */
  tarball: string;
  /** Removes the folder. */
  remove(): void;
}

/**
 * Packs the package with `npm pack` and installs the tarball into a fresh temporary project
 * with `npm install --offline`. Its runtime dependencies are linked from this repository's
 * node_modules (`file:` dependencies), so the install needs neither network nor npm cache.
 */
export function installPackedPackage(): InstalledPackage {
  const dir = mkdtempSync(join(tmpdir(), 'devicebind-consumer-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const pack = runCommand('npm', ['pack', '--json', '--pack-destination', dir]);
    if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
    const [packed] = JSON.parse(pack.stdout) as { filename: string }[];
    if (packed === undefined) throw new Error('npm pack reported no tarball');
    const dependencies: Record<string, string> = {};
    for (const name of Object.keys(readPackageJson().dependencies ?? {})) {
      dependencies[name] = `file:${join(repoRoot, 'node_modules', name)}`;
    }
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'devicebind-consumer', private: true, type: 'module', dependencies }),
    );
    const install = runCommand(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        `./${packed.filename}`,
      ],
      { cwd: dir },
    );
    if (install.status !== 0)
      throw new Error(`npm install of ${packed.filename} failed:\n${install.stderr}`);
    return { dir, tarball: packed.filename, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
