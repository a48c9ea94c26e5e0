// The CryptoBackend for runtimes without WebCrypto (React Native's Hermes): @noble/hashes
// and @noble/ciphers for the symmetric parts, @noble/curves for the ephemeral ECDH.

import { aeskw, gcm } from '@noble/ciphers/aes.js';
import { p256 } from '@noble/curves/nist.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertBytes, assertFunction, assertNumber, assertObject, mustBe } from '../core/assert.js';
import { decodeBase64url, encodeBase64url } from '../core/base64url.js';
import { concatBytes, wipe } from '../core/bytes.js';
import type { AesGcmKey, CryptoBackend } from '../core/crypto-backend.js';
import { DeviceBindingError, fail } from '../core/errors.js';
import { type EcPublicJwk, parsePublicJwk } from '../core/jwk.js';
import { type OaepHash, oaepEncrypt } from './rsa-oaep.js';

/** Options for {@link createPureJsCrypto}. */
export interface PureJsCryptoOptions {
  /**
   * A cryptographically secure random source returning `length` fresh bytes. Default:
   * `globalThis.crypto.getRandomValues`, looked up at each call (so a polyfill installed
   * after import is used).
   */
  randomBytes?: (length: number) => Uint8Array;
}

const GCM_TAG_LENGTH = 16;
const OAEP_HASHES: Readonly<Record<string, OaepHash>> = { 'SHA-256': sha256, 'SHA-1': sha1 };

interface RandomValuesSource {
  getRandomValues?: (array: Uint8Array) => Uint8Array;
}

function systemRandomBytes(length: number): Uint8Array {
  const source = (globalThis as { crypto?: RandomValuesSource }).crypto;
  if (typeof source?.getRandomValues !== 'function') {
    fail(
      'CRYPTO_UNAVAILABLE',
      'no secure random source: crypto.getRandomValues is missing. On React Native, install ' +
        'react-native-get-random-values and import it before devicebind, or pass your own source ' +
        'with createPureJsCrypto({ randomBytes })',
    );
  }
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65536 bytes a call.
  for (let i = 0; i < length; i += 65536) source.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

function checkAesKey(value: unknown, name: string): Uint8Array {
  const key = assertBytes(value, name);
  if (key.length !== 16 && key.length !== 32) mustBe(name, '16 or 32 bytes');
  return key;
}

function checkIv(value: unknown): Uint8Array {
  const iv = assertBytes(value, 'iv');
  if (iv.length !== 12) mustBe('iv', '12 bytes (96 bits)');
  return iv;
}

// Every authentication failure looks the same: no detail on which check failed.
function decryptionFailed(what: string): never {
  throw new DeviceBindingError('INVALID_ENVELOPE', `${what} failed: the data or the key is wrong`);
}

/**
 * Creates a pure-JS {@link CryptoBackend}, optionally with your own random source (for
 * runtimes that have neither WebCrypto nor a `crypto.getRandomValues` polyfill).
 *
 * AES-GCM decryption and AES key unwrap reject with `INVALID_ENVELOPE` on any failure,
 * without saying which check failed.
 *
 * @throws `INVALID_ARGUMENT` when `options.randomBytes` is not a function. The backend's
 * methods reject with `INVALID_ARGUMENT` for malformed input, `INVALID_ENVELOPE` for data
 * that does not authenticate, `CRYPTO_UNAVAILABLE` when there is no random source.
 * @example
 * ```ts
 * import { getRandomBytes } from 'expo-crypto';
 * import { createPureJsCrypto } from 'devicebind/crypto/pure-js';
 *
 * const crypto = createPureJsCrypto({ randomBytes: (length) => getRandomBytes(length) });
 * const binding = new DeviceBinding({ keyStore, namespace: 'com.example.app', crypto });
 * ```
 */
export function createPureJsCrypto(options: PureJsCryptoOptions = {}): CryptoBackend {
  const source = assertFunction<PureJsCryptoOptions['randomBytes'] & object>(
    assertObject(options).randomBytes ?? systemRandomBytes,
    'options.randomBytes',
  );
  const aesGcmKeys = new WeakMap<object, Uint8Array>();

  function randomBytes(length: number): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0) mustBe('length', 'a non-negative integer');
    const bytes = source(length);
    if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
      fail('CRYPTO_UNAVAILABLE', 'the random source did not return the requested number of bytes');
    }
    return bytes;
  }

  function gcmKey(key: AesGcmKey): Uint8Array {
    const raw = typeof key === 'object' && key !== null ? aesGcmKeys.get(key) : undefined;
    if (raw === undefined) mustBe('key', 'a key from importAesGcmKey of this backend');
    return raw;
  }

  return {
    name: 'pure-js',
    randomBytes,
    async sha256(data) {
      return sha256(assertBytes(data, 'data'));
    },
    async hkdfSha256(ikm, salt, info, length) {
      // RFC 5869 §2.3: at most 255 blocks of output.
      assertNumber(length, 'length', { min: 1, max: 255 * 32, integer: true });
      return hkdf(
        sha256,
        assertBytes(ikm, 'ikm'),
        assertBytes(salt, 'salt'),
        assertBytes(info, 'info'),
        length,
      );
    },
    async importAesGcmKey(raw) {
      // The handle is an empty object; the bytes stay out of reach, in this closure.
      const handle = Object.freeze({});
      aesGcmKeys.set(handle, checkAesKey(raw, 'raw').slice());
      return handle as AesGcmKey;
    },
    async aesGcmEncrypt(key, iv, plaintext, aad) {
      const raw = gcmKey(key);
      return gcm(raw, checkIv(iv), aad === undefined ? undefined : assertBytes(aad, 'aad')).encrypt(
        assertBytes(plaintext, 'plaintext'),
      );
    },
    async aesGcmDecrypt(key, iv, sealed, aad) {
      const raw = gcmKey(key);
      const cipher = gcm(raw, checkIv(iv), aad === undefined ? undefined : assertBytes(aad, 'aad'));
      if (assertBytes(sealed, 'sealed').length < GCM_TAG_LENGTH)
        decryptionFailed('AES-GCM decryption');
      try {
        return cipher.decrypt(sealed);
      } catch {
        return decryptionFailed('AES-GCM decryption');
      }
    },
    async aesKeyWrap(kek, key) {
      const keyBytes = assertBytes(key, 'key');
      // RFC 3394 §2: at least two 64-bit blocks.
      if (keyBytes.length < 16 || keyBytes.length % 8 !== 0)
        mustBe('key', 'a multiple of 8 bytes, at least 16');
      return aeskw(checkAesKey(kek, 'kek')).encrypt(keyBytes);
    },
    async aesKeyUnwrap(kek, wrapped) {
      const cipher = aeskw(checkAesKey(kek, 'kek'));
      const bytes = assertBytes(wrapped, 'wrapped');
      if (bytes.length < 24 || bytes.length % 8 !== 0) decryptionFailed('AES key unwrap');
      try {
        return cipher.decrypt(bytes);
      } catch {
        return decryptionFailed('AES key unwrap');
      }
    },
    async ecdhEphemeral(peer) {
      const jwk = parsePublicJwk(peer, '"peer"');
      if (jwk.kty !== 'EC') mustBe('peer', 'a P-256 key');
      const point = concatBytes(
        Uint8Array.of(4),
        decodeBase64url(jwk.x, '"peer".x'),
        decodeBase64url(jwk.y, '"peer".y'),
      );
      try {
        // Rejects coordinates outside the field and points not on the curve.
        p256.Point.fromBytes(point).assertValidity();
      } catch (err) {
        mustBe('peer', 'a valid P-256 point', err);
      }
      const secretKey = p256.utils.randomSecretKey(randomBytes(p256.lengths.seed ?? 48));
      try {
        const shared = p256.getSharedSecret(secretKey, point, true);
        const ephemeral = p256.getPublicKey(secretKey, false);
        const ephemeralPublicKey: EcPublicJwk = {
          kty: 'EC',
          crv: 'P-256',
          x: encodeBase64url(ephemeral.subarray(1, 33)),
          y: encodeBase64url(ephemeral.subarray(33, 65)),
        };
        // Z is the x-coordinate of the shared point (RFC 7518 §4.6.2, SEC 1 §3.3.1).
        const sharedSecret = shared.slice(1);
        wipe(shared);
        return { ephemeralPublicKey, sharedSecret };
      } finally {
        wipe(secretKey);
      }
    },
    async rsaOaepEncrypt(publicKey, hash, data) {
      const jwk = parsePublicJwk(publicKey, '"publicKey"');
      if (jwk.kty !== 'RSA') mustBe('publicKey', 'an RSA key');
      const oaepHash = Object.hasOwn(OAEP_HASHES, hash) ? OAEP_HASHES[hash] : undefined;
      if (oaepHash === undefined)
        fail('UNSUPPORTED_ALGORITHM', '"hash" must be "SHA-256" or "SHA-1"');
      const n = decodeBase64url(jwk.n, '"publicKey".n');
      const e = decodeBase64url(jwk.e, '"publicKey".e');
      return oaepEncrypt(
        n,
        e,
        oaepHash,
        assertBytes(data, 'data'),
        randomBytes(oaepHash.outputLen),
      );
    },
  };
}

/**
 * The pure-JS {@link CryptoBackend}: pass it as the `crypto` option where there is no
 * WebCrypto (React Native's Hermes). Random bytes come from `crypto.getRandomValues`, which
 * React Native gets from a polyfill such as react-native-get-random-values; without one,
 * operations that need randomness reject with `CRYPTO_UNAVAILABLE`
 * (use {@link createPureJsCrypto} to pass another source).
 *
 * @throws Its methods reject with `INVALID_ARGUMENT` for malformed input, `INVALID_ENVELOPE`
 * for data that does not authenticate (never saying why), `CRYPTO_UNAVAILABLE` without a
 * random source.
 * @example
 * ```ts
 * import 'react-native-get-random-values';
 * import { DeviceBinding } from 'devicebind';
 * import { pureJsCrypto } from 'devicebind/crypto/pure-js';
 *
 * const binding = new DeviceBinding({ keyStore, namespace: 'com.example.app', crypto: pureJsCrypto });
 * ```
 */
export const pureJsCrypto: CryptoBackend = /* @__PURE__ */ createPureJsCrypto();
