// WebCryptoKeyStore over IndexedDB, driven through a small in-process IndexedDB stand-in:
// the database layout, keys kept across store objects, two tabs racing, and an IndexedDB
// that exists but cannot be used (KEY_UNAVAILABLE, never a silent switch to memory).

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KeySpec } from '../../src/keystores/contract.js';
import { WebCryptoKeyStore } from '../../src/keystores/webcrypto/index.js';
import { expectFailure } from '../helpers/webcrypto-expect.js';
import { createFakeIndexedDb } from '../helpers/webcrypto-fake-indexeddb.js';
import { buf } from '../helpers/webcrypto-implementations.js';

const ES256: KeySpec = { purpose: 'sign', algorithm: 'ES256' };
const data = Uint8Array.of(9, 8, 7);

async function verifyEs256(jwk: JsonWebKey, signature: Uint8Array) {
  const { subtle } = globalThis.crypto;
  const key = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'verify',
  ]);
  return subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, buf(signature), buf(data));
}

function removeGlobalIndexedDb() {
  delete (globalThis as { indexedDB?: unknown }).indexedDB;
}

afterEach(() => {
  removeGlobalIndexedDb();
  vi.useRealTimers();
});

describe('WebCryptoKeyStore over IndexedDB', () => {
  it('keeps records in the object store "keys" of the database "devicebind" by default, keyed by alias', async () => {
    const idb = createFakeIndexedDb();
    const store = new WebCryptoKeyStore({ indexedDB: idb.factory });
    const info = await store.generateKey('signing', ES256);
    const records = idb.databases.get('devicebind')?.get('keys');
    expect([...(records?.keys() ?? [])]).toEqual(['signing']);
    expect(records?.get('signing')).toMatchObject({
      v: 1,
      algorithm: 'ES256',
      publicKey: info.publicKey,
    });
  });

  it('uses the database name it is given', async () => {
    const idb = createFakeIndexedDb();
    await new WebCryptoKeyStore({ indexedDB: idb.factory, databaseName: 'app-keys' }).generateKey(
      'k',
      ES256,
    );
    expect([...idb.databases.keys()]).toEqual(['app-keys']);
  });

  it('declares itself persistent', async () => {
    const idb = createFakeIndexedDb();
    expect(
      (await new WebCryptoKeyStore({ indexedDB: idb.factory }).capabilities()).persistent,
    ).toBe(true);
  });

  it('picks IndexedDB by default when globalThis.indexedDB exists', async () => {
    const idb = createFakeIndexedDb();
    (globalThis as { indexedDB?: IDBFactory }).indexedDB = idb.factory;
    const store = new WebCryptoKeyStore();
    expect((await store.capabilities()).persistent).toBe(true);
    await store.generateKey('k', ES256);
    expect(idb.databases.get('devicebind')?.get('keys')?.has('k')).toBe(true);
  });

  it('gives back a working non-extractable CryptoKey after a reload (a new store over the same database)', async () => {
    const idb = createFakeIndexedDb();
    const info = await new WebCryptoKeyStore({ indexedDB: idb.factory }).generateKey('k', ES256);
    const reloaded = new WebCryptoKeyStore({ indexedDB: idb.factory });
    expect(await reloaded.getKey('k')).toEqual(info);
    expect(await verifyEs256(info.publicKey as JsonWebKey, await reloaded.sign('k', data))).toBe(
      true,
    );
    const stored = idb.databases.get('devicebind')?.get('keys')?.get('k') as {
      privateKey: CryptoKey;
    };
    expect(stored.privateKey.extractable).toBe(false);
  });

  it('keeps RSA and ECDH keys across a reload too', async () => {
    const idb = createFakeIndexedDb();
    const first = new WebCryptoKeyStore({ indexedDB: idb.factory });
    const rsa = await first.generateKey('rsa', { purpose: 'encrypt', algorithm: 'RSA-OAEP-256' });
    const ecdh = await first.generateKey('ecdh', { purpose: 'encrypt', algorithm: 'ECDH-ES' });
    const reloaded = new WebCryptoKeyStore({ indexedDB: idb.factory });
    expect(await reloaded.getKey('rsa')).toEqual(rsa);
    expect(await reloaded.getKey('ecdh')).toEqual(ecdh);
  });

  it('lists and deletes aliases', async () => {
    const idb = createFakeIndexedDb();
    const store = new WebCryptoKeyStore({ indexedDB: idb.factory });
    await store.generateKey('a', ES256);
    await store.generateKey('b', ES256);
    expect((await store.listAliases()).sort()).toEqual(['a', 'b']);
    await store.deleteKey('a');
    expect(await store.listAliases()).toEqual(['b']);
    expect(await new WebCryptoKeyStore({ indexedDB: idb.factory }).getKey('a')).toBeNull();
  });

  it('ends with one key when two tabs generate the same alias at once', async () => {
    const idb = createFakeIndexedDb();
    const tabA = new WebCryptoKeyStore({ indexedDB: idb.factory });
    const tabB = new WebCryptoKeyStore({ indexedDB: idb.factory });
    const [a, b] = await Promise.all([tabA.generateKey('k', ES256), tabB.generateKey('k', ES256)]);
    expect(a.publicKey).toEqual(b.publicKey);
    expect(await verifyEs256(a.publicKey as JsonWebKey, await tabB.sign('k', data))).toBe(true);
    expect(await verifyEs256(a.publicKey as JsonWebKey, await tabA.sign('k', data))).toBe(true);
  });

  it('opens the database once for many operations', async () => {
    const idb = createFakeIndexedDb();
    const store = new WebCryptoKeyStore({ indexedDB: idb.factory });
    await store.generateKey('a', ES256);
    await store.listAliases();
    await store.deleteKey('a');
    expect(idb.opens).toBe(1);
  });

  it('reports a database that cannot store the key (DataCloneError) as KEYSTORE_ERROR and stores nothing', async () => {
    const idb = createFakeIndexedDb();
    idb.failPut = true;
    const store = new WebCryptoKeyStore({ indexedDB: idb.factory });
    const error = await expectFailure(store.generateKey('k', ES256), 'KEYSTORE_ERROR');
    expect(error.cause).toMatchObject({ name: 'DataCloneError' });
    expect(idb.databases.get('devicebind')?.get('keys')?.size).toBe(0);
    expect(await store.getKey('k')).toBeNull();
  });

  it('reports a damaged record in the database as KEY_UNAVAILABLE and leaves it in place', async () => {
    const idb = createFakeIndexedDb();
    await new WebCryptoKeyStore({ indexedDB: idb.factory }).generateKey('k', ES256);
    const records = idb.databases.get('devicebind')!.get('keys')!;
    records.set('k', {
      v: 1,
      algorithm: 'ES256',
      purpose: 'sign',
      privateKey: 'lost',
      publicKey: {},
      createdAt: 0,
    });
    const reloaded = new WebCryptoKeyStore({ indexedDB: idb.factory });
    await expectFailure(reloaded.getKey('k'), 'KEY_UNAVAILABLE');
    await expectFailure(reloaded.generateKey('k', ES256), 'KEY_UNAVAILABLE');
    expect(records.get('k')).toMatchObject({ privateKey: 'lost' });
  });
});

describe('WebCryptoKeyStore when IndexedDB exists but cannot be used', () => {
  const operations: [string, (store: WebCryptoKeyStore) => Promise<unknown>][] = [
    ['generateKey', (s) => s.generateKey('k', ES256)],
    ['getKey', (s) => s.getKey('k')],
    ['sign', (s) => s.sign('k', data)],
    ['listAliases', (s) => s.listAliases()],
    ['deleteKey', (s) => s.deleteKey('k')],
  ];

  it.each(operations)(
    'rejects %s with KEY_UNAVAILABLE when open() fires an error (private mode, Lockdown Mode)',
    async (_name, operation) => {
      const idb = createFakeIndexedDb();
      idb.failOpen = 'error';
      const error = await expectFailure(
        operation(new WebCryptoKeyStore({ indexedDB: idb.factory })),
        'KEY_UNAVAILABLE',
      );
      expect(error.message).toMatch(/storage: "memory"/);
      expect(error.cause).toBeInstanceOf(DOMException);
      expect(idb.databases.size).toBe(0);
    },
  );

  it('rejects with KEY_UNAVAILABLE when open() throws', async () => {
    const idb = createFakeIndexedDb();
    idb.failOpen = 'throw';
    await expectFailure(
      new WebCryptoKeyStore({ indexedDB: idb.factory }).generateKey('k', ES256),
      'KEY_UNAVAILABLE',
    );
  });

  it('rejects with KEY_UNAVAILABLE, not a hang, when open() never answers', async () => {
    vi.useFakeTimers();
    const idb = createFakeIndexedDb();
    idb.failOpen = 'hang';
    const pending = new WebCryptoKeyStore({ indexedDB: idb.factory }).getKey('k');
    const settled = expectFailure(pending, 'KEY_UNAVAILABLE');
    await vi.advanceTimersByTimeAsync(10_000);
    await settled;
  });

  it('does not fall back to memory: the default store over a throwing globalThis.indexedDB is KEY_UNAVAILABLE', async () => {
    Object.defineProperty(globalThis, 'indexedDB', {
      configurable: true,
      get() {
        throw new DOMException('access denied', 'SecurityError');
      },
    });
    const store = new WebCryptoKeyStore();
    expect((await store.capabilities()).persistent).toBe(true);
    await expectFailure(store.generateKey('k', ES256), 'KEY_UNAVAILABLE');
  });

  it('does not fall back to memory when globalThis.indexedDB is null', async () => {
    (globalThis as { indexedDB?: unknown }).indexedDB = null;
    await expectFailure(new WebCryptoKeyStore().generateKey('k', ES256), 'KEY_UNAVAILABLE');
  });

  it('rejects with KEY_UNAVAILABLE when IndexedDB is asked for explicitly but there is none', async () => {
    await expectFailure(
      new WebCryptoKeyStore({ storage: 'indexeddb' }).getKey('k'),
      'KEY_UNAVAILABLE',
    );
  });

  it('tries again on the next call, and works once IndexedDB opens', async () => {
    const idb = createFakeIndexedDb();
    idb.failOpen = 'error';
    const store = new WebCryptoKeyStore({ indexedDB: idb.factory });
    await expectFailure(store.generateKey('k', ES256), 'KEY_UNAVAILABLE');
    idb.failOpen = undefined;
    const info = await store.generateKey('k', ES256);
    expect(await store.getKey('k')).toEqual(info);
  });

  it('works in memory when the app asks for it explicitly, even though IndexedDB is there', async () => {
    const idb = createFakeIndexedDb();
    idb.failOpen = 'error';
    (globalThis as { indexedDB?: IDBFactory }).indexedDB = idb.factory;
    const store = new WebCryptoKeyStore({ storage: 'memory' });
    await store.generateKey('k', ES256);
    expect((await store.capabilities()).persistent).toBe(false);
    expect(idb.opens).toBe(0);
  });
});
