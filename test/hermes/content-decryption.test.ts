// Native content decryption inside Hermes, through the simulator: scripts/hermes-run.mjs
// builds test/hermes/content-entry.ts as Metro would and runs it in the hermes CLI. There the
// core does not decode an envelope's ciphertext: it crosses as base64url text, for the native
// side to decode and decrypt.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ContentScenario } from './content-entry.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
let scenarios: Map<string, ContentScenario>;

beforeAll(() => {
  const run = spawnSync(
    process.execPath,
    ['scripts/hermes-run.mjs', 'test/hermes/content-entry.ts'],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  const line = run.stdout.trim().split('\n').pop() ?? '';
  const out = JSON.parse(line || '{}') as {
    ok?: boolean;
    scenarios?: ContentScenario[];
    message?: string;
    stack?: string;
  };
  if (!out.ok) throw new Error(`the Hermes program failed: ${line}\n${run.stderr}`);
  scenarios = new Map(out.scenarios!.map((s) => [s.name, s]));
}, 180_000);

describe('sealed values opened in Hermes with the native module decrypting', () => {
  for (const name of ['android, text channel', 'ios, binary channel']) {
    it(`${name}: opens through decryptContent, the ciphertext crossing as text`, () => {
      const s = scenarios.get(name)!;
      expect(s.opened).toBe(true);
      expect(s.decryptContentCalls).toBe(1);
      expect(s.ciphertextAsText).toBe(true);
    });

    it(`${name}: a tampered ciphertext is the one INVALID_ENVELOPE`, () => {
      expect(scenarios.get(name)!.tamperedCode).toBe('INVALID_ENVELOPE');
    });
  }

  it('a module without decryptContent: opens in JavaScript, never calling it', () => {
    const s = scenarios.get('android, module without decryptContent')!;
    expect(s.opened).toBe(true);
    expect(s.decryptContentCalls).toBe(0);
    expect(s.tamperedCode).toBe('INVALID_ENVELOPE');
  });
});
