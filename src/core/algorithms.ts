// The algorithm registry: every JOSE algorithm devicebind accepts, with what it needs.
// Lower layers receive a resolved entry and never switch on algorithm strings; anything
// not in these tables is refused.

import { fail } from './errors.js';
import type { PublicJwk } from './jwk.js';

/** Signature algorithms a device signing key can use. */
export type SigningAlgorithm = 'ES256' | 'EdDSA';

/**
 * What a device encryption key is: a P-256 key for ECDH-ES (and its key-wrap variants), or
 * an RSA key for RSA-OAEP-256 (SHA-256) or RSA-OAEP (SHA-1, for Android Keystore RSA keys
 * before API 35, whose OAEP always uses MGF1-SHA-1).
 */
export type EncryptionAlgorithm = 'ECDH-ES' | 'RSA-OAEP-256' | 'RSA-OAEP';

/** JWE `alg` values an envelope may use. */
export type KeyManagementAlgorithm =
  | 'ECDH-ES'
  | 'ECDH-ES+A128KW'
  | 'ECDH-ES+A256KW'
  | 'RSA-OAEP-256'
  | 'RSA-OAEP';

/** JWE `enc` values an envelope may use. */
export type ContentEncryptionAlgorithm = 'A128GCM' | 'A256GCM';

/** @internal */
export interface SigningAlgorithmEntry {
  readonly alg: SigningAlgorithm;
  readonly kty: 'EC' | 'OKP';
  readonly crv: 'P-256' | 'Ed25519';
  /** Length of the JOSE signature (r ‖ s for ECDSA). */
  readonly signatureLength: 64;
  readonly importParams: EcKeyImportParams | Algorithm;
  readonly signParams: EcdsaParams | Algorithm;
}

/** @internal */
export interface KeyManagementEntry {
  readonly alg: KeyManagementAlgorithm;
  /** The device key operation: ECDH agreement (the store returns Z) or RSA decryption. */
  readonly keyOperation: 'agree' | 'decrypt';
  /** The kind of device key that can perform it. */
  readonly keyAlgorithm: EncryptionAlgorithm;
  /** AES-KW key length in bytes for the `+A…KW` variants; absent for direct agreement and RSA. */
  readonly kekLength?: 16 | 32;
}

/** @internal */
export interface ContentEncryptionEntry {
  readonly enc: ContentEncryptionAlgorithm;
  readonly keyLength: 16 | 32;
}

/** @internal */
export const SIGNING_ALGORITHMS: Readonly<Record<SigningAlgorithm, SigningAlgorithmEntry>> = {
  ES256: {
    alg: 'ES256',
    kty: 'EC',
    crv: 'P-256',
    signatureLength: 64,
    importParams: { name: 'ECDSA', namedCurve: 'P-256' },
    signParams: { name: 'ECDSA', hash: 'SHA-256' },
  },
  EdDSA: {
    alg: 'EdDSA',
    kty: 'OKP',
    crv: 'Ed25519',
    signatureLength: 64,
    importParams: { name: 'Ed25519' },
    signParams: { name: 'Ed25519' },
  },
};

/** @internal */
export const KEY_MANAGEMENT_ALGORITHMS: Readonly<
  Record<KeyManagementAlgorithm, KeyManagementEntry>
> = {
  'ECDH-ES': { alg: 'ECDH-ES', keyOperation: 'agree', keyAlgorithm: 'ECDH-ES' },
  'ECDH-ES+A128KW': {
    alg: 'ECDH-ES+A128KW',
    keyOperation: 'agree',
    keyAlgorithm: 'ECDH-ES',
    kekLength: 16,
  },
  'ECDH-ES+A256KW': {
    alg: 'ECDH-ES+A256KW',
    keyOperation: 'agree',
    keyAlgorithm: 'ECDH-ES',
    kekLength: 32,
  },
  'RSA-OAEP-256': { alg: 'RSA-OAEP-256', keyOperation: 'decrypt', keyAlgorithm: 'RSA-OAEP-256' },
  'RSA-OAEP': { alg: 'RSA-OAEP', keyOperation: 'decrypt', keyAlgorithm: 'RSA-OAEP' },
};

/** @internal */
const CONTENT_ENCRYPTION_ALGORITHMS: Readonly<
  Record<ContentEncryptionAlgorithm, ContentEncryptionEntry>
> = {
  A128GCM: { enc: 'A128GCM', keyLength: 16 },
  A256GCM: { enc: 'A256GCM', keyLength: 32 },
};

function lookup<T>(table: Readonly<Record<string, T>>, name: unknown, what: string): T {
  if (typeof name !== 'string' || !Object.hasOwn(table, name)) {
    fail(
      'UNSUPPORTED_ALGORITHM',
      `${what} ${JSON.stringify(String(name)).slice(0, 40)} is not allowed`,
    );
  }
  return table[name]!;
}

/** @internal Resolves a JWS `alg`. @throws `UNSUPPORTED_ALGORITHM` */
export function signingAlgorithm(alg: unknown): SigningAlgorithmEntry {
  return lookup(SIGNING_ALGORITHMS, alg, 'signature algorithm');
}

/** @internal Resolves a JWE `alg`. @throws `UNSUPPORTED_ALGORITHM` */
export function keyManagementAlgorithm(alg: unknown): KeyManagementEntry {
  return lookup(KEY_MANAGEMENT_ALGORITHMS, alg, 'key management algorithm');
}

/** @internal Resolves a JWE `enc`. @throws `UNSUPPORTED_ALGORITHM` */
export function contentEncryptionAlgorithm(enc: unknown): ContentEncryptionEntry {
  return lookup(CONTENT_ENCRYPTION_ALGORITHMS, enc, 'content encryption algorithm');
}

/**
 * @internal The signature algorithm implied by a public key, so `alg` always comes from
 * the key and the two can never disagree.
 */
export function signingAlgorithmForKey(jwk: PublicJwk): SigningAlgorithmEntry {
  if (jwk.kty === 'EC') return SIGNING_ALGORITHMS.ES256;
  if (jwk.kty === 'OKP') return SIGNING_ALGORITHMS.EdDSA;
  return fail('UNSUPPORTED_ALGORITHM', 'RSA keys are not used for signing');
}

/** @internal The JWK `alg` an encryption key of this kind carries (what the server seals with). */
export function encryptionJwkAlg(algorithm: EncryptionAlgorithm): KeyManagementAlgorithm {
  return algorithm === 'ECDH-ES' ? 'ECDH-ES+A256KW' : algorithm;
}
