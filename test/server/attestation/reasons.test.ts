// Every refusal reason the attestation verifiers declare is produced by at least one test that
// makes (with the simulator) or mutates evidence for it, and is documented in the guide.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const declared = [
  ...readFileSync(`${root}src/server/attestation/lib/refusal.ts`, 'utf8')
    .split('export type AttestationFailureReason =')[1]!
    .split(';')[0]!
    .matchAll(/'([a-z_]+)'/g),
].map((match) => match[1]!);
const tests = readdirSync(`${root}test/server/attestation`)
  .filter((name) => name.endsWith('.test.ts') && name !== 'reasons.test.ts')
  .map((name) => readFileSync(`${root}test/server/attestation/${name}`, 'utf8'))
  .join('\n');
const guide = readFileSync(`${root}docs/attestation.md`, 'utf8');

describe('AttestationFailureReason', () => {
  it('declares the reasons the issue and the guide name', () => {
    expect(declared.length).toBeGreaterThanOrEqual(25);
  });

  it.each(declared)('%s is produced by a test with simulated or mutated evidence', (reason) => {
    const asserted = new RegExp(`toBe\\(\\s*'${reason}'|reason: '${reason}'`);
    expect(tests).toMatch(asserted);
  });

  it.each(declared)('%s is explained in docs/attestation.md', (reason) => {
    expect(guide).toContain(`\`${reason}\``);
  });
});
