// The response headers that ask a client to retry with a server nonce (RFC 9449 §8, §9).

import { assertObject, mustBe } from '../core/assert.js';
import { ACCEPTED_SIGNING_ALGS } from './lib/protected-header.js';

/**
 * Options for {@link nonceChallengeHeaders}.
 *
 * @example
 * ```ts
 * nonceChallengeHeaders(nonce, { description: 'Resource server requires nonce in DPoP proof' });
 * ```
 */
export interface NonceChallengeOptions {
  /** `error_description` for people reading logs (default: "DPoP proof requires a server nonce"). */
  description?: string;
}

/**
 * Headers for a `use_dpop_nonce` challenge, ready for `new Response(…, { headers })` or
 * `res.set(headers)`.
 *
 * @example
 * ```ts
 * const headers: NonceChallengeHeaders = nonceChallengeHeaders(nonces.issue());
 * res.status(401).set(headers).end();
 * ```
 */
export interface NonceChallengeHeaders {
  'WWW-Authenticate': string;
  'DPoP-Nonce': string;
  [name: string]: string;
}

// RFC 9449 §8.1: nonce = 1*NQCHAR, printable ASCII without '"' and '\'.
const NONCE_PATTERN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
// RFC 9110 §11.2 quoted-string content, kept to printable ASCII without '"' and '\'.
const DESCRIPTION_PATTERN = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;
const ALGS = ACCEPTED_SIGNING_ALGS.join(' ');

/**
 * The headers of a resource server's `401` that asks the client to retry with a nonce
 * (RFC 9449 §9): `WWW-Authenticate: DPoP error="use_dpop_nonce", …` and `DPoP-Nonce`.
 * `createFetch` (`devicebind/fetch`) retries such a response once with the new nonce. (An
 * authorization server answers `400` with `{"error":"use_dpop_nonce"}` and the same
 * `DPoP-Nonce` header instead, RFC 9449 §8.)
 *
 * @throws `INVALID_ARGUMENT` when `nonce` is not a valid `DPoP-Nonce` value (printable ASCII
 * without quotes or backslashes) or the description contains characters a quoted string
 * cannot carry.
 * @example
 * ```ts
 * if (isDeviceBindingError(err, 'NONCE_REQUIRED')) {
 *   return new Response(null, { status: 401, headers: nonceChallengeHeaders(nonces.issue()) });
 * }
 * ```
 */
export function nonceChallengeHeaders(
  nonce: string,
  options: NonceChallengeOptions = {},
): NonceChallengeHeaders {
  if (typeof nonce !== 'string') {
    // The commonest slip: the issuer itself instead of the nonce it issues.
    const issuer = typeof (nonce as { issue?: unknown } | null)?.issue === 'function';
    mustBe(
      'nonce',
      `a nonce string${issuer ? ', not the nonce issuer: pass nonces.issue()' : ' (e.g. nonces.issue())'}`,
    );
  }
  if (!NONCE_PATTERN.test(nonce))
    mustBe('nonce', 'a non-empty string of printable ASCII without quotes or backslashes');
  const { description = 'DPoP proof requires a server nonce' } = assertObject(options);
  if (typeof description !== 'string' || !DESCRIPTION_PATTERN.test(description))
    mustBe('options.description', 'a string of printable ASCII without quotes or backslashes');
  return {
    'WWW-Authenticate': `DPoP error="use_dpop_nonce", error_description="${description}", algs="${ALGS}"`,
    'DPoP-Nonce': nonce,
  };
}
