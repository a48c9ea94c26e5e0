// A pure-JS key store that keeps keys in memory: for tests, CI and server-side simulations.
// Keys are lost when the process ends and are not protected by any hardware.

import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { encryptionJwkAlg } from '../../core/algorithms.js';
import { assertBytes, assertObject, mustBe } from '../../core/assert.js';
import { decodeBase64url, encodeBase64url } from '../../core/base64url.js';
import { concatBytes } from '../../core/bytes.js';
import { DeviceBindingError, fail } from '../../core/errors.js';
import { type EcPublicJwk, type PublicJwk, parsePublicJwk } from '../../core/jwk.js';
import { utf8Encode } from '../../core/utf8.js';
import { checkAlias, checkKeySpec } from '../alias.js';
import type { KeyInfo, KeySpec, KeyStore, KeyStoreCapabilities } from '../contract.js';

/** Options for {@link MemoryKeyStore}. */
export interface MemoryKeyStoreOptions {
  /**
   * Makes key generation deterministic: the same seed and alias give the same key. For
   * reproducible tests only; never use a fixed seed in production.
   */
  seed?: Uint8Array | ArrayBuffer;
}

interface StoredKey {
  readonly info: KeyInfo;
  readonly secretKey: Uint8Array;
}

const CAPABILITIES: KeyStoreCapabilities = Object.freeze({
  signing: Object.freeze(['ES256', 'EdDSA'] as const),
  encryption: Object.freeze(['ECDH-ES'] as const),
  hardwareBacked: false,
  userAuthentication: false,
  attestation: false,
  persistent: false,
});

function ecPublicJwk(publicKey: Uint8Array): EcPublicJwk {
  return {
    kty: 'EC',
    crv: 'P-256',
    x: encodeBase64url(publicKey.subarray(1, 33)),
    y: encodeBase64url(publicKey.subarray(33, 65)),
  };
}

/**
 * A {@link KeyStore} in memory, built on `@noble/curves`: ES256, EdDSA and ECDH-ES on
 * P-256. It offers no RSA and no hardware protection, and says so in its capabilities.
 *
 * @example
 * ```ts
 * import { DeviceBinding } from 'devicebind';
 * import { MemoryKeyStore } from 'devicebind/keystores/memory';
 *
 * const binding = new DeviceBinding({ keyStore: new MemoryKeyStore(), namespace: 'com.example.test' });
 * ```
 */
export class MemoryKeyStore implements KeyStore {
  readonly name = 'memory';
  readonly #keys = new Map<string, StoredKey>();
  readonly #seed: Uint8Array | undefined;

  constructor(options: MemoryKeyStoreOptions = {}) {
    const { seed } = assertObject(options);
    this.#seed = seed === undefined ? undefined : assertBytes(seed, 'options.seed').slice();
  }

  async capabilities(): Promise<KeyStoreCapabilities> {
    return CAPABILITIES;
  }

  async generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    checkAlias(alias);
    checkKeySpec(spec, CAPABILITIES);
    const existing = this.#keys.get(alias);
    if (existing !== undefined) return existing.info;
    // noble's keygen takes a 48-byte seed for P-256 (reduced mod n without bias) and 32 for Ed25519.
    const seed =
      this.#seed === undefined
        ? undefined
        : sha512(concatBytes(this.#seed, utf8Encode(`\0${alias}\0${spec.algorithm}`))).subarray(
            0,
            spec.algorithm === 'EdDSA' ? 32 : 48,
          );
    let secretKey: Uint8Array;
    let publicKey: PublicJwk;
    if (spec.algorithm === 'EdDSA') {
      ({ secretKey } = ed25519.keygen(seed));
      publicKey = {
        kty: 'OKP',
        crv: 'Ed25519',
        x: encodeBase64url(ed25519.getPublicKey(secretKey)),
      };
    } else {
      ({ secretKey } = p256.keygen(seed));
      const ecKey = ecPublicJwk(p256.getPublicKey(secretKey, false));
      publicKey =
        spec.purpose === 'encrypt'
          ? { ...ecKey, use: 'enc', alg: encryptionJwkAlg('ECDH-ES') }
          : ecKey;
    }
    const info: KeyInfo = {
      alias,
      purpose: spec.purpose,
      algorithm: spec.algorithm,
      publicKey,
      hardwareBacked: false,
      securityLevel: 'software',
      createdAt: Date.now(),
    };
    this.#keys.set(alias, { info, secretKey });
    return info;
  }

  async getKey(alias: string): Promise<KeyInfo | null> {
    checkAlias(alias);
    return this.#keys.get(alias)?.info ?? null;
  }

  async sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    const key = this.#use(alias, 'sign');
    const bytes = assertBytes(data, 'data');
    if (key.info.algorithm === 'EdDSA') return ed25519.sign(bytes, key.secretKey);
    return p256.sign(bytes, key.secretKey, { prehash: true, lowS: false });
  }

  async deriveSharedSecret(alias: string, peerPublicKey: PublicJwk): Promise<Uint8Array> {
    const key = this.#use(alias, 'encrypt');
    if (key.info.algorithm !== 'ECDH-ES')
      fail('UNSUPPORTED_ALGORITHM', `key "${alias}" is not an ECDH key`);
    const peer = parsePublicJwk(peerPublicKey, '"peerPublicKey"');
    if (peer.kty !== 'EC') mustBe('peerPublicKey', 'a P-256 key');
    try {
      const point = concatBytes(Uint8Array.of(4), decodeBase64url(peer.x), decodeBase64url(peer.y));
      return p256.getSharedSecret(key.secretKey, point, true).subarray(1);
    } catch (err) {
      if (err instanceof DeviceBindingError) throw err;
      throw new DeviceBindingError(
        'INVALID_ARGUMENT',
        '"peerPublicKey" is not a valid P-256 point',
        { cause: err },
      );
    }
  }

  async decrypt(alias: string): Promise<Uint8Array> {
    this.#use(alias, 'encrypt');
    return fail('UNSUPPORTED_ALGORITHM', 'the memory key store has no RSA keys');
  }

  async deleteKey(alias: string): Promise<void> {
    checkAlias(alias);
    const key = this.#keys.get(alias);
    key?.secretKey.fill(0);
    this.#keys.delete(alias);
  }

  async listAliases(): Promise<string[]> {
    return [...this.#keys.keys()];
  }

  #use(alias: string, purpose: 'sign' | 'encrypt'): StoredKey {
    checkAlias(alias);
    const key = this.#keys.get(alias);
    if (key === undefined)
      fail('KEY_NOT_FOUND', `no key under alias "${alias}"; generate it first`);
    if (key.info.purpose !== purpose) {
      fail(
        'UNSUPPORTED_ALGORITHM',
        `key "${alias}" is a ${key.info.purpose === 'sign' ? 'signing' : 'encryption'} key`,
      );
    }
    return key;
  }
}
