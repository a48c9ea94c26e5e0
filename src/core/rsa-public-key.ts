// RSA public keys checked on their decoded integers, wherever one enters (handshakes, sealing,
// native key records). Server and bridge code only: the browser client never parses RSA keys.

import { decodeBase64url } from './base64url.js';
import { fail } from './errors.js';
import type { RsaPublicJwk } from './jwk.js';

/** Smallest accepted modulus, in bits (NIST SP 800-57 Part 1: 112-bit security and up). */
export const RSA_MIN_MODULUS_BITS = 2048;
/** Largest accepted modulus, in bits: bounds the work one key can cost the server. */
export const RSA_MAX_MODULUS_BITS = 8192;

/** @internal Which integer of an RSA public key is wrong, and how. */
export interface RsaKeyProblem {
  readonly member: 'n' | 'e';
  readonly problem: string;
}

function bitLength(bytes: Uint8Array): number {
  return bytes.length === 0 ? 0 : bytes.length * 8 - (Math.clz32(bytes[0]!) - 24);
}

/**
 * @internal What is wrong with the big-endian integers of an RSA public key, or `undefined`
 * when nothing is: the modulus odd, of 2048 to 8192 bits; the exponent odd, from 3 to
 * 2^32 − 1 (65537 is what every platform generates); both in their minimal encoding.
 */
export function rsaKeyProblem(n: Uint8Array, e: Uint8Array): RsaKeyProblem | undefined {
  // RFC 7518 §2 (Base64urlUInt) and X.690 DER both require the minimal encoding: a leading
  // zero byte would let a short modulus pose as a long one, and give one key two spellings.
  if (n[0] === 0) return { member: 'n', problem: 'has a leading zero byte' };
  const bits = bitLength(n);
  if (bits < RSA_MIN_MODULUS_BITS || bits > RSA_MAX_MODULUS_BITS) {
    return {
      member: 'n',
      problem: `is a ${bits}-bit modulus; ${RSA_MIN_MODULUS_BITS} to ${RSA_MAX_MODULUS_BITS} bits are accepted`,
    };
  }
  // A product of two odd primes is odd.
  if (!(n[n.length - 1]! & 1)) return { member: 'n', problem: 'is even, so not an RSA modulus' };
  // e = 1 makes encryption the identity (the content key travels in the clear); an even e
  // is never invertible mod λ(n). RFC 8017 §3.1 bounds e to [3, n − 1]; the 4-byte cap
  // refuses absurd exponents that only cost the server time.
  const eBad =
    e.length === 0 ||
    e.length > 4 ||
    e[0] === 0 ||
    !(e[e.length - 1]! & 1) ||
    (e.length === 1 && e[0]! < 3);
  if (eBad) {
    return {
      member: 'e',
      problem: 'must be an odd public exponent from 3 to 2^32 − 1 (65537 is usual)',
    };
  }
  return undefined;
}

/**
 * @internal Checks an RSA public JWK's `n` and `e` as integers (they are already known to be
 * canonical base64url): see {@link rsaKeyProblem}.
 * @throws `INVALID_ARGUMENT` naming `<what>.n` or `<what>.e`.
 */
export function checkRsaPublicJwk(jwk: RsaPublicJwk, what: string): void {
  const found = rsaKeyProblem(
    decodeBase64url(jwk.n, `${what}.n`),
    decodeBase64url(jwk.e, `${what}.e`),
  );
  if (found !== undefined) fail('INVALID_ARGUMENT', `${what}.${found.member} ${found.problem}`);
}
