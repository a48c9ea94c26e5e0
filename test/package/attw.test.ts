// Runs are-the-types-wrong on the packed package: every subpath must resolve to the right
// declaration file under node10, node16 (from ESM and from CJS) and bundler resolution.

import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './helpers.js';
import { PUBLIC_ENTRIES } from './public-entries.js';

interface Resolution {
  resolution?: { fileName: string; isTypeScript: boolean };
}
interface AttwReport {
  problems: Record<string, unknown> | unknown[];
  analysis: {
    entrypoints: Record<string, { resolutions: Record<string, Resolution> }>;
  };
}

let report: AttwReport;
let output = '';

beforeAll(() => {
  // All profiles (the default "strict" one), node10 included.
  const result = runCommand('npx', ['-y', 'attw', '--pack', '.', '--format', 'json']);
  output = `${result.stdout}\n${result.stderr}`;
  report = JSON.parse(result.stdout) as AttwReport;
});

describe('are-the-types-wrong', () => {
  it('finds no problem in any resolution mode', () => {
    const problems = Array.isArray(report.problems)
      ? report.problems
      : Object.values(report.problems).flat();
    expect(problems, output).toEqual([]);
  });

  it.each(PUBLIC_ENTRIES)('resolves $specifier to its declarations in every mode', (entry) => {
    const resolutions = report.analysis.entrypoints[entry.subpath]?.resolutions;
    expect(resolutions, `${entry.subpath} was not analysed`).toBeDefined();
    const expected: Record<string, string> = {
      node10: `/node_modules/devicebind/dist/${entry.distName}.d.ts`,
      'node16-cjs': `/node_modules/devicebind/dist/${entry.distName}.d.cts`,
      'node16-esm': `/node_modules/devicebind/dist/${entry.distName}.d.ts`,
      bundler: `/node_modules/devicebind/dist/${entry.distName}.d.ts`,
    };
    for (const [mode, fileName] of Object.entries(expected)) {
      expect(resolutions?.[mode]?.resolution?.fileName, `${entry.subpath} in ${mode}`).toBe(
        fileName,
      );
    }
  });
});
