// WebCryptoKeyStore through the conformance kit, on Node's WebCrypto and on
// @peculiar/webcrypto, each verified by the other implementation, and with persistent
// (IndexedDB) storage shared between instances.

import { describe, expect, it } from 'vitest';
import { WebCryptoKeyStore } from '../../src/keystores/webcrypto/index.js';
import { formatConformanceReport, runKeyStoreConformance } from '../../src/testing/index.js';
import { createFakeIndexedDb } from '../helpers/webcrypto-fake-indexeddb.js';
import { WEBCRYPTO_IMPLEMENTATIONS } from '../helpers/webcrypto-implementations.js';

const RSA_CHECKS = [
  'rsa-oaep-round-trip',
  'rsa-oaep-rejects-corrupted-ciphertext',
  'rsa-oaep-hash-strict',
];

describe.each(WEBCRYPTO_IMPLEMENTATIONS.map((impl, i) => [impl.name, i] as const))(
  'KeyStore conformance: WebCryptoKeyStore on %s',
  (_name, index) => {
    const { crypto } = WEBCRYPTO_IMPLEMENTATIONS[index]!;
    // The kit verifies with the other implementation, so the store is not judged by itself.
    const verifier =
      WEBCRYPTO_IMPLEMENTATIONS[(index + 1) % WEBCRYPTO_IMPLEMENTATIONS.length]!.crypto;

    it('passes every check, with at least 15 run, RSA-OAEP-256 and RSA-OAEP included', async () => {
      const report = await runKeyStoreConformance(
        () => new WebCryptoKeyStore({ crypto, storage: 'memory' }),
        { crypto: verifier },
      );
      expect(report.failed, formatConformanceReport(report)).toBe(0);
      expect(report.store).toBe('webcrypto');
      expect(report.passed).toBeGreaterThanOrEqual(15);
      const ran = report.results.filter((r) => r.skipped !== true).map((r) => r.name);
      for (const check of RSA_CHECKS) {
        expect(ran).toContain(`${check} (RSA-OAEP-256)`);
        expect(ran).toContain(`${check} (RSA-OAEP)`);
      }
      expect(ran).toContain('ecdh-matches-peer (ECDH-ES)');
      expect(ran).toContain('sign-jose-form (ES256)');
    }, 120_000);
  },
);

describe('KeyStore conformance: WebCryptoKeyStore with IndexedDB storage', () => {
  it('passes every check, including keys surviving a new store instance', async () => {
    const idb = createFakeIndexedDb();
    const report = await runKeyStoreConformance(
      () => new WebCryptoKeyStore({ indexedDB: idb.factory, databaseName: 'conformance' }),
    );
    expect(report.failed, formatConformanceReport(report)).toBe(0);
    const survive = report.results.find((r) => r.check === 'persistent-keys-survive-new-instance');
    expect(survive).toMatchObject({ ok: true });
    expect(survive?.skipped).toBeUndefined();
  }, 120_000);
});
