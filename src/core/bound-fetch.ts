// A fetch wrapper that signs every request with the device key, sends the access token as
// `Authorization: DPoP …`, follows redirects itself (signing each hop for its own URL, and
// only on the request's own origin), keeps server nonces per origin and retries once on a
// nonce challenge.

import { assertFunction, assertObject, assertString, mustBe } from './assert.js';
import { DPOP_NONCE, demandsNonce, discard } from './dpop-nonce.js';
import type { RequestProofHeaders, SignRequestOptions } from './dpop-proof.js';
import { parseHttpUrl } from './request-target.js';

/** The access token for a request: a string, or a function giving the current one. */
export type AccessTokenSource = string | (() => string | Promise<string>);

/** Options for {@link createFetch}. */
export interface CreateFetchOptions {
  /** The fetch to wrap (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /**
   * Sent as `Authorization: DPoP <token>`, and hashed into each proof (`ath`). Leave it out
   * to send no token; present but `undefined` is refused as a mistake.
   */
  accessToken?: AccessTokenSource;
  /**
   * Which hops of a redirected request carry a proof and the token: `'same-origin'` (the
   * default) only those to the origin the request was made for, so a redirect never hands
   * them to another host; `'include'` every hop, each signed for its own URL.
   */
  redirectCredentials?: 'same-origin' | 'include';
  /**
   * Send a `ReadableStream` body as it streams, outside the proof: no `Content-Digest` (the
   * server must accept an unbound body there), no nonce retry, and no redirect that would
   * send it again. By default such a body is refused before anything is sent.
   */
  unboundStreams?: boolean;
}

/** What {@link createFetch} needs of a binding: a `DeviceBinding`, or anything that signs requests as it does. */
export interface RequestSigner {
  /** Signs one request, as `DeviceBinding.signRequest` does. */
  signRequest(options: SignRequestOptions): Promise<RequestProofHeaders>;
}

const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

/**
 * Wraps `fetch` so every request carries a proof from `binding`: it sends the access token as
 * `Authorization: DPoP …`, follows redirects itself (each hop signed for its own method and
 * URL; a proof and the token go to another origin only with `redirectCredentials:
 * 'include'`), keeps the latest valid `DPoP-Nonce` per responding origin, and on a
 * `use_dpop_nonce` challenge retries once. A function of its own entry point, so an app that
 * signs through its own HTTP client with `signRequest` does not ship it.
 *
 * @param binding - The `DeviceBinding` whose key signs the requests.
 * @param options - The fetch to wrap, the access token and the redirect and stream policies.
 * @returns A function with the signature of `fetch`.
 * @throws `INVALID_ARGUMENT` (at creation, or per request: a relative URL, a `ReadableStream`
 * body without `unboundStreams`); `NONCE_UNREADABLE` when a server demands a nonce that CORS
 * hides from the page; whatever `binding.signRequest` throws. Network errors from the wrapped
 * fetch pass through unchanged.
 * @example
 * ```ts
 * import { createFetch } from 'devicebind/fetch';
 *
 * const api = createFetch(binding, { accessToken: () => tokens.access });
 * const me = await (await api('https://api.example.com/me')).json();
 * ```
 */
export function createFetch(
  binding: RequestSigner,
  options: CreateFetchOptions = {},
): typeof fetch {
  if (typeof binding?.signRequest !== 'function') mustBe('binding', 'a DeviceBinding');
  const signRequest = (request: SignRequestOptions) => binding.signRequest(request);
  const {
    fetch: baseFetch = globalThis.fetch,
    accessToken,
    redirectCredentials,
    unboundStreams,
  } = assertObject(options);
  assertFunction(baseFetch, 'options.fetch');
  if (
    'accessToken' in options &&
    typeof accessToken !== 'string' &&
    typeof accessToken !== 'function'
  ) {
    mustBe('options.accessToken', 'a string or a function (or left out)');
  }
  const include = redirectCredentials === 'include';
  if (!include && redirectCredentials !== undefined && redirectCredentials !== 'same-origin')
    mustBe('options.redirectCredentials', '"same-origin" or "include"');
  const nonces = new Map<string, string>();

  return async (input, init) => {
    let request: Request;
    try {
      request = new Request(input, init);
    } catch (err) {
      return mustBe('input', 'an absolute URL', err);
    }
    let { url, method } = request;
    const home = parseHttpUrl(url, '"input"').origin;
    let streamed =
      typeof (init?.body as ReadableStream | null | undefined)?.getReader === 'function';
    if (streamed && !unboundStreams) {
      mustBe(
        'init.body',
        'read into bytes for the proof to cover it, or sent with createFetch(binding, { unboundStreams: true })',
      );
    }
    // Every other body is read once so it can be digested and sent again.
    let body =
      streamed || request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    const token =
      accessToken === undefined
        ? undefined
        : assertString(
            typeof accessToken === 'function' ? await accessToken() : accessToken,
            'options.accessToken',
          );
    const headers = new Headers(request.headers);
    const follow = request.redirect === 'follow';
    let page: string | undefined;
    try {
      page = location.origin;
    } catch {
      // No page: Node has no `location`, Deno throws on it unless started with --location.
    }
    const { cache, credentials, integrity, keepalive, mode, signal, referrer, referrerPolicy } =
      request;

    for (let hops = 0; ; hops++) {
      const { origin } = parseHttpUrl(url);
      const signed = include || origin === home;
      // Browsers answer `redirect: "manual"` with an opaque redirect that hides where it
      // leads (Fetch: opaque-redirect filtered response), so its next hop cannot be signed.
      // On the page's own origin they follow redirects themselves, kept to that origin
      // (`mode: "same-origin"` fails a redirect elsewhere) unless credentials may go anywhere.
      const native = follow && origin === page;
      const send = async (): Promise<Response> => {
        const hopHeaders = new Headers(headers);
        // As Fetch does on a redirect to another origin (HTTP-redirect fetch).
        if (origin !== home) hopHeaders.delete('Authorization');
        if (signed) {
          const proof = await signRequest({
            method,
            url,
            body,
            accessToken: token,
            nonce: nonces.get(origin),
          });
          for (const [name, value] of Object.entries(proof)) hopHeaders.set(name, value as string);
          if (token !== undefined) hopHeaders.set('Authorization', `DPoP ${token}`);
        }
        // The first hop is a Request made from the caller's, which keeps everything but the
        // referrer and its policy (Fetch resets them when given any init); later hops copy
        // the settings over. A streamed body passes through; a read one is given again.
        const response = await baseFetch(
          new Request(hops > 0 ? url : request, {
            ...(hops > 0 && { cache, credentials, integrity, keepalive, mode, signal }),
            method,
            headers: hopHeaders,
            body: body as Uint8Array<ArrayBuffer> | undefined,
            referrer,
            referrerPolicy,
            redirect: follow && !native ? 'manual' : request.redirect,
            ...(native && !include && { mode: 'same-origin' }),
          }),
        );
        // Nonces are kept under the origin that sent them, and only valid ones (RFC 9449
        // §8.1): a malformed one, or two joined as "a, b", is ignored.
        const nonce = response.headers.get('DPoP-Nonce');
        if (nonce !== null && DPOP_NONCE.test(nonce))
          nonces.set(response.redirected ? new URL(response.url).origin : origin, nonce);
        return response;
      };

      let response = await send();
      if (signed && (await demandsNonce(response, origin)) && !streamed) {
        discard(response);
        response = await send();
      }
      const { status } = response;
      // Fetch gives up after 20 redirects; the wrapper returns the 21st as it is.
      const target =
        follow &&
        !native &&
        hops < 20 &&
        REDIRECT_STATUSES.includes(status) &&
        response.headers.get('Location');
      if (!target) return response;
      // A Location that is no http(s) URL (or carries userinfo) is not followed: the
      // redirect goes back to the caller, as does a 307/308 that would resend a stream.
      try {
        url = new URL(target, url).href;
        parseHttpUrl(url);
      } catch {
        return response;
      }
      // Fetch (HTTP-redirect fetch): after a 303, and a 301/302 to a POST, the next request
      // is a GET without a body and without the headers that describe one.
      if (
        status === 303 ? method !== 'GET' && method !== 'HEAD' : status < 303 && method === 'POST'
      ) {
        method = 'GET';
        body = undefined;
        streamed = false;
        for (const name of ['Encoding', 'Language', 'Location', 'Type'])
          headers.delete(`Content-${name}`);
      } else if (streamed) return response;
      discard(response);
    }
  };
}
