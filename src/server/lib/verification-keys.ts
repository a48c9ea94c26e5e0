// Imported verification keys, cached by RFC 7638 canonical JSON, so a device's public key is
// imported and hashed once, not on every request.

import type { SigningAlgorithmEntry } from '../../core/algorithms.js';
import { DeviceBindingError, fail, refuse } from '../../core/errors.js';
import { minimalPublicJwk, type PublicJwk } from '../../core/jwk.js';
import type { CompactJwsParts, VerificationCode } from './compact-jws.js';
import { LruMap } from './lru-map.js';
import type { ProtectedHeader } from './protected-header.js';
import { thumbprintOf } from './small-digest.js';

/** @internal A public key ready for `crypto.subtle.verify`, with its thumbprint. */
export interface VerificationKey {
  /** RFC 7638 SHA-256 thumbprint, base64url: the device id. */
  readonly thumbprint: string;
  readonly key: CryptoKey;
}

/** How many device keys stay imported; a miss costs one key import and one hash. */
const CAPACITY = 4096;

// Keyed by the RFC 7638 canonical JSON, which is the thumbprint's input: equal keys, equal
// entries. Promises are cached so concurrent first requests share one import.
const cache = new LruMap<string, Promise<VerificationKey>>(CAPACITY);

/** @internal `crypto.subtle`, or a `CRYPTO_UNAVAILABLE` error naming what is missing. */
export function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    fail(
      'CRYPTO_UNAVAILABLE',
      'devicebind/server needs WebCrypto (crypto.subtle); use Node 20+, Deno, Bun or Workers',
    );
  }
  return subtle;
}

async function importVerificationKey(
  jwk: PublicJwk,
  canonicalKey: string,
  algorithm: SigningAlgorithmEntry,
): Promise<VerificationKey> {
  const subtle = subtleCrypto();
  if (jwk.kty === 'RSA') fail('UNSUPPORTED_ALGORITHM', 'RSA keys are not used for signing');
  // importKey rejects points that are not on the curve. The thumbprint is hashed here and
  // now: its input is short, so a WebCrypto round trip would cost more than the hash.
  const thumbprint = thumbprintOf(canonicalKey);
  const key = await subtle.importKey('jwk', minimalPublicJwk(jwk), algorithm.importParams, false, [
    'verify',
  ]);
  return { key, thumbprint };
}

/**
 * @internal The imported key and thumbprint for `jwk`, from the cache when it is there.
 * Rejects (and caches nothing) when the key cannot be imported.
 */
export function verificationKey(
  jwk: PublicJwk,
  canonicalKey: string,
  algorithm: SigningAlgorithmEntry,
): Promise<VerificationKey> {
  const cached = cache.get(canonicalKey);
  if (cached !== undefined) return cached;
  const pending = importVerificationKey(jwk, canonicalKey, algorithm);
  cache.set(canonicalKey, pending);
  pending.catch(() => {
    if (cache.get(canonicalKey) === pending) cache.delete(canonicalKey);
  });
  return pending;
}

/**
 * @internal Verifies a JWS signature (r ‖ s for ES256, RFC 7518 §3.4). A signature of the
 * wrong length, or one the runtime refuses to process, is simply invalid.
 */
export async function verifySignature(
  algorithm: SigningAlgorithmEntry,
  key: CryptoKey,
  signingInput: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (signature.length !== algorithm.signatureLength) return false;
  try {
    return await subtleCrypto().verify(
      algorithm.signParams,
      key,
      signature as Uint8Array<ArrayBuffer>,
      signingInput as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return false;
  }
}

/**
 * @internal Checks the signature of a parsed JWS with the key its header embeds.
 * @throws `code` with detail `jwk`/`malformed` for a key that cannot be imported (not a point
 * on the curve), `signature`/`invalid_signature` for a signature that does not verify.
 */
export async function checkJwsSignature(
  parts: CompactJwsParts,
  header: ProtectedHeader,
  code: VerificationCode,
  what: string,
): Promise<void> {
  let valid = false;
  try {
    const { key } = await verificationKey(header.jwk, header.canonicalKey, header.algorithm);
    valid = await verifySignature(header.algorithm, key, parts.signingInput, parts.signature);
  } catch (err) {
    if (err instanceof DeviceBindingError) throw err;
    refuse(code, `${what} "jwk" is not a valid public key`, { claim: 'jwk', reason: 'malformed' });
  }
  if (!valid)
    refuse(code, `${what} signature is invalid`, {
      claim: 'signature',
      reason: 'invalid_signature',
    });
}
