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

const HTTP_URL = /^(https?):\/\/([^/?#@\s]+)([^?#\s]*)(?:[?#]\S*)?$/i;
const HOST_PORT = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{0,5}))?$/i;

/**
 * @internal Parses an absolute http(s) URL without a URL parser: scheme and host lower-cased,
 * default port dropped, empty path as "/" (RFC 3986 §6.2.2–6.2.3); the path is taken as written.
 */
export function parseHttpUrlByHand(url: string): HttpTarget | undefined {
  const [, scheme, authority, path] = HTTP_URL.exec(url) ?? [];
  const [, host, port] = HOST_PORT.exec(authority ?? '') ?? [];
  if (scheme === undefined || host === undefined) return undefined;
  const lower = scheme.toLowerCase();
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
