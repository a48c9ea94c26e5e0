// The request a verifier checks, from either form it accepts: a Fetch API `Request`
// (Workers, Deno, Bun, Hono, Next.js) or `{ method, url, headers, body }` (node:http,
// Express, Fastify); the body is read only when a check needs it.

import { assertBytes, assertObject, assertString, mustBe } from '../../core/assert.js';
import { normalizeMethod } from '../../core/request-target.js';
import { utf8Encode } from '../../core/utf8.js';
import { checkHeaders, type RequestHeaders } from './http-headers.js';
import { normalizeHtu } from './htu.js';

/**
 * The request as the server received it, when it is not a Fetch API `Request`.
 *
 * @example
 * ```ts
 * // node:http / Express: the path as received after your public origin, from configuration
 * // (never from the Host header, which the client chooses), and the raw body bytes.
 * const PUBLIC_ORIGIN = 'https://api.example.com';
 * const request: RequestToVerify = {
 *   method: req.method,
 *   url: `${PUBLIC_ORIGIN}${req.originalUrl}`, // or `req.originalUrl` with `expectedOrigin`
 *   headers: req.headers,
 *   body: req.body, // express.raw({ type: () => true }) → a Buffer (a Uint8Array)
 * };
 * ```
 */
export interface RequestToVerify {
  /** The HTTP method as received (e.g. `req.method`); compared as `fetch` sends it. */
  method: string;
  /**
   * The absolute URL the client sent the request to, as the client saw it (behind a proxy,
   * the public scheme and host: build it from configuration, not from the `Host` header).
   * With the `expectedOrigin` option, a path such as `req.originalUrl` is enough. Query and
   * fragment are ignored.
   */
  url: string | URL;
  /** The request headers: a Fetch `Headers` or a plain object such as Node's `req.headers`. */
  headers: RequestHeaders;
  /** The raw request body, when the request has one, exactly as received. */
  body?: string | Uint8Array | ArrayBuffer;
}

/** @internal A request, checked and reduced to what the verifier compares. */
export interface ReceivedRequest {
  /** The method, normalised as `fetch` and `signRequest` do. */
  readonly method: string;
  /** The normalised `htu` the proof must name. */
  readonly htu: string;
  readonly headers: RequestHeaders;
  /** Whether a body may be there (a Request's stream, or a given `body`). */
  readonly mayHaveBody: boolean;
  /** The body bytes; `undefined` when the object form gave none. Read once, on first call. */
  readonly readBody: () => Promise<Uint8Array | undefined>;
}

// RFC 9110 §5.6.2: a method is a token.
const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const NO_BODY = async (): Promise<undefined> => undefined;

/** The parts of a Fetch `Request` the verifier uses. */
interface FetchRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: unknown;
  readonly bodyUsed: boolean;
  clone(): FetchRequest;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A Request from this runtime, another realm, or a fetch polyfill. */
function isFetchRequest(value: object): value is FetchRequest {
  if (typeof Request === 'function' && value instanceof Request) return true;
  const candidate = value as Partial<FetchRequest>;
  return (
    typeof candidate.clone === 'function' &&
    typeof candidate.arrayBuffer === 'function' &&
    typeof candidate.bodyUsed === 'boolean'
  );
}

let lastOrigin: { input: string; origin: string } | undefined;

/**
 * @internal `scheme://host[:port]` of `value`, an http(s) origin with nothing after it (a
 * trailing "/" is allowed). @throws `INVALID_ARGUMENT`
 */
export function checkOrigin(value: unknown, name: string): string {
  if (lastOrigin !== undefined && lastOrigin.input === value) return lastOrigin.origin;
  const text = assertString(value, name);
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {}
  if (
    url === undefined ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    !/^https?:\/\/[^/?#]+\/?$/i.test(text)
  ) {
    return mustBe(name, 'an http(s) origin such as "https://api.example.com"');
  }
  lastOrigin = { input: text, origin: url.origin };
  return url.origin;
}

function expectedHtu(url: unknown, origin: string | undefined): string {
  let htu: string | undefined;
  if (origin !== undefined && typeof url === 'string' && url.startsWith('/')) {
    // An origin-form target (RFC 9112 §3.2.1) such as Express's `req.originalUrl`. Joined as
    // text, not resolved against the origin: "//evil.example/x" stays a path here.
    htu = normalizeHtu(`${origin}${url}`, { allowUserinfo: true });
  } else if (typeof url === 'string' || url instanceof URL) {
    htu = normalizeHtu(url, { allowUserinfo: true });
    if (htu !== undefined && origin !== undefined) {
      // The configured origin wins over the one the request names: behind a proxy or an
      // adapter, that one comes from the Host header, which the client chooses.
      htu = `${origin}${htu.slice(htu.indexOf('/', htu.indexOf('//') + 2))}`;
    }
  }
  if (htu === undefined) {
    mustBe(
      'request.url',
      origin === undefined
        ? 'an absolute http(s) URL'
        : 'an absolute http(s) URL or a path starting with "/"',
    );
  }
  return htu;
}

function checkMethod(method: unknown): string {
  if (typeof method !== 'string' || !METHOD_TOKEN.test(method))
    mustBe('request.method', 'an HTTP method such as "GET"');
  return normalizeMethod(method);
}

function fromFetchRequest(request: FetchRequest, origin: string | undefined): ReceivedRequest {
  const method = checkMethod(request.method);
  const htu = expectedHtu(request.url, origin);
  checkHeaders(request.headers, 'request.headers');
  if (request.body === null || request.body === undefined) {
    return { method, htu, headers: request.headers, mayHaveBody: false, readBody: NO_BODY };
  }
  if (request.bodyUsed) mustBe('request', 'a Request whose body is unread (verify it first)');
  // Read from a copy made now, so the caller's Request keeps its body whatever it does
  // with it while the proof is checked.
  let copy: FetchRequest;
  try {
    copy = request.clone();
  } catch (err) {
    return mustBe('request', 'a Request whose body can be read (clone() failed)', err);
  }
  let bytes: Promise<Uint8Array> | undefined;
  const readBody = (): Promise<Uint8Array> => {
    bytes ??= copy.arrayBuffer().then(
      (buffer) => new Uint8Array(buffer),
      (err: unknown) => mustBe('request', 'a Request whose body can be read', err),
    );
    return bytes;
  };
  return { method, htu, headers: request.headers, mayHaveBody: true, readBody };
}

/**
 * @internal Checks `request` (either form) and reduces it to what the verifier compares.
 * With `origin`, the URL's origin is replaced by it. @throws `INVALID_ARGUMENT`
 */
export function receivedRequest(request: unknown, origin: string | undefined): ReceivedRequest {
  const input = assertObject(request, 'request');
  if (isFetchRequest(input)) return fromFetchRequest(input, origin);
  const { method, url, headers, body } = input as Partial<RequestToVerify>;
  const normalized = checkMethod(method);
  const htu = expectedHtu(url, origin);
  checkHeaders(headers, 'request.headers');
  if (body === undefined)
    return { method: normalized, htu, headers, mayHaveBody: false, readBody: NO_BODY };
  const bytes = typeof body === 'string' ? utf8Encode(body) : assertBytesOrText(body);
  const given = Promise.resolve(bytes);
  return {
    method: normalized,
    htu,
    headers,
    mayHaveBody: bytes.length > 0,
    readBody: () => given,
  };
}

function assertBytesOrText(body: unknown): Uint8Array {
  if (body instanceof Uint8Array || body instanceof ArrayBuffer || ArrayBuffer.isView(body))
    return assertBytes(body, 'request.body');
  return mustBe('request.body', 'a string, a Uint8Array or an ArrayBuffer');
}
