// A KeyStore over WebCrypto: non-extractable CryptoKeys, kept in IndexedDB where there is
// one (browsers) and in memory elsewhere. No jose or noble here: this ships to browsers.

import { signingAlgorithmForKey } from '../../core/algorithms.js';
import { assertBytes, assertObject, assertString, mustBe } from '../../core/assert.js';
import { fail, wrapErrors } from '../../core/errors.js';
import { type EcPublicJwk, type PublicJwk, parsePublicJwk } from '../../core/jwk.js';
import { checkAlias, checkKeySpec } from '../alias.js';
import type { KeyInfo, KeySpec, KeyStore, KeyStoreCapabilities } from '../contract.js';
import { supportsEd25519 } from './ed25519-support.js';
import { indexedDbStorage } from './indexeddb-storage.js';
import { KEY_KINDS, purposeOf } from './key-kinds.js';
import { type KeyRecord, keyInfo, type LoadedKey, loadRecord } from './key-record.js';
import { memoryStorage, type WebCryptoKeyStorage } from './storage.js';

/** Options for {@link WebCryptoKeyStore}. */
export interface WebCryptoKeyStoreOptions {
  /** The WebCrypto implementation (default `globalThis.crypto`). */
  crypto?: Crypto;
  /**
   * Where keys are kept: `'indexeddb'` (the default where `indexedDB` exists: keys survive
   * reloads), `'memory'` (the default elsewhere: keys last as long as this object), or your
   * own {@link WebCryptoKeyStorage}.
   */
  storage?: 'indexeddb' | 'memory' | WebCryptoKeyStorage;
  /** IndexedDB database name (default `'devicebind'`). */
  databaseName?: string;
  /** The IndexedDB factory (default `globalThis.indexedDB`). */
  indexedDB?: IDBFactory;
}

const MODULUS_LENGTHS: readonly unknown[] = [undefined, 2048, 3072, 4096];

function resolveStorage(options: WebCryptoKeyStoreOptions): WebCryptoKeyStorage {
  const { storage, databaseName = 'devicebind', indexedDB } = options;
  assertString(databaseName, 'options.databaseName');
  if (storage === 'memory') return memoryStorage();
  if (storage === undefined || storage === 'indexeddb') {
    // `in` does not touch the getter, which throws in sandboxed frames; that failure, like
    // any other, surfaces as KEY_UNAVAILABLE on first use, never as a switch to memory.
    if (storage === undefined && indexedDB === undefined && !('indexedDB' in globalThis))
      return memoryStorage();
    return indexedDbStorage(() => indexedDB ?? globalThis.indexedDB, databaseName);
  }
  const custom = storage as Partial<WebCryptoKeyStorage> | null;
  const methods = ['get', 'putIfAbsent', 'delete', 'list'] as const;
  if (
    typeof custom !== 'object' ||
    custom === null ||
    methods.some((m) => typeof custom[m] !== 'function')
  ) {
    mustBe('options.storage', '"indexeddb", "memory" or a WebCryptoKeyStorage');
  }
  return storage as WebCryptoKeyStorage;
}

/**
 * A {@link KeyStore} over WebCrypto. Private keys are non-extractable `CryptoKey`s: script
 * on the page can use them but never read them. In browsers they are kept in IndexedDB
 * (the `CryptoKey` objects themselves), so they survive reloads; elsewhere in memory.
 *
 * Signing: ES256, and EdDSA where the runtime supports Ed25519. Encryption: ECDH-ES
 * (P-256), RSA-OAEP-256 and RSA-OAEP (2048, 3072 or 4096 bits). Browsers do not say where
 * a key lives, so keys are reported as `software`, not hardware-backed.
 *
 * A key is read from storage once and then kept in this object: a key deleted from another
 * tab stays usable here until the page reloads.
 *
 * If IndexedDB exists but cannot be used (private browsing, Safari Lockdown Mode) or a
 * stored key cannot be loaded, operations reject with `KEY_UNAVAILABLE`: the store never
 * quietly makes a new key, which would be a new device identity.
 *
 * @throws `CRYPTO_UNAVAILABLE` when there is no `crypto.subtle` (e.g. a page not served
 * over HTTPS); `INVALID_ARGUMENT` for malformed options.
 * @example
 * ```ts
 * import { DeviceBinding } from 'devicebind';
 * import { WebCryptoKeyStore } from 'devicebind/keystores/webcrypto';
 *
 * const binding = new DeviceBinding({ keyStore: new WebCryptoKeyStore(), namespace: 'com.example.web' });
 * ```
 */
export class WebCryptoKeyStore implements KeyStore {
  readonly name = 'webcrypto';
  readonly #subtle: SubtleCrypto;
  readonly #storage: WebCryptoKeyStorage;
  readonly #loaded = new Map<string, LoadedKey>();
  readonly #generating = new Map<string, Promise<KeyInfo>>();
  #capabilities: Promise<KeyStoreCapabilities> | undefined;

  constructor(options: WebCryptoKeyStoreOptions = {}) {
    const subtle = (assertObject(options).crypto ?? globalThis.crypto)?.subtle;
    if (subtle === undefined) {
      fail(
        'CRYPTO_UNAVAILABLE',
        'no WebCrypto (crypto.subtle) here: browsers offer it only on HTTPS pages and localhost',
      );
    }
    this.#subtle = subtle;
    this.#storage = resolveStorage(options);
  }

  /** What this store can do here; EdDSA only where the runtime makes Ed25519 keys. */
  capabilities(): Promise<KeyStoreCapabilities> {
    this.#capabilities ??= supportsEd25519(this.#subtle).then((ed25519) =>
      Object.freeze({
        signing: Object.freeze(ed25519 ? (['ES256', 'EdDSA'] as const) : (['ES256'] as const)),
        encryption: Object.freeze(['ECDH-ES', 'RSA-OAEP-256', 'RSA-OAEP'] as const),
        hardwareBacked: false,
        userAuthentication: false,
        attestation: false,
        persistent: this.#storage.persistent,
      }),
    );
    return this.#capabilities;
  }

  /**
   * Makes a key under `alias`, or returns the one already there. Concurrent calls for one
   * alias (in this page, or in other tabs sharing the database) end with one key.
   * @throws `UNSUPPORTED_ALGORITHM`, `INVALID_ARGUMENT`, `KEY_UNAVAILABLE`, `KEYSTORE_ERROR`
   */
  async generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    checkAlias(alias);
    checkKeySpec(spec, await this.capabilities());
    if (!MODULUS_LENGTHS.includes(spec.modulusLength))
      mustBe('spec.modulusLength', '2048, 3072 or 4096');
    let pending = this.#generating.get(alias);
    if (pending === undefined) {
      pending = (async () => {
        try {
          return await this.#create(alias, spec);
        } finally {
          this.#generating.delete(alias);
        }
      })();
      this.#generating.set(alias, pending);
    }
    return pending;
  }

  /** @throws `KEY_UNAVAILABLE` when a key is recorded but cannot be loaded; `INVALID_ARGUMENT` */
  async getKey(alias: string): Promise<KeyInfo | null> {
    checkAlias(alias);
    const key = await this.#load(alias);
    return key === undefined ? null : keyInfo(alias, key);
  }

  /**
   * Signs exactly `data`: 64 bytes, r ‖ s for ES256.
   * @throws `KEY_NOT_FOUND`, `KEY_UNAVAILABLE`, `UNSUPPORTED_ALGORITHM`, `INVALID_ARGUMENT`, `KEYSTORE_ERROR`
   */
  async sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    checkAlias(alias);
    const bytes = assertBytes(data, 'data');
    // Awaits storage only when the key is not in memory yet: this is the per-request path.
    const { record } = checkedUse(
      alias,
      this.#loaded.get(alias) ?? (await this.#load(alias)),
      'sign',
    );
    const entry = signingAlgorithmForKey(record.publicKey);
    let signature: Uint8Array;
    try {
      signature = new Uint8Array(
        await this.#subtle.sign(entry.signParams, record.privateKey, bytes),
      );
    } catch (err) {
      return fail('KEYSTORE_ERROR', `signing with the key "${alias}" failed`, err);
    }
    if (signature.length !== entry.signatureLength)
      fail('KEYSTORE_ERROR', `signing with the key "${alias}" gave a malformed signature`);
    return signature;
  }

  /**
   * ECDH with a peer P-256 key, which is validated first: the 32-byte shared secret Z.
   * @throws `KEY_NOT_FOUND`, `KEY_UNAVAILABLE`, `INVALID_ARGUMENT`, `UNSUPPORTED_ALGORITHM`
   */
  async deriveSharedSecret(alias: string, peerPublicKey: PublicJwk): Promise<Uint8Array> {
    checkAlias(alias);
    const { record } = await this.#use(alias, 'agree');
    try {
      // A key of another type has no P-256 x and y, so import refuses it, as it refuses a point
      // off the curve (some implementations check the point only in deriveBits). Either way a
      // bad peer key ends here.
      const { x, y } = parsePublicJwk(peerPublicKey) as Partial<EcPublicJwk>;
      const peerKey = await this.#subtle.importKey(
        'jwk',
        { kty: 'EC', crv: 'P-256', x, y },
        { name: 'ECDH', namedCurve: 'P-256' },
        true,
        [],
      );
      return new Uint8Array(
        await this.#subtle.deriveBits({ name: 'ECDH', public: peerKey }, record.privateKey, 256),
      );
    } catch (err) {
      return mustBe('peerPublicKey', 'a valid P-256 public key', err);
    }
  }

  /**
   * RSA-OAEP decryption with the key's own hash (SHA-256 or SHA-1). A ciphertext that does
   * not decrypt gives `KEYSTORE_ERROR`, with no detail on why (no padding oracle).
   * @throws `KEY_NOT_FOUND`, `KEY_UNAVAILABLE`, `UNSUPPORTED_ALGORITHM`, `INVALID_ARGUMENT`, `KEYSTORE_ERROR`
   */
  async decrypt(alias: string, ciphertext: Uint8Array): Promise<Uint8Array> {
    checkAlias(alias);
    const bytes = assertBytes(ciphertext, 'ciphertext');
    const { record } = await this.#use(alias, 'decrypt');
    try {
      return new Uint8Array(
        await this.#subtle.decrypt({ name: 'RSA-OAEP' }, record.privateKey, bytes),
      );
    } catch {
      return fail('KEYSTORE_ERROR', `the key "${alias}" could not decrypt this ciphertext`);
    }
  }

  /** Deletes the key; succeeds when there is none. @throws `KEY_UNAVAILABLE`, `KEYSTORE_ERROR` */
  async deleteKey(alias: string): Promise<void> {
    checkAlias(alias);
    this.#loaded.delete(alias);
    await wrapErrors('KEYSTORE_ERROR', `deleting the key "${alias}" failed`, () =>
      this.#storage.delete(alias),
    );
  }

  /** @throws `KEY_UNAVAILABLE`, `KEYSTORE_ERROR` */
  async listAliases(): Promise<string[]> {
    const aliases = await wrapErrors('KEYSTORE_ERROR', 'listing the stored keys failed', () =>
      this.#storage.list(),
    );
    return [...aliases];
  }

  async #create(alias: string, spec: KeySpec): Promise<KeyInfo> {
    const existing = await this.#load(alias);
    if (existing !== undefined) return keyInfo(alias, existing);
    const kind = KEY_KINDS[spec.algorithm];
    const record = await wrapErrors(
      'KEYSTORE_ERROR',
      `generating a ${spec.algorithm} key failed`,
      async () => {
        const pair = (await this.#subtle.generateKey(kind.generateParams(spec), false, [
          kind.usage,
        ])) as CryptoKeyPair;
        const exported = await this.#subtle.exportKey('jwk', pair.publicKey);
        const fresh: KeyRecord = {
          v: 1,
          purpose: purposeOf(kind),
          algorithm: spec.algorithm,
          privateKey: pair.privateKey,
          publicKey: parsePublicJwk(kind.publicJwk(exported)),
          createdAt: Date.now(),
        };
        return fresh;
      },
    );
    const stored = await wrapErrors('KEYSTORE_ERROR', `storing the key "${alias}" failed`, () =>
      this.#storage.putIfAbsent(alias, record),
    );
    // Another tab may have stored its key first: that one wins, and it is checked like any read.
    const loaded = loadRecord(stored, alias);
    this.#loaded.set(alias, loaded);
    return keyInfo(alias, loaded);
  }

  async #load(alias: string): Promise<LoadedKey | undefined> {
    const cached = this.#loaded.get(alias);
    if (cached !== undefined) return cached;
    const value = await wrapErrors(
      'KEY_UNAVAILABLE',
      `reading the key "${alias}" failed; try again, or call unbind() and sign in again`,
      () => this.#storage.get(alias),
    );
    if (value === undefined) return undefined;
    const loaded = loadRecord(value, alias);
    this.#loaded.set(alias, loaded);
    return loaded;
  }

  async #use(alias: string, operation: KeyOperation): Promise<LoadedKey> {
    return checkedUse(alias, await this.#load(alias), operation);
  }
}

type KeyOperation = LoadedKey['kind']['operation'];

function checkedUse(alias: string, key: LoadedKey | undefined, operation: KeyOperation): LoadedKey {
  if (key === undefined) return fail('KEY_NOT_FOUND', `no key "${alias}"; generate it first`);
  if (key.kind.operation !== operation) {
    fail(
      'UNSUPPORTED_ALGORITHM',
      `the key "${alias}" is a ${key.record.algorithm} key and cannot ${operation}`,
    );
  }
  return key;
}
