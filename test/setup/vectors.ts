// Loads the published test vectors (Wycheproof, JOSE cookbook) kept in ../shared/vectors,
// beside the repository, so every test resolves them the same way from any folder.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in test/setup/). */
export const repoRootUrl = new URL('../../', import.meta.url);

/** The shared vectors folder: `../shared/vectors/` relative to the repository root. */
export const vectorsUrl = new URL('../shared/vectors/', repoRootUrl);

/**
 * Reads and parses one vector file, e.g. `loadVector('wycheproof/aes_gcm_test.json')`.
 * Throws with the full path when the file is missing, so a missing checkout is obvious.
 */
export function loadVector<T = unknown>(relativePath: string): T {
  const url = new URL(relativePath, vectorsUrl);
  const path = fileURLToPath(url);
  if (!existsSync(path)) {
    throw new Error(
      `test vector ${relativePath} not found at ${path}: the vectors live in ../shared/vectors beside the repository`,
    );
  }
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
