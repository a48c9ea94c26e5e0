// The guard on every test outside the published-data suites (read-guard.ts, vitest.config.ts):
// whatever way a test reads, nothing outside the repository and the temporary folder opens, so
// a test that needs ../shared fails here, not only on a clone that has none beside it.

import { createReadStream, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attestationPath, loadVector } from './vectors.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const beside = (path: string) => join(dirname(repoRoot), path);

/** The error code a call throws or rejects with. */
async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code;
  }
  return undefined;
}

describe('a test outside the published-data suites', () => {
  it('reads files of the repository', () => {
    expect(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).name).toBe(
      'devicebind',
    );
  });

  it('writes and reads back in the temporary folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'read-guard-'));
    writeFileSync(join(dir, 'file'), 'kept');
    expect(readFileSync(join(dir, 'file'), 'utf8')).toBe('kept');
  });

  it('cannot read the published vectors beside the repository', async () => {
    expect(await codeOf(() => readFileSync(beside('shared/vectors/README.md')))).toBe(
      'ERR_ACCESS_DENIED',
    );
  });

  it('cannot list the folder that holds the repository', async () => {
    expect(await codeOf(() => readdirSync(dirname(repoRoot)))).toBe('ERR_ACCESS_DENIED');
  });

  it('cannot read outside through fs/promises', async () => {
    expect(await codeOf(() => readFile(beside('shared/attestation/manifest.json')))).toBe(
      'ERR_ACCESS_DENIED',
    );
    expect(await codeOf(() => stat(beside('shared')))).toBe('ERR_ACCESS_DENIED');
  });

  it('cannot read outside through a read stream', async () => {
    const code = await codeOf(
      () =>
        new Promise((resolve, reject) => {
          const stream = createReadStream(beside('shared/vectors/README.md'));
          stream.on('error', reject).on('data', resolve);
        }),
    );
    expect(code).toBe('ERR_ACCESS_DENIED');
  });

  it('cannot read a system file such as /etc/passwd', async () => {
    expect(await codeOf(() => readFileSync('/etc/passwd'))).toBe('ERR_ACCESS_DENIED');
  });

  it('is told where vector suites live when it calls the vector loader', () => {
    expect(() => loadVector('wycheproof/aes_gcm_test.json')).toThrow(
      /files under test\/vectors\/ or named \*\.vectors\.test\.ts/,
    );
  });

  it('is told where attestation suites live when it asks for a sample', () => {
    expect(() => attestationPath('manifest.json')).toThrow(
      /named \*\.attestation-samples\.test\.ts.*DEVICEBIND_ATTESTATION/,
    );
  });
});
