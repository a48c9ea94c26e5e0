// The RFC 9449 DPoP proof payload, plus the RFC 9530 body digest the proof signs over.

import { assertObject, assertString, mustBe } from './assert.js';
import { encodeBase64url } from './base64url.js';
import { bodyBytes, contentDigest, type RequestBody } from './content-digest.js';
import type { DigestBackend } from './crypto-backend.js';
import { DPOP_NONCE } from './dpop-nonce.js';
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

const JTI_BYTES = 16;
// Proof ids are public, so they can come from one CSPRNG call per batch: on Node a call
// costs about as much as the rest of a proof's JavaScript.
const JTI_BATCH = 64 * JTI_BYTES;
// Apps sign for the same few endpoints over and over: remember the htu of recent URLs.
const HTU_CACHE_SIZE = 64;

/**
 * @internal Builds request proof payloads for one binding. Keeps the `ath` of the last
 * access token (usually sent many times), the `htu` of recent URLs and a batch of random
 * bytes for proof ids.
 */
export class ProofBuilder {
  readonly #crypto: DigestBackend;
  #token: string | undefined;
  #tokenHash: string | undefined;
  #jtiBatch: Uint8Array = new Uint8Array(0);
  #jtiOffset = 0;
  readonly #htus = new Map<string, string>();

  constructor(crypto: DigestBackend) {
    this.#crypto = crypto;
  }

  /**
   * Builds the proof payload for a request: synchronously unless there is a body to digest
   * or a new access token to hash. @throws `INVALID_ARGUMENT`
   */
  build(options: SignRequestOptions, issuedAt: number): ProofParts | Promise<ProofParts> {
    const { method, url, body, accessToken, nonce } = assertObject(options);
    const payload: Record<string, string | number> = {
      jti: this.#nextJti(),
      htm: normalizeMethod(method),
      htu: this.#htuOf(url),
      iat: issuedAt,
    };
    const newToken = accessToken !== undefined && accessToken !== this.#token;
    if (accessToken !== undefined) {
      assertString(accessToken, 'options.accessToken');
      // Set here to keep the claims in order; a new token's hash is filled in by #finish.
      payload.ath = newToken ? '' : this.#tokenHash!;
    }
    if (nonce !== undefined) {
      if (typeof nonce !== 'string' || !DPOP_NONCE.test(nonce))
        mustBe('options.nonce', 'a DPoP-Nonce value: printable ASCII without " or \\');
      payload.nonce = nonce;
    }
    if (!newToken && body === undefined) return { payload };
    const digestInput = body === undefined ? undefined : bodyBytes(body, 'options.body');
    return this.#finish(payload, newToken ? accessToken : undefined, digestInput);
  }

  async #finish(
    payload: Record<string, string | number>,
    newToken: string | undefined,
    body: Uint8Array | undefined,
  ): Promise<ProofParts> {
    if (newToken !== undefined) payload.ath = await this.#accessTokenHash(newToken);
    if (body === undefined) return { payload };
    const digest = await contentDigest(body, this.#crypto);
    payload.content_digest = digest;
    return { payload, contentDigest: digest };
  }

  #htuOf(url: unknown): string {
    if (typeof url !== 'string') return htuOf(url, '"options.url"');
    let htu = this.#htus.get(url);
    if (htu === undefined) {
      htu = htuOf(url, '"options.url"');
      if (this.#htus.size === HTU_CACHE_SIZE) this.#htus.clear();
      this.#htus.set(url, htu);
    }
    return htu;
  }

  #nextJti(): string {
    if (this.#jtiOffset === this.#jtiBatch.length) {
      this.#jtiBatch = this.#crypto.randomBytes(JTI_BATCH);
      this.#jtiOffset = 0;
    }
    const start = this.#jtiOffset;
    this.#jtiOffset += JTI_BYTES;
    return encodeBase64url(this.#jtiBatch.subarray(start, this.#jtiOffset));
  }

  async #accessTokenHash(token: string): Promise<string> {
    if (token !== this.#token) {
      // RFC 9449 §4.2: base64url of the SHA-256 of the ASCII encoding of the token.
      this.#tokenHash = encodeBase64url(await this.#crypto.sha256(utf8Encode(token)));
      this.#token = token;
    }
    return this.#tokenHash!;
  }
}
