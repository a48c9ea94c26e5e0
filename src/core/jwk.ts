// Public JWK shapes, strict validation of public keys received from outside, and the
// RFC 7638 thumbprint that serves as the device id.

import { encodeBase64url } from './base64url.js';
import type { DigestBackend } from './crypto-backend.js';
import { type DeviceBindingErrorCode, fail } from './errors.js';
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

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
// The members that identify a key of each type (RFC 7638 §3.2), in the order devicebind writes them.
const KEY_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
  RSA: ['kty', 'n', 'e'],
};
const CURVES: Readonly<Record<string, string>> = { EC: 'P-256', OKP: 'Ed25519' };

function pick(jwk: object, names: readonly string[]): PublicJwk {
  return Object.fromEntries(
    names.map((name) => [name, (jwk as Record<string, unknown>)[name]]),
  ) as unknown as PublicJwk;
}

/**
 * Checks that `value` is a well-formed public JWK of a supported type and returns a copy
 * with only the members that matter (kty, crv, x, y, n, e, plus alg and use when present).
 * Any private member is refused.
 *
 * @throws `INVALID_ARGUMENT` for a malformed key; `UNSUPPORTED_ALGORITHM` for another key type.
 */
export function parsePublicJwk(value: unknown, what = 'key'): PublicJwk {
  const bad = (problem: string, code: DeviceBindingErrorCode = 'INVALID_ARGUMENT'): never =>
    fail(code, what + problem);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    bad(' must be a JWK object');
  const jwk = value as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((name) => name in jwk))
    bad(' must be a public key, but it has a private member');
  const { kty, alg, use } = jwk;
  if (alg !== undefined && typeof alg !== 'string') bad('.alg must be a string');
  if (use !== undefined && use !== 'sig' && use !== 'enc') bad('.use must be "sig" or "enc"');
  const names = Object.hasOwn(KEY_MEMBERS, kty as string)
    ? KEY_MEMBERS[kty as string]!
    : bad(' has an unsupported key type', 'UNSUPPORTED_ALGORITHM');
  const crv = CURVES[kty as string];
  if (crv !== undefined && jwk.crv !== crv)
    bad(` uses an unsupported curve; only ${crv} is allowed`, 'UNSUPPORTED_ALGORITHM');
  for (const name of names.slice(crv === undefined ? 1 : 2)) {
    const member = jwk[name];
    // Curve coordinates: 32 bytes in canonical base64url, the last character without stray
    // bits (RFC 4648 §3.5), so one key has one spelling and one device id. RSA integers get
    // the same check on the server (rsa-public-key.ts), which decodes them.
    if (
      typeof member !== 'string' ||
      !(crv === undefined ? /^[\w-]+$/ : /^[\w-]{42}[AEIMQUYcgkosw048]$/).test(member)
    ) {
      bad(`.${name} is missing or malformed`);
    }
  }
  // RSA: 2048-bit moduli and up (342 base64url characters encode 256 bytes), for encryption only.
  if (crv === undefined && (jwk.n as string).length < 342)
    bad(' is an RSA key shorter than 2048 bits', 'UNSUPPORTED_ALGORITHM');
  if (use !== undefined && kty !== 'EC' && use !== (crv === undefined ? 'enc' : 'sig')) {
    bad(`: ${kty} keys are only used ${crv === undefined ? 'for encryption' : 'for signing'} here`);
  }
  return {
    ...pick(jwk, names),
    ...(alg !== undefined && { alg }),
    ...(use !== undefined && { use }),
  } as PublicJwk;
}

/** The RFC 7638 canonical JSON of a public key: required members only, in lexicographic order. */
export function thumbprintInput(jwk: PublicJwk): string {
  return JSON.stringify(jwk, [...KEY_MEMBERS[jwk.kty]!].sort());
}

/**
 * The RFC 7638 SHA-256 thumbprint of a public key, base64url: the device id when the key
 * is the signing key, and the `cnf.jkt` of DPoP-bound tokens (RFC 9449 §6.1).
 */
export async function jwkThumbprint(jwk: PublicJwk, crypto: DigestBackend): Promise<string> {
  return encodeBase64url(await crypto.sha256(utf8Encode(thumbprintInput(jwk))));
}

/** The public part of a JWK with only the members needed to identify it. */
export function minimalPublicJwk(jwk: PublicJwk): PublicJwk {
  return pick(jwk, KEY_MEMBERS[jwk.kty]!);
}
