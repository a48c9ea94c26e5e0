// Strict parsing of a JWS compact serialization (RFC 7515 §7.1): exactly three non-empty,
// canonical base64url segments, a JSON-object header and payload, nothing else.

import { decodeBase64url, hasCanonicalEnd } from '../../core/base64url.js';
import { refuse } from '../../core/errors.js';
import { utf8Decode, utf8Encode } from '../../core/utf8.js';

/** @internal The error code a verifier reports malformed input with. */
export type VerificationCode = 'INVALID_PROOF' | 'INVALID_HANDSHAKE' | 'INVALID_ROTATION';

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
const MALFORMED = { reason: 'malformed' } as const;

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
    refuse(
      code,
      `${what} is not a JWS compact serialization (three base64url segments separated by ".")`,
      MALFORMED,
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
    refuse(code, `${what} has a segment that is not canonical base64url`, MALFORMED);
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
 * Whether any object in `value` (at any depth) has an own member named `__proto__`.
 * JSON.parse makes it an ordinary own property, but the first `Object.assign`, spread into
 * a class instance, or `obj[name] = value` copy of it sets a prototype the attacker chose:
 * hidden members, a `toString` that throws. Iterative, so deep nesting cannot overflow.
 */
function hasProtoMember(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    if (Object.hasOwn(next, '__proto__')) return true;
    for (const member of Object.values(next)) {
      if (typeof member === 'object' && member !== null) pending.push(member);
    }
  }
  return false;
}

/**
 * @internal Decodes a segment from {@link splitCompactJws} holding a JSON object (RFC 7515
 * §7.2: the header and, for JWTs, the claims set must be objects).
 * @throws `code` for bad base64url, bad UTF-8, bad JSON, JSON that is not an object, or a
 * member named `__proto__` anywhere in it.
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
    return refuse(code, `${what} is not base64url`, MALFORMED, err);
  }
  const text = utf8Decode(bytes);
  if (text === undefined) refuse(code, `${what} is not valid UTF-8`, MALFORMED);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return refuse(code, `${what} is not valid JSON`, MALFORMED, err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    refuse(code, `${what} is not a JSON object`, MALFORMED);
  }
  // The name can only be spelled with "proto" or a \u escape in the text: the walk is
  // skipped for the ordinary proof.
  if ((text.includes('proto') || text.includes('\\u')) && hasProtoMember(value)) {
    refuse(code, `${what} has a member named "__proto__", which is never accepted`, {
      claim: '__proto__',
      reason: 'malformed',
    });
  }
  return value as Record<string, unknown>;
}
