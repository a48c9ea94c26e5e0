// The small set of symmetric primitives the core needs, behind one interface, so the core
// runs on WebCrypto by default and on a pure-JS backend where WebCrypto is missing.

import { assertFunction, assertObject } from './assert.js';
import { withFallback } from './crypto-fallback.js';
import { fail } from './errors.js';
import type { EcPublicJwk, RsaPublicJwk } from './jwk.js';

declare const aesGcmKeyBrand: unique symbol;
/** An AES-GCM key prepared by a {@link CryptoBackend}; opaque to everything else. */
export interface AesGcmKey {
  readonly [aesGcmKeyBrand]: true;
}

/**
 * What the core needs from a crypto implementation. The default uses
 * `globalThis.crypto.subtle`; pass `pureJsCrypto` from `devicebind/crypto/pure-js` where
 * there is no WebCrypto (React Native's Hermes).
 *
 * All methods reject on failure; AES-GCM decryption and AES key unwrap reject on any
 * authentication failure without saying why.
 */
export interface CryptoBackend {
  /** A name for diagnostics. */
  readonly name: string;
  /** Fills and returns `length` cryptographically random bytes. */
  randomBytes(length: number): Uint8Array;
  /** The 32-byte SHA-256 digest of `data`. */
  sha256(data: Uint8Array): Promise<Uint8Array>;
  /** HKDF-SHA-256 (RFC 5869), `length` bytes of output. */
  hkdfSha256(
    ikm: Uint8Array,
    salt: Uint8Array,
    info: Uint8Array,
    length: number,
  ): Promise<Uint8Array>;
  /** Prepares a raw 16- or 32-byte key for repeated AES-GCM use. */
  importAesGcmKey(raw: Uint8Array): Promise<AesGcmKey>;
  /** AES-GCM with a 96-bit IV; returns ciphertext ‖ 16-byte tag. */
  aesGcmEncrypt(
    key: AesGcmKey,
    iv: Uint8Array,
    plaintext: Uint8Array,
    aad?: Uint8Array,
  ): Promise<Uint8Array>;
  /** AES-GCM with a 96-bit IV over ciphertext ‖ 16-byte tag. */
  aesGcmDecrypt(
    key: AesGcmKey,
    iv: Uint8Array,
    sealed: Uint8Array,
    aad?: Uint8Array,
  ): Promise<Uint8Array>;
  /** AES Key Wrap (RFC 3394) with a 16- or 32-byte KEK. */
  aesKeyWrap(kek: Uint8Array, key: Uint8Array): Promise<Uint8Array>;
  /** AES Key Unwrap (RFC 3394); rejects when the integrity check fails. */
  aesKeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Promise<Uint8Array>;
  /**
   * Makes an ephemeral P-256 key pair and runs ECDH with `peer` (which it validates):
   * used to seal data to the device's own public key.
   */
  ecdhEphemeral(
    peer: EcPublicJwk,
  ): Promise<{ ephemeralPublicKey: EcPublicJwk; sharedSecret: Uint8Array }>;
  /** RSA-OAEP encryption to a public key: SHA-256 (`RSA-OAEP-256`) or SHA-1 (`RSA-OAEP`). */
  rsaOaepEncrypt(
    publicKey: RsaPublicJwk,
    hash: 'SHA-256' | 'SHA-1',
    data: Uint8Array,
  ): Promise<Uint8Array>;
}

/** @internal The part of a {@link CryptoBackend} that keys, handshakes and proofs use. */
export type DigestBackend = Pick<CryptoBackend, 'name' | 'randomBytes' | 'sha256'>;

// WebCrypto's types want ArrayBuffer-backed views; every Uint8Array here is one.
type Buf = Uint8Array<ArrayBuffer>;

const bytes = async (result: Promise<ArrayBuffer>) => new Uint8Array(await result);

function subtleOf(webcrypto: Crypto | undefined): SubtleCrypto {
  const subtle = webcrypto?.subtle;
  if (subtle === undefined) {
    fail(
      'CRYPTO_UNAVAILABLE',
      'no WebCrypto (crypto.subtle) here: pass `crypto: pureJsCrypto` from "devicebind/crypto/pure-js"',
    );
  }
  return subtle;
}

// Kept apart from the rest so that a bundle which only signs carries no symmetric crypto.
function webCryptoDigests(webcrypto: Crypto | undefined): DigestBackend {
  const subtle = subtleOf(webcrypto);
  return {
    name: 'webcrypto',
    randomBytes(length) {
      const out = new Uint8Array(length);
      // getRandomValues is limited to 65536 bytes a call.
      for (let i = 0; i < length; i += 65536)
        (webcrypto as Crypto).getRandomValues(out.subarray(i, i + 65536));
      return out;
    },
    sha256: (data) => bytes(subtle.digest('SHA-256', data as Buf)),
  };
}

/** Options for {@link webCryptoBackend}. */
export interface WebCryptoBackendOptions {
  /**
   * A complete backend (e.g. `pureJsCrypto`) for the operations this WebCrypto cannot run:
   * AES-GCM, AES-KW, HKDF, ECDH and RSA-OAEP each move to it, separately, when the WebCrypto
   * implementation lacks them (as some versions of react-native-quick-crypto lack HKDF, ECDH
   * `deriveBits` or AES-KW). Without it, a missing algorithm fails the operation.
   */
  fallback?: CryptoBackend;
}

/**
 * A {@link CryptoBackend} over a WebCrypto implementation (`globalThis.crypto` by default),
 * optionally falling back, operation by operation, to another backend where that WebCrypto
 * lacks an algorithm (see {@link WebCryptoBackendOptions.fallback}).
 *
 * @throws `CRYPTO_UNAVAILABLE` when no WebCrypto is present.
 * @example
 * ```ts
 * // React Native with react-native-quick-crypto installed as globalThis.crypto:
 * import { pureJsCrypto } from 'devicebind/crypto/pure-js';
 * const crypto = webCryptoBackend(globalThis.crypto, { fallback: pureJsCrypto });
 * ```
 */
export function webCryptoBackend(
  webcrypto: Crypto | undefined = globalThis.crypto,
  options: WebCryptoBackendOptions = {},
): CryptoBackend {
  const { fallback } = assertObject(options);
  const backend = subtleBackend(webcrypto);
  if (fallback === undefined) return backend;
  assertFunction(
    assertObject(fallback, 'options.fallback').aesGcmDecrypt,
    'options.fallback.aesGcmDecrypt',
  );
  return withFallback(backend, fallback);
}

function subtleBackend(webcrypto: Crypto | undefined): CryptoBackend {
  const digests = webCryptoDigests(webcrypto);
  const subtle = (webcrypto as Crypto).subtle;
  const importRaw = (
    raw: Uint8Array,
    algorithm: AlgorithmIdentifier | HmacImportParams,
    usages: KeyUsage[],
    extractable = false,
  ) => subtle.importKey('raw', raw as Buf, algorithm, extractable, usages);
  // HMAC accepts raw keys of any length, so any multiple-of-8-byte key can be wrapped.
  const hmac = { name: 'HMAC', hash: 'SHA-256' };
  const gcm =
    (op: 'encrypt' | 'decrypt') =>
    (key: AesGcmKey, iv: Uint8Array, data: Uint8Array, aad?: Uint8Array) =>
      bytes(
        subtle[op](
          { name: 'AES-GCM', iv: iv as Buf, ...(aad && { additionalData: aad as Buf }) },
          key as unknown as CryptoKey,
          data as Buf,
        ),
      );
  const ecdh = { name: 'ECDH', namedCurve: 'P-256' };
  return {
    ...digests,
    hkdfSha256: async (ikm, salt, info, length) =>
      bytes(
        subtle.deriveBits(
          { name: 'HKDF', hash: 'SHA-256', salt: salt as Buf, info: info as Buf },
          await importRaw(ikm, 'HKDF', ['deriveBits']),
          length * 8,
        ),
      ),
    importAesGcmKey: (raw) =>
      importRaw(raw, 'AES-GCM', ['encrypt', 'decrypt']) as unknown as Promise<AesGcmKey>,
    aesGcmEncrypt: gcm('encrypt'),
    aesGcmDecrypt: gcm('decrypt'),
    aesKeyWrap: async (kek, key) =>
      bytes(
        subtle.wrapKey(
          'raw',
          await importRaw(key, hmac, ['sign'], true),
          await importRaw(kek, 'AES-KW', ['wrapKey']),
          'AES-KW',
        ),
      ),
    aesKeyUnwrap: async (kek, wrapped) =>
      bytes(
        subtle.exportKey(
          'raw',
          await subtle.unwrapKey(
            'raw',
            wrapped as Buf,
            await importRaw(kek, 'AES-KW', ['unwrapKey']),
            'AES-KW',
            hmac,
            true,
            ['sign'],
          ),
        ) as Promise<ArrayBuffer>,
      ),
    async ecdhEphemeral({ x, y }) {
      const peer = await subtle.importKey(
        'jwk',
        { kty: 'EC', crv: 'P-256', x, y },
        ecdh,
        false,
        [],
      );
      const pair = await subtle.generateKey(ecdh, true, ['deriveBits']);
      const sharedSecret = await bytes(
        subtle.deriveBits({ name: 'ECDH', public: peer }, pair.privateKey, 256),
      );
      const epk = await subtle.exportKey('jwk', pair.publicKey);
      return {
        ephemeralPublicKey: { kty: 'EC', crv: 'P-256', x: epk.x!, y: epk.y! },
        sharedSecret,
      };
    },
    async rsaOaepEncrypt({ n, e }, hash, data) {
      const key = await subtle.importKey(
        'jwk',
        { kty: 'RSA', n, e },
        { name: 'RSA-OAEP', hash },
        false,
        ['encrypt'],
      );
      return bytes(subtle.encrypt({ name: 'RSA-OAEP' }, key, data as Buf));
    },
  };
}

let defaultBackend: CryptoBackend | undefined;
let defaultDigests: DigestBackend | undefined;

/** @internal The backend used when none is given: WebCrypto, created on first use. */
export function resolveCryptoBackend(backend: CryptoBackend | undefined): CryptoBackend {
  if (backend !== undefined) return backend;
  // Not webCryptoBackend(): bundles that only use the default carry no fallback code.
  defaultBackend ??= subtleBackend(globalThis.crypto);
  return defaultBackend;
}

/** @internal Like {@link resolveCryptoBackend}, for code that only hashes and draws random bytes. */
export function resolveDigestBackend(backend: CryptoBackend | undefined): DigestBackend {
  if (backend !== undefined) return backend;
  defaultDigests ??= webCryptoDigests(globalThis.crypto);
  return defaultDigests;
}
