// Public keys across the bridge: native code sends X.509 SubjectPublicKeyInfo (RFC 5280 §4.1)
// for its keys, and receives peer P-256 keys as uncompressed SEC1 points. Points are checked
// to be on the curve and RSA moduli to have an allowed size.

import { p256 } from '@noble/curves/nist.js';
import { decodeBase64url, encodeBase64url } from '../../core/base64url.js';
import { concatBytes, equalBytes } from '../../core/bytes.js';
import { fail } from '../../core/errors.js';
import type { EcPublicJwk, RsaPublicJwk } from '../../core/jwk.js';
import { rsaKeyProblem } from '../../core/rsa-public-key.js';
import { malformed } from './codec.js';
import { readDerChildren, readDerUnsignedInteger, readWholeDer } from './der.js';

/** @internal DER of `SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (65 bytes) }` up to the point. */
export const P256_SPKI_PREFIX = Uint8Array.of(
  0x30,
  0x59,
  0x30,
  0x13,
  0x06,
  0x07,
  0x2a,
  0x86,
  0x48,
  0xce,
  0x3d,
  0x02,
  0x01,
  0x06,
  0x08,
  0x2a,
  0x86,
  0x48,
  0xce,
  0x3d,
  0x03,
  0x01,
  0x07,
  0x03,
  0x42,
  0x00,
);

/** @internal DER of `SEQUENCE { rsaEncryption, NULL }` (RFC 8017 Appendix C). */
export const RSA_ALGORITHM_IDENTIFIER = Uint8Array.of(
  0x30,
  0x0d,
  0x06,
  0x09,
  0x2a,
  0x86,
  0x48,
  0x86,
  0xf7,
  0x0d,
  0x01,
  0x01,
  0x01,
  0x05,
  0x00,
);

const RSA_MODULUS_BITS = [2048, 3072, 4096];

/** @internal The P-256 public key in a SubjectPublicKeyInfo, checked to be on the curve. */
export function ecJwkFromSpki(spki: Uint8Array, what: string): EcPublicJwk {
  if (
    spki.length !== P256_SPKI_PREFIX.length + 65 ||
    !equalBytes(spki.subarray(0, P256_SPKI_PREFIX.length), P256_SPKI_PREFIX)
  ) {
    malformed(what);
  }
  const point = spki.subarray(P256_SPKI_PREFIX.length);
  try {
    // fromBytes refuses points off the curve and the point at infinity.
    p256.Point.fromBytes(point);
  } catch (err) {
    return malformed(what, err);
  }
  return {
    kty: 'EC',
    crv: 'P-256',
    x: encodeBase64url(point.subarray(1, 33)),
    y: encodeBase64url(point.subarray(33, 65)),
  };
}

/**
 * @internal The RSA public key in a SubjectPublicKeyInfo: 2048, 3072 or 4096 bits (what
 * Android Keystore makes), and integers that pass `rsaKeyProblem` like every RSA key.
 */
export function rsaJwkFromSpki(spki: Uint8Array, what: string): RsaPublicJwk {
  try {
    const outer = readWholeDer(spki, 0x30);
    const [algorithm, bitString, ...rest] = readDerChildren(outer);
    if (algorithm === undefined || bitString === undefined || rest.length > 0)
      return malformed(what);
    if (!equalBytes(outer.subarray(0, algorithm.end), RSA_ALGORITHM_IDENTIFIER))
      return malformed(what);
    if (bitString.tag !== 0x03 || bitString.contents[0] !== 0) return malformed(what);
    const [modulus, exponent, ...extra] = readDerChildren(
      readWholeDer(bitString.contents.subarray(1), 0x30),
    );
    if (modulus === undefined || exponent === undefined || extra.length > 0) return malformed(what);
    const n = readDerUnsignedInteger(modulus);
    const e = readDerUnsignedInteger(exponent);
    const bits = n.length * 8 - Math.clz32(n[0]!) + 24;
    const problem = rsaKeyProblem(n, e);
    if (problem !== undefined)
      return malformed(`${what} (RSA "${problem.member}" ${problem.problem})`);
    if (!RSA_MODULUS_BITS.includes(bits)) return malformed(what);
    return { kty: 'RSA', n: encodeBase64url(n), e: encodeBase64url(e) };
  } catch (err) {
    return malformed(what, err);
  }
}

/** @internal The modulus length in bytes of an RSA public JWK. */
export function rsaModulusLength(jwk: RsaPublicJwk): number {
  return decodeBase64url(jwk.n, 'the RSA modulus').length;
}

/**
 * @internal The uncompressed SEC1 point (65 bytes) of a peer's P-256 public JWK, checked to
 * be on the curve (an invalid-curve point could leak the private key, SEC 1 §3.2.2).
 * @throws `INVALID_ARGUMENT`
 */
export function peerPointFromJwk(jwk: EcPublicJwk, what: string): Uint8Array {
  const point = concatBytes(
    Uint8Array.of(4),
    decodeBase64url(jwk.x, `${what}.x`),
    decodeBase64url(jwk.y, `${what}.y`),
  );
  try {
    if (point.length !== 65) throw new Error('wrong length');
    p256.Point.fromBytes(point);
  } catch (err) {
    fail('INVALID_ARGUMENT', `${what} is not a point on P-256`, err);
  }
  return point;
}
