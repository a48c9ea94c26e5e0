// Checks the protected header of a proof or handshake: `typ`, an allowlisted `alg` that
// matches the key, and the signing key embedded as a public JWK (and only that way).

import {
  SIGNING_ALGORITHMS,
  type SigningAlgorithmEntry,
  signingAlgorithm,
} from '../../core/algorithms.js';
import { DeviceBindingError, refuse } from '../../core/errors.js';
import { type PublicJwk, thumbprintInput } from '../../core/jwk.js';
import type { VerificationCode } from './compact-jws.js';
import { parseServerPublicJwk } from './public-key.js';
import { clipped, quoted } from './quoted.js';
import { thumbprintOf } from './small-digest.js';

/** @internal A validated protected header. */
export interface ProtectedHeader {
  readonly algorithm: SigningAlgorithmEntry;
  /** The embedded signing key, public members only. */
  readonly jwk: PublicJwk;
  /** The RFC 7638 canonical JSON of `jwk`: equal strings mean equal thumbprints. */
  readonly canonicalKey: string;
  /** The RFC 7638 SHA-256 thumbprint of `jwk`, base64url: the device id. */
  readonly thumbprint: string;
}

// RFC 9864 names Ed25519 signatures "Ed25519" (fully specified); "EdDSA" is the older name
// for the same thing, and DPoP clients send either.
const ALIASES: Readonly<Record<string, string>> = { Ed25519: 'EdDSA' };

/**
 * @internal Every `alg` a proof or handshake may use, registry names and aliases: what a
 * `WWW-Authenticate: DPoP algs="…"` challenge lists (RFC 9449 §7.1).
 */
export const ACCEPTED_SIGNING_ALGS: readonly string[] = [
  ...Object.keys(SIGNING_ALGORITHMS),
  ...Object.keys(ALIASES),
];

// Members that point at a key somewhere else. The key must be the embedded `jwk`
// (RFC 9449 §4.2); fetching a key from a URL the sender chose is never acceptable.
const KEY_REFERENCES = ['jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;

/** The registry's name for `alg`: "Ed25519" and "EdDSA" are one algorithm. */
function canonicalAlg(alg: string): string {
  return Object.hasOwn(ALIASES, alg) ? ALIASES[alg]! : alg;
}

function resolveAlgorithm(alg: string, what: string) {
  try {
    return signingAlgorithm(canonicalAlg(alg));
  } catch (err) {
    return refuse(
      'UNSUPPORTED_ALGORITHM',
      `${what} uses "alg" ${quoted(alg)}; accepted: ${ACCEPTED_SIGNING_ALGS.join(', ')}`,
      { claim: 'alg', reason: 'unsupported', actual: clipped(alg) },
      err,
    );
  }
}

/**
 * @internal Validates a decoded protected header.
 *
 * Codes, by case: `alg: "none"` → `code` (an unsigned token proves nothing); an `alg` outside
 * the registry (HS256, RS256, ES384, …) → `UNSUPPORTED_ALGORITHM`; a missing or non-string
 * `alg`, an `alg` that does not match the key, a wrong `typ`, `crit`, key references, or a
 * malformed or private `jwk` → `code`. Each carries `detail` naming the member.
 */
export function parseProtectedHeader(
  header: Record<string, unknown>,
  expectedTyp: string,
  code: VerificationCode,
  what: string,
): ProtectedHeader {
  const { typ, alg, jwk } = header;
  // Media types compare case-insensitively (RFC 7515 §4.1.9, RFC 2045 §5.1).
  if (typeof typ !== 'string' || typ.toLowerCase() !== expectedTyp) {
    refuse(code, `${what} must have "typ": "${expectedTyp}"`, {
      claim: 'typ',
      reason: typ === undefined ? 'missing' : 'mismatch',
      expected: expectedTyp,
      ...(typeof typ === 'string' && { actual: clipped(typ) }),
    });
  }
  if (typeof alg !== 'string')
    refuse(code, `${what} has no "alg"`, {
      claim: 'alg',
      reason: alg === undefined ? 'missing' : 'malformed',
    });
  if (alg === 'none')
    refuse(code, `${what} is unsigned ("alg": "none"); a signed token is required`, {
      claim: 'alg',
      reason: 'unsupported',
      actual: 'none',
    });
  const algorithm = resolveAlgorithm(alg, what);
  // RFC 7515 §4.1.11: extensions the recipient does not understand make the JWS invalid,
  // and devicebind understands none.
  if (header.crit !== undefined)
    refuse(code, `${what} has a "crit" member, which is not supported`, {
      claim: 'crit',
      reason: 'unsupported',
    });
  for (const name of KEY_REFERENCES) {
    if (header[name] !== undefined) {
      refuse(code, `${what} refers to a key with "${name}"; the key must be embedded as "jwk"`, {
        claim: name,
        reason: 'unsupported',
      });
    }
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    refuse(code, `${what} must embed the public signing key as "jwk"`, {
      claim: 'jwk',
      reason: jwk === undefined ? 'missing' : 'malformed',
    });
  }
  let key: PublicJwk;
  try {
    key = parseServerPublicJwk(jwk, `${what} "jwk"`);
  } catch (err) {
    const reason = err instanceof DeviceBindingError ? err.message : `${what} "jwk" is malformed`;
    return refuse(code, reason, { claim: 'jwk', reason: 'malformed' }, err);
  }
  if (key.kty === 'RSA' || key.kty !== algorithm.kty || key.crv !== algorithm.crv) {
    refuse(code, `${what} "alg" ${algorithm.alg} does not match its key`, {
      claim: 'alg',
      reason: 'mismatch',
      actual: alg,
    });
  }
  if (key.use === 'enc')
    refuse(code, `${what} "jwk" is an encryption key ("use": "enc")`, {
      claim: 'jwk',
      reason: 'mismatch',
      expected: 'sig',
      actual: 'enc',
    });
  if (key.alg !== undefined && canonicalAlg(key.alg) !== algorithm.alg) {
    refuse(code, `${what} "jwk" is for ${quoted(key.alg)}, not ${algorithm.alg}`, {
      claim: 'jwk',
      reason: 'mismatch',
      expected: algorithm.alg,
      actual: clipped(key.alg),
    });
  }
  const canonicalKey = thumbprintInput(key);
  return { algorithm, jwk: key, canonicalKey, thumbprint: thumbprintOf(canonicalKey) };
}
