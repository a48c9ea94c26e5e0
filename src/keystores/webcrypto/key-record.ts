// The record the WebCrypto store keeps per alias, and the strict check of a record read
// back from storage: anything that is not exactly what the store wrote is KEY_UNAVAILABLE.

import { fail } from '../../core/errors.js';
import { type PublicJwk, parsePublicJwk } from '../../core/jwk.js';
import type { KeyAlgorithm, KeyInfo, KeyPurpose } from '../contract.js';
import { KEY_KINDS, type KeyKind, purposeOf } from './key-kinds.js';

/** @internal What is stored under an alias (structured-cloneable: IndexedDB keeps it as is). */
export interface KeyRecord {
  readonly v: 1;
  readonly purpose: KeyPurpose;
  readonly algorithm: KeyAlgorithm;
  /** Non-extractable private key. */
  readonly privateKey: CryptoKey;
  readonly publicKey: PublicJwk;
  readonly createdAt: number;
}

/** @internal A record read back and checked, with its algorithm resolved. */
export interface LoadedKey {
  readonly record: KeyRecord;
  readonly kind: KeyKind;
}

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null;
}

// Checked by tag and shape, not `instanceof CryptoKey`: another WebCrypto implementation
// (passed as `crypto`) has its own CryptoKey class, with the same tag.
function isPrivateKeyFor(key: unknown, kind: KeyKind): key is CryptoKey {
  if (Object.prototype.toString.call(key) !== '[object CryptoKey]') return false;
  if (!isObject(key) || !isObject(key.algorithm) || !Array.isArray(key.usages)) return false;
  const hash = key.algorithm.hash;
  return (
    key.type === 'private' &&
    key.extractable === false &&
    key.algorithm.name === kind.name &&
    key.usages.includes(kind.usage) &&
    (kind.hash === undefined || (isObject(hash) && hash.name === kind.hash))
  );
}

/**
 * @internal Checks a record read from storage.
 * @throws `KEY_UNAVAILABLE` when it is not a record this store wrote.
 */
export function loadRecord(value: unknown, alias: string): LoadedKey {
  const unavailable = () =>
    fail(
      'KEY_UNAVAILABLE',
      `the stored key "${alias}" is unreadable; call unbind() and sign in again`,
    );
  if (!isObject(value) || value.v !== 1 || typeof value.algorithm !== 'string')
    return unavailable();
  if (!Object.hasOwn(KEY_KINDS, value.algorithm)) return unavailable();
  const kind = KEY_KINDS[value.algorithm as KeyAlgorithm];
  const { createdAt, privateKey } = value;
  const purpose = purposeOf(kind);
  if (value.purpose !== purpose || typeof createdAt !== 'number' || !Number.isFinite(createdAt)) {
    return unavailable();
  }
  if (!isPrivateKeyFor(privateKey, kind)) return unavailable();
  let publicKey: PublicJwk;
  try {
    publicKey = parsePublicJwk(value.publicKey);
  } catch {
    return unavailable();
  }
  const expected = kind.publicJwk(publicKey);
  if (
    publicKey.kty !== expected.kty ||
    publicKey.alg !== expected.alg ||
    publicKey.use !== expected.use
  ) {
    return unavailable();
  }
  return {
    record: {
      v: 1,
      purpose,
      algorithm: value.algorithm as KeyAlgorithm,
      privateKey,
      publicKey: expected,
      createdAt,
    },
    kind,
  };
}

/** @internal The public description of a loaded key (a fresh copy every time). */
export function keyInfo(alias: string, { record }: LoadedKey): KeyInfo {
  return {
    alias,
    purpose: record.purpose,
    algorithm: record.algorithm,
    publicKey: { ...record.publicKey },
    hardwareBacked: false,
    securityLevel: 'software',
    createdAt: record.createdAt,
  };
}
