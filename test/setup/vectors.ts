// Loads published test data kept outside the repository: the vectors (Wycheproof, JOSE
// cookbook; DEVICEBIND_VECTORS, default ../shared/vectors) and the real attestation samples
// (DEVICEBIND_ATTESTATION, default ../shared/attestation). Only the suites of a set may call
// its functions: files under test/vectors/ or named *.vectors.test.ts, and files under
// test/attestation-samples/ or named *.attestation-samples.test.ts. vitest.config.ts runs them
// only when the folder is found, so they need no guard of their own (see published-data.mjs).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_SETS } from './published-data.mjs';

function pathIn(setName: 'vectors' | 'attestation', relativePath: string): string {
  const set = DATA_SETS.find((s) => s.name === setName)!;
  const dir = process.env[set.variable];
  if (!dir) {
    throw new Error(
      `${relativePath}: the ${set.what} are read only by their suites (files under ${set.folder} or named *${set.suffix}), which run when ${set.variable} or ${set.beside} names their folder`,
    );
  }
  return join(dir, relativePath);
}

/** Absolute path of a vector file, e.g. `vectorPath('wycheproof/aes_gcm_test.json')`. */
export function vectorPath(relativePath: string): string {
  return pathIn('vectors', relativePath);
}

/** Reads and parses one vector file, e.g. `loadVector('wycheproof/aes_gcm_test.json')`. */
export function loadVector<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(vectorPath(relativePath), 'utf8')) as T;
}

/** Absolute path of an attestation sample, e.g. `attestationPath('android/x.pem')`. */
export function attestationPath(relativePath: string): string {
  return pathIn('attestation', relativePath);
}

/** Reads and parses one JSON attestation file, e.g. `loadAttestation('manifest.json')`. */
export function loadAttestation<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(attestationPath(relativePath), 'utf8')) as T;
}
