// A test-only KeyStore holding one given private JWK through WebCrypto (ECDH P-256 or
// RSA-OAEP), so published vectors' private keys can open envelopes; it counts calls.

import type { EncryptionAlgorithm } from '../../../src/core/algorithms.js';
import { DeviceBindingError } from '../../../src/core/errors.js';
import type { PublicJwk } from '../../../src/core/jwk.js';
import type { KeyInfo, KeyStore, KeyStoreCapabilities } from '../../../src/keystores/contract.js';

/** A store with exactly one encryption key, plus a count of private-key operations. */
export interface JwkKeyStore extends KeyStore {
  readonly info: KeyInfo;
  /** How many times deriveSharedSecret / decrypt ran. */
  calls: number;
}

const OAEP_HASH = { 'RSA-OAEP-256': 'SHA-256', 'RSA-OAEP': 'SHA-1' } as const;

function publicPart(jwk: JsonWebKey, algorithm: EncryptionAlgorithm): PublicJwk {
  if (algorithm === 'ECDH-ES') {
    return { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, use: 'enc', alg: 'ECDH-ES+A256KW' };
  }
  return { kty: 'RSA', n: jwk.n!, e: jwk.e!, use: 'enc', alg: algorithm };
}

/** Wraps `privateJwk` (EC P-256 with `d`, or RSA with its private members) as a key store. */
export async function jwkKeyStore(
  privateJwk: JsonWebKey,
  algorithm: EncryptionAlgorithm,
  alias = 'test.encryption',
): Promise<JwkKeyStore> {
  const { subtle } = globalThis.crypto;
  const ec = algorithm === 'ECDH-ES';
  const { kty, crv, x, y, d, n, e, p, q, dp, dq, qi } = privateJwk;
  const keyData: JsonWebKey = ec ? { kty, crv, x, y, d } : { kty, n, e, d, p, q, dp, dq, qi };
  const privateKey = ec
    ? await subtle.importKey('jwk', keyData, { name: 'ECDH', namedCurve: 'P-256' }, false, [
        'deriveBits',
      ])
    : await subtle.importKey(
        'jwk',
        keyData,
        { name: 'RSA-OAEP', hash: OAEP_HASH[algorithm as 'RSA-OAEP'] },
        false,
        ['decrypt'],
      );
  const info: KeyInfo = {
    alias,
    purpose: 'encrypt',
    algorithm,
    publicKey: publicPart(privateJwk, algorithm),
    hardwareBacked: false,
    securityLevel: 'software',
  };
  const missing = (name: string) =>
    new DeviceBindingError('KEY_NOT_FOUND', `no key under alias "${name}"`);
  const store: JwkKeyStore = {
    name: 'test-jwk',
    info,
    calls: 0,
    async capabilities(): Promise<KeyStoreCapabilities> {
      return {
        signing: [],
        encryption: [algorithm],
        hardwareBacked: false,
        userAuthentication: false,
        attestation: false,
        persistent: false,
      };
    },
    async generateKey() {
      return info;
    },
    async getKey(name) {
      return name === alias ? info : null;
    },
    async sign() {
      throw new DeviceBindingError('UNSUPPORTED_ALGORITHM', 'this store only decrypts');
    },
    async deriveSharedSecret(name, peer) {
      if (name !== alias) throw missing(name);
      store.calls++;
      if (!ec || peer.kty !== 'EC')
        throw new DeviceBindingError('UNSUPPORTED_ALGORITHM', 'not an ECDH key');
      let publicKey: CryptoKey;
      try {
        publicKey = await subtle.importKey(
          'jwk',
          { kty: 'EC', crv: 'P-256', x: peer.x, y: peer.y },
          { name: 'ECDH', namedCurve: 'P-256' },
          false,
          [],
        );
      } catch (cause) {
        throw new DeviceBindingError(
          'INVALID_ARGUMENT',
          '"peerPublicKey" is not a valid P-256 point',
          { cause },
        );
      }
      return new Uint8Array(
        await subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256),
      );
    },
    async decrypt(name, ciphertext) {
      if (name !== alias) throw missing(name);
      store.calls++;
      if (ec) throw new DeviceBindingError('UNSUPPORTED_ALGORITHM', 'not an RSA key');
      try {
        return new Uint8Array(
          await subtle.decrypt(
            { name: 'RSA-OAEP' },
            privateKey,
            ciphertext as Uint8Array<ArrayBuffer>,
          ),
        );
      } catch (cause) {
        throw new DeviceBindingError('KEYSTORE_ERROR', 'RSA-OAEP decryption failed', { cause });
      }
    },
    async deleteKey() {},
    async listAliases() {
      return [alias];
    },
  };
  return store;
}

/** A fresh RSA key pair as a private JWK (2048 bits unless told). */
export async function generateRsaJwk(
  algorithm: 'RSA-OAEP-256' | 'RSA-OAEP',
  modulusLength = 2048,
): Promise<JsonWebKey> {
  const pair = await globalThis.crypto.subtle.generateKey(
    {
      name: 'RSA-OAEP',
      modulusLength,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: OAEP_HASH[algorithm],
    },
    true,
    ['encrypt', 'decrypt'],
  );
  return globalThis.crypto.subtle.exportKey('jwk', pair.privateKey);
}

/** A fresh P-256 key pair as a private JWK. */
export async function generateEcJwk(): Promise<JsonWebKey> {
  const pair = await globalThis.crypto.subtle.generateKey(
    { name: 'ECDH', namedCurve: 'P-256' },
    true,
    ['deriveBits'],
  );
  return globalThis.crypto.subtle.exportKey('jwk', pair.privateKey);
}
