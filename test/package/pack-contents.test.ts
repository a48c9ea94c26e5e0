// Checks what `npm pack` would publish: the built files and the top-level docs, nothing else
// (no sources, tests, fixtures, examples or source maps).

import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './helpers.js';
import { PUBLIC_ENTRIES } from './public-entries.js';

let files: string[] = [];

beforeAll(() => {
  const result = runCommand('npm', ['pack', '--dry-run', '--json']);
  expect(result.status, result.stderr).toBe(0);
  const [packed] = JSON.parse(result.stdout) as { files: { path: string }[] }[];
  files = (packed?.files ?? []).map((file) => file.path);
});

describe('npm pack contents', () => {
  it('lists only dist/, README.md, LICENSE, CHANGELOG.md and package.json', () => {
    const allowed = (path: string) =>
      ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'].includes(path) ||
      path.startsWith('dist/');
    expect(files.filter((path) => !allowed(path))).toEqual([]);
  });

  it.each(['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'])('includes %s', (name) => {
    expect(files).toContain(name);
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
