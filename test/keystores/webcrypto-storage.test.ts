// How WebCryptoKeyStore treats its storage: records it cannot load are KEY_UNAVAILABLE
// (never a silent new key), storage failures are DeviceBindingErrors, a rival writer wins
// cleanly, keys outlive the store object, and its options are checked.

import { describe, expect, it } from 'vitest';
import type { KeySpec } from '../../src/keystores/contract.js';
import { WebCryptoKeyStore } from '../../src/keystores/webcrypto/index.js';
import type { KeyRecord } from '../../src/keystores/webcrypto/key-record.js';
import { expectFailure } from '../helpers/webcrypto-expect.js';
import { createFakeStorage } from '../helpers/webcrypto-fake-storage.js';
import { buf, instrumentedCrypto } from '../helpers/webcrypto-implementations.js';

const { subtle } = globalThis.crypto;
const ES256: KeySpec = { purpose: 'sign', algorithm: 'ES256' };
const data = Uint8Array.of(1, 2, 3);

async function storeWithKey(alias = 'k', spec: KeySpec = ES256) {
  const storage = createFakeStorage();
  const store = new WebCryptoKeyStore({ storage });
  const info = await store.generateKey(alias, spec);
  return { storage, store, info, record: storage.records.get(alias) as KeyRecord };
}

async function verifyEs256(jwk: JsonWebKey, signature: Uint8Array, message: Uint8Array) {
  const key = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'verify',
  ]);
  return subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, buf(signature), buf(message));
}

describe('WebCryptoKeyStore records', () => {
  it('stores the CryptoKey itself with the public JWK, purpose, algorithm and creation time', async () => {
    const { record, info } = await storeWithKey();
    expect(record).toMatchObject({
      v: 1,
      purpose: 'sign',
      algorithm: 'ES256',
      publicKey: info.publicKey,
    });
    expect(record.privateKey.type).toBe('private');
    expect(record.createdAt).toBe(info.createdAt);
  });

  it('loads keys written by an earlier store object over the same storage (a reload)', async () => {
    const { storage, info } = await storeWithKey();
    const reloaded = new WebCryptoKeyStore({ storage });
    expect(await reloaded.getKey('k')).toEqual(info);
    const signature = await reloaded.sign('k', data);
    expect(await verifyEs256(info.publicKey as JsonWebKey, signature, data)).toBe(true);
    expect(await reloaded.generateKey('k', ES256)).toEqual(info);
  });

  it('reads a record from storage once, then uses it from memory', async () => {
    const { storage } = await storeWithKey();
    const reloaded = new WebCryptoKeyStore({ storage });
    const before = storage.calls.get;
    await reloaded.sign('k', data);
    await reloaded.sign('k', data);
    await reloaded.getKey('k');
    expect(storage.calls.get - before).toBe(1);
  });

  it('keeps the key another writer stored first (another tab won the race)', async () => {
    const rival = await storeWithKey('k');
    const storage = createFakeStorage();
    storage.rival = rival.record;
    const store = new WebCryptoKeyStore({ storage });
    const info = await store.generateKey('k', ES256);
    expect(info.publicKey).toEqual(rival.info.publicKey);
    const signature = await store.sign('k', data);
    expect(await verifyEs256(rival.info.publicKey as JsonWebKey, signature, data)).toBe(true);
  });
});

describe('WebCryptoKeyStore with a record it cannot load', () => {
  const corruptions: [string, (record: KeyRecord) => Promise<unknown> | unknown][] = [
    ['null', () => null],
    ['a string', () => 'garbage'],
    ['another record version', (r) => ({ ...r, v: 2 })],
    ['an unknown algorithm', (r) => ({ ...r, algorithm: 'ES384' })],
    ['a purpose that does not match the algorithm', (r) => ({ ...r, purpose: 'encrypt' })],
    ['no creation time', (r) => ({ ...r, createdAt: 'yesterday' })],
    ['an empty object as the private key', (r) => ({ ...r, privateKey: {} })],
    [
      'a plain object shaped like a CryptoKey as the private key',
      (r) => ({
        ...r,
        privateKey: {
          type: 'private',
          extractable: false,
          algorithm: { name: 'ECDSA', namedCurve: 'P-256' },
          usages: ['sign'],
        },
      }),
    ],
    ['a private key that was lost (undefined)', (r) => ({ ...r, privateKey: undefined })],
    [
      'a public CryptoKey in place of the private one',
      async (r) => {
        const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
          'sign',
          'verify',
        ])) as CryptoKeyPair;
        return { ...r, privateKey: pair.publicKey };
      },
    ],
    [
      'an extractable private key',
      async (r) => {
        const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
          'sign',
        ])) as CryptoKeyPair;
        return { ...r, privateKey: pair.privateKey };
      },
    ],
    [
      'a private key of another algorithm (ECDH under ES256)',
      async (r) => {
        const pair = (await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
          'deriveBits',
        ])) as CryptoKeyPair;
        return { ...r, privateKey: pair.privateKey };
      },
    ],
    [
      'a public key with a private member',
      (r) => ({ ...r, publicKey: { ...r.publicKey, d: 'A'.repeat(43) } }),
    ],
    [
      'a malformed public key',
      (r) => ({ ...r, publicKey: { kty: 'EC', crv: 'P-256', x: 'short' } }),
    ],
    [
      'a public key of another type',
      (r) => ({ ...r, publicKey: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) } }),
    ],
  ];

  it.each(corruptions)(
    'reports %s as KEY_UNAVAILABLE from getKey, sign and generateKey, and makes no new key',
    async (_label, corrupt) => {
      const { storage, record } = await storeWithKey();
      const damaged = await corrupt(record);
      storage.records.set('k', damaged);
      const store = new WebCryptoKeyStore({ storage });
      await expectFailure(store.getKey('k'), 'KEY_UNAVAILABLE');
      await expectFailure(store.sign('k', data), 'KEY_UNAVAILABLE');
      const error = await expectFailure(store.generateKey('k', ES256), 'KEY_UNAVAILABLE');
      expect(error.message).toMatch(/unbind/);
      expect(storage.records.get('k')).toBe(damaged);
      expect(storage.calls.putIfAbsent).toBe(1);
    },
  );

  it('reports an RSA record whose key uses the other OAEP hash as KEY_UNAVAILABLE', async () => {
    const { storage, record } = await storeWithKey('r', {
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP-256',
    });
    storage.records.set('r', {
      ...record,
      algorithm: 'RSA-OAEP',
      publicKey: { ...record.publicKey, alg: 'RSA-OAEP' },
    });
    await expectFailure(
      new WebCryptoKeyStore({ storage }).decrypt('r', new Uint8Array(256)),
      'KEY_UNAVAILABLE',
    );
  });

  it('reports an ECDH record whose public key lost its encryption alg as KEY_UNAVAILABLE', async () => {
    const { storage, record } = await storeWithKey('e', {
      purpose: 'encrypt',
      algorithm: 'ECDH-ES',
    });
    const { alg: _alg, ...withoutAlg } = record.publicKey;
    storage.records.set('e', { ...record, publicKey: withoutAlg });
    await expectFailure(new WebCryptoKeyStore({ storage }).getKey('e'), 'KEY_UNAVAILABLE');
  });

  it('recovers after deleteKey: the damaged record goes and a new key can be made', async () => {
    const storage = createFakeStorage();
    storage.records.set('k', { v: 1, junk: true });
    const store = new WebCryptoKeyStore({ storage });
    await expectFailure(store.getKey('k'), 'KEY_UNAVAILABLE');
    await store.deleteKey('k');
    const info = await store.generateKey('k', ES256);
    expect(await store.getKey('k')).toEqual(info);
  });

  it('does not keep a damaged record written by a rival as if it were good', async () => {
    const storage = createFakeStorage();
    storage.rival = { v: 1, algorithm: 'ES256', purpose: 'sign' };
    await expectFailure(
      new WebCryptoKeyStore({ storage }).generateKey('k', ES256),
      'KEY_UNAVAILABLE',
    );
  });
});

describe('WebCryptoKeyStore when its storage fails', () => {
  it('reports a failing read as KEY_UNAVAILABLE from getKey and sign, and makes no new key', async () => {
    const { storage } = await storeWithKey();
    const store = new WebCryptoKeyStore({ storage });
    storage.failing.add('get');
    await expectFailure(store.getKey('k'), 'KEY_UNAVAILABLE');
    await expectFailure(store.sign('k', data), 'KEY_UNAVAILABLE');
    await expectFailure(store.generateKey('k', ES256), 'KEY_UNAVAILABLE');
    expect(storage.calls.putIfAbsent).toBe(1);
  });

  it('reports a failing write as KEYSTORE_ERROR, to every concurrent caller, and lets a later call succeed', async () => {
    const storage = createFakeStorage();
    const store = new WebCryptoKeyStore({ storage });
    storage.failing.add('putIfAbsent');
    const results = await Promise.allSettled([
      store.generateKey('k', ES256),
      store.generateKey('k', ES256),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toMatchObject({
        name: 'DeviceBindingError',
        code: 'KEYSTORE_ERROR',
      });
    }
    expect(storage.calls.putIfAbsent).toBe(1);
    storage.failing.delete('putIfAbsent');
    const info = await store.generateKey('k', ES256);
    expect(await store.getKey('k')).toEqual(info);
  });

  it('reports a failing delete as KEYSTORE_ERROR', async () => {
    const { storage, store } = await storeWithKey();
    storage.failing.add('delete');
    await expectFailure(store.deleteKey('k'), 'KEYSTORE_ERROR');
  });

  it('reports a failing list as KEYSTORE_ERROR', async () => {
    const { storage, store } = await storeWithKey();
    storage.failing.add('list');
    await expectFailure(store.listAliases(), 'KEYSTORE_ERROR');
  });

  it('reports a WebCrypto failure while generating as KEYSTORE_ERROR and stores nothing', async () => {
    const failing = instrumentedCrypto(globalThis.crypto, {
      generateKey: async (args, original) => {
        if ((args[0] as { name: string }).name === 'ECDSA')
          throw new DOMException('no', 'OperationError');
        return original(...args);
      },
    });
    const storage = createFakeStorage();
    const store = new WebCryptoKeyStore({ crypto: failing.crypto, storage });
    await expectFailure(store.generateKey('k', ES256), 'KEYSTORE_ERROR');
    expect(storage.records.size).toBe(0);
  });

  it('reports a WebCrypto signing failure as KEYSTORE_ERROR', async () => {
    const failing = instrumentedCrypto(globalThis.crypto, {
      sign: async () => {
        throw new DOMException('no', 'OperationError');
      },
    });
    const store = new WebCryptoKeyStore({ crypto: failing.crypto, storage: 'memory' });
    await store.generateKey('k', ES256);
    await expectFailure(store.sign('k', data), 'KEYSTORE_ERROR');
  });

  it('reports a malformed signature from WebCrypto as KEYSTORE_ERROR', async () => {
    const short = instrumentedCrypto(globalThis.crypto, { sign: async () => new ArrayBuffer(63) });
    const store = new WebCryptoKeyStore({ crypto: short.crypto, storage: 'memory' });
    await store.generateKey('k', ES256);
    await expectFailure(store.sign('k', data), 'KEYSTORE_ERROR');
  });
});

describe('WebCryptoKeyStore Ed25519 probing', () => {
  function withoutEd25519() {
    return instrumentedCrypto(globalThis.crypto, {
      generateKey: async (args, original) => {
        if ((args[0] as { name: string }).name === 'Ed25519')
          throw new DOMException('Ed25519', 'NotSupportedError');
        return original(...args);
      },
    });
  }

  it('declares EdDSA only when the runtime makes Ed25519 keys', async () => {
    const store = new WebCryptoKeyStore({ crypto: withoutEd25519().crypto });
    expect([...(await store.capabilities()).signing]).toEqual(['ES256']);
  });

  it('refuses EdDSA keys with UNSUPPORTED_ALGORITHM where Ed25519 is missing', async () => {
    const store = new WebCryptoKeyStore({ crypto: withoutEd25519().crypto });
    await expectFailure(
      store.generateKey('ed', { purpose: 'sign', algorithm: 'EdDSA' }),
      'UNSUPPORTED_ALGORITHM',
    );
    expect(await store.getKey('ed')).toBeNull();
  });

  it('treats a probe that returns something odd as no support', async () => {
    const odd = instrumentedCrypto(globalThis.crypto, {
      generateKey: async (args, original) =>
        (args[0] as { name: string }).name === 'Ed25519' ? {} : original(...args),
    });
    expect([
      ...(await new WebCryptoKeyStore({ crypto: odd.crypto }).capabilities()).signing,
    ]).toEqual(['ES256']);
  });

  it('probes once per WebCrypto implementation', async () => {
    const counted = withoutEd25519();
    await Promise.all([
      new WebCryptoKeyStore({ crypto: counted.crypto }).capabilities(),
      new WebCryptoKeyStore({ crypto: counted.crypto }).capabilities(),
    ]);
    const store = new WebCryptoKeyStore({ crypto: counted.crypto });
    await store.capabilities();
    await store.capabilities();
    expect(counted.count('generateKey', 'Ed25519')).toBe(1);
  });
});

describe('WebCryptoKeyStore options', () => {
  it('refuses a runtime without crypto.subtle with CRYPTO_UNAVAILABLE, naming HTTPS', async () => {
    const noSubtle = {
      getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto),
    } as unknown as Crypto;
    const error = await expectFailure(
      () => new WebCryptoKeyStore({ crypto: noSubtle }),
      'CRYPTO_UNAVAILABLE',
    );
    expect(error.message).toMatch(/HTTPS/);
  });

  it.each<[string, unknown]>([
    ['an unknown storage name', { storage: 'localStorage' }],
    ['a storage object without methods', { storage: { get: () => undefined } }],
    ['null storage', { storage: null }],
    ['an empty database name', { databaseName: '' }],
    ['a non-string database name', { databaseName: 7 }],
    ['options that are not an object', 'memory'],
  ])('refuses %s with INVALID_ARGUMENT', async (_label, options) => {
    await expectFailure(() => new WebCryptoKeyStore(options as never), 'INVALID_ARGUMENT');
  });
});
