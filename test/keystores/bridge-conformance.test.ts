// The Android (API 28, 31, 35) and iOS simulated stores through the KeyStore conformance kit:
// each variant runs at least 15 checks, passes them all, and exercises every algorithm it
// declares. Each check gets a fresh adapter over one simulated device, as an app restart would.

import { describe, expect, it } from 'vitest';
import { AndroidKeyStore } from '../../src/keystores/android/index.js';
import type { KeyStore } from '../../src/keystores/contract.js';
import { IosKeychainKeyStore } from '../../src/keystores/ios/index.js';
import { createBridgeSimulator } from '../../src/testing/bridge-simulator/index.js';
import {
  formatConformanceReport,
  runKeyStoreConformance,
} from '../../src/testing/conformance/index.js';

interface Variant {
  readonly label: string;
  readonly create: () => () => KeyStore;
}

const VARIANTS: Variant[] = [
  {
    label: 'Android API 28 (RSA-OAEP)',
    create: () => {
      const s = createBridgeSimulator({ platform: 'android', apiLevel: 28 });
      return () => new AndroidKeyStore(s);
    },
  },
  {
    label: 'Android API 31 (ECDH, RSA-OAEP)',
    create: () => {
      const s = createBridgeSimulator({ platform: 'android', apiLevel: 31 });
      return () => new AndroidKeyStore(s);
    },
  },
  {
    label: 'Android API 35 with StrongBox (ECDH, RSA-OAEP-256, RSA-OAEP)',
    create: () => {
      const s = createBridgeSimulator({ platform: 'android', apiLevel: 35, strongBox: true });
      return () => new AndroidKeyStore(s);
    },
  },
  {
    label: 'iOS with Secure Enclave',
    create: () => {
      const s = createBridgeSimulator({ platform: 'ios' });
      return () => new IosKeychainKeyStore(s);
    },
  },
  {
    label: 'iOS without Secure Enclave',
    create: () => {
      const s = createBridgeSimulator({ platform: 'ios', secureEnclave: false });
      return () => new IosKeychainKeyStore(s);
    },
  },
];

for (const variant of VARIANTS) {
  const createStore = variant.create();
  const report = await runKeyStoreConformance(createStore);
  const ran = report.results.filter((r) => r.skipped !== true);

  describe(`KeyStore conformance: ${variant.label}`, () => {
    it('runs at least 15 checks and fails none', () => {
      expect(report.failed, formatConformanceReport(report)).toBe(0);
      expect(report.passed).toBe(ran.length);
      expect(report.passed).toBeGreaterThanOrEqual(15);
    });

    it.each(ran.map((r) => [r.name, r] as const))('%s', (_name, result) => {
      expect(result.error).toBeUndefined();
      expect(result.ok).toBe(true);
    });

    it('exercises every algorithm the store declares', async () => {
      const capabilities = await createStore().capabilities();
      const exercised = new Set(ran.map((r) => r.algorithm).filter((a) => a !== undefined));
      expect([...exercised].sort()).toEqual(
        [...capabilities.signing, ...capabilities.encryption].sort(),
      );
    });
  });
}
