// Compact JWS assembly (RFC 7515 §7.1) with the signature delegated to the key store.

import type { SigningAlgorithmEntry } from './algorithms.js';
import { encodeBase64url } from './base64url.js';
import { fail } from './errors.js';
import type { PublicJwk } from './jwk.js';
import { utf8Encode } from './utf8.js';

/** @internal Signs bytes with the device key; returns the JOSE signature. */
export type Signer = (data: Uint8Array) => Promise<Uint8Array>;

/** @internal Encodes a JSON value as base64url(UTF-8(JSON)). */
function encodeJsonSegment(value: unknown): string {
  return encodeBase64url(utf8Encode(JSON.stringify(value)));
}

/** @internal The encoded protected header `{ typ, alg, jwk }`, computed once per key and type. */
export function encodeProtectedHeader(
  typ: string,
  algorithm: SigningAlgorithmEntry,
  jwk: PublicJwk,
): string {
  return encodeJsonSegment({ typ, alg: algorithm.alg, jwk });
}

/**
 * @internal Signs `payload` under an already-encoded protected header.
 * @throws `KEYSTORE_ERROR` when the store returns a signature of the wrong length.
 */
export async function signCompactJws(
  encodedHeader: string,
  payload: object,
  algorithm: SigningAlgorithmEntry,
  sign: Signer,
): Promise<string> {
  const signingInput = `${encodedHeader}.${encodeJsonSegment(payload)}`;
  const signature = await sign(utf8Encode(signingInput));
  // A DER-encoded or truncated signature from a misbehaving store would make tokens that no
  // verifier accepts; catch it here rather than at the server.
  if (!(signature instanceof Uint8Array) || signature.length !== algorithm.signatureLength) {
    fail('KEYSTORE_ERROR', `the key store returned a malformed ${algorithm.alg} signature`);
  }
  return `${signingInput}.${encodeBase64url(signature)}`;
}
