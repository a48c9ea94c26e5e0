// Runs publint in strict mode on the package as npm packs it: every warning is an error.

import { expect, it } from 'vitest';
import { runCommand } from './helpers.js';

it('passes publint --strict with no message at all', () => {
  const result = runCommand('npx', ['-y', 'publint', '--strict', '--pack', 'npm']);
  const output = `${result.stdout}\n${result.stderr}`;
  expect(output, output).toContain('All good!');
  expect(result.status, output).toBe(0);
});
