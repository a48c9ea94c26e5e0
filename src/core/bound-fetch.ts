// A fetch wrapper that signs every request with the device key, sends the access token as
// `Authorization: DPoP …`, tracks server nonces per origin and retries once on a nonce challenge.

import { assertObject, mustBe } from './assert.js';
import type { RequestProofHeaders, SignRequestOptions } from './dpop-proof.js';
import { fail } from './errors.js';
import { parseHttpUrl } from './request-target.js';

/** The access token for a request: a string, or a function giving the current one. */
export type AccessTokenSource = string | (() => string | Promise<string>);

/** Options for {@link DeviceBinding.createFetch}. */
export interface CreateFetchOptions {
  /** The fetch to wrap (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** Sent as `Authorization: DPoP <token>`, and hashed into each proof (`ath`). */
  accessToken?: AccessTokenSource;
}

type SignRequest = (options: SignRequestOptions) => Promise<RequestProofHeaders>;

// RFC 9449 §8 (authorization server: 400 + JSON error) and §9 (resource server: 401 +
// WWW-Authenticate) both name the challenge `use_dpop_nonce`.
async function isNonceChallenge(response: Response): Promise<boolean> {
  if (!response.headers.has('DPoP-Nonce')) return false;
  if (response.status === 401) {
    return /\berror\s*=\s*"?use_dpop_nonce"?/i.test(response.headers.get('WWW-Authenticate') ?? '');
  }
  if (response.status === 400) {
    try {
      const body: unknown = await response.clone().json();
      return (
        typeof body === 'object' &&
        body !== null &&
        (body as { error?: unknown }).error === 'use_dpop_nonce'
      );
    } catch {
      return false;
    }
  }
  return false;
}

async function resolveToken(source: AccessTokenSource | undefined): Promise<string | undefined> {
  if (source === undefined) return undefined;
  const token = typeof source === 'function' ? await source() : source;
  if (typeof token !== 'string' || token.length === 0) {
    mustBe('options.accessToken', '(or return) a non-empty string');
  }
  return token;
}

function isReadableStream(value: unknown): boolean {
  return typeof ReadableStream === 'function' && value instanceof ReadableStream;
}

/** @internal Builds the bound fetch. */
export function createBoundFetch(
  signRequest: SignRequest,
  options: CreateFetchOptions = {},
): typeof fetch {
  const baseFetch = assertObject(options).fetch ?? globalThis.fetch;
  if (typeof baseFetch !== 'function')
    fail('INVALID_ARGUMENT', 'no fetch available; pass "options.fetch"');
  const { accessToken } = options;
  if (
    accessToken !== undefined &&
    typeof accessToken !== 'string' &&
    typeof accessToken !== 'function'
  ) {
    mustBe('options.accessToken', 'a string or a function');
  }
  const nonces = new Map<string, string>();

  return async function boundFetch(
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Promise<Response> {
    const streamed = isReadableStream(init?.body);
    let request: Request;
    try {
      request = new Request(input, init);
    } catch (err) {
      return fail('INVALID_ARGUMENT', 'the request could not be built; is the URL absolute?', err);
    }
    const { origin } = parseHttpUrl(request.url);
    // A one-shot stream is sent as it is, unsigned by Content-Digest and never retried;
    // every other body is read once so it can be digested and sent again.
    const body =
      request.body === null || streamed ? undefined : new Uint8Array(await request.arrayBuffer());
    const token = await resolveToken(accessToken);

    const send = async (): Promise<Response> => {
      // Members left undefined count as absent.
      const proof = await signRequest({
        method: request.method,
        url: request.url,
        body,
        accessToken: token,
        nonce: nonces.get(origin),
      });
      const headers = new Headers(request.headers);
      for (const [name, value] of Object.entries(proof))
        if (value !== undefined) headers.set(name, value);
      if (token !== undefined) headers.set('Authorization', `DPoP ${token}`);
      // A Request made from the original keeps its method, signal, credentials, mode and the
      // rest, except the referrer and its policy (Fetch resets them when given any init); a
      // streamed body passes through, a read one is given again.
      const { referrer, referrerPolicy } = request;
      const response = await baseFetch(
        new Request(request, {
          headers,
          body: body as Uint8Array<ArrayBuffer> | undefined,
          referrer,
          referrerPolicy,
        }),
      );
      const next = response.headers.get('DPoP-Nonce');
      if (next !== null && next.length > 0) nonces.set(origin, next);
      return response;
    };

    const first = await send();
    if (streamed || !(await isNonceChallenge(first))) return first;
    return send();
  };
}
