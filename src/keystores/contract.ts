// The KeyStore contract: what an adapter implements so the core can use keys it never sees.
// Adapters import only this file and the small shared helpers (errors, encoding).

import type { EncryptionAlgorithm, SigningAlgorithm } from '../core/algorithms.js';
import type { PublicJwk } from '../core/jwk.js';

/** What a key is for. */
export type KeyPurpose = 'sign' | 'encrypt';

/** Which algorithm a new key is generated for. */
export type KeyAlgorithm = SigningAlgorithm | EncryptionAlgorithm;

/**
 * Whether using the key requires the user to authenticate, and how.
 * Stores that cannot enforce it declare `userAuthentication: false` in their capabilities
 * and refuse a policy other than `none` with `UNSUPPORTED_ALGORITHM`.
 */
export interface UserAuthenticationPolicy {
  /** `biometric`: biometrics only; `biometric-or-device-credential`: biometrics or PIN/passcode. */
  readonly type: 'none' | 'biometric' | 'biometric-or-device-credential';
  /** Seconds an authentication stays valid for; 0 (default) means every use prompts. */
  readonly validitySeconds?: number;
  /** Invalidate the key when a new biometric is enrolled (default true). */
  readonly invalidateOnNewEnrollment?: boolean;
}

/** Prompt texts shown when a key operation needs user authentication. */
export interface AuthenticationPrompt {
  readonly title?: string;
  readonly subtitle?: string;
  readonly description?: string;
  readonly cancelLabel?: string;
}

/** Where a store should keep the key. */
export type HardwarePreference = 'required' | 'preferred' | 'strongbox-preferred' | 'none';

/** How a new key is to be made. */
export interface KeySpec {
  readonly purpose: KeyPurpose;
  readonly algorithm: KeyAlgorithm;
  /** RSA modulus length in bits (encryption keys only; default 2048). */
  readonly modulusLength?: 2048 | 3072 | 4096;
  readonly userAuthentication?: UserAuthenticationPolicy;
  readonly hardware?: HardwarePreference;
  /** Server challenge to embed in key attestation, where the platform offers it. */
  readonly attestationChallenge?: Uint8Array;
}

/** Where the private key actually lives. */
export type SecurityLevel = 'software' | 'tee' | 'strongbox' | 'secure-enclave' | 'unknown';

/** Evidence from the platform that the key was made in secure hardware. */
export interface KeyAttestation {
  /** `android-key`: X.509 chain, leaf first (base64, as JWS `x5c`); `apple-app-attest`: attestation object. */
  readonly format: 'android-key' | 'apple-app-attest';
  /** Certificate chain for `android-key`. */
  readonly x5c?: readonly string[];
  /** base64url attestation object for `apple-app-attest`. */
  readonly attestationObject?: string;
  readonly keyId?: string;
}

/** What a store knows about one key. Never contains private key material. */
export interface KeyInfo {
  readonly alias: string;
  readonly purpose: KeyPurpose;
  readonly algorithm: KeyAlgorithm;
  /** Public JWK. Encryption keys carry the JWE `alg` they can open. */
  readonly publicKey: PublicJwk;
  readonly hardwareBacked: boolean;
  readonly securityLevel: SecurityLevel;
  readonly userAuthentication?: UserAuthenticationPolicy;
  readonly attestation?: KeyAttestation;
  /** Milliseconds since the epoch. */
  readonly createdAt?: number;
}

/** What a store can honestly do. Everything not declared is refused with `UNSUPPORTED_ALGORITHM`. */
export interface KeyStoreCapabilities {
  readonly signing: readonly SigningAlgorithm[];
  readonly encryption: readonly EncryptionAlgorithm[];
  /** Whether keys can live in secure hardware. */
  readonly hardwareBacked: boolean;
  /** Whether the store can enforce user authentication policies. */
  readonly userAuthentication: boolean;
  /** Whether the store can produce key attestation. */
  readonly attestation: boolean;
  /** Whether keys survive a restart of the app. */
  readonly persistent: boolean;
}

/** Per-operation options. */
export interface KeyOperationOptions {
  /** Prompt texts if this operation needs the user to authenticate. */
  readonly prompt?: AuthenticationPrompt;
  /** Abandons the operation (a store may still finish it natively). */
  readonly signal?: AbortSignal;
}

/**
 * The contract every key store implements. Private keys never cross it: the core asks the
 * store to sign, to derive an ECDH shared secret, or to decrypt a wrapped key.
 *
 * Rules (checked by `runKeyStoreConformance` from `devicebind/testing`):
 * - every failure is a `DeviceBindingError`;
 * - aliases are 1–200 characters of `A–Z a–z 0–9 . _ : -`; any other alias, and any malformed
 *   argument (data that is not a Uint8Array, a peer key that is not a valid public key), gives
 *   `INVALID_ARGUMENT` from every method;
 * - an unknown or deleted alias gives `KEY_NOT_FOUND` from `sign`, `deriveSharedSecret` and
 *   `decrypt` (even in a store without RSA); `getKey` returns `null` and `deleteKey` succeeds;
 * - using a key for the other purpose (signing with an encryption key, ECDH with a signing
 *   key) gives `UNSUPPORTED_ALGORITHM`;
 * - concurrent `generateKey` calls for one alias leave exactly one key and all return it;
 * - `generateKey` on an alias that already holds a key returns the existing key unchanged;
 * - undeclared algorithms give `UNSUPPORTED_ALGORITHM`.
 *
 * @example
 * ```ts
 * const info = await store.generateKey('com.example.app.signing', { purpose: 'sign', algorithm: 'ES256' });
 * const signature = await store.sign(info.alias, bytes); // 64 bytes, r ‖ s
 * ```
 */
export interface KeyStore {
  /** A short name for diagnostics (e.g. `memory`, `webcrypto`, `android`). */
  readonly name: string;
  /** What this store can do on this device. */
  capabilities(): Promise<KeyStoreCapabilities>;
  /**
   * Generates a key under `alias`, or returns the existing one unchanged.
   * @throws `UNSUPPORTED_ALGORITHM`, `INVALID_ARGUMENT`, `KEYSTORE_ERROR`
   */
  generateKey(alias: string, spec: KeySpec): Promise<KeyInfo>;
  /**
   * The key under `alias`, or `null` when there is none.
   * @throws `KEY_UNAVAILABLE` when a key is recorded but cannot be loaded; `KEY_INVALIDATED`
   */
  getKey(alias: string): Promise<KeyInfo | null>;
  /**
   * Signs exactly `data`. ES256 returns the 64-byte JOSE form (r ‖ s), EdDSA 64 bytes.
   * @throws `KEY_NOT_FOUND`, `KEY_INVALIDATED`, `USER_CANCELLED`, `UNSUPPORTED_ALGORITHM`, `INVALID_ARGUMENT`, `KEYSTORE_ERROR`
   */
  sign(alias: string, data: Uint8Array, options?: KeyOperationOptions): Promise<Uint8Array>;
  /**
   * ECDH on P-256 with the peer's public key: returns the 32-byte shared secret Z (the
   * x-coordinate). The store validates the peer key.
   * @throws `KEY_NOT_FOUND`, `INVALID_ARGUMENT`, `UNSUPPORTED_ALGORITHM`, `KEYSTORE_ERROR`
   */
  deriveSharedSecret(
    alias: string,
    peerPublicKey: PublicJwk,
    options?: KeyOperationOptions,
  ): Promise<Uint8Array>;
  /**
   * RSA-OAEP decryption with the key's own OAEP variant (RSA-OAEP-256 or RSA-OAEP).
   * @throws `KEY_NOT_FOUND`, `UNSUPPORTED_ALGORITHM`, `INVALID_ARGUMENT`, `KEYSTORE_ERROR` (including for a bad ciphertext)
   */
  decrypt(
    alias: string,
    ciphertext: Uint8Array,
    options?: KeyOperationOptions,
  ): Promise<Uint8Array>;
  /** Deletes the key; succeeds when there is none. @throws `INVALID_ARGUMENT`, `KEY_UNAVAILABLE`, `KEYSTORE_ERROR` */
  deleteKey(alias: string): Promise<void>;
  /** Every alias this store holds. @throws `KEY_UNAVAILABLE`, `KEYSTORE_ERROR` */
  listAliases(): Promise<string[]>;
  /**
   * Optional: AES-GCM decryption of bulk content (a whole envelope's ciphertext, or one
   * stream segment) with a content key the core recovered, in the store's native code.
   * Resolves to `undefined` when the store cannot do it here (the native side does not
   * offer it, or the content is larger than it accepts): the core then decrypts itself.
   * Any failure rejects; the core turns every failure into its one `INVALID_ENVELOPE`.
   * @throws `KEYSTORE_ERROR` (including for content that does not authenticate), `TIMEOUT`
   */
  decryptContent?(request: ContentDecryptionRequest): Promise<Uint8Array | undefined>;
}

/**
 * What {@link KeyStore.decryptContent} decrypts: AES-GCM with a 128-bit tag, over bytes
 * (`sealed`: ciphertext ‖ tag) or over a ciphertext still in base64url text (`ciphertext`
 * and `tag`), which native code then decodes itself.
 */
export type ContentDecryptionRequest = ContentDecryptionBase &
  (
    | { readonly sealed: Uint8Array; readonly ciphertext?: undefined; readonly tag?: undefined }
    | { readonly sealed?: undefined; readonly ciphertext: string; readonly tag: Uint8Array }
  );

/** What every {@link ContentDecryptionRequest} carries. */
export interface ContentDecryptionBase {
  /** The 16- or 32-byte content key. */
  readonly key: Uint8Array;
  /** The 12-byte IV. */
  readonly iv: Uint8Array;
  /** Additional authenticated data, if any. */
  readonly aad?: Uint8Array;
}
