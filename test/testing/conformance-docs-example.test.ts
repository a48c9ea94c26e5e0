// The minimal adapter printed in docs/keystore-adapters.md, taken from the document itself,
// bundled against this repository's `devicebind` entry and run through the conformance kit,
// so the guide's example is proven to keep the contract it describes.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import type { KeyStore } from '../../src/keystores/contract.js';
import { formatConformanceReport, runKeyStoreConformance } from '../../src/testing/index.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const guide = readFileSync(join(repoRoot, 'docs/keystore-adapters.md'), 'utf8');
const workDir = mkdtempSync(join(tmpdir(), 'devicebind-guide-'));

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** The code block of the guide whose first line names `file`. */
function codeBlock(file: string): string {
  const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const found = blocks.find((block) => block.startsWith(`// ${file}`));
  if (found === undefined)
    throw new Error(`docs/keystore-adapters.md has no code block for ${file}`);
  return found;
}

/** Bundles the example with `devicebind` resolved to this repository's source entry. */
async function loadExample(): Promise<{ SessionKeyStore: new () => KeyStore }> {
  const outfile = join(workDir, 'session-key-store.mjs');
  const source = codeBlock('session-key-store.ts');
  await build({
    stdin: {
      contents: source,
      loader: 'ts',
      resolveDir: repoRoot,
      sourcefile: 'session-key-store.ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    external: ['@noble/*', 'jose'],
    outfile,
    logLevel: 'silent',
    plugins: [
      {
        name: 'devicebind-source',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /^devicebind$/ }, () => ({
            path: join(repoRoot, 'src/index.ts'),
          }));
        },
      },
    ],
  });
  return (await import(pathToFileURL(outfile).href)) as { SessionKeyStore: new () => KeyStore };
}

describe('the minimal adapter in docs/keystore-adapters.md', () => {
  it('imports only the public `devicebind` entry', () => {
    const imports = [...codeBlock('session-key-store.ts').matchAll(/from '([^']+)'/g)].map(
      (m) => m[1],
    );
    expect(imports).toEqual(['devicebind']);
  });

  it('passes every check the kit runs for it, at least 15', async () => {
    const { SessionKeyStore } = await loadExample();
    const report = await runKeyStoreConformance(() => new SessionKeyStore());
    expect(report.failed, formatConformanceReport(report)).toBe(0);
    expect(report.passed).toBeGreaterThanOrEqual(15);
    expect(report.store).toBe('session');
  });
});
