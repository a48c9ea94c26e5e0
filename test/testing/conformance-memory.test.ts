// MemoryKeyStore and a sound RSA-capable store through the conformance kit, wrapped the way
// docs/keystore-adapters.md shows adapter authors: one vitest test per check.

import { describe, expect, it } from 'vitest';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { formatConformanceReport, runKeyStoreConformance } from '../../src/testing/index.js';
import { RsaCapableStore } from './broken-stores/rsa-capable-store.js';

const memory = await runKeyStoreConformance(() => new MemoryKeyStore());
const ran = memory.results.filter((r) => r.skipped !== true);

describe(`KeyStore conformance: ${memory.store}`, () => {
  it('runs at least 15 checks and fails none', () => {
    expect(memory.failed, formatConformanceReport(memory)).toBe(0);
    expect(memory.passed).toBe(ran.length);
    expect(memory.passed).toBeGreaterThanOrEqual(15);
  });

  it.each(ran.map((r) => [r.name, r] as const))('%s', (_name, result) => {
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
  });

  it('skips only what a memory store does not have: RSA keys and persistence', () => {
    const skipped = memory.results.filter((r) => r.skipped === true).map((r) => r.check);
    expect(skipped.sort()).toEqual([
      'listing-survives-new-instance',
      'persistent-keys-survive-new-instance',
      'rsa-oaep-hash-strict',
      'rsa-oaep-rejects-corrupted-ciphertext',
      'rsa-oaep-round-trip',
    ]);
    expect(
      memory.results.filter((r) => r.skipped === true).every((r) => (r.reason ?? '') !== ''),
    ).toBe(true);
  });

  it('exercises every algorithm the store declares', async () => {
    const caps = await new MemoryKeyStore().capabilities();
    const exercised = new Set(ran.map((r) => r.algorithm).filter((a) => a !== undefined));
    expect([...exercised].sort()).toEqual([...caps.signing, ...caps.encryption].sort());
  });
});

describe('KeyStore conformance: a sound store with RSA-OAEP keys', () => {
  it('passes every check, the RSA-OAEP-256 and RSA-OAEP ones included', async () => {
    const report = await runKeyStoreConformance(() => new RsaCapableStore());
    expect(report.failed, formatConformanceReport(report)).toBe(0);
    const names = report.results.filter((r) => r.ok && r.skipped !== true).map((r) => r.name);
    for (const check of [
      'rsa-oaep-round-trip',
      'rsa-oaep-rejects-corrupted-ciphertext',
      'rsa-oaep-hash-strict',
    ]) {
      expect(names).toContain(`${check} (RSA-OAEP-256)`);
      expect(names).toContain(`${check} (RSA-OAEP)`);
    }
  }, 120_000);
});
