// Browser-side half of the Playwright tests: a page script that uses DeviceBinding and
// WebCryptoKeyStore exactly as an app would (default IndexedDB database) and exposes a few
// calls on `window.harness` for the Node test to drive.

import type { CreateFetchOptions } from '../../../../src/core/bound-fetch.js';
import { createFetch } from '../../../../src/fetch.js';
import { DeviceBinding } from '../../../../src/index.js';
import { WebCryptoKeyStore } from '../../../../src/keystores/webcrypto/index.js';
import { inspectIndexedDb } from '../../shared/indexeddb-inspect.js';

/** A stored CryptoKey as the test sees it (the key object itself stays in the page). */
export interface StoredKeySummary {
  database: string;
  recordKey: string;
  type: KeyType;
  extractable: boolean;
  algorithm: string;
  /** Whether `crypto.subtle.exportKey` refused every format for this key. */
  exportRefused: boolean;
}

/** The calls a test can make in the page. */
export interface Harness {
  ensureKeys(namespace: string): Promise<string>;
  deviceId(namespace: string): Promise<string | null>;
  handshake(namespace: string, nonce: string): Promise<{ token: string; deviceId: string }>;
  signRequest(
    namespace: string,
    request: { method: string; url: string; body?: string; accessToken?: string },
  ): Promise<Record<string, string>>;
  /** One call through `createFetch` (token `at-1`), reported as plain data. */
  boundFetch(
    namespace: string,
    url: string,
    init?: RequestInit,
    options?: Pick<CreateFetchOptions, 'redirectCredentials'>,
  ): Promise<FetchOutcome>;
  aliases(): Promise<string[]>;
  storedKeys(): Promise<{ databases: string[]; keys: StoredKeySummary[] }>;
}

/** What a `createFetch` call gave: a response, or the error it threw. */
export interface FetchOutcome {
  response?: { status: number; type: ResponseType; body: string };
  error?: { name: string; code?: string; message: string };
}

declare global {
  interface Window {
    harness: Harness;
  }
}

const keyStore = new WebCryptoKeyStore();
const bindings = new Map<string, DeviceBinding>();

function binding(namespace: string): DeviceBinding {
  let found = bindings.get(namespace);
  if (found === undefined) {
    found = new DeviceBinding({ keyStore, namespace });
    bindings.set(namespace, found);
  }
  return found;
}

async function exportRefused(key: CryptoKey): Promise<boolean> {
  for (const format of ['pkcs8', 'jwk', 'spki', 'raw'] as const) {
    try {
      await crypto.subtle.exportKey(format, key);
      return false;
    } catch {
      // Refused, as a non-extractable key must be (or the wrong format for this key type).
    }
  }
  return true;
}

window.harness = {
  async ensureKeys(namespace) {
    return (await binding(namespace).ensureKeys()).deviceId;
  },
  deviceId(namespace) {
    return binding(namespace).getDeviceId();
  },
  async handshake(namespace, nonce) {
    const { token, deviceId } = await binding(namespace).createHandshake({ nonce });
    return { token, deviceId };
  },
  async signRequest(namespace, request) {
    const headers = await binding(namespace).signRequest(request);
    return Object.fromEntries(
      Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
  },
  async boundFetch(namespace, url, init, options) {
    const device = binding(namespace);
    await device.ensureKeys();
    const api = createFetch(device, { accessToken: 'at-1', ...options });
    try {
      const res = await api(url, init);
      return { response: { status: res.status, type: res.type, body: await res.text() } };
    } catch (err) {
      const { name, code, message } = err as { name: string; code?: string; message: string };
      return { error: { name, code, message } };
    }
  },
  aliases() {
    return keyStore.listAliases();
  },
  async storedKeys() {
    const report = await inspectIndexedDb();
    const keys: StoredKeySummary[] = [];
    for (const found of report.keys) {
      keys.push({
        database: found.database,
        recordKey: found.recordKey,
        type: found.type,
        extractable: found.extractable,
        algorithm: found.algorithm,
        exportRefused: found.type === 'public' ? false : await exportRefused(found.key),
      });
    }
    return { databases: report.databases, keys };
  },
};
document.body.dataset.ready = 'true';
