// Reads one request header from a `Headers` or a plain object, case-insensitively, and
// tells a single value apart from a repeated header.

import { mustBe } from '../../core/assert.js';

/**
 * Request headers: a Fetch `Headers`, or a plain object such as Node's `req.headers`
 * (names in any case; a repeated header as an array). A `Map` is refused, because its
 * keys are case-sensitive.
 *
 * @example
 * ```ts
 * const fromFetch: RequestHeaders = request.headers;          // Workers, Deno, Bun, Next.js
 * const fromNode: RequestHeaders = req.headers;               // node:http, Express, Fastify
 * const literal: RequestHeaders = { DPoP: proof, 'Content-Digest': digest };
 * ```
 */
export type RequestHeaders =
  | Headers
  | Readonly<Record<string, string | readonly string[] | undefined>>;

interface HeadersLike {
  get(name: string): string | null;
}

/** @internal What a header lookup found. */
export type HeaderValue =
  | { readonly kind: 'absent' }
  | { readonly kind: 'single'; readonly value: string }
  | { readonly kind: 'repeated' };

const ABSENT: HeaderValue = { kind: 'absent' };
const REPEATED: HeaderValue = { kind: 'repeated' };

function isHeadersLike(value: object): value is HeadersLike {
  if (typeof Headers === 'function' && value instanceof Headers) return true;
  // A Map's keys are case-sensitive: "DPoP" would silently go unseen.
  if (value instanceof Map) return false;
  const proto = Object.getPrototypeOf(value);
  // A Headers from another realm or a fetch polyfill: not a plain object, but has get().
  return (
    proto !== Object.prototype &&
    proto !== null &&
    typeof (value as Partial<HeadersLike>).get === 'function'
  );
}

/** @internal Checks `headers` is a Headers or a plain object. @throws `INVALID_ARGUMENT` */
export function checkHeaders(headers: unknown, name: string): asserts headers is RequestHeaders {
  if (typeof headers === 'object' && headers !== null && !Array.isArray(headers)) {
    if (isHeadersLike(headers)) return;
    const proto = Object.getPrototypeOf(headers);
    if (proto === Object.prototype || proto === null) return;
  }
  mustBe(name, 'a Headers or a plain object of header values');
}

/**
 * @internal Looks up header `lowerName`. A `Headers` joins repeated fields with ", " (Fetch
 * §2.2.2); a plain object may hold an array or the same name in two spellings. Both count
 * as `repeated` for a name whose values never contain a comma, which the caller says.
 * @throws `INVALID_ARGUMENT` for a value that is not a string.
 */
export function readHeader(
  headers: RequestHeaders,
  lowerName: string,
  name: string,
  commaFree: boolean,
): HeaderValue {
  if (isHeadersLike(headers)) {
    let value: unknown;
    try {
      value = headers.get(lowerName);
    } catch (err) {
      return mustBe(name, 'readable (its get() threw)', err);
    }
    if (value === null || value === undefined) return ABSENT;
    if (typeof value !== 'string') mustBe(`${name}.${lowerName}`, 'a string');
    return commaFree && value.includes(',') ? REPEATED : { kind: 'single', value };
  }
  let found: HeaderValue = ABSENT;
  const record = headers as Readonly<Record<string, unknown>>;
  for (const name in record) {
    if (
      !Object.hasOwn(record, name) ||
      name.length !== lowerName.length ||
      name.toLowerCase() !== lowerName
    )
      continue;
    const raw = record[name];
    if (raw === undefined) continue;
    if (found.kind !== 'absent') return REPEATED;
    let value: unknown = raw;
    if (Array.isArray(raw)) {
      if (raw.length > 1) return REPEATED;
      if (raw.length === 0) continue;
      value = raw[0];
    }
    if (typeof value !== 'string') mustBe(`${name}.${lowerName}`, 'a string');
    if (commaFree && value.includes(',')) return REPEATED;
    found = { kind: 'single', value };
  }
  return found;
}
