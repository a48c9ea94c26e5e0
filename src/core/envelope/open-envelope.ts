// Opens a JWE envelope addressed to this device: parse, allowlist, key recovery through
// the key store, then AES-GCM over the ciphertext with the protected header (and aad).

import { assertBytes, assertObject } from '../assert.js';
import { encodeBase64url } from '../base64url.js';
import { wipe } from '../bytes.js';
import { DeviceBindingError } from '../errors.js';
import { utf8Encode } from '../utf8.js';
import { recoverContentKey } from './content-key.js';
import { checkEnvelopeKey } from './envelope-key.js';
import { malformed, openFailed } from './failure.js';
import { decodeBody, parseJwe, sealedOf } from './parse-jwe.js';
import { resolveHeader } from './resolve-header.js';
import { decryptText, type TextDecryption } from './store-content.js';
import type { EnvelopeInput, EnvelopeKey, OpenEnvelopeOptions } from './types.js';

/** @internal `options.aad` as bytes, or undefined when absent or empty (as `jose` treats it). */
function aadBytes(aad: unknown): Uint8Array | undefined {
  if (aad === undefined) return undefined;
  const bytes =
    typeof aad === 'string'
      ? utf8Encode(aad)
      : assertBytes(aad, 'options.aad', 'a string, a Uint8Array or an ArrayBuffer');
  return bytes.length === 0 ? undefined : bytes;
}

/**
 * Opens an envelope (a JWE made by `sealEnvelope`, by `jose`, or by any RFC 7516
 * implementation using the allowlisted algorithms) with the device encryption key.
 *
 * Allowlist: `alg` ECDH-ES, ECDH-ES+A128KW, ECDH-ES+A256KW (EC keys), or the RSA key's own
 * RSA-OAEP-256 / RSA-OAEP; `enc` A128GCM or A256GCM; no `zip`, no `crit`. Anything that
 * fails once key material is involved gives the same `INVALID_ENVELOPE` error.
 *
 * @param key - the device encryption key, its store and the crypto backend
 * @param envelope - compact JWE, flattened JWE object, that object's JSON text, or the
 * UTF-8 bytes of either text
 * @param options - `aad`: the additional authenticated data the envelope must carry
 * @returns the plaintext
 * @throws `INVALID_ARGUMENT` for a malformed argument; `UNSUPPORTED_ALGORITHM` for an
 * algorithm, curve or parameter outside the allowlist or not matching the key;
 * `INVALID_ENVELOPE` for a malformed envelope and, with one fixed message, for every
 * failure after parsing (wrong device, wrong aad, any altered bit); store errors about
 * the key itself (`KEY_NOT_FOUND`, `KEY_INVALIDATED`, `USER_CANCELLED`, `KEYSTORE_ERROR`, …).
 * @example
 * ```ts
 * const bytes = await openEnvelopeWithKey({ keyStore, info, crypto }, envelope, { aad: orderId });
 * ```
 */
export async function openEnvelopeWithKey(
  key: EnvelopeKey,
  envelope: EnvelopeInput,
  options: OpenEnvelopeOptions = {},
): Promise<Uint8Array> {
  checkEnvelopeKey(key);
  const aad = aadBytes(assertObject(options).aad);
  const jwe = parseJwe(envelope);
  const h = resolveHeader(jwe.header, key.info.algorithm);
  const body = decodeBody(jwe);
  // Direct agreement carries no wrapped key (RFC 7516 §5.2 step 10).
  if (
    h.km.keyOperation === 'agree' &&
    h.km.kekLength === undefined &&
    body.encryptedKey.length !== 0
  ) {
    malformed('encrypted_key (must be empty for ECDH-ES)');
  }
  // The caller's aad is what gets authenticated. A flattened envelope's `aad` member must
  // say the same (absent iff no aad); a compact one has none (sealed values leave it out).
  const aadB64 = aad === undefined ? undefined : encodeBase64url(aad);
  if (jwe.aadB64 !== undefined && jwe.aadB64 !== (aadB64 ?? '')) openFailed();
  const additionalData = utf8Encode(
    aadB64 === undefined ? jwe.protectedB64 : `${jwe.protectedB64}.${aadB64}`,
  );
  let cek: Uint8Array | undefined;
  try {
    cek = await recoverContentKey(key, h, body.encryptedKey);
    const gcmKey = await key.crypto.importAesGcmKey(cek);
    const asText = (key.crypto as TextDecryption)[decryptText];
    return await (body.sealed === undefined && asText !== undefined
      ? asText(gcmKey, body.iv, body.ciphertext, body.tag, additionalData)
      : key.crypto.aesGcmDecrypt(gcmKey, body.iv, sealedOf(body), additionalData));
  } catch (err) {
    // Store errors about the key or the user pass through; anything else is the one error.
    if (cek === undefined && err instanceof DeviceBindingError) throw err;
    return openFailed();
  } finally {
    wipe(cek);
  }
}
