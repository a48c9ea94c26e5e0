// Strict parsing of a JWS compact serialization (RFC 7515 §7.1): exactly three non-empty,
// canonical base64url segments, a JSON-object header and payload, nothing else.

import { decodeBase64url, hasCanonicalEnd } from '../../core/base64url.js';
import { fail } from '../../core/errors.js';
import { utf8Decode, utf8Encode } from '../../core/utf8.js';

/** @internal The error code a verifier reports malformed input with. */
export type VerificationCode = 'INVALID_PROOF' | 'INVALID_HANDSHAKE';

/** @internal The segments of a compact JWS, signature decoded. */
export interface CompactJwsParts {
  readonly encodedHeader: string;
  readonly encodedPayload: string;
  /** ASCII bytes of `header.payload`: what the signature covers. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

// Three base64url segments. The character classes exclude '.', so the match is linear.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * @internal Splits a compact JWS into its segments and decodes the signature.
 * @throws `code` for anything but three canonical, non-empty base64url segments.
 */
export function splitCompactJws(
  token: string,
  code: VerificationCode,
  what: string,
): CompactJwsParts {
  if (!COMPACT_JWS.test(token)) {
    fail(
      code,
      `${what} is not a JWS compact serialization (three base64url segments separated by ".")`,
    );
  }
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  const encodedHeader = token.slice(0, firstDot);
  const encodedPayload = token.slice(firstDot + 1, secondDot);
  const encodedSignature = token.slice(secondDot + 1);
  // Otherwise one proof would have several spellings (different strings, same signature).
  if (
    !hasCanonicalEnd(encodedHeader) ||
    !hasCanonicalEnd(encodedPayload) ||
    !hasCanonicalEnd(encodedSignature)
  ) {
    fail(code, `${what} has a segment that is not canonical base64url`);
  }
  return {
    encodedHeader,
    encodedPayload,
    // The segments are base64url, hence ASCII: UTF-8 encoding is the identity on them.
    signingInput: utf8Encode(token.slice(0, secondDot)),
    signature: decodeBase64url(encodedSignature),
  };
}

/**
 * @internal Decodes a segment from {@link splitCompactJws} holding a JSON object (RFC 7515
 * §7.2: the header and, for JWTs, the claims set must be objects).
 * @throws `code` for bad base64url, bad UTF-8, bad JSON, or JSON that is not an object.
 */
export function decodeJsonObject(
  segment: string,
  code: VerificationCode,
  what: string,
): Record<string, unknown> {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64url(segment, what);
  } catch (err) {
    return fail(code, `${what} is not base64url`, err);
  }
  const text = utf8Decode(bytes);
  if (text === undefined) fail(code, `${what} is not valid UTF-8`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail(code, `${what} is not valid JSON`, err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(code, `${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}
