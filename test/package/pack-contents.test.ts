// Checks what `npm pack` would publish: the built files, the README, changelog and guides,
// nothing else (no sources, tests, fixtures, examples or source maps); that every relative
// link in the published Markdown resolves inside the package; and the repository metadata.

import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPackageJson, repoRoot, runCommand } from './helpers.js';
import { PUBLIC_ENTRIES } from './public-entries.js';

let files: string[] = [];

beforeAll(() => {
  const result = runCommand('npm', ['pack', '--dry-run', '--json']);
  expect(result.status, result.stderr).toBe(0);
  const [packed] = JSON.parse(result.stdout) as { files: { path: string }[] }[];
  files = (packed?.files ?? []).map((file) => file.path);
});

describe('npm pack contents', () => {
  it('lists only dist/, the guides in docs/, README.md, LICENSE, CHANGELOG.md and package.json', () => {
    const allowed = (path: string) =>
      ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'].includes(path) ||
      path.startsWith('dist/') ||
      /^docs\/(formats\/)?[a-z0-9-]+\.md$/.test(path);
    expect(files.filter((path) => !allowed(path))).toEqual([]);
  });

  it.each([
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'package.json',
    'docs/getting-started.md',
    'docs/server-integration.md',
    'docs/formats/envelope.md',
  ])('includes %s', (name) => {
    expect(files).toContain(name);
  });

  it('resolves every relative link of the published Markdown to a published file', () => {
    const broken: string[] = [];
    for (const file of files.filter((path) => path.endsWith('.md'))) {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:|^#/.test(target!)) continue;
        const path = normalize(join(dirname(file), target!.replace(/#.*$/, '')));
        if (!files.includes(path)) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('names the repository, homepage and issue tracker', () => {
    const pkg = readPackageJson() as ReturnType<typeof readPackageJson> & {
      repository?: { url?: string };
      homepage?: string;
      bugs?: { url?: string };
    };
    expect(pkg.repository?.url).toBe('git+https://github.com/devicebind/devicebind.git');
    expect(pkg.homepage).toBe('https://github.com/devicebind/devicebind#readme');
    expect(pkg.bugs?.url).toBe('https://github.com/devicebind/devicebind/issues');
  });

  it.each(PUBLIC_ENTRIES)('includes the four built files of $subpath', (entry) => {
    for (const ext of ['.js', '.cjs', '.d.ts', '.d.cts'])
      expect(files).toContain(`dist/${entry.distName}${ext}`);
  });

  it('includes no source maps, tests or fixtures', () => {
    const bad = files.filter((path) =>
      /\.map$|\.test\.|(^|\/)(test|tests|fixtures|src|examples)\//.test(path),
    );
    expect(bad).toEqual([]);
  });
});
