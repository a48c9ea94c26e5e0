// The `devicebind/server` entry point: what it exports, that it only re-exports, and that
// dependencies point from the server towards the core, never back.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as server from '../../src/server/index.js';

const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => `${entry.parentPath}/${entry.name}`);
}

describe('devicebind/server', () => {
  it('exports the verification, replay and nonce API', () => {
    for (const name of [
      'verifyHandshake',
      'verifyRequest',
      'answerVerificationError',
      'MemoryReplayCache',
      'createNonceIssuer',
      'nonceChallengeHeaders',
      'DeviceBindingError',
      'isDeviceBindingError',
    ]) {
      expect(server, name).toHaveProperty(name);
    }
  });

  it('exports no internal helpers', () => {
    for (const name of [
      'splitCompactJws',
      'decodeJsonObject',
      'parseProtectedHeader',
      'verificationKey',
      'verifySignature',
      'normalizeHtu',
      'LruMap',
      'TokenHashCache',
      'receivedRequest',
      'checkBody',
      'readHeader',
    ]) {
      expect(server, name).not.toHaveProperty(name);
    }
  });

  it('index.ts only re-exports', () => {
    const code = readFileSync(`${srcDir}server/index.ts`, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/\s+/g, ' ')
      .trim();
    const statements = code
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const statement of statements)
      expect(statement).toMatch(/^export (type )?(\{[^}]*\}|\*) from '[^']+'$/);
  });

  it('is never imported by the client core or the key stores', () => {
    const clientFiles = [...sourceFiles(`${srcDir}core`), ...sourceFiles(`${srcDir}keystores`)];
    expect(clientFiles.length).toBeGreaterThan(5);
    for (const file of clientFiles) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from '[^']*\/server\//);
    }
  });
});
