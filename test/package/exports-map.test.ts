// Checks package.json's entry points against the public subpaths and the tsup entries:
// nested import/require conditions with types first, node10 fallbacks, and no side effects.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entries as tsupEntries } from '../../tsup.config.js';
import { assertBuilt, readPackageJson, repoRoot } from './helpers.js';
import { PUBLIC_ENTRIES } from './public-entries.js';

const pkg = readPackageJson() as ReturnType<typeof readPackageJson> & {
  main?: string;
  module?: string;
  types?: string;
  typesVersions?: Record<string, Record<string, string[]>>;
};

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('package.json exports', () => {
  it('exports exactly the public subpaths, plus ./package.json', () => {
    const expected = [...PUBLIC_ENTRIES.map((entry) => entry.subpath), './package.json'].sort();
    expect(Object.keys(pkg.exports).sort()).toEqual(expected);
    expect(pkg.exports['./package.json']).toBe('./package.json');
  });

  it('builds one tsup entry per subpath, named as the exports map expects', () => {
    expect(Object.keys(tsupEntries).sort()).toEqual(
      PUBLIC_ENTRIES.map((entry) => entry.distName).sort(),
    );
  });

  it.each(PUBLIC_ENTRIES)(
    'maps $subpath to nested import/require conditions, types first',
    (entry) => {
      const base = `./dist/${entry.distName}`;
      const target = pkg.exports[entry.subpath];
      expect(target).toEqual({
        import: { types: `${base}.d.ts`, default: `${base}.js` },
        require: { types: `${base}.d.cts`, default: `${base}.cjs` },
      });
      const conditions = target as Record<string, Record<string, string>>;
      expect(Object.keys(conditions.import ?? {})[0]).toBe('types');
      expect(Object.keys(conditions.require ?? {})[0]).toBe('types');
    },
  );

  it('points main, module and types at the root entry for tools without exports support', () => {
    expect(pkg.main).toBe('./dist/index.cjs');
    expect(pkg.module).toBe('./dist/index.js');
    expect(pkg.types).toBe('./dist/index.d.ts');
  });

  it('maps every other subpath in typesVersions, for TypeScript with node10 resolution', () => {
    const mapped = pkg.typesVersions?.['*'] ?? {};
    for (const entry of PUBLIC_ENTRIES.filter((e) => e.subpath !== '.')) {
      expect(mapped[entry.subpath.slice(2)], entry.subpath).toEqual([
        `./dist/${entry.distName}.d.ts`,
      ]);
    }
    expect(Object.keys(mapped)).toHaveLength(PUBLIC_ENTRIES.length - 1);
  });

  it('declares side effects only for devicebind/crypto/pure-js, whose import installs stand-ins', () => {
    // Every other module can be dropped by a bundler when unused.
    expect(pkg.sideEffects).toEqual(['./dist/crypto/pure-js.js', './dist/crypto/pure-js.cjs']);
  });
});

describe('dist/', () => {
  it.each(PUBLIC_ENTRIES)('has the ESM, CJS and both declaration files of $subpath', (entry) => {
    assertBuilt(['.js', '.cjs', '.d.ts', '.d.cts'].map((ext) => `${entry.distName}${ext}`));
  });

  it('holds no source maps and nothing but JavaScript and declarations', () => {
    const files = listFiles(join(repoRoot, 'dist'));
    expect(files.length).toBeGreaterThan(0);
    const unexpected = files.filter((file) => !/\.(js|cjs|d\.ts|d\.cts)$/.test(file));
    expect(unexpected).toEqual([]);
  });
});

describe("the README's entry table", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Entry points'));
  const rows = new Map(
    [...section.matchAll(/^\| `(devicebind[^`]*)` \| (.*) \|$/gm)].map((m) => [m[1]!, m[2]!]),
  );

  it('lists exactly the public subpaths', () => {
    expect([...rows.keys()].sort()).toEqual(PUBLIC_ENTRIES.map((e) => e.specifier).sort());
  });

  it.each(PUBLIC_ENTRIES)('names what $specifier must export', (entry) => {
    const row = rows.get(entry.specifier) ?? '';
    for (const name of Object.keys(entry.names)) expect(row).toContain(`\`${name}\``);
  });
});
