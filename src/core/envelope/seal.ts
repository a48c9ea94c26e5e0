// Sealing to self (OWASP MASTG device binding): data kept at rest is encrypted to the
// device's own encryption key, bound to the device id and a caller-chosen context.

import { contentEncryptionAlgorithm } from '../algorithms.js';
import { assertBytes, assertString, mustBe } from '../assert.js';
import { concatBytes, uint32BE } from '../bytes.js';
import { fail, wrapErrors } from '../errors.js';
import { utf8Encode } from '../utf8.js';
import { encryptToKey } from './encrypt-to-key.js';
import { checkEnvelopeKey } from './envelope-key.js';
import { openEnvelopeWithKey } from './open-envelope.js';
import type { EnvelopeKey, SealBinding } from './types.js';

const SEAL_LABEL = 'devicebind/sealed/v1';

function lengthPrefixed(text: string): Uint8Array {
  const bytes = utf8Encode(text);
  return concatBytes(uint32BE(bytes.length), bytes);
}

/**
 * @internal The additional authenticated data of a sealed value (docs/formats/sealed.md):
 * UTF-8 "devicebind/sealed/v1" ‖ len32 ‖ UTF-8 device id ‖ len32 ‖ UTF-8 context, each
 * length a 32-bit big-endian byte count.
 * @throws `INVALID_ARGUMENT` for a missing device id or a context that is not a string.
 */
export function sealedAad(binding: SealBinding): Uint8Array {
  const { deviceId, context = '' } = (binding ?? {}) as Partial<SealBinding>;
  if (typeof context !== 'string') mustBe('options.context', 'a string');
  return concatBytes(
    utf8Encode(SEAL_LABEL),
    lengthPrefixed(assertString(deviceId, 'binding.deviceId')),
    lengthPrefixed(context),
  );
}

/**
 * Seals `plaintext` to this device: a compact JWE to the device's own encryption key (its
 * declared `alg`, A256GCM), authenticated together with the device id and `context`. Only
 * the same key store entry, with the same device id and context, can unseal it.
 *
 * Sealing is pure: it reads `plaintext`, writes nothing and changes nothing, so a failure
 * half-way leaves the caller's data and any earlier sealed value exactly as they were.
 *
 * @param key - the device encryption key, its store and the crypto backend
 * @param plaintext - the bytes to protect
 * @param binding - the device id and an optional context string (default "")
 * @returns the sealed value, a compact JWE string
 * @throws `INVALID_ARGUMENT` for a malformed argument; `UNSUPPORTED_ALGORITHM` when the key
 * is not an encryption key; `KEYSTORE_ERROR` when the key's public part or the crypto
 * backend cannot be used.
 * @example
 * ```ts
 * const sealed = await sealWithKey(key, refreshToken, { deviceId, context: 'refresh-token' });
 * localStorage.setItem('rt', sealed);
 * ```
 */
export async function sealWithKey(
  key: EnvelopeKey,
  plaintext: Uint8Array | ArrayBuffer,
  binding: SealBinding,
): Promise<string> {
  const km = checkEnvelopeKey(key);
  const data = assertBytes(plaintext, 'plaintext');
  const aad = sealedAad(binding);
  return wrapErrors(
    'KEYSTORE_ERROR',
    'sealing failed: the device encryption key or crypto backend is unusable',
    () =>
      encryptToKey(
        key.crypto,
        km,
        contentEncryptionAlgorithm('A256GCM'),
        key.info.publicKey,
        data,
        aad,
      ),
  );
}

/**
 * Opens a value made by {@link sealWithKey} on this install, with the same device id and
 * context.
 *
 * @param key - the device encryption key, its store and the crypto backend
 * @param sealed - the sealed value
 * @param binding - the device id and the context given when sealing
 * @returns the plaintext
 * @throws `INVALID_ARGUMENT` for a malformed argument; `INVALID_ENVELOPE` for a value sealed
 * on another install, with another context, or altered (one fixed message); store errors
 * about the key itself (`KEY_NOT_FOUND`, `KEY_INVALIDATED`, `USER_CANCELLED`, …).
 * @example
 * ```ts
 * const refreshToken = await unsealWithKey(key, localStorage.getItem('rt')!, { deviceId, context: 'refresh-token' });
 * ```
 */
export async function unsealWithKey(
  key: EnvelopeKey,
  sealed: string,
  binding: SealBinding,
): Promise<Uint8Array> {
  assertString(sealed, 'sealed');
  if (sealed.charCodeAt(0) === 123) {
    fail('INVALID_ENVELOPE', 'a sealed value is a compact JWE, not JSON');
  }
  return openEnvelopeWithKey(key, sealed, { aad: sealedAad(binding) });
}
