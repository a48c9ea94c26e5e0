// The server guide shows only code that runs: each code block in docs/server-integration.md
// is a region of an example server (marked `// #region name` … `// #endregion name`), which
// the example tests drive end to end, and this test holds the guide's copy equal to the
// source; or it names the test that runs it (`<!-- exercised by: path -->`).

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const GUIDE = 'docs/server-integration.md';
const guide = readFileSync(new URL(GUIDE, root), 'utf8');

/** A fenced block that shows code (not shell commands, HTTP exchanges or plain text). */
const CODE_LANGUAGES = new Set(['js', 'javascript', 'mjs', 'ts', 'typescript', 'jsx', 'tsx']);
const FENCE =
  /(?:<!-- (?:snippet: (\S+)#(\S+)|exercised by: (\S+)) -->\n)?```(\w*)\n([\s\S]*?)\n```/g;

interface Block {
  file?: string;
  region?: string;
  exercisedBy?: string;
  language: string;
  code: string;
  line: number;
}

function blocks(): Block[] {
  return [...guide.matchAll(FENCE)].map((match) => ({
    file: match[1],
    region: match[2],
    exercisedBy: match[3],
    language: match[4] ?? '',
    code: match[5] ?? '',
    line: guide.slice(0, match.index).split('\n').length,
  }));
}

/** The lines between the region's markers, less their common indentation. */
function region(file: string, name: string): string {
  const lines = readFileSync(new URL(file, root), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  const end = lines.findIndex((line, i) => i > start && line.trim() === `// #endregion ${name}`);
  if (start < 0 || end < 0) throw new Error(`${file} has no region "${name}"`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(
    ...body.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length),
  );
  return body.map((line) => line.slice(indent)).join('\n');
}

describe(`${GUIDE}`, () => {
  const all = blocks();

  it('has code blocks, each taken from an example server or run by a named test', () => {
    const code = all.filter((block) => CODE_LANGUAGES.has(block.language));
    expect(code.length).toBeGreaterThan(5);
    expect(
      code
        .filter((block) => block.file === undefined && block.exercisedBy === undefined)
        .map((block) => `line ${block.line}`),
    ).toEqual([]);
  });

  it.each(
    all.filter((block) => block.exercisedBy !== undefined).map((block) => [block.exercisedBy]),
  )('names %s as running a block, and that file exists', (path) => {
    expect(existsSync(new URL(path as string, root))).toBe(true);
  });

  it.each(
    all
      .filter((block) => block.file !== undefined)
      .map((block) => [`${block.file}#${block.region}`, block]),
  )('shows %s exactly as the example has it', (_name, block) => {
    expect(block.code).toBe(region(block.file as string, block.region as string));
  });
});
