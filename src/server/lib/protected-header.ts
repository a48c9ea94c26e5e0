// Checks the protected header of a proof or handshake: `typ`, an allowlisted `alg` that
// matches the key, and the signing key embedded as a public JWK (and only that way).

import { type SigningAlgorithmEntry, signingAlgorithm } from '../../core/algorithms.js';
import { DeviceBindingError, fail } from '../../core/errors.js';
import { type PublicJwk, thumbprintInput } from '../../core/jwk.js';
import type { VerificationCode } from './compact-jws.js';
import { parseServerPublicJwk } from './public-key.js';

/** @internal A validated protected header. */
export interface ProtectedHeader {
  readonly algorithm: SigningAlgorithmEntry;
  /** The embedded signing key, public members only. */
  readonly jwk: PublicJwk;
  /** The RFC 7638 canonical JSON of `jwk`: equal strings mean equal thumbprints. */
  readonly canonicalKey: string;
}

// Members that point at a key somewhere else. The key must be the embedded `jwk`
// (RFC 9449 §4.2); fetching a key from a URL the sender chose is never acceptable.
const KEY_REFERENCES = ['jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;

/**
 * @internal Validates a decoded protected header.
 *
 * Codes, by case: `alg: "none"` → `code` (an unsigned token proves nothing); an `alg` outside
 * the registry (HS256, RS256, ES384, …) → `UNSUPPORTED_ALGORITHM`; a missing or non-string
 * `alg`, an `alg` that does not match the key, a wrong `typ`, `crit`, key references, or a
 * malformed or private `jwk` → `code`.
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
    fail(code, `${what} must have "typ": "${expectedTyp}"`);
  }
  if (typeof alg !== 'string') fail(code, `${what} has no "alg"`);
  if (alg === 'none') fail(code, `${what} is unsigned ("alg": "none"); a signed token is required`);
  // RFC 9864 names Ed25519 signatures "Ed25519" (fully specified); "EdDSA" is the older name
  // for the same thing, and DPoP clients send either.
  const algorithm = signingAlgorithm(alg === 'Ed25519' ? 'EdDSA' : alg);
  // RFC 7515 §4.1.11: extensions the recipient does not understand make the JWS invalid,
  // and devicebind understands none.
  if (header.crit !== undefined) fail(code, `${what} has a "crit" member, which is not supported`);
  for (const name of KEY_REFERENCES) {
    if (header[name] !== undefined) {
      fail(code, `${what} refers to a key with "${name}"; the key must be embedded as "jwk"`);
    }
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    fail(code, `${what} must embed the public signing key as "jwk"`);
  }
  let key: PublicJwk;
  try {
    key = parseServerPublicJwk(jwk, `${what} "jwk"`);
  } catch (err) {
    const reason = err instanceof DeviceBindingError ? err.message : `${what} "jwk" is malformed`;
    return fail(code, reason, err);
  }
  if (key.kty === 'RSA' || key.kty !== algorithm.kty || key.crv !== algorithm.crv) {
    fail(code, `${what} "alg" ${algorithm.alg} does not match its key`);
  }
  if (key.use === 'enc') fail(code, `${what} "jwk" is an encryption key ("use": "enc")`);
  if (key.alg !== undefined && key.alg !== algorithm.alg && key.alg !== alg) {
    fail(
      code,
      `${what} "jwk" is for ${JSON.stringify(key.alg.slice(0, 20))}, not ${algorithm.alg}`,
    );
  }
  return { algorithm, jwk: key, canonicalKey: thumbprintInput(key) };
}
