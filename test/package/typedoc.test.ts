// Generates the API reference in memory (TypeDoc, nothing written) with warnings treated as
// errors: broken links, exports missing from the docs and undocumented exports fail it.

import { expect, it } from 'vitest';
import { runCommand } from './helpers.js';

it('generates the API reference with no warning', () => {
  const result = runCommand('npx', ['-y', 'typedoc', '--emit', 'none'], { timeoutMs: 120_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  expect(output).not.toMatch(/\[warning\]|\[error\]/);
  expect(result.status, output).toBe(0);
});
