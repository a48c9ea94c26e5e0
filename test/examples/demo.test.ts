// `npm run demo` as a newcomer first runs it: every step behaves as expected, and the
// transcript shows each exchange with the method and path that were sent.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm run demo', () => {
  let stdout = '';
  beforeAll(async () => {
    ({ stdout } = await run(process.execPath, ['scripts/demo.mjs', '--no-build'], {
      cwd: new URL('../../', import.meta.url),
      timeout: 60_000,
    }));
  }, 90_000);

  it('runs every step against the built package and shows each attack failing', () => {
    expect(stdout).not.toContain('UNEXPECTED');
    expect(stdout).toMatch(/14 of 14 steps behaved as expected/);
    expect(stdout).toMatch(
      /stolen token, used from another device, is refused — 401 INVALID_PROOF/,
    );
    expect(stdout).toMatch(/captured request sent again is refused — 401 REPLAYED/);
    expect(stdout).toMatch(/body was changed in transit is refused — 401 INVALID_PROOF/);
    expect(stdout).toMatch(/copied to another device does not open — INVALID_ENVELOPE/);
    expect(stdout).toMatch(/old key and its token are refused once the new key is in use — 401/);
    expect(stdout).toMatch(/sent in Alice's session, is refused — 400 INVALID_ROTATION/);
  });

  it('shows each signed exchange with the method and path that were sent', () => {
    const exchanges = stdout.split('\n').filter((text) => text.trimStart().startsWith('→'));
    expect(exchanges.map((text) => text.trim())).toEqual([
      '→ GET /api/profile  ← 401 (server asks for its nonce)',
      '→ GET /api/profile  ← 200',
      '→ POST /api/notes  ← 201',
      '→ GET /api/files/welcome.txt  ← 200',
      '→ POST /device/rotate/challenge  ← 200',
      '→ POST /device/rotate  ← 200',
      '→ GET /api/profile  ← 401 (server asks for its nonce)',
      '→ GET /api/profile  ← 200',
      '→ POST /device/rotate/challenge  ← 200',
      '→ POST /device/rotate  ← 400',
    ]);
  });
});
