// The guard on the vector suites (read-guard.ts, vitest.config.ts): they read the vectors
// folder and the repository, and nothing else outside it (not the attestation samples).

import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attestationPath, vectorPath } from '../setup/vectors.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code;
  }
  return undefined;
}

describe('a vector suite', () => {
  it('reads the vectors folder', () => {
    expect(readdirSync(vectorPath('wycheproof'))).toContain('aes_gcm_test.json');
  });

  it('cannot read the attestation samples', () => {
    expect(() => attestationPath('manifest.json')).toThrow(/DEVICEBIND_ATTESTATION/);
  });

  it('cannot read beside the repository other than the vectors folder', () => {
    expect(codeOf(() => readdirSync(dirname(repoRoot)))).toBe('ERR_ACCESS_DENIED');
    expect(codeOf(() => readFileSync(dirname(vectorPath('.'))))).toBe('ERR_ACCESS_DENIED');
  });
});
