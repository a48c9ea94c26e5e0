// The request target as a DPoP proof names it: method and `htu` (RFC 9449 §4.2).

import { fail } from './errors.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// fetch() upper-cases exactly these methods (WHATWG Fetch, "normalize a method"); the proof
// must name the method the server will see.
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/** @internal Validates and normalises an HTTP method. @throws `INVALID_ARGUMENT` */
export function normalizeMethod(method: unknown): string {
  if (typeof method !== 'string' || !TOKEN.test(method)) {
    fail('INVALID_ARGUMENT', '"method" must be an HTTP method such as "GET" or "POST"');
  }
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

/**
 * @internal The `htu` of a URL: scheme, host and path, without query and fragment. The URL
 * parser lower-cases scheme and host and drops the default port (RFC 3986 §6.2.2–6.2.3).
 * @throws `INVALID_ARGUMENT` for anything but an absolute http(s) URL.
 */
export function htuOf(url: unknown, what = '"url"'): string {
  let parsed: URL;
  try {
    parsed = new URL(url instanceof URL ? url.href : String(url));
  } catch (err) {
    return fail('INVALID_ARGUMENT', `${what} must be an absolute http(s) URL`, err);
  }
  if ((typeof url !== 'string' && !(url instanceof URL)) || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    fail('INVALID_ARGUMENT', `${what} must be an absolute http(s) URL`);
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
