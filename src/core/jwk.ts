// Public JWK shapes, strict validation of public keys received from outside, and the
// RFC 7638 thumbprint that serves as the device id.

import { encodeBase64url } from './base64url.js';
import type { CryptoBackend } from './crypto-backend.js';
import { fail } from './errors.js';
import { utf8Encode } from './utf8.js';

/** A public P-256 key (signing, or ECDH encryption). */
export interface EcPublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  alg?: string;
  use?: 'sig' | 'enc';
  kid?: string;
}

/** A public Ed25519 signing key. */
export interface OkpPublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  alg?: string;
  use?: 'sig';
  kid?: string;
}

/** A public RSA encryption key. */
export interface RsaPublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
  alg?: string;
  use?: 'enc';
  kid?: string;
}

/** Any public key devicebind sends or accepts. Never carries a private part. */
export type PublicJwk = EcPublicJwk | OkpPublicJwk | RsaPublicJwk;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const B64URL = /^[A-Za-z0-9_-]+$/;

function member(jwk: Record<string, unknown>, name: string, what: string, length?: number): string {
  const value = jwk[name];
  if (typeof value !== 'string' || !B64URL.test(value) || (length !== undefined && value.length !== length)) {
    fail('INVALID_ARGUMENT', `${what}.${name} is missing or malformed`);
  }
  return value;
}

/**
 * Checks that `value` is a well-formed public JWK of a supported type and returns a copy
 * with only the members that matter (kty, crv, x, y, n, e, plus alg and use when present).
 * Any private member is refused.
 *
 * @throws `INVALID_ARGUMENT` for a malformed key; `UNSUPPORTED_ALGORITHM` for another key type.
 */
export function parsePublicJwk(value: unknown, what = 'key'): PublicJwk {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('INVALID_ARGUMENT', `${what} must be a JWK object`);
  }
  const jwk = value as Record<string, unknown>;
  for (const name of PRIVATE_MEMBERS) {
    if (name in jwk) fail('INVALID_ARGUMENT', `${what} must be a public key, but it has a private member`);
  }
  const extra: { alg?: string; use?: 'sig' | 'enc' } = {};
  if (jwk.alg !== undefined) {
    if (typeof jwk.alg !== 'string') fail('INVALID_ARGUMENT', `${what}.alg must be a string`);
    extra.alg = jwk.alg;
  }
  if (jwk.use !== undefined) {
    if (jwk.use !== 'sig' && jwk.use !== 'enc') fail('INVALID_ARGUMENT', `${what}.use must be "sig" or "enc"`);
    extra.use = jwk.use;
  }
  if (jwk.kty === 'EC') {
    if (jwk.crv !== 'P-256') fail('UNSUPPORTED_ALGORITHM', `${what} uses an unsupported curve; only P-256 is allowed`);
    return { kty: 'EC', crv: 'P-256', x: member(jwk, 'x', what, 43), y: member(jwk, 'y', what, 43), ...extra };
  }
  if (jwk.kty === 'OKP') {
    if (jwk.crv !== 'Ed25519') fail('UNSUPPORTED_ALGORITHM', `${what} uses an unsupported curve; only Ed25519 is allowed`);
    if (extra.use === 'enc') fail('INVALID_ARGUMENT', `${what}: an Ed25519 key cannot be used for encryption`);
    return { kty: 'OKP', crv: 'Ed25519', x: member(jwk, 'x', what, 43), ...(extra as { alg?: string; use?: 'sig' }) };
  }
  if (jwk.kty === 'RSA') {
    const n = member(jwk, 'n', what);
    const e = member(jwk, 'e', what);
    // 2048-bit moduli and up: 342 base64url characters encode 256 bytes.
    if (n.length < 342) fail('UNSUPPORTED_ALGORITHM', `${what} is an RSA key shorter than 2048 bits`);
    if (extra.use === 'sig') fail('INVALID_ARGUMENT', `${what}: RSA keys are only used for encryption here`);
    return { kty: 'RSA', n, e, ...(extra as { alg?: string; use?: 'enc' }) };
  }
  return fail('UNSUPPORTED_ALGORITHM', `${what} has an unsupported key type`);
}

/** The RFC 7638 canonical JSON of a public key: required members only, in lexicographic order. */
export function thumbprintInput(jwk: PublicJwk): string {
  switch (jwk.kty) {
    case 'EC':
      return `{"crv":"${jwk.crv}","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
    case 'OKP':
      return `{"crv":"${jwk.crv}","kty":"OKP","x":"${jwk.x}"}`;
    case 'RSA':
      return `{"e":"${jwk.e}","kty":"RSA","n":"${jwk.n}"}`;
  }
}

/**
 * The RFC 7638 SHA-256 thumbprint of a public key, base64url: the device id when the key
 * is the signing key, and the `cnf.jkt` of DPoP-bound tokens (RFC 9449 §6.1).
 */
export async function jwkThumbprint(jwk: PublicJwk, crypto: CryptoBackend): Promise<string> {
  return encodeBase64url(await crypto.sha256(utf8Encode(thumbprintInput(jwk))));
}

/** The public part of a JWK with only the members needed to identify it. */
export function minimalPublicJwk(jwk: PublicJwk): PublicJwk {
  switch (jwk.kty) {
    case 'EC':
      return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
    case 'OKP':
      return { kty: 'OKP', crv: jwk.crv, x: jwk.x };
    case 'RSA':
      return { kty: 'RSA', n: jwk.n, e: jwk.e };
  }
}
