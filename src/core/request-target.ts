// The request target as a DPoP proof names it: method and `htu` (RFC 9449 §4.2).

import { mustBe } from './assert.js';
import { fail } from './errors.js';
import { runtimeFallback } from './runtime-fallbacks.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// fetch() upper-cases exactly these methods (WHATWG Fetch, "normalize a method"); the proof
// must name the method the server will see.
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/** @internal Validates and normalises an HTTP method. @throws `INVALID_ARGUMENT` */
export function normalizeMethod(method: unknown): string {
  if (typeof method !== 'string' || !TOKEN.test(method)) {
    mustBe('method', 'an HTTP method such as "GET" or "POST"');
  }
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

/** @internal An absolute http(s) URL, reduced to what proofs and nonces need. */
export interface HttpTarget {
  /** `scheme://host[:port]`, lower-case, default port dropped. */
  origin: string;
  /** The origin and the path, without query and fragment (RFC 9449 §4.2). */
  htu: string;
}

/**
 * @internal Whether a URL constructor parses like WHATWG URL. React Native's Hermes has no
 * URL, or one whose getters throw "not implemented".
 */
export function urlParserWorks(Url: typeof URL | undefined): boolean {
  try {
    return typeof Url === 'function' && new Url('HTTP://A:80/p?q').href === 'http://a/p?q';
  } catch {
    return false;
  }
}
let platformUrlWorks: boolean | undefined;

// Longer URLs are refused (RFC 9110 §4.1 asks servers for 8000 octets; 64 KiB leaves room
// for long queries).
const MAX_URL_LENGTH = 65536;
const SCHEME = /^https?:\/\//i;
// Searches for one character of a class: a scan, with nothing to backtrack over.
const WHITESPACE = /\s/;
const AUTHORITY_END = /[/?#]/;
const PATH_END = /[?#]/;
const NOT_IN_HOST = /[:[\]@]/;
const NOT_IN_IPV6 = /[^0-9a-f:.]/i;
const PORT = /^\d{0,5}$/;

/** `text` up to the first match of `end`, and the rest. */
function splitAt(text: string, end: RegExp): [string, string] {
  const at = text.search(end);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at)];
}

/**
 * @internal Parses an absolute http(s) URL without a URL parser: scheme and host lower-cased,
 * default port dropped, empty path as "/" (RFC 3986 §6.2.2–6.2.3); the path is taken as
 * written. Whitespace anywhere, userinfo and URLs over 64 KiB are refused. Linear time: no
 * pattern here can backtrack, so a long URL costs a scan, never a search over its splits.
 */
export function parseHttpUrlByHand(url: string): HttpTarget | undefined {
  const scheme = SCHEME.exec(url)?.[0];
  if (scheme === undefined || url.length > MAX_URL_LENGTH || WHITESPACE.test(url)) return undefined;
  const [authority, rest] = splitAt(url.slice(scheme.length), AUTHORITY_END);
  const [path] = splitAt(rest, PATH_END);
  // The port follows the last ":" that is outside the brackets of an IPv6 literal.
  const colon = authority.lastIndexOf(':');
  const hasPort = colon > authority.lastIndexOf(']');
  const host = hasPort ? authority.slice(0, colon) : authority;
  const port = hasPort ? authority.slice(colon + 1) : '';
  const validHost =
    host.startsWith('[') && host.endsWith(']')
      ? host.length > 2 && !NOT_IN_IPV6.test(host.slice(1, -1))
      : host !== '' && !NOT_IN_HOST.test(host);
  if (!validHost || !PORT.test(port) || authority.includes('@')) return undefined;
  const lower = scheme.slice(0, -3).toLowerCase();
  const defaultPort = lower === 'http' ? '80' : '443';
  const origin = `${lower}://${host.toLowerCase()}${port && port !== defaultPort ? `:${port}` : ''}`;
  return { origin, htu: `${origin}${path || '/'}` };
}

/**
 * @internal Parses an absolute http(s) URL into its origin and `htu` (scheme, host and
 * path; no query, no fragment). Uses the platform URL parser where it works, which also
 * lower-cases scheme and host and drops the default port (RFC 3986 §6.2.2–6.2.3), and
 * {@link parseHttpUrlByHand} elsewhere (installed by the pure-JS backend).
 * @throws `INVALID_ARGUMENT` for anything but an absolute http(s) URL; `CRYPTO_UNAVAILABLE`
 * where there is no working URL parser and the pure-JS backend was not imported.
 */
export function parseHttpUrl(url: unknown, what = '"url"'): HttpTarget {
  const text =
    typeof url === 'string'
      ? url
      : url instanceof Object && typeof (url as URL).href === 'string'
        ? (url as URL).href
        : undefined;
  let target: HttpTarget | undefined;
  platformUrlWorks ??= urlParserWorks(globalThis.URL);
  if (text !== undefined && platformUrlWorks) {
    try {
      const parsed = new URL(text);
      if (
        (parsed.protocol === 'https:' || parsed.protocol === 'http:') &&
        parsed.username === '' &&
        parsed.password === ''
      ) {
        target = { origin: parsed.origin, htu: `${parsed.origin}${parsed.pathname}` };
      }
    } catch {
      target = undefined;
    }
  } else if (text !== undefined) {
    // parseHttpUrlByHand, installed by the pure-JS backend: browser bundles leave it out.
    target = runtimeFallback('parseHttpUrl')(text);
  }
  if (target === undefined) fail('INVALID_ARGUMENT', `${what} must be an absolute http(s) URL`);
  return target;
}

/** @internal The `htu` of a URL. @throws `INVALID_ARGUMENT` */
export function htuOf(url: unknown, what = '"url"'): string {
  return parseHttpUrl(url, what).htu;
}
