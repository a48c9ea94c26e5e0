// Public keys as the server receives them (handshake and proof headers, registered keys, keys
// to seal to): the shared JWK checks, then what needs the decoded key: RSA integers, Ed25519
// points of small order or in non-canonical form, P-256 coordinates in range.

import { ed25519 } from '@noble/curves/ed25519.js';
import { decodeBase64url } from '../../core/base64url.js';
import { equalBytes } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import { minimalPublicJwk, type PublicJwk, parsePublicJwk } from '../../core/jwk.js';
import { checkRsaPublicJwk } from '../../core/rsa-public-key.js';
import { LruMap } from './lru-map.js';

// The P-256 field prime, big-endian (SEC 2 §2.4.2).
const P256_P = Uint8Array.from(
  'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff'.match(/../g)!,
  (hex) => Number.parseInt(hex, 16),
);

// Ed25519 keys already found sound, by `x`: decompressing a point costs about as much as
// verifying a signature, and a device sends the same key with every request.
const soundEd25519Keys = new LruMap<string, true>(4096);

/** Whether the big-endian `a` is below the big-endian `b` of the same length. */
function lessThan(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

function checkP256Coordinate(value: string, what: string): void {
  // A coordinate at or above p names the same point as the reduced one: a second spelling,
  // a second device id (SEC 1 §2.3.5 requires 0 ≤ x, y < p).
  if (!lessThan(decodeBase64url(value, what), P256_P))
    fail('INVALID_ARGUMENT', `${what} is not below the P-256 field prime`);
}

function checkEd25519Point(x: string, what: string): void {
  if (soundEd25519Keys.get(x) !== undefined) return;
  let smallOrder: boolean;
  try {
    // Strict RFC 8032 §5.1.3 decoding (not ZIP 215): y must be below p, and x = 0 with the
    // sign bit set is refused, so each point has one encoding and one device id.
    smallOrder = ed25519.Point.fromBytes(decodeBase64url(x, what), false).isSmallOrder();
  } catch (err) {
    fail('INVALID_ARGUMENT', `${what} is not a canonical Ed25519 point`, err);
  }
  // With a point of order 1, 2, 4 or 8 as the key, R = identity and S = 0 verify for every
  // message under the cofactorless check (RFC 8032 §5.1.7): a signature with no private key.
  if (smallOrder)
    fail('INVALID_ARGUMENT', `${what} is a point of small order, which is not a usable key`);
  soundEd25519Keys.set(x, true);
}

/**
 * @internal {@link parsePublicJwk}, plus the checks on the decoded key that every server
 * entry point needs: RSA `n` and `e` as integers (`checkRsaPublicJwk`), Ed25519 `x` a
 * canonical point that is not of small order, P-256 `x` and `y` below the field prime. (That
 * a P-256 point is on the curve is checked when WebCrypto imports it.)
 * @throws `INVALID_ARGUMENT` naming the member; `UNSUPPORTED_ALGORITHM` for another key type.
 */
export function parseServerPublicJwk(value: unknown, what: string): PublicJwk {
  const jwk = parsePublicJwk(value, what);
  if (jwk.kty === 'RSA') checkRsaPublicJwk(jwk, what);
  else if (jwk.kty === 'OKP') checkEd25519Point(jwk.x, `${what}.x`);
  else {
    checkP256Coordinate(jwk.x, `${what}.x`);
    checkP256Coordinate(jwk.y, `${what}.y`);
  }
  return jwk;
}

/**
 * @internal Whether two parsed public keys are the same key, by the decoded bytes of the
 * members that identify it (RFC 7638 §3.2), not by how they are spelled.
 */
export function sameKey(a: PublicJwk, b: PublicJwk): boolean {
  const other = minimalPublicJwk(b) as unknown as Record<string, string>;
  return Object.entries(minimalPublicJwk(a)).every(([name, value]: [string, string]) =>
    name === 'kty' || name === 'crv'
      ? other[name] === value
      : typeof other[name] === 'string' &&
        equalBytes(decodeBase64url(value, name), decodeBase64url(other[name], name)),
  );
}
