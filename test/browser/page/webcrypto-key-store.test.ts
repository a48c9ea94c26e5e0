// WebCryptoKeyStore in real Chromium: keys are non-extractable CryptoKeys kept in IndexedDB
// (read here straight from the database), they outlive the store object and its connection,
// and the JWKs the store reports match the keys on disk.

import { afterEach, describe, expect, it } from 'vitest';
import { WebCryptoKeyStore } from '../../../src/keystores/webcrypto/index.js';
import { deleteDatabase, inspectIndexedDb } from '../shared/indexeddb-inspect.js';

const databases: string[] = [];

function freshDatabase(): string {
  const name = `devicebind-test-${crypto.randomUUID()}`;
  databases.push(name);
  return name;
}

afterEach(async () => {
  for (const name of databases.splice(0)) await deleteDatabase(name);
});

async function verifyEs256(
  publicJwk: unknown,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    'jwk',
    publicJwk as JsonWebKey,
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  return crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    signature as Uint8Array<ArrayBuffer>,
    data as Uint8Array<ArrayBuffer>,
  );
}

describe('WebCryptoKeyStore in Chromium', () => {
  it('keeps keys in IndexedDB by default in a browser', async () => {
    const store = new WebCryptoKeyStore({ databaseName: freshDatabase() });
    expect((await store.capabilities()).persistent).toBe(true);
  });

  it('stores private signing and ECDH keys as non-extractable CryptoKeys in IndexedDB', async () => {
    const databaseName = freshDatabase();
    const store = new WebCryptoKeyStore({ databaseName });
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    await store.generateKey('app.encryption', { purpose: 'encrypt', algorithm: 'ECDH-ES' });

    const report = await inspectIndexedDb(databaseName);
    const privateKeys = report.keys.filter((found) => found.type === 'private');
    expect(privateKeys.map((found) => found.recordKey).sort()).toEqual([
      'app.encryption',
      'app.signing',
    ]);
    for (const found of privateKeys) {
      expect(found.key).toBeInstanceOf(CryptoKey);
      expect(found.extractable, `${found.recordKey}.${found.path}`).toBe(false);
    }
    expect(privateKeys.map((found) => found.algorithm).sort()).toEqual(['ECDH', 'ECDSA']);
  });

  it('refuses to export a private key read straight from IndexedDB, in any format', async () => {
    const databaseName = freshDatabase();
    const store = new WebCryptoKeyStore({ databaseName });
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    const [found] = (await inspectIndexedDb(databaseName)).keys.filter((k) => k.type === 'private');
    expect(found).toBeDefined();
    for (const format of ['pkcs8', 'jwk', 'raw'] as const) {
      await expect(crypto.subtle.exportKey(format, found!.key), format).rejects.toThrow();
    }
  });

  it('keeps no private key material outside CryptoKeys in the stored records', async () => {
    const databaseName = freshDatabase();
    const store = new WebCryptoKeyStore({ databaseName });
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(databaseName);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const records: unknown[] = [];
    try {
      for (const storeName of Array.from(db.objectStoreNames)) {
        const all = db.transaction(storeName).objectStore(storeName).getAll();
        records.push(
          ...(await new Promise<unknown[]>(
            (resolve) => (all.onsuccess = () => resolve(all.result)),
          )),
        );
      }
    } finally {
      db.close();
    }
    // A JWK private member (`d`) or PKCS#8 bytes would show up when the records are serialised.
    const text = JSON.stringify(records, (_key, value) =>
      value instanceof CryptoKey ? '[CryptoKey]' : value,
    );
    expect(text).not.toMatch(/"d"\s*:/);
    expect(records.length).toBeGreaterThan(0);
  });

  it('signs with the stored key: the signature verifies with the public JWK it reports', async () => {
    const store = new WebCryptoKeyStore({ databaseName: freshDatabase() });
    const info = await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    const data = new TextEncoder().encode('signed in Chromium');
    const signature = await store.sign('app.signing', data);
    expect(signature).toHaveLength(64);
    expect(await verifyEs256(info.publicKey, signature, data)).toBe(true);
    expect(
      await verifyEs256(info.publicKey, signature, new TextEncoder().encode('other bytes')),
    ).toBe(false);
  });

  it('finds the same key through a new store object and a new database connection', async () => {
    const databaseName = freshDatabase();
    const first = new WebCryptoKeyStore({ databaseName });
    const created = await first.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });

    const second = new WebCryptoKeyStore({ databaseName });
    const found = await second.getKey('app.signing');
    expect(found?.publicKey).toEqual(created.publicKey);
    const data = new TextEncoder().encode('after reopening');
    expect(await verifyEs256(created.publicKey, await second.sign('app.signing', data), data)).toBe(
      true,
    );
  });

  it('keeps databases apart: a store on another database sees none of the keys', async () => {
    const first = new WebCryptoKeyStore({ databaseName: freshDatabase() });
    await first.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    const other = new WebCryptoKeyStore({ databaseName: freshDatabase() });
    expect(await other.getKey('app.signing')).toBeNull();
    expect(await other.listAliases()).toEqual([]);
  });

  it('removes the record from IndexedDB when a key is deleted', async () => {
    const databaseName = freshDatabase();
    const store = new WebCryptoKeyStore({ databaseName });
    await store.generateKey('app.signing', { purpose: 'sign', algorithm: 'ES256' });
    await store.deleteKey('app.signing');
    const report = await inspectIndexedDb(databaseName);
    expect(report.keys).toEqual([]);
    expect(await store.getKey('app.signing')).toBeNull();
  });
});
