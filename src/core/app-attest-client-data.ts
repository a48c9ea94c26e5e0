// What an App Attest attestation of a device key vouches for: the clientDataHash the iOS
// adapter passes to `attestKey` and the server expects, computed in one place for both.

import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from './bytes.js';
import { minimalPublicJwk, type PublicJwk, thumbprintInput } from './jwk.js';
import { utf8Encode } from './utf8.js';

/**
 * @internal SHA-256 over the RFC 7638 canonical JSON of `publicKey` followed by `challenge`
 * (when the key was made with one), so the attestation vouches for this key and challenge.
 */
export function appAttestClientDataHash(
  publicKey: PublicJwk,
  challenge: Uint8Array | undefined,
): Uint8Array {
  const keyJson = utf8Encode(thumbprintInput(minimalPublicJwk(publicKey)));
  return sha256(challenge === undefined ? keyJson : concatBytes(keyJson, challenge));
}
