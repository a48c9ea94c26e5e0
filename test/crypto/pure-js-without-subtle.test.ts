// The pure-JS backend where there is no crypto.subtle (React Native's Hermes with a
// random-values polyfill): globalThis.crypto is replaced by { getRandomValues } for this
// file, the backend is imported afterwards, and every result is checked with node:crypto.

import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  hkdfSync,
  privateDecrypt,
  constants as rsaConstants,
} from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CryptoBackend } from '../../src/core/crypto-backend.js';
import type { EcPublicJwk, RsaPublicJwk } from '../../src/core/jwk.js';

const nodeCrypto = globalThis.crypto;
let pure: CryptoBackend;

beforeAll(async () => {
  const randomOnly = { getRandomValues: (array: Uint8Array) => nodeCrypto.getRandomValues(array) };
  Object.defineProperty(globalThis, 'crypto', {
    value: randomOnly,
    configurable: true,
    writable: true,
  });
  ({ pureJsCrypto: pure } = await import('../../src/crypto/pure-js.js'));
});

afterAll(() => {
  Object.defineProperty(globalThis, 'crypto', {
    value: nodeCrypto,
    configurable: true,
    writable: true,
  });
});

const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill);

describe('pureJsCrypto without crypto.subtle', () => {
  it('runs in a runtime that really has no crypto.subtle', () => {
    expect(globalThis.crypto.subtle).toBeUndefined();
    expect(typeof globalThis.crypto.getRandomValues).toBe('function');
  });

  it('hashes with SHA-256', async () => {
    const data = bytes(100, 5);
    expect(Buffer.from(await pure.sha256(data))).toEqual(
      createHash('sha256').update(data).digest(),
    );
  });

  it('derives with HKDF-SHA-256', async () => {
    const [ikm, salt, info] = [bytes(32, 1), bytes(16, 2), bytes(8, 3)];
    const expected = new Uint8Array(hkdfSync('sha256', ikm, salt, info, 42));
    expect(await pure.hkdfSha256(ikm, salt, info, 42)).toEqual(expected);
  });

  it('seals and opens AES-256-GCM as node:crypto does', async () => {
    const [raw, iv, aad, plaintext] = [bytes(32, 4), bytes(12, 5), bytes(3, 6), bytes(50, 7)];
    const key = await pure.importAesGcmKey(raw);
    const sealed = await pure.aesGcmEncrypt(key, iv, plaintext, aad);
    const decipher = createDecipheriv('aes-256-gcm', raw, iv)
      .setAAD(aad)
      .setAuthTag(sealed.subarray(-16));
    expect(Buffer.concat([decipher.update(sealed.subarray(0, -16)), decipher.final()])).toEqual(
      Buffer.from(plaintext),
    );
    const cipher = createCipheriv('aes-256-gcm', raw, iv).setAAD(aad);
    const theirs = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    expect(await pure.aesGcmDecrypt(key, iv, theirs, aad)).toEqual(plaintext);
  });

  it('wraps and unwraps with AES-KW as node:crypto does', async () => {
    const [kek, cek] = [bytes(16, 8), bytes(32, 9)];
    const wrapped = await pure.aesKeyWrap(kek, cek);
    const cipher = createCipheriv('id-aes128-wrap', kek, Buffer.from('A6A6A6A6A6A6A6A6', 'hex'));
    expect(Buffer.from(wrapped)).toEqual(Buffer.concat([cipher.update(cek), cipher.final()]));
    expect(await pure.aesKeyUnwrap(kek, wrapped)).toEqual(cek);
  });

  it('runs an ephemeral ECDH whose Z node:crypto reproduces', async () => {
    const peer = createECDH('prime256v1');
    const point = peer.generateKeys();
    const jwk: EcPublicJwk = {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    };
    const { ephemeralPublicKey, sharedSecret } = await pure.ecdhEphemeral(jwk);
    const ephemeralPoint = Buffer.concat([
      Buffer.of(4),
      Buffer.from(ephemeralPublicKey.x, 'base64url'),
      Buffer.from(ephemeralPublicKey.y, 'base64url'),
    ]);
    expect(Buffer.from(sharedSecret)).toEqual(peer.computeSecret(ephemeralPoint));
  });

  it.each(['SHA-256', 'SHA-1'] as const)(
    'encrypts RSA-OAEP with %s so node:crypto decrypts it',
    async (hash) => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
      const jwk: RsaPublicJwk = { kty: 'RSA', n, e };
      const message = bytes(32, 10);
      const ciphertext = await pure.rsaOaepEncrypt(jwk, hash, message);
      const oaepHash = hash === 'SHA-256' ? 'sha256' : 'sha1';
      const opened = privateDecrypt(
        {
          key: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })),
          padding: rsaConstants.RSA_PKCS1_OAEP_PADDING,
          oaepHash,
        },
        ciphertext,
      );
      expect(new Uint8Array(opened)).toEqual(message);
    },
  );

  it('makes random bytes from the getRandomValues polyfill', () => {
    expect(pure.randomBytes(16)).not.toEqual(pure.randomBytes(16));
  });
});
