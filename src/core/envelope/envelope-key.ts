// Checks the device key handed to the envelope code and resolves what it can open and seal
// with, from the algorithm registry only.

import {
  type EncryptionAlgorithm,
  encryptionJwkAlg,
  type KeyManagementEntry,
  keyManagementAlgorithm,
} from '../algorithms.js';
import { mustBe } from '../assert.js';
import { fail } from '../errors.js';
import type { EnvelopeKey } from './types.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * @internal Validates `key` and returns the registry entry of the `alg` the key declares
 * (what the server seals with, and what seal-to-self uses).
 * @throws `INVALID_ARGUMENT` for a malformed key handle; `UNSUPPORTED_ALGORITHM` for a key
 * that is not an encryption key.
 */
export function checkEnvelopeKey(key: EnvelopeKey): KeyManagementEntry {
  const info = (isObject(key) ? key.info : undefined) as Record<string, unknown> | undefined;
  if (
    !isObject(info) ||
    !isObject(key.keyStore) ||
    !isObject(key.crypto) ||
    typeof info.alias !== 'string' ||
    !isObject(info.publicKey)
  ) {
    mustBe('key', '{ keyStore, info, crypto } for the device encryption key');
  }
  const entry = keyManagementAlgorithm(encryptionJwkAlg(info.algorithm as EncryptionAlgorithm));
  if (info.purpose !== 'encrypt' || entry.keyAlgorithm !== info.algorithm) {
    fail('UNSUPPORTED_ALGORITHM', '"key" is not an encryption key');
  }
  return entry;
}
