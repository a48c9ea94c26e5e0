// A sound store with RSA-OAEP keys: MemoryKeyStore for ES256, EdDSA and ECDH-ES, plus
// RSA-OAEP-256 and RSA-OAEP keys held as non-extractable WebCrypto keys. The kit must pass
// it, and the RSA breakages wrap it.

import { encryptionJwkAlg } from '../../../src/core/algorithms.js';
import { DeviceBindingError, fail } from '../../../src/core/errors.js';
import type { RsaPublicJwk } from '../../../src/core/jwk.js';
import { checkAlias, checkKeySpec } from '../../../src/keystores/alias.js';
import type { KeyInfo, KeySpec, KeyStoreCapabilities } from '../../../src/keystores/contract.js';
import { MemoryKeyStore } from '../../../src/keystores/memory/index.js';
import { DelegatingStore } from './delegating-store.js';

type RsaAlgorithm = 'RSA-OAEP-256' | 'RSA-OAEP';
type OaepHash = 'SHA-256' | 'SHA-1';
const HASH: Record<RsaAlgorithm, OaepHash> = { 'RSA-OAEP-256': 'SHA-256', 'RSA-OAEP': 'SHA-1' };

interface RsaKey {
  readonly info: KeyInfo;
  /** The private key imported once per OAEP hash, so broken variants can use the wrong one. */
  readonly privateKeys: Readonly<Record<OaepHash, CryptoKey>>;
}

export class RsaCapableStore extends DelegatingStore {
  readonly rsaKeys = new Map<string, Promise<RsaKey>>();

  constructor(name = 'rsa-capable') {
    super(name, new MemoryKeyStore());
  }

  override async capabilities(): Promise<KeyStoreCapabilities> {
    const inner = await this.inner.capabilities();
    return { ...inner, encryption: [...inner.encryption, 'RSA-OAEP-256', 'RSA-OAEP'] };
  }

  /** The OAEP hash decrypt uses for a key (overridden by broken variants). */
  decryptionHashes(algorithm: RsaAlgorithm): OaepHash[] {
    return [HASH[algorithm]];
  }

  override async generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    checkAlias(alias);
    checkKeySpec(spec, await this.capabilities());
    // No await between the look-up and the insertion: concurrent calls share one key.
    const existing = this.rsaKeys.get(alias);
    if (existing !== undefined) return (await existing).info;
    if (!Object.hasOwn(HASH, spec.algorithm)) return this.inner.generateKey(alias, spec);
    const pending = this.#makeRsaKey(alias, spec, spec.algorithm as RsaAlgorithm);
    this.rsaKeys.set(alias, pending);
    try {
      return (await pending).info;
    } catch (err) {
      this.rsaKeys.delete(alias);
      throw err instanceof DeviceBindingError
        ? err
        : new DeviceBindingError('KEYSTORE_ERROR', 'RSA key generation failed', { cause: err });
    }
  }

  async #makeRsaKey(alias: string, spec: KeySpec, algorithm: RsaAlgorithm): Promise<RsaKey> {
    const pair = await crypto.subtle.generateKey(
      {
        name: 'RSA-OAEP',
        modulusLength: spec.modulusLength ?? 2048,
        publicExponent: Uint8Array.of(1, 0, 1),
        hash: HASH[algorithm],
      },
      true,
      ['decrypt', 'encrypt'],
    );
    const pkcs8 = await crypto.subtle.exportKey('pkcs8', pair.privateKey);
    const importFor = (hash: OaepHash) =>
      crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSA-OAEP', hash }, false, ['decrypt']);
    const privateKeys = {
      'SHA-256': await importFor('SHA-256'),
      'SHA-1': await importFor('SHA-1'),
    };
    const { n, e } = await crypto.subtle.exportKey('jwk', pair.publicKey);
    const publicKey: RsaPublicJwk = {
      kty: 'RSA',
      n: String(n),
      e: String(e),
      use: 'enc',
      alg: encryptionJwkAlg(algorithm),
    };
    const info: KeyInfo = {
      alias,
      purpose: 'encrypt',
      algorithm,
      publicKey,
      hardwareBacked: false,
      securityLevel: 'software',
    };
    return { info, privateKeys };
  }

  override async getKey(alias: string): Promise<KeyInfo | null> {
    checkAlias(alias);
    const rsa = this.rsaKeys.get(alias);
    return rsa === undefined ? this.inner.getKey(alias) : (await rsa).info;
  }

  override async sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    checkAlias(alias);
    if (this.rsaKeys.has(alias))
      fail('UNSUPPORTED_ALGORITHM', `key "${alias}" is an encryption key`);
    return this.inner.sign(alias, data);
  }

  override async deriveSharedSecret(
    alias: string,
    peer: Parameters<DelegatingStore['deriveSharedSecret']>[1],
  ) {
    checkAlias(alias);
    if (this.rsaKeys.has(alias)) fail('UNSUPPORTED_ALGORITHM', `key "${alias}" is not an ECDH key`);
    return this.inner.deriveSharedSecret(alias, peer);
  }

  override async decrypt(alias: string, ciphertext: Uint8Array): Promise<Uint8Array> {
    checkAlias(alias);
    const pending = this.rsaKeys.get(alias);
    if (pending === undefined) return this.inner.decrypt(alias, ciphertext);
    if (!(ciphertext instanceof Uint8Array))
      fail('INVALID_ARGUMENT', '"ciphertext" must be a Uint8Array');
    const key = await pending;
    const hashes = this.decryptionHashes(key.info.algorithm as RsaAlgorithm);
    let lastError: unknown;
    for (const hash of hashes) {
      try {
        const opened = await crypto.subtle.decrypt(
          { name: 'RSA-OAEP' },
          key.privateKeys[hash],
          ciphertext.slice(),
        );
        return new Uint8Array(opened);
      } catch (err) {
        lastError = err;
      }
    }
    return this.onDecryptFailure(lastError);
  }

  /** What a failed decryption turns into. */
  onDecryptFailure(cause: unknown): Promise<Uint8Array> {
    return fail('KEYSTORE_ERROR', 'the ciphertext could not be decrypted', cause);
  }

  override async deleteKey(alias: string): Promise<void> {
    checkAlias(alias);
    this.rsaKeys.delete(alias);
    await this.inner.deleteKey(alias);
  }

  override async listAliases(): Promise<string[]> {
    return [...(await this.inner.listAliases()), ...this.rsaKeys.keys()];
  }
}
