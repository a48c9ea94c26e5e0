// DeviceBinding: the client-side handle that owns this install's device keys and uses them
// for handshakes and request proofs (envelopes and sealing live in `devicebind/envelopes`).

import type {
  AuthenticationPrompt,
  HardwarePreference,
  KeyInfo,
  KeyPurpose,
  KeyStore,
  UserAuthenticationPolicy,
} from '../keystores/contract.js';
import {
  type EncryptionAlgorithm,
  type SigningAlgorithm,
  type SigningAlgorithmEntry,
  signingAlgorithmForKey,
} from './algorithms.js';
import { assertFunction, assertObject, mustBe } from './assert.js';
import type { BindingAccess, BindingAccessKey } from './binding-access.js';
import { type CryptoBackend, type DigestBackend, resolveDigestBackend } from './crypto-backend.js';
import { ProofBuilder, type RequestProofHeaders, type SignRequestOptions } from './dpop-proof.js';
import { asDeviceBindingError, DeviceBindingError, fail } from './errors.js';
import { buildHandshakePayload, type CreateHandshakeOptions, type Handshake } from './handshake.js';
import { jwkThumbprint, minimalPublicJwk, type PublicJwk, parsePublicJwk } from './jwk.js';
import { encodeProtectedHeader, signCompactJws } from './jws.js';
import { currentMarker, slotAliases } from './key-slots.js';
import { utf8Encode } from './utf8.js';

/** Options for the {@link DeviceBinding} constructor. */
export interface DeviceBindingOptions {
  /** Where the device keys live and where every private-key operation happens. */
  keyStore: KeyStore;
  /** Identifies this app's keys in the store (e.g. `com.example.app`); keys are `<namespace>.signing` and `<namespace>.encryption`. */
  namespace: string;
  /** Crypto backend for hashing and symmetric crypto (default: WebCrypto; `pureJsCrypto` where there is none). */
  crypto?: CryptoBackend;
  /** Milliseconds since the epoch, for `iat`. Pass a server-corrected clock where device clocks drift. */
  clock?: () => number;
  /** Signature algorithm for a new signing key (default `ES256`). */
  signingAlgorithm?: SigningAlgorithm;
  /** Kind of new encryption key (default: `ECDH-ES` if the store offers it, else `RSA-OAEP-256`, else `RSA-OAEP`). */
  encryptionAlgorithm?: EncryptionAlgorithm;
  /** User authentication required to use the keys (default: none). */
  userAuthentication?: UserAuthenticationPolicy;
  /** Where the store should keep the keys (default `preferred`). */
  hardware?: HardwarePreference;
  /** Texts for authentication prompts, per operation. */
  prompts?: { sign?: AuthenticationPrompt; decrypt?: AuthenticationPrompt };
}

/** Options for {@link DeviceBinding.ensureKeys}. */
export interface EnsureKeysOptions {
  /** Server challenge to embed in key attestation when keys are created, where the platform offers it. */
  attestationChallenge?: Uint8Array;
}

/** The device's keys, as {@link DeviceBinding.ensureKeys} reports them. */
export interface DeviceKeys {
  /** RFC 7638 thumbprint of the signing key. */
  deviceId: string;
  signingKey: KeyInfo;
  encryptionKey: KeyInfo;
  /** Whether this call created any key. */
  created: boolean;
}

interface LoadedKeys extends DeviceKeys {
  algorithm: SigningAlgorithmEntry;
  /** The signing key's minimal public JWK (what the headers carry). */
  signingJwk: PublicJwk;
  proofHeader: string;
  handshakeHeader: string;
}

const NAMESPACE_PATTERN = /^[A-Za-z0-9._:-]{1,150}$/;

/**
 * Binds this app install to its device: owns the device's signing and encryption keys (kept
 * in the given {@link KeyStore}) and uses them for handshakes and request proofs. Envelopes,
 * streams and sealed data take a binding, from `devicebind/envelopes`, so that an app which
 * does not use them does not ship them.
 *
 * @example
 * ```ts
 * import { DeviceBinding } from 'devicebind';
 * import { WebCryptoKeyStore } from 'devicebind/keystores/webcrypto';
 *
 * const binding = new DeviceBinding({ keyStore: new WebCryptoKeyStore(), namespace: 'com.example.app' });
 * const { token } = await binding.createHandshake({ nonce: challengeFromServer, subject: 'alice' });
 * const headers = await binding.signRequest({ method: 'GET', url: 'https://api.example.com/me' });
 * ```
 */
export class DeviceBinding {
  /** The key store holding this binding's keys. */
  readonly keyStore: KeyStore;
  /** The namespace of this binding's key aliases. */
  readonly namespace: string;
  readonly #crypto: DigestBackend;
  readonly #clock: () => number;
  readonly #options: DeviceBindingOptions;
  readonly #proofs: ProofBuilder;
  #loaded: LoadedKeys | undefined;
  #loading: Promise<LoadedKeys> | undefined;

  /** @throws `INVALID_ARGUMENT` for a missing key store or a malformed namespace; `CRYPTO_UNAVAILABLE` without WebCrypto or a `crypto` option. */
  constructor(options: DeviceBindingOptions) {
    const { keyStore, namespace, clock } = assertObject(options);
    if (typeof keyStore?.sign !== 'function') mustBe('options.keyStore', 'a KeyStore');
    if (typeof namespace !== 'string' || !NAMESPACE_PATTERN.test(namespace)) {
      mustBe('options.namespace', '1–150 characters from [A-Za-z0-9._:-]');
    }
    if (clock !== undefined) assertFunction(clock, 'options.clock');
    this.keyStore = keyStore;
    this.namespace = namespace;
    this.#options = options;
    this.#crypto = resolveDigestBackend(options.crypto);
    this.#proofs = new ProofBuilder(this.#crypto);
    this.#clock = clock ?? Date.now;
    // For the functions of devicebind/envelopes (binding-access.ts): hidden, not API.
    const access: BindingAccess = {
      keys: (create) => this.#load({}, create),
      // biome-ignore lint/suspicious/noAssignInExpressions: one expression keeps the client bundle within budget.
      loadedKeys: (reset) => (reset ? (this.#loaded = undefined) : this.#loaded),
      options,
    };
    Object.defineProperty(
      this,
      Symbol.for('devicebind.bindingAccess.v1' satisfies BindingAccessKey),
      {
        value: access,
      },
    );
  }

  /**
   * Makes the device keys if they don't exist yet, and loads them. Idempotent, and safe under
   * concurrent calls: one key per alias, ever. An existing key that cannot be loaded is
   * reported, never silently replaced (that would be a new device identity).
   *
   * @throws `KEY_UNAVAILABLE` (stored key can't be loaded: call `unbind()` and sign in again),
   * `KEY_INVALIDATED`, `UNSUPPORTED_ALGORITHM`, `KEYSTORE_ERROR`
   * @example
   * ```ts
   * const { deviceId, created } = await binding.ensureKeys();
   * ```
   */
  async ensureKeys(options: EnsureKeysOptions = {}): Promise<DeviceKeys> {
    const { deviceId, signingKey, encryptionKey, created } = await this.#load(options);
    return { deviceId, signingKey, encryptionKey, created };
  }

  /**
   * The device id (RFC 7638 thumbprint of the signing key), or `null` when no keys exist yet.
   * Never creates keys.
   *
   * @throws `KEY_UNAVAILABLE`, `KEYSTORE_ERROR`
   * @example
   * ```ts
   * const deviceId = await binding.getDeviceId(); // null before the first handshake
   * ```
   */
  async getDeviceId(): Promise<string | null> {
    if (this.#loaded !== undefined) return this.#loaded.deviceId;
    const [alias] = await this.#aliases();
    const info = await this.#call(() => this.keyStore.getKey(alias!));
    return info === null ? null : jwkThumbprint(checkedPublicKey(info), this.#crypto);
  }

  /**
   * Creates the device keys if needed and signs a handshake that registers them with the
   * server: it proves possession of the signing key and certifies the encryption key. Keys it
   * creates are attested (where the store can) over SHA-256 of the nonce, so the server can
   * tell their attestation was made for this sign-in.
   *
   * @throws `INVALID_ARGUMENT`, `KEY_UNAVAILABLE`, `KEY_INVALIDATED`, `USER_CANCELLED`, `KEYSTORE_ERROR`
   * @example
   * ```ts
   * const { nonce } = await (await fetch('/auth/challenge')).json();
   * const handshake = await binding.createHandshake({ nonce, subject: 'alice' });
   * await fetch('/auth/sign-in', { method: 'POST', body: JSON.stringify({ handshake: handshake.token }) });
   * ```
   */
  async createHandshake(options: CreateHandshakeOptions): Promise<Handshake> {
    // Keys made here are attested over SHA-256(nonce): the evidence is for this sign-in.
    const nonce = options?.nonce;
    const keys = await this.#load(
      typeof nonce === 'string'
        ? { attestationChallenge: await this.#crypto.sha256(utf8Encode(nonce)) }
        : {},
    );
    const { deviceId, signingKey, encryptionKey } = keys;
    const payload = buildHandshakePayload(
      options,
      { deviceId, signingKey, encryptionKey, issuedAt: this.#now() },
      this.#crypto,
    );
    const token = await signCompactJws(keys.handshakeHeader, payload, keys.algorithm, (data) =>
      this.#sign(keys, data),
    );
    return { token, deviceId, signingKey: keys.signingJwk, encryptionKey: encryptionKey.publicKey };
  }

  /**
   * Signs one request: returns the `DPoP` proof header (RFC 9449) and, when there is a
   * body, its `Content-Digest` (RFC 9530), which the proof covers.
   *
   * @throws `INVALID_ARGUMENT`, `KEY_NOT_FOUND` (call `ensureKeys()` or `createHandshake()` first),
   * `KEY_INVALIDATED`, `USER_CANCELLED`, `KEYSTORE_ERROR`
   * @example
   * ```ts
   * const headers = await binding.signRequest({ method: 'POST', url, body, accessToken });
   * await fetch(url, { method: 'POST', body, headers: { ...headers, Authorization: `DPoP ${accessToken}` } });
   * ```
   */
  async signRequest(options: SignRequestOptions): Promise<RequestProofHeaders> {
    const keys = this.#loaded ?? (await this.#load({}, false));
    const { payload, contentDigest } = await this.#proofs.build(options, this.#now());
    const proof = await signCompactJws(keys.proofHeader, payload, keys.algorithm, (data) =>
      this.#sign(keys, data),
    );
    return contentDigest === undefined
      ? { DPoP: proof }
      : { DPoP: proof, 'Content-Digest': contentDigest };
  }

  /**
   * Deletes this binding's keys from the store. Afterwards the app signs in again and sends a
   * new handshake; nothing else the app stored is touched. Safe to call again after a failure.
   *
   * @throws `KEYSTORE_ERROR`
   * @example
   * ```ts
   * await binding.unbind();
   * ```
   */
  async unbind(): Promise<void> {
    this.#loaded = this.#loading = undefined;
    // Both slots (docs/formats/rotation.md); the current signing key first: once it is gone
    // the old identity is gone, whatever happens next. The markers stay: they hold nothing,
    // and keep the current slot current if this is interrupted.
    for (const alias of await this.#aliases())
      await this.#call(() => this.keyStore.deleteKey(alias));
  }

  #now(): number {
    const ms = this.#clock();
    if (!Number.isFinite(ms)) mustBe('options.clock', 'a function returning a finite number');
    return Math.floor(ms / 1000);
  }

  async #sign(keys: LoadedKeys, data: Uint8Array): Promise<Uint8Array> {
    const prompt = this.#options.prompts?.sign;
    try {
      return await this.keyStore.sign(
        keys.signingKey.alias,
        data,
        prompt === undefined ? undefined : { prompt },
      );
    } catch (err) {
      const error = this.#storeError(err);
      if (error.code === 'KEY_INVALIDATED' || error.code === 'KEY_NOT_FOUND')
        this.#loaded = undefined;
      throw error;
    }
  }

  #load(options: EnsureKeysOptions, create = true): Promise<LoadedKeys> {
    if (this.#loaded !== undefined) return Promise.resolve({ ...this.#loaded, created: false });
    // Only key creation is shared between concurrent callers; a plain load is cheap to repeat.
    if (this.#loading !== undefined) return this.#loading;
    if (!create) return this.#loadFromStore(options, false);
    const loading = this.#loadFromStore(options, true).finally(() => {
      if (this.#loading === loading) this.#loading = undefined;
    });
    this.#loading = loading;
    return loading;
  }

  async #loadFromStore(options: EnsureKeysOptions, create: boolean): Promise<LoadedKeys> {
    const store = this.keyStore;
    const settings = this.#options;
    let created = false;
    const get = (alias: string) => this.#call(() => store.getKey(alias));
    const generate = (alias: string, purpose: KeyPurpose, algorithm: KeyInfo['algorithm']) => {
      created = true;
      const spec = {
        purpose,
        algorithm,
        ...(settings.userAuthentication && { userAuthentication: settings.userAuthentication }),
        hardware: settings.hardware ?? 'preferred',
        ...(options.attestationChallenge && { attestationChallenge: options.attestationChallenge }),
      };
      return this.#call(() => store.generateKey(alias, spec));
    };
    const [signingAlias, , , encryptionAlias] = await this.#aliases();
    let signingKey = await get(signingAlias!);
    let encryptionKey = await get(encryptionAlias!);
    if (signingKey === null || encryptionKey === null) {
      if (!create)
        fail(
          'KEY_NOT_FOUND',
          'this device has no keys yet; call ensureKeys() or createHandshake() first',
        );
      const { encryption } = await this.#call(() => store.capabilities());
      signingKey ??= await generate(signingAlias!, 'sign', settings.signingAlgorithm ?? 'ES256');
      // An explicit choice (which the store refuses if it does not offer it), or every kind the
      // store offers, in order of preference: a store may still refuse one for the requested
      // policy (Android: ECDH keys can't prompt on every use), and then the next is tried.
      const wanted = settings.encryptionAlgorithm;
      const candidates = wanted
        ? [wanted]
        : (['ECDH-ES', 'RSA-OAEP-256', 'RSA-OAEP'] as const).filter((alg) =>
            encryption.includes(alg),
          );
      if (encryptionKey === null && candidates.length === 0) {
        fail('UNSUPPORTED_ALGORITHM', 'the key store offers no encryption key type');
      }
      for (let i = 0; encryptionKey === null; i++) {
        try {
          encryptionKey = await generate(encryptionAlias!, 'encrypt', candidates[i]!);
        } catch (err) {
          const refused = err instanceof DeviceBindingError && err.code === 'UNSUPPORTED_ALGORITHM';
          if (!refused || i + 1 === candidates.length) throw err;
        }
      }
    }
    const signingJwk = minimalPublicJwk(checkedPublicKey(signingKey));
    checkedPublicKey(encryptionKey);
    if (signingKey.purpose !== 'sign' || encryptionKey.purpose !== 'encrypt') {
      fail('KEYSTORE_ERROR', 'the key store returned keys with the wrong purpose');
    }
    const algorithm = signingAlgorithmForKey(signingJwk);
    this.#loaded = {
      deviceId: await jwkThumbprint(signingJwk, this.#crypto),
      signingKey,
      encryptionKey,
      created,
      algorithm,
      signingJwk,
      proofHeader: encodeProtectedHeader('dpop+jwt', algorithm, signingJwk),
      handshakeHeader: encodeProtectedHeader('devicebind-handshake+jwt', algorithm, signingJwk),
    };
    return this.#loaded;
  }

  /** The key aliases, the current slot's signing key first: the marker says which slot. */
  async #aliases(): Promise<string[]> {
    const ns = this.namespace;
    return slotAliases(
      ns,
      (await this.#call(() => this.keyStore.getKey(currentMarker(ns)))) !== null,
    );
  }

  // Adapters should only throw DeviceBindingErrors, but the core does not rely on it.
  async #call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      throw this.#storeError(err);
    }
  }

  #storeError(err: unknown): DeviceBindingError {
    return asDeviceBindingError(
      err,
      'KEYSTORE_ERROR',
      `the key store "${this.keyStore.name}" failed`,
    );
  }
}

function checkedPublicKey(info: KeyInfo): PublicJwk {
  try {
    return parsePublicJwk(info?.publicKey, 'the stored public key');
  } catch (err) {
    return fail('KEYSTORE_ERROR', 'the key store returned a malformed public key', err);
  }
}
