// sealEnvelope: encrypts data for one device's encryption key with `jose`, choosing the
// algorithm from the key itself (ECDH-ES+A256KW for EC keys, the declared OAEP for RSA).

import { CompactEncrypt, FlattenedEncrypt, importJWK } from 'jose';
import { KEY_MANAGEMENT_ALGORITHMS, type KeyManagementAlgorithm } from '../core/algorithms.js';
import { assertObject } from '../core/assert.js';
import { bodyBytes } from '../core/content-digest.js';
import { fail, wrapErrors } from '../core/errors.js';
import { minimalPublicJwk, type PublicJwk } from '../core/jwk.js';
import { parseServerPublicJwk } from './lib/public-key.js';

/** Options of {@link sealEnvelope}. */
export interface SealEnvelopeOptions {
  /**
   * Additional authenticated data (a string is taken as UTF-8). When given, the result is a
   * flattened JWE in JSON and the device must pass the same `aad` to `openEnvelope`.
   */
  aad?: Uint8Array | ArrayBuffer | string;
}

/** @internal A device encryption key ready for `jose`. */
export interface SealKey {
  readonly alg: KeyManagementAlgorithm;
  readonly key: CryptoKey;
}

/** The content encryption of every envelope devicebind seals. */
export const SEAL_ENC = 'A256GCM';

/**
 * @internal Validates a device's public encryption key and picks the `alg` to seal with:
 * ECDH-ES+A256KW for P-256 keys, the key's own declared `alg` for RSA keys. RSA keys are
 * checked as integers (`checkRsaPublicJwk`): sealing to e = 1 would send the content key in
 * the clear.
 * @throws `INVALID_ARGUMENT` for a malformed key (naming the member), a signing key, or an RSA
 * key without an OAEP `alg`; `UNSUPPORTED_ALGORITHM` for another key type, curve or algorithm.
 */
export function sealAlgorithm(encryptionKey: unknown): {
  alg: KeyManagementAlgorithm;
  jwk: JsonWebKey;
} {
  const jwk = parseServerPublicJwk(encryptionKey, '"encryptionKey"');
  if (jwk.use === 'sig') {
    fail(
      'INVALID_ARGUMENT',
      '"encryptionKey" is a signing key (use "sig"); pass the device encryption key',
    );
  }
  if (jwk.kty === 'OKP') {
    fail(
      'INVALID_ARGUMENT',
      '"encryptionKey" is an Ed25519 signing key; pass the device encryption key',
    );
  }
  const declared =
    jwk.alg !== undefined && Object.hasOwn(KEY_MANAGEMENT_ALGORITHMS, jwk.alg)
      ? KEY_MANAGEMENT_ALGORITHMS[jwk.alg as KeyManagementAlgorithm]
      : undefined;
  if (jwk.kty === 'EC') {
    // Any ECDH-ES variant (or none) marks an EC encryption key; ES256 marks a signing key.
    if (jwk.alg !== undefined && declared?.keyOperation !== 'agree') {
      fail(
        'INVALID_ARGUMENT',
        '"encryptionKey.alg" is not an ECDH-ES algorithm: is this the signing key?',
      );
    }
    return { alg: 'ECDH-ES+A256KW', jwk: minimalPublicJwk(jwk) as JsonWebKey };
  }
  // The device opens only the OAEP variant its key declares (RSA-OAEP exists for Android
  // Keystore keys whose OAEP uses MGF1-SHA-1), so an RSA key must declare it.
  if (declared?.keyOperation !== 'decrypt') {
    fail(
      'INVALID_ARGUMENT',
      '"encryptionKey.alg" must be "RSA-OAEP-256" or "RSA-OAEP" for an RSA key',
    );
  }
  return { alg: declared.alg, jwk: minimalPublicJwk(jwk) as JsonWebKey };
}

/** @internal {@link sealAlgorithm}, then the key imported for `jose`. */
export async function sealKey(encryptionKey: unknown): Promise<SealKey> {
  const { alg, jwk } = sealAlgorithm(encryptionKey);
  const key = await wrapErrors(
    'INVALID_ARGUMENT',
    '"encryptionKey" could not be imported (is it a valid public key?)',
    () => importJWK(jwk, alg),
  );
  return { alg, key: key as CryptoKey };
}

/**
 * Encrypts `plaintext` for one device, so only that device's key store can open it: a
 * JWE with `ECDH-ES+A256KW` (EC keys) or the key's declared `RSA-OAEP-256`/`RSA-OAEP`
 * (RSA keys), and `A256GCM`.
 *
 * @param plaintext - the bytes (or UTF-8 text) to encrypt
 * @param encryptionKey - the device's public encryption key (`encryptionKey` of the verified
 * handshake; its `signingKey` is refused)
 * @param options - `aad`: additional data the device must present to open it
 * @returns a compact JWE, or, when `aad` is given, a flattened JWE as JSON text
 * @throws `INVALID_ARGUMENT` for a malformed argument, a signing key, or an RSA key with
 * unsound integers (e.g. `e` = 1, an even or short modulus);
 * `UNSUPPORTED_ALGORITHM` for an unsupported key type, curve or algorithm.
 * @example
 * ```ts
 * const { encryptionKey } = await verifyHandshake(token, { expectedNonce: challenge });
 * const envelope = await sealEnvelope(fileBytes, encryptionKey);
 * ```
 */
export async function sealEnvelope(
  plaintext: Uint8Array | ArrayBuffer | string,
  encryptionKey: PublicJwk,
  options: SealEnvelopeOptions = {},
): Promise<string> {
  const data = bodyBytes(plaintext, 'plaintext');
  const { aad: aadOption } = assertObject(options);
  const aad = aadOption === undefined ? undefined : bodyBytes(aadOption, 'options.aad');
  const { alg, key } = await sealKey(encryptionKey);
  const header = { alg, enc: SEAL_ENC };
  return wrapErrors('INVALID_ARGUMENT', 'the envelope could not be sealed', async () => {
    if (aad === undefined || aad.length === 0) {
      return new CompactEncrypt(data).setProtectedHeader(header).encrypt(key);
    }
    const jwe = await new FlattenedEncrypt(data)
      .setProtectedHeader(header)
      .setAdditionalAuthenticatedData(aad)
      .encrypt(key);
    return JSON.stringify(jwe);
  });
}
