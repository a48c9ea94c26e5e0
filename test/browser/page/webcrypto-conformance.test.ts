// WebCryptoKeyStore through the KeyStore conformance kit in real Chromium, with its browser
// default storage (IndexedDB): one vitest test per check, so a failure names the check.

import { afterAll, describe, expect, it } from 'vitest';
import { WebCryptoKeyStore } from '../../../src/keystores/webcrypto/index.js';
import {
  formatConformanceReport,
  listConformanceChecks,
  runKeyStoreConformance,
} from '../../../src/testing/index.js';
import { deleteDatabase, inspectIndexedDb } from '../shared/indexeddb-inspect.js';

const databaseName = `devicebind-conformance-${crypto.randomUUID()}`;
// No storage option: the store picks IndexedDB because the page has one.
const report = await runKeyStoreConformance(() => new WebCryptoKeyStore({ databaseName }));
const ran = report.results.filter((r) => r.skipped !== true);

afterAll(async () => {
  await deleteDatabase(databaseName);
});

describe(`KeyStore conformance in Chromium: ${report.store} over IndexedDB`, () => {
  it('runs every check of the kit and fails none', () => {
    expect(report.failed, formatConformanceReport(report)).toBe(0);
    expect(report.skipped, formatConformanceReport(report, { verbose: true })).toBe(0);
    expect(report.passed).toBe(report.results.length);
    expect(new Set(report.results.map((r) => r.check))).toEqual(
      new Set(listConformanceChecks().map((c) => c.id)),
    );
  });

  it.each(ran.map((r) => [r.name, r] as const))('%s', (_name, result) => {
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
  });

  it('exercises every algorithm the store declares, EdDSA and both RSA-OAEP included', async () => {
    const caps = await new WebCryptoKeyStore({ databaseName }).capabilities();
    expect(caps.persistent).toBe(true);
    expect([...caps.signing, ...caps.encryption].sort()).toEqual(
      ['ECDH-ES', 'ES256', 'EdDSA', 'RSA-OAEP', 'RSA-OAEP-256'].sort(),
    );
    const exercised = new Set(ran.map((r) => r.algorithm).filter((a) => a !== undefined));
    expect([...exercised].sort()).toEqual([...caps.signing, ...caps.encryption].sort());
  });

  it('ran the persistence check against IndexedDB and left no key behind', async () => {
    expect(ran.map((r) => r.check)).toContain('persistent-keys-survive-new-instance');
    const stored = await inspectIndexedDb(databaseName);
    expect(stored.databases).toContain(databaseName);
    expect(stored.keys).toEqual([]);
  });
});
