// The KeyStore contract as WebCryptoKeyStore meets it, on Node's WebCrypto and on
// @peculiar/webcrypto: keys, signatures, ECDH, RSA-OAEP, and every refusal.

import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64url } from '../../src/core/base64url.js';
import type { PublicJwk } from '../../src/core/jwk.js';
import type { KeyInfo, KeySpec } from '../../src/keystores/contract.js';
import { WebCryptoKeyStore } from '../../src/keystores/webcrypto/index.js';
import type { KeyRecord } from '../../src/keystores/webcrypto/key-record.js';
import { expectFailure } from '../helpers/webcrypto-expect.js';
import { createFakeStorage, type FakeStorage } from '../helpers/webcrypto-fake-storage.js';
import {
  buf,
  instrumentedCrypto,
  WEBCRYPTO_IMPLEMENTATIONS,
} from '../helpers/webcrypto-implementations.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const data = new TextEncoder().encode('GET https://api.example.com/items');

describe.each(WEBCRYPTO_IMPLEMENTATIONS)('WebCryptoKeyStore on $name', ({ crypto }) => {
  const subtle = crypto.subtle;
  let storage: FakeStorage;
  let store: WebCryptoKeyStore;
  let es256: KeyInfo;
  let eddsa: KeyInfo;
  let ecdh: KeyInfo;
  let rsa256: KeyInfo;
  let rsa1: KeyInfo;

  beforeAll(async () => {
    storage = createFakeStorage(false);
    store = new WebCryptoKeyStore({ crypto, storage });
    [es256, eddsa, ecdh, rsa256, rsa1] = await Promise.all([
      store.generateKey('sig', { purpose: 'sign', algorithm: 'ES256' }),
      store.generateKey('ed', { purpose: 'sign', algorithm: 'EdDSA' }),
      store.generateKey('ecdh', { purpose: 'encrypt', algorithm: 'ECDH-ES' }),
      store.generateKey('rsa256', { purpose: 'encrypt', algorithm: 'RSA-OAEP-256' }),
      store.generateKey('rsa1', { purpose: 'encrypt', algorithm: 'RSA-OAEP' }),
    ]);
  }, 60_000);

  const privateKeyOf = (alias: string) => (storage.records.get(alias) as KeyRecord).privateKey;

  async function verify(
    publicKey: PublicJwk,
    signature: Uint8Array,
    message: Uint8Array,
  ): Promise<boolean> {
    const params =
      publicKey.kty === 'EC' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' };
    const key = await subtle.importKey('jwk', publicKey as JsonWebKey, params, false, ['verify']);
    const signParams =
      publicKey.kty === 'EC' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' };
    return subtle.verify(signParams, key, buf(signature), buf(message));
  }

  async function peerEncrypt(publicKey: PublicJwk, hash: 'SHA-256' | 'SHA-1', message: Uint8Array) {
    const { kty, n, e } = publicKey as { kty: 'RSA'; n: string; e: string };
    const key = await subtle.importKey('jwk', { kty, n, e }, { name: 'RSA-OAEP', hash }, false, [
      'encrypt',
    ]);
    return new Uint8Array(await subtle.encrypt({ name: 'RSA-OAEP' }, key, buf(message)));
  }

  describe('capabilities', () => {
    it('declares ES256 and EdDSA signing (this runtime makes Ed25519 keys), ECDH-ES and both RSA-OAEP', async () => {
      const caps = await store.capabilities();
      expect([...caps.signing]).toEqual(['ES256', 'EdDSA']);
      expect([...caps.encryption]).toEqual(['ECDH-ES', 'RSA-OAEP-256', 'RSA-OAEP']);
    });

    it('claims no hardware, user authentication or attestation, and persistence only from its storage', async () => {
      const caps = await store.capabilities();
      expect(caps).toMatchObject({
        hardwareBacked: false,
        userAuthentication: false,
        attestation: false,
        persistent: false,
      });
      const persistentStore = new WebCryptoKeyStore({ crypto, storage: createFakeStorage(true) });
      expect((await persistentStore.capabilities()).persistent).toBe(true);
    });

    it('is not persistent with in-memory storage, the default where there is no indexedDB', async () => {
      expect('indexedDB' in globalThis).toBe(false);
      expect((await new WebCryptoKeyStore({ crypto }).capabilities()).persistent).toBe(false);
      expect(
        (await new WebCryptoKeyStore({ crypto, storage: 'memory' }).capabilities()).persistent,
      ).toBe(false);
    });
  });

  describe('generateKey', () => {
    it('makes an ES256 key whose public JWK is exactly {kty, crv, x, y}', () => {
      expect(es256).toMatchObject({
        alias: 'sig',
        purpose: 'sign',
        algorithm: 'ES256',
        hardwareBacked: false,
        securityLevel: 'software',
      });
      expect(Object.keys(es256.publicKey).sort()).toEqual(['crv', 'kty', 'x', 'y']);
      expect(es256.publicKey).toMatchObject({ kty: 'EC', crv: 'P-256' });
      expect(typeof es256.createdAt).toBe('number');
    });

    it('makes an EdDSA key whose public JWK is exactly {kty, crv, x}', () => {
      expect(Object.keys(eddsa.publicKey).sort()).toEqual(['crv', 'kty', 'x']);
      expect(eddsa.publicKey).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
      expect(decodeBase64url((eddsa.publicKey as { x: string }).x)).toHaveLength(32);
    });

    it('makes an ECDH-ES key published with use "enc" and alg ECDH-ES+A256KW', () => {
      expect(ecdh).toMatchObject({ purpose: 'encrypt', algorithm: 'ECDH-ES' });
      expect(ecdh.publicKey).toMatchObject({
        kty: 'EC',
        crv: 'P-256',
        use: 'enc',
        alg: 'ECDH-ES+A256KW',
      });
    });

    it('makes 2048-bit RSA-OAEP-256 and RSA-OAEP keys published with their own alg', () => {
      expect(rsa256.publicKey).toMatchObject({
        kty: 'RSA',
        e: 'AQAB',
        use: 'enc',
        alg: 'RSA-OAEP-256',
      });
      expect(rsa1.publicKey).toMatchObject({ kty: 'RSA', e: 'AQAB', use: 'enc', alg: 'RSA-OAEP' });
      expect(decodeBase64url((rsa256.publicKey as { n: string }).n)).toHaveLength(256);
      expect(decodeBase64url((rsa1.publicKey as { n: string }).n)).toHaveLength(256);
    });

    it('publishes no private member in any public JWK', () => {
      for (const info of [es256, eddsa, ecdh, rsa256, rsa1]) {
        for (const member of PRIVATE_MEMBERS) expect(info.publicKey).not.toHaveProperty(member);
      }
    });

    it('keeps private keys non-extractable: the stored CryptoKey refuses every export', async () => {
      for (const alias of ['sig', 'ed', 'ecdh', 'rsa256', 'rsa1']) {
        const key = privateKeyOf(alias);
        expect(key.extractable).toBe(false);
        expect(key.type).toBe('private');
        await expect(subtle.exportKey('jwk', key)).rejects.toThrow();
        await expect(subtle.exportKey('pkcs8', key)).rejects.toThrow();
      }
    });

    it('gives each private key only the usage its purpose needs', () => {
      expect([...privateKeyOf('sig').usages]).toEqual(['sign']);
      expect([...privateKeyOf('ed').usages]).toEqual(['sign']);
      expect([...privateKeyOf('ecdh').usages]).toEqual(['deriveBits']);
      expect([...privateKeyOf('rsa256').usages]).toEqual(['decrypt']);
    });

    it('returns the existing key unchanged for an alias that holds one, whatever the new spec', async () => {
      const again = await store.generateKey('sig', { purpose: 'sign', algorithm: 'ES256' });
      expect(again).toEqual(es256);
      const other = await store.generateKey('sig', { purpose: 'encrypt', algorithm: 'ECDH-ES' });
      expect(other.publicKey).toEqual(es256.publicKey);
      expect(other.algorithm).toBe('ES256');
    });

    it('yields one key for concurrent calls on one alias', async () => {
      const counted = instrumentedCrypto(crypto);
      const concurrentStore = new WebCryptoKeyStore({ crypto: counted.crypto, storage: 'memory' });
      const spec: KeySpec = { purpose: 'sign', algorithm: 'ES256' };
      const infos = await Promise.all(
        Array.from({ length: 8 }, () => concurrentStore.generateKey('race', spec)),
      );
      for (const info of infos) expect(info.publicKey).toEqual(infos[0]!.publicKey);
      expect(await concurrentStore.listAliases()).toEqual(['race']);
      expect(counted.count('generateKey', 'ECDSA')).toBe(1);
    });

    it('makes 3072- and 4096-bit RSA keys when asked', async () => {
      const rsaStore = new WebCryptoKeyStore({ crypto, storage: 'memory' });
      const [k3072, k4096] = await Promise.all([
        rsaStore.generateKey('r3072', {
          purpose: 'encrypt',
          algorithm: 'RSA-OAEP-256',
          modulusLength: 3072,
        }),
        rsaStore.generateKey('r4096', {
          purpose: 'encrypt',
          algorithm: 'RSA-OAEP',
          modulusLength: 4096,
        }),
      ]);
      expect(decodeBase64url((k3072.publicKey as { n: string }).n)).toHaveLength(384);
      expect(decodeBase64url((k4096.publicKey as { n: string }).n)).toHaveLength(512);
      const message = crypto.getRandomValues(new Uint8Array(32));
      expect(
        await rsaStore.decrypt('r3072', await peerEncrypt(k3072.publicKey, 'SHA-256', message)),
      ).toEqual(message);
      expect(
        await rsaStore.decrypt('r4096', await peerEncrypt(k4096.publicKey, 'SHA-1', message)),
      ).toEqual(message);
    }, 120_000);

    it.each([1024, 2047, 8192, '2048'])(
      'refuses modulusLength %j with INVALID_ARGUMENT',
      async (modulusLength) => {
        const spec = {
          purpose: 'encrypt',
          algorithm: 'RSA-OAEP-256',
          modulusLength,
        } as unknown as KeySpec;
        await expectFailure(store.generateKey('bad-rsa', spec), 'INVALID_ARGUMENT');
      },
    );

    it.each<[string, unknown]>([
      ['an RSA algorithm for signing', { purpose: 'sign', algorithm: 'RSA-OAEP-256' }],
      ['ECDH-ES for signing', { purpose: 'sign', algorithm: 'ECDH-ES' }],
      ['ES256 for encryption', { purpose: 'encrypt', algorithm: 'ES256' }],
      ['ES384', { purpose: 'sign', algorithm: 'ES384' }],
      ['RS256', { purpose: 'sign', algorithm: 'RS256' }],
      ['required hardware', { purpose: 'sign', algorithm: 'ES256', hardware: 'required' }],
      [
        'biometric user authentication',
        { purpose: 'sign', algorithm: 'ES256', userAuthentication: { type: 'biometric' } },
      ],
    ])('refuses %s with UNSUPPORTED_ALGORITHM', async (_label, spec) => {
      await expectFailure(store.generateKey('refused', spec as KeySpec), 'UNSUPPORTED_ALGORITHM');
      expect(await store.getKey('refused')).toBeNull();
    });

    it.each<[string, unknown]>([
      ['no spec', undefined],
      ['an unknown purpose', { purpose: 'wrap', algorithm: 'ES256' }],
    ])('refuses %s with INVALID_ARGUMENT', async (_label, spec) => {
      await expectFailure(store.generateKey('refused', spec as KeySpec), 'INVALID_ARGUMENT');
    });

    it.each(['', 'has space', 'a/b', 'x'.repeat(201), 42])(
      'refuses the alias %j with INVALID_ARGUMENT',
      async (alias) => {
        await expectFailure(
          store.generateKey(alias as string, { purpose: 'sign', algorithm: 'ES256' }),
          'INVALID_ARGUMENT',
        );
        await expectFailure(store.getKey(alias as string), 'INVALID_ARGUMENT');
        await expectFailure(store.sign(alias as string, data), 'INVALID_ARGUMENT');
        await expectFailure(store.deleteKey(alias as string), 'INVALID_ARGUMENT');
      },
    );
  });

  describe('getKey, listAliases, deleteKey', () => {
    it('returns the key info for a known alias and null for an unknown one', async () => {
      expect(await store.getKey('ecdh')).toEqual(ecdh);
      expect(await store.getKey('never-made')).toBeNull();
    });

    it('lists every alias and forgets a deleted key', async () => {
      const own = new WebCryptoKeyStore({ crypto, storage: 'memory' });
      await own.generateKey('a', { purpose: 'sign', algorithm: 'ES256' });
      await own.generateKey('b', { purpose: 'encrypt', algorithm: 'ECDH-ES' });
      expect((await own.listAliases()).sort()).toEqual(['a', 'b']);
      await own.deleteKey('a');
      expect(await own.listAliases()).toEqual(['b']);
      expect(await own.getKey('a')).toBeNull();
      await expectFailure(own.sign('a', data), 'KEY_NOT_FOUND');
    });

    it('deletes an alias that holds nothing without complaint', async () => {
      await expect(store.deleteKey('never-made')).resolves.toBeUndefined();
    });

    it('makes a new, different key after a delete', async () => {
      const own = new WebCryptoKeyStore({ crypto, storage: 'memory' });
      const first = await own.generateKey('k', { purpose: 'sign', algorithm: 'ES256' });
      await own.deleteKey('k');
      const second = await own.generateKey('k', { purpose: 'sign', algorithm: 'ES256' });
      expect(second.publicKey).not.toEqual(first.publicKey);
    });
  });

  describe('sign', () => {
    it('signs with ES256: 64 bytes (r ‖ s) that verify over exactly the data', async () => {
      const signature = await store.sign('sig', data);
      expect(signature).toHaveLength(64);
      expect(await verify(es256.publicKey, signature, data)).toBe(true);
    });

    it('signs with EdDSA: 64 bytes that verify over exactly the data', async () => {
      const signature = await store.sign('ed', data);
      expect(signature).toHaveLength(64);
      expect(await verify(eddsa.publicKey, signature, data)).toBe(true);
    });

    it('signs an ArrayBuffer as the bytes it holds', async () => {
      const signature = await store.sign('sig', data.slice().buffer as unknown as Uint8Array);
      expect(await verify(es256.publicKey, signature, data)).toBe(true);
    });

    it('signs empty data', async () => {
      const signature = await store.sign('sig', new Uint8Array(0));
      expect(await verify(es256.publicKey, signature, new Uint8Array(0))).toBe(true);
    });

    it('gives signatures that fail over other data (one bit flipped, truncated, extended)', async () => {
      for (const alias of ['sig', 'ed']) {
        const info = alias === 'sig' ? es256 : eddsa;
        const signature = await store.sign(alias, data);
        const flipped = data.slice();
        flipped[3]! ^= 1;
        expect(await verify(info.publicKey, signature, flipped)).toBe(false);
        expect(await verify(info.publicKey, signature, data.subarray(0, -1))).toBe(false);
        expect(await verify(info.publicKey, signature, new Uint8Array([...data, 0]))).toBe(false);
      }
    });

    it('gives signatures that fail under another key', async () => {
      const other = await new WebCryptoKeyStore({ crypto }).generateKey('x', {
        purpose: 'sign',
        algorithm: 'ES256',
      });
      expect(await verify(other.publicKey, await store.sign('sig', data), data)).toBe(false);
    });

    it('refuses an unknown alias with KEY_NOT_FOUND', async () => {
      await expectFailure(store.sign('never-made', data), 'KEY_NOT_FOUND');
    });

    it.each(['ecdh', 'rsa256'])(
      'refuses to sign with the encryption key %s (UNSUPPORTED_ALGORITHM)',
      async (alias) => {
        await expectFailure(store.sign(alias, data), 'UNSUPPORTED_ALGORITHM');
      },
    );

    it.each<[string, unknown]>([
      ['a string', 'hello'],
      ['an array of numbers', [1, 2, 3]],
      ['undefined', undefined],
    ])('refuses %s as data with INVALID_ARGUMENT', async (_label, value) => {
      await expectFailure(store.sign('sig', value as Uint8Array), 'INVALID_ARGUMENT');
    });
  });

  describe('deriveSharedSecret', () => {
    async function peerPair() {
      const pair = (await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
        'deriveBits',
      ])) as CryptoKeyPair;
      const { kty, crv, x, y } = await subtle.exportKey('jwk', pair.publicKey);
      return { pair, jwk: { kty, crv, x, y } as PublicJwk };
    }

    it("returns the 32-byte Z the peer computes from the store's public key", async () => {
      const peer = await peerPair();
      const z = await store.deriveSharedSecret('ecdh', peer.jwk);
      expect(z).toHaveLength(32);
      const { kty, crv, x, y } = ecdh.publicKey as {
        kty: string;
        crv: string;
        x: string;
        y: string;
      };
      const ownPublic = await subtle.importKey(
        'jwk',
        { kty, crv, x, y },
        { name: 'ECDH', namedCurve: 'P-256' },
        true,
        [],
      );
      const expected = await subtle.deriveBits(
        { name: 'ECDH', public: ownPublic },
        peer.pair.privateKey,
        256,
      );
      expect(z).toEqual(new Uint8Array(expected));
    });

    it('gives different secrets for different peers', async () => {
      const [a, b] = await Promise.all([peerPair(), peerPair()]);
      expect(await store.deriveSharedSecret('ecdh', a.jwk)).not.toEqual(
        await store.deriveSharedSecret('ecdh', b.jwk),
      );
    });

    it('accepts a peer JWK carrying alg and use', async () => {
      const peer = await peerPair();
      const z = await store.deriveSharedSecret('ecdh', {
        ...(peer.jwk as object),
        alg: 'ECDH-ES',
        use: 'enc',
      } as PublicJwk);
      expect(z).toHaveLength(32);
    });

    it('refuses a point off the curve with INVALID_ARGUMENT', async () => {
      const { jwk } = await peerPair();
      const y = decodeBase64url((jwk as { y: string }).y);
      y[31]! ^= 1;
      const bad = { ...jwk, y: Buffer.from(y).toString('base64url') } as PublicJwk;
      await expectFailure(store.deriveSharedSecret('ecdh', bad), 'INVALID_ARGUMENT');
    });

    it('refuses coordinates outside the field (x = 2^256 - 1) with INVALID_ARGUMENT', async () => {
      const { jwk } = await peerPair();
      const bad = { ...jwk, x: Buffer.alloc(32, 0xff).toString('base64url') } as PublicJwk;
      await expectFailure(store.deriveSharedSecret('ecdh', bad), 'INVALID_ARGUMENT');
    });

    it('refuses the all-zero point with INVALID_ARGUMENT', async () => {
      const zero = Buffer.alloc(32).toString('base64url');
      await expectFailure(
        store.deriveSharedSecret('ecdh', { kty: 'EC', crv: 'P-256', x: zero, y: zero }),
        'INVALID_ARGUMENT',
      );
    });

    it('refuses a peer key with a private member with INVALID_ARGUMENT', async () => {
      const { jwk } = await peerPair();
      const withD = {
        ...jwk,
        d: Buffer.alloc(32, 1).toString('base64url'),
      } as unknown as PublicJwk;
      await expectFailure(store.deriveSharedSecret('ecdh', withD), 'INVALID_ARGUMENT');
    });

    it.each<[string, unknown]>([
      ['an Ed25519 key', { kty: 'OKP', crv: 'Ed25519', x: 'x'.repeat(43) }],
      ['a P-384 key', { kty: 'EC', crv: 'P-384', x: 'x'.repeat(64), y: 'y'.repeat(64) }],
      ['an RSA key', { kty: 'RSA', n: 'n'.repeat(342), e: 'AQAB' }],
      ['a truncated x', { kty: 'EC', crv: 'P-256', x: 'x'.repeat(42), y: 'y'.repeat(43) }],
      ['a string', 'not a key'],
      ['null', null],
    ])('refuses %s as the peer key with INVALID_ARGUMENT', async (_label, peer) => {
      await expectFailure(store.deriveSharedSecret('ecdh', peer as PublicJwk), 'INVALID_ARGUMENT');
    });

    it('refuses an unknown alias with KEY_NOT_FOUND', async () => {
      const { jwk } = await peerPair();
      await expectFailure(store.deriveSharedSecret('never-made', jwk), 'KEY_NOT_FOUND');
    });

    it.each(['sig', 'rsa256'])(
      'refuses ECDH with the non-ECDH key %s (UNSUPPORTED_ALGORITHM)',
      async (alias) => {
        const { jwk } = await peerPair();
        await expectFailure(store.deriveSharedSecret(alias, jwk), 'UNSUPPORTED_ALGORITHM');
      },
    );
  });

  describe('decrypt', () => {
    const lengths = [0, 1, 16, 32, 190];

    it.each(lengths)(
      'opens RSA-OAEP-256 ciphertexts of %i bytes from a WebCrypto peer',
      async (length) => {
        const message = crypto.getRandomValues(new Uint8Array(length));
        expect(
          await store.decrypt('rsa256', await peerEncrypt(rsa256.publicKey, 'SHA-256', message)),
        ).toEqual(message);
      },
    );

    it.each([...lengths, 214])(
      'opens RSA-OAEP (SHA-1) ciphertexts of %i bytes from a WebCrypto peer',
      async (length) => {
        const message = crypto.getRandomValues(new Uint8Array(length));
        expect(
          await store.decrypt('rsa1', await peerEncrypt(rsa1.publicKey, 'SHA-1', message)),
        ).toEqual(message);
      },
    );

    it('refuses a ciphertext with one bit flipped with KEYSTORE_ERROR', async () => {
      const ciphertext = await peerEncrypt(rsa256.publicKey, 'SHA-256', new Uint8Array(32));
      ciphertext[100]! ^= 1;
      await expectFailure(store.decrypt('rsa256', ciphertext), 'KEYSTORE_ERROR');
    });

    it('refuses a truncated ciphertext with KEYSTORE_ERROR', async () => {
      const ciphertext = await peerEncrypt(rsa256.publicKey, 'SHA-256', new Uint8Array(32));
      await expectFailure(
        store.decrypt('rsa256', ciphertext.subarray(0, ciphertext.length - 1)),
        'KEYSTORE_ERROR',
      );
    });

    it('refuses an empty ciphertext with KEYSTORE_ERROR', async () => {
      await expectFailure(store.decrypt('rsa256', new Uint8Array(0)), 'KEYSTORE_ERROR');
    });

    it('refuses a ciphertext made with the other OAEP hash with KEYSTORE_ERROR', async () => {
      const sha1Ciphertext = await peerEncrypt(rsa256.publicKey, 'SHA-1', new Uint8Array(32));
      await expectFailure(store.decrypt('rsa256', sha1Ciphertext), 'KEYSTORE_ERROR');
      const sha256Ciphertext = await peerEncrypt(rsa1.publicKey, 'SHA-256', new Uint8Array(32));
      await expectFailure(store.decrypt('rsa1', sha256Ciphertext), 'KEYSTORE_ERROR');
    });

    it('refuses a ciphertext for another key with KEYSTORE_ERROR', async () => {
      const ciphertext = await peerEncrypt(rsa1.publicKey, 'SHA-256', new Uint8Array(32));
      await expectFailure(store.decrypt('rsa256', ciphertext), 'KEYSTORE_ERROR');
    });

    it('says nothing about why decryption failed: every failure has the same message and no cause', async () => {
      const good = await peerEncrypt(rsa256.publicKey, 'SHA-256', new Uint8Array(32));
      const flipped = good.slice();
      flipped[0]! ^= 0x80;
      const errors = await Promise.all(
        // Truncated at the end: dropping a leading zero byte would leave the same number,
        // which some implementations accept (1 run in ~256).
        [flipped, good.subarray(0, good.length - 1), new Uint8Array(256)].map((c) =>
          expectFailure(store.decrypt('rsa256', c), 'KEYSTORE_ERROR'),
        ),
      );
      expect(new Set(errors.map((e) => e.message)).size).toBe(1);
      for (const error of errors) expect(error.cause).toBeUndefined();
    });

    it('refuses an unknown alias with KEY_NOT_FOUND', async () => {
      await expectFailure(store.decrypt('never-made', new Uint8Array(256)), 'KEY_NOT_FOUND');
    });

    it.each(['ecdh', 'sig', 'ed'])(
      'refuses to decrypt with the non-RSA key %s (UNSUPPORTED_ALGORITHM)',
      async (alias) => {
        await expectFailure(store.decrypt(alias, new Uint8Array(256)), 'UNSUPPORTED_ALGORITHM');
      },
    );

    it('refuses a ciphertext that is not a Uint8Array with INVALID_ARGUMENT', async () => {
      await expectFailure(
        store.decrypt('rsa256', 'abc' as unknown as Uint8Array),
        'INVALID_ARGUMENT',
      );
    });
  });
});
