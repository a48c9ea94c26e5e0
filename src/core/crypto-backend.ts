// The small set of symmetric primitives the core needs, behind one interface, so the core
// runs on WebCrypto by default and on a pure-JS backend where WebCrypto is missing.

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
  sha256(data: Uint8Array): Promise<Uint8Array>;
  /** HKDF-SHA-256 (RFC 5869), `length` bytes of output. */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array>;
  /** Prepares a raw 16- or 32-byte key for repeated AES-GCM use. */
  importAesGcmKey(raw: Uint8Array): Promise<AesGcmKey>;
  /** AES-GCM with a 96-bit IV; returns ciphertext ‖ 16-byte tag. */
  aesGcmEncrypt(key: AesGcmKey, iv: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Promise<Uint8Array>;
  /** AES-GCM with a 96-bit IV over ciphertext ‖ 16-byte tag. */
  aesGcmDecrypt(key: AesGcmKey, iv: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Promise<Uint8Array>;
  /** AES Key Wrap (RFC 3394) with a 16- or 32-byte KEK. */
  aesKeyWrap(kek: Uint8Array, key: Uint8Array): Promise<Uint8Array>;
  aesKeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Promise<Uint8Array>;
  /**
   * Makes an ephemeral P-256 key pair and runs ECDH with `peer` (which it validates):
   * used to seal data to the device's own public key.
   */
  ecdhEphemeral(peer: EcPublicJwk): Promise<{ ephemeralPublicKey: EcPublicJwk; sharedSecret: Uint8Array }>;
  /** RSA-OAEP encryption to a public key: SHA-256 (`RSA-OAEP-256`) or SHA-1 (`RSA-OAEP`). */
  rsaOaepEncrypt(publicKey: RsaPublicJwk, hash: 'SHA-256' | 'SHA-1', data: Uint8Array): Promise<Uint8Array>;
}

const HMAC = { name: 'HMAC', hash: 'SHA-256' } as const;

function asBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

/**
 * A {@link CryptoBackend} over a WebCrypto implementation (`globalThis.crypto` by default).
 *
 * @throws `CRYPTO_UNAVAILABLE` when no WebCrypto is present.
 * @example
 * ```ts
 * const backend = webCryptoBackend(globalThis.crypto);
 * ```
 */
export function webCryptoBackend(webcrypto: Crypto | undefined = globalThis.crypto): CryptoBackend {
  const subtle = webcrypto?.subtle;
  if (webcrypto === undefined || subtle === undefined) {
    fail(
      'CRYPTO_UNAVAILABLE',
      'WebCrypto (crypto.subtle) is not available in this runtime; pass `crypto: pureJsCrypto` from "devicebind/crypto/pure-js"',
    );
  }
  const importKw = (kek: Uint8Array, usage: KeyUsage) =>
    subtle.importKey('raw', asBuffer(kek), 'AES-KW', false, [usage]);
  return {
    name: 'webcrypto',
    randomBytes(length) {
      const out = new Uint8Array(length);
      // getRandomValues is limited to 65536 bytes a call.
      for (let i = 0; i < length; i += 65536) webcrypto.getRandomValues(out.subarray(i, i + 65536));
      return out;
    },
    async sha256(data) {
      return new Uint8Array(await subtle.digest('SHA-256', asBuffer(data)));
    },
    async hkdfSha256(ikm, salt, info, length) {
      const key = await subtle.importKey('raw', asBuffer(ikm), 'HKDF', false, ['deriveBits']);
      const bits = await subtle.deriveBits(
        { name: 'HKDF', hash: 'SHA-256', salt: asBuffer(salt), info: asBuffer(info) },
        key,
        length * 8,
      );
      return new Uint8Array(bits);
    },
    async importAesGcmKey(raw) {
      const key = await subtle.importKey('raw', asBuffer(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
      return key as unknown as AesGcmKey;
    },
    async aesGcmEncrypt(key, iv, plaintext, aad) {
      const params: AesGcmParams = { name: 'AES-GCM', iv: asBuffer(iv), tagLength: 128 };
      if (aad !== undefined) params.additionalData = asBuffer(aad);
      return new Uint8Array(await subtle.encrypt(params, key as unknown as CryptoKey, asBuffer(plaintext)));
    },
    async aesGcmDecrypt(key, iv, sealed, aad) {
      const params: AesGcmParams = { name: 'AES-GCM', iv: asBuffer(iv), tagLength: 128 };
      if (aad !== undefined) params.additionalData = asBuffer(aad);
      return new Uint8Array(await subtle.decrypt(params, key as unknown as CryptoKey, asBuffer(sealed)));
    },
    async aesKeyWrap(kek, key) {
      const wrappingKey = await importKw(kek, 'wrapKey');
      // HMAC accepts raw keys of any length, so any multiple-of-8-byte key can be wrapped.
      const toWrap = await subtle.importKey('raw', asBuffer(key), HMAC, true, ['sign']);
      return new Uint8Array(await subtle.wrapKey('raw', toWrap, wrappingKey, 'AES-KW'));
    },
    async aesKeyUnwrap(kek, wrapped) {
      const unwrappingKey = await importKw(kek, 'unwrapKey');
      const key = await subtle.unwrapKey('raw', asBuffer(wrapped), unwrappingKey, 'AES-KW', HMAC, true, ['sign']);
      return new Uint8Array(await subtle.exportKey('raw', key));
    },
    async ecdhEphemeral(peer) {
      const ecdh = { name: 'ECDH', namedCurve: 'P-256' } as const;
      const peerKey = await subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: peer.x, y: peer.y }, ecdh, false, []);
      const pair = await subtle.generateKey(ecdh, true, ['deriveBits']);
      const bits = await subtle.deriveBits({ name: 'ECDH', public: peerKey }, pair.privateKey, 256);
      const { x, y } = await subtle.exportKey('jwk', pair.publicKey);
      return { ephemeralPublicKey: { kty: 'EC', crv: 'P-256', x: x!, y: y! }, sharedSecret: new Uint8Array(bits) };
    },
    async rsaOaepEncrypt(publicKey, hash, data) {
      const key = await subtle.importKey(
        'jwk',
        { kty: 'RSA', n: publicKey.n, e: publicKey.e },
        { name: 'RSA-OAEP', hash },
        false,
        ['encrypt'],
      );
      return new Uint8Array(await subtle.encrypt({ name: 'RSA-OAEP' }, key, asBuffer(data)));
    },
  };
}

let defaultBackend: CryptoBackend | undefined;

/** @internal The backend used when none is given: WebCrypto, created on first use. */
export function resolveCryptoBackend(backend: CryptoBackend | undefined): CryptoBackend {
  if (backend !== undefined) return backend;
  defaultBackend ??= webCryptoBackend();
  return defaultBackend;
}
