// The RFC 9449 DPoP proof payload, plus the RFC 9530 body digest the proof signs over.

import { encodeBase64url } from './base64url.js';
import { bodyBytes, contentDigest, type RequestBody } from './content-digest.js';
import type { CryptoBackend } from './crypto-backend.js';
import { mustBe, objectArg } from './errors.js';
import { htuOf, normalizeMethod } from './request-target.js';
import { utf8Encode } from './utf8.js';

/** What a request proof is made for. */
export interface SignRequestOptions {
  /** HTTP method; `get`, `post`, … are upper-cased the way `fetch` does. */
  method: string;
  /** The absolute request URL; query and fragment are not part of the proof (`htu`). */
  url: string | URL;
  /** The request body, when there is one: it is bound to the proof through `Content-Digest`. */
  body?: RequestBody;
  /** The access token sent with the request: the proof then carries its hash (`ath`). */
  accessToken?: string;
  /** The latest `DPoP-Nonce` the server sent. */
  nonce?: string;
}

/** Headers to add to the request. */
export interface RequestProofHeaders {
  /** The DPoP proof (RFC 9449). */
  DPoP: string;
  /** The RFC 9530 digest of the body, present when there is a body. */
  'Content-Digest'?: string;
  [name: string]: string | undefined;
}

/** @internal The proof payload and the extra headers, before signing. */
export interface ProofParts {
  payload: Record<string, string | number>;
  contentDigest?: string;
}

/** @internal Caches the `ath` of the last access token, which is usually sent many times. */
export class AccessTokenHasher {
  #token: string | undefined;
  #hash: string | undefined;

  async hash(token: string, crypto: CryptoBackend): Promise<string> {
    if (token !== this.#token) {
      // RFC 9449 §4.2: base64url of the SHA-256 of the ASCII encoding of the token.
      this.#hash = encodeBase64url(await crypto.sha256(utf8Encode(token)));
      this.#token = token;
    }
    return this.#hash!;
  }
}

const NONCE_PATTERN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 9449 §8.1: NQCHAR

/** @internal Builds the proof payload for a request. @throws `INVALID_ARGUMENT` */
export async function buildProofParts(
  options: SignRequestOptions,
  issuedAt: number,
  crypto: CryptoBackend,
  tokenHasher: AccessTokenHasher,
): Promise<ProofParts> {
  const { method, url, body, accessToken, nonce } = objectArg(options);
  const payload: Record<string, string | number> = {
    jti: encodeBase64url(crypto.randomBytes(16)),
    htm: normalizeMethod(method),
    htu: htuOf(url, '"options.url"'),
    iat: issuedAt,
  };
  if (accessToken !== undefined) {
    if (typeof accessToken !== 'string' || accessToken.length === 0)
      mustBe('options.accessToken', 'a non-empty string');
    payload.ath = await tokenHasher.hash(accessToken, crypto);
  }
  if (nonce !== undefined) {
    if (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce))
      mustBe('options.nonce', 'a DPoP-Nonce value: printable ASCII without " or \\');
    payload.nonce = nonce;
  }
  if (body === undefined) return { payload };
  const digest = await contentDigest(bodyBytes(body, '"options.body"'), crypto);
  payload.content_digest = digest;
  return { payload, contentDigest: digest };
}
