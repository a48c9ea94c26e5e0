import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm run demo', () => {
  it('runs every step against the built package and shows each attack failing', async () => {
    const { stdout } = await run(process.execPath, ['scripts/demo.mjs', '--no-build'], {
      cwd: new URL('../../', import.meta.url),
      timeout: 60_000,
    });
    expect(stdout).not.toContain('UNEXPECTED');
    expect(stdout).toMatch(/9 of 9 steps behaved as expected/);
    expect(stdout).toMatch(
      /stolen token, used from another device, is refused — 401 INVALID_PROOF/,
    );
    expect(stdout).toMatch(/captured request sent again is refused — 401 REPLAYED/);
    expect(stdout).toMatch(/body was changed in transit is refused — 401 INVALID_PROOF/);
    expect(stdout).toMatch(/copied to another device does not open — INVALID_ENVELOPE/);
  });
});
