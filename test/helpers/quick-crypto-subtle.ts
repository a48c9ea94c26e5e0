// A WebCrypto restricted to what a version of react-native-quick-crypto offers: Node's own
// crypto.subtle behind a wrapper that refuses, with a NotSupportedError as quick-crypto does,
// any algorithm, key format or operation outside that version's subset, and records it.
//
// The subsets were read from the published sources (`npm pack react-native-quick-crypto@…`,
// src/subtle.ts and src/Algorithms.ts): 1.1.x registers every algorithm the core uses
// (kAlgorithmDefinitions); 1.0.x's deriveBits runs only PBKDF2, X25519 and X448 and it has
// no HKDF at all; 0.7.x also has no wrapKey / unwrapKey (AES-KW is commented out) and no
// HMAC import. Only the algorithms devicebind could touch are listed.

/** One version's subset: entries `operation:algorithm` or `operation:format:algorithm`. */
export interface SubtleProfile {
  readonly name: string;
  readonly allowed: ReadonlySet<string>;
}

const DIGESTS = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'].map((hash) => `digest:${hash}`);
const EC_FORMATS = ['jwk', 'spki', 'raw', 'pkcs8'];
const RSA_FORMATS = ['jwk', 'spki', 'pkcs8'];
const SECRET_FORMATS = ['raw', 'jwk'];

function entries(operation: string, formats: string[], algorithms: string[]): string[] {
  return algorithms.flatMap((algorithm) => formats.map((f) => `${operation}:${f}:${algorithm}`));
}

const V07 = [
  ...DIGESTS,
  ...entries('importKey', SECRET_FORMATS, ['AES-GCM', 'AES-KW', 'AES-CBC', 'AES-CTR']),
  ...entries('importKey', EC_FORMATS, ['ECDH', 'ECDSA']),
  ...entries('importKey', RSA_FORMATS, ['RSA-OAEP']),
  ...entries('exportKey', ['jwk', 'spki', 'raw'], ['ECDH', 'ECDSA']),
  ...entries('exportKey', SECRET_FORMATS, ['AES-GCM', 'AES-KW']),
  'generateKey:ECDH',
  'generateKey:ECDSA',
  'generateKey:AES-GCM',
  'generateKey:RSA-OAEP',
  'encrypt:AES-GCM',
  'decrypt:AES-GCM',
  'encrypt:RSA-OAEP',
  'decrypt:RSA-OAEP',
  'sign:ECDSA',
  'verify:ECDSA',
];
const V10 = [
  ...V07,
  ...entries('importKey', SECRET_FORMATS, ['HMAC']),
  ...entries('exportKey', SECRET_FORMATS, ['HMAC']),
  ...entries('wrapKey', SECRET_FORMATS, ['AES-KW']),
  ...entries('unwrapKey', SECRET_FORMATS, ['AES-KW']),
  'sign:HMAC',
  'verify:HMAC',
];
const V11 = [...V10, 'importKey:raw:HKDF', 'deriveBits:HKDF', 'deriveBits:ECDH'];

/** react-native-quick-crypto's `subtle`, by version line. */
export const QUICK_CRYPTO_PROFILES: readonly SubtleProfile[] = [
  { name: 'react-native-quick-crypto 1.1', allowed: new Set(V11) },
  { name: 'react-native-quick-crypto 1.0', allowed: new Set(V10) },
  { name: 'react-native-quick-crypto 0.7', allowed: new Set(V07) },
];

type Algorithm = string | { name: string };
const nameOf = (algorithm: Algorithm): string =>
  typeof algorithm === 'string' ? algorithm : algorithm.name;

/** A `Crypto` whose `subtle` runs only `profile`'s subset, and the calls it refused. */
export function restrictedCrypto(profile: SubtleProfile): { crypto: Crypto; refused: string[] } {
  const real = globalThis.crypto.subtle;
  const refused: string[] = [];
  const check = (entry: string) => {
    if (!profile.allowed.has(entry)) {
      refused.push(entry);
      throw new DOMException(`Unrecognized algorithm name for '${entry}'`, 'NotSupportedError');
    }
  };
  // Only the methods quick-crypto implements, each checked before Node's runs it.
  const subtle = {
    async digest(algorithm: Algorithm, data: BufferSource) {
      check(`digest:${nameOf(algorithm)}`);
      return real.digest(algorithm, data);
    },
    async importKey(format: string, data: never, algorithm: Algorithm, ...rest: never[]) {
      check(`importKey:${format}:${nameOf(algorithm)}`);
      return (real.importKey as (...args: unknown[]) => Promise<CryptoKey>)(
        format,
        data,
        algorithm,
        ...rest,
      );
    },
    async exportKey(format: string, key: CryptoKey) {
      check(`exportKey:${format}:${key.algorithm.name}`);
      return real.exportKey(format as 'jwk', key);
    },
    async generateKey(algorithm: Algorithm, extractable: boolean, usages: KeyUsage[]) {
      check(`generateKey:${nameOf(algorithm)}`);
      return real.generateKey(algorithm as EcKeyGenParams, extractable, usages);
    },
    async deriveBits(algorithm: Algorithm, key: CryptoKey, length: number) {
      check(`deriveBits:${nameOf(algorithm)}`);
      return real.deriveBits(algorithm as EcdhKeyDeriveParams, key, length);
    },
    async encrypt(algorithm: Algorithm, key: CryptoKey, data: BufferSource) {
      check(`encrypt:${nameOf(algorithm)}`);
      return real.encrypt(algorithm as AesGcmParams, key, data);
    },
    async decrypt(algorithm: Algorithm, key: CryptoKey, data: BufferSource) {
      check(`decrypt:${nameOf(algorithm)}`);
      return real.decrypt(algorithm as AesGcmParams, key, data);
    },
    async wrapKey(format: string, key: CryptoKey, wrappingKey: CryptoKey, algorithm: Algorithm) {
      check(`wrapKey:${format}:${nameOf(algorithm)}`);
      check(`exportKey:${format}:${key.algorithm.name}`);
      return real.wrapKey(format as 'raw', key, wrappingKey, algorithm);
    },
    async unwrapKey(
      format: string,
      wrapped: BufferSource,
      unwrappingKey: CryptoKey,
      algorithm: Algorithm,
      unwrappedAlgorithm: Algorithm,
      extractable: boolean,
      usages: KeyUsage[],
    ) {
      check(`unwrapKey:${format}:${nameOf(algorithm)}`);
      check(`importKey:${format}:${nameOf(unwrappedAlgorithm)}`);
      return real.unwrapKey(
        format as 'raw',
        wrapped,
        unwrappingKey,
        algorithm,
        unwrappedAlgorithm as HmacImportParams,
        extractable,
        usages,
      );
    },
    async sign(algorithm: Algorithm, key: CryptoKey, data: BufferSource) {
      check(`sign:${nameOf(algorithm)}`);
      return real.sign(algorithm as EcdsaParams, key, data);
    },
    async verify(
      algorithm: Algorithm,
      key: CryptoKey,
      signature: BufferSource,
      data: BufferSource,
    ) {
      check(`verify:${nameOf(algorithm)}`);
      return real.verify(algorithm as EcdsaParams, key, signature, data);
    },
  };
  const crypto = {
    subtle: subtle as unknown as SubtleCrypto,
    getRandomValues: <T extends ArrayBufferView>(array: T) =>
      globalThis.crypto.getRandomValues(array),
    randomUUID: () => globalThis.crypto.randomUUID(),
  } as Crypto;
  return { crypto, refused };
}
