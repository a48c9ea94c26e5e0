// Generates the API reference (TypeDoc, into a temporary folder) with warnings treated as
// errors: broken links, exports missing from the docs and undocumented exports fail it. Then
// checks the pages a reader meets first: modules named as they are imported, the README once
// titled, and the guides rendered as pages that the README links to.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './helpers.js';
import { PUBLIC_ENTRIES } from './public-entries.js';

const out = mkdtempSync(join(tmpdir(), 'devicebind-typedoc-'));
let output = '';
let status: number | null = null;

beforeAll(() => {
  const result = runCommand('npx', ['-y', 'typedoc', '--out', out], { timeoutMs: 120_000 });
  output = `${result.stdout}\n${result.stderr}`;
  status = result.status;
}, 150_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

const page = (path: string) => readFileSync(join(out, path), 'utf8');

describe('npm run docs', () => {
  it('generates the API reference with no warning', () => {
    expect(output).not.toMatch(/\[warning\]|\[error\]/);
    expect(status, output).toBe(0);
  });

  it('names each module as it is imported, the root one devicebind', () => {
    const modules = readdirSync(join(out, 'modules')).sort();
    const expected = PUBLIC_ENTRIES.map((e) => `${e.specifier.replaceAll('/', '_')}.html`);
    expect(modules).toEqual(expected.sort());
  });

  it('titles the index page once', () => {
    expect(page('index.html').match(/<h1\b/g)).toHaveLength(1);
  });

  it('renders every guide as a page, and the README links to the pages', () => {
    const guides = readdirSync(join(out, 'documents'));
    expect(guides).toEqual(expect.arrayContaining(['getting-started.html', 'formats_stream.html']));
    const index = page('index.html');
    expect(index).toContain('href="documents/getting-started.html"');
    expect(index).toContain('href="documents/formats_envelope.html"');
    expect(index).not.toMatch(/href="[^"]*\.md"/);
    expect(existsSync(join(out, 'media', 'getting-started.md'))).toBe(false);
  });
});
