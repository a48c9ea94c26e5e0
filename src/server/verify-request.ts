// Verifies a request's DPoP proof (RFC 9449 §4.3) against the device's bound key, including
// the body digest (RFC 9530), server nonces and replay. Hot path: no jose, cached keys.

import { signingAlgorithmForKey } from '../core/algorithms.js';
import { encodeBase64url } from '../core/base64url.js';
import { bodyBytes, contentDigest } from '../core/content-digest.js';
import { resolveCryptoBackend } from '../core/crypto-backend.js';
import { DeviceBindingError, fail } from '../core/errors.js';
import { type PublicJwk, thumbprintInput } from '../core/jwk.js';
import { utf8Encode } from '../core/utf8.js';
import { decodeJsonObject, splitCompactJws } from './lib/compact-jws.js';
import { constantTimeEqual } from './lib/constant-time.js';
import { checkExpectedNonce, type ExpectedNonce, isNonceAccepted } from './lib/expected-nonce.js';
import { checkHeaders, type RequestHeaders, readHeader } from './lib/http-headers.js';
import { normalizeHtu } from './lib/htu.js';
import { LruMap } from './lib/lru-map.js';
import { type ProtectedHeader, parseProtectedHeader } from './lib/protected-header.js';
import { parseServerPublicJwk } from './lib/public-key.js';
import { checkIssuedAt, currentSeconds, secondsOption } from './lib/time-window.js';
import { verificationKey, verifySignature } from './lib/verification-keys.js';
import type { ReplayCache } from './replay-cache.js';

/**
 * The request as the server received it.
 *
 * @example
 * ```ts
 * // node:http / Express: rebuild the public URL and pass the raw body bytes.
 * const request: RequestToVerify = {
 *   method: req.method,
 *   url: `https://${req.headers.host}${req.originalUrl}`,
 *   headers: req.headers,
 *   body: rawBody, // e.g. express.raw() → Buffer (a Uint8Array)
 * };
 * ```
 */
export interface RequestToVerify {
  /** The HTTP method, exactly as received (e.g. `req.method`). */
  method: string;
  /**
   * The absolute URL the client sent the request to, as the client saw it (behind a proxy,
   * the public scheme and host). Query and fragment are ignored.
   */
  url: string | URL;
  /** The request headers: a Fetch `Headers` or a plain object such as Node's `req.headers`. */
  headers: RequestHeaders;
  /** The raw request body, when the request has one, exactly as received. */
  body?: string | Uint8Array;
}

/**
 * Options for {@link verifyRequest}.
 *
 * @example
 * ```ts
 * const options: VerifyRequestOptions = { signingKey: device.signingKey, accessToken, replayCache, nonce: nonces };
 * ```
 */
export interface VerifyRequestOptions {
  /** The device's public signing key, as registered by `verifyHandshake` (`signingKey`). */
  signingKey: PublicJwk;
  /**
   * The access token presented with the request (`Authorization: DPoP <token>`). When
   * given, the proof must carry its hash as `ath`; when absent, the proof must not.
   */
  accessToken?: string;
  /** Where proof ids are remembered, to refuse a proof sent twice. Strongly recommended. */
  replayCache?: ReplayCache;
  /**
   * Require a server nonce (RFC 9449 §8): the exact nonce, a checking function, or a nonce
   * issuer from `createNonceIssuer`. A proof without an accepted nonce fails with
   * `NONCE_REQUIRED`. When not set, a proof's `nonce` claim is ignored.
   */
  nonce?: ExpectedNonce;
  /** How old a proof may be, by its `iat` (default 300 s). */
  maxAgeSeconds?: number;
  /** How far in the future a proof's `iat` may be, for clock skew (default 5 s). */
  clockToleranceSeconds?: number;
  /** The current time (default: the system clock): a Date or milliseconds since the epoch. */
  now?: Date | number;
}

/**
 * The claims of a verified DPoP proof.
 *
 * @example
 * ```ts
 * const { claims } = await verifyRequest(request, options);
 * log.info({ jti: claims.jti, iat: claims.iat });
 * ```
 */
export interface ProofClaims {
  /** The proof's unique id. */
  readonly jti: string;
  /** The HTTP method it was made for. */
  readonly htm: string;
  /** The URI it was made for, without query and fragment. */
  readonly htu: string;
  /** When it was made, in seconds since the epoch. */
  readonly iat: number;
  /** base64url SHA-256 of the access token, when one was presented. */
  readonly ath?: string;
  /** The server nonce it carries, if any. */
  readonly nonce?: string;
  /** The RFC 9530 digest of the body, when the request has one. */
  readonly content_digest?: string;
  /** Claims added by other DPoP clients. */
  readonly [name: string]: unknown;
}

/**
 * What {@link verifyRequest} proves about a request: it was signed just now, for this
 * method, URL, token and body, by the device with this id.
 *
 * @example
 * ```ts
 * const { deviceId } = await verifyRequest(request, options);
 * if (deviceId !== session.deviceId) throw new Error('token used from another device');
 * ```
 */
export interface VerifiedRequest {
  /** The device id: RFC 7638 thumbprint of the key that signed the proof. */
  deviceId: string;
  /** The proof's claims. */
  claims: ProofClaims;
}

/** Longest accepted `DPoP` header: typical proofs are under 1 KiB. */
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;
const PROOF_TYP = 'dpop+jwt';
// RFC 9110 §5.6.2: a method is a token.
const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

// A device sends the same protected header with every proof: parse and check it once.
const headerCache = new LruMap<string, ProtectedHeader>(1024);

function proofHeader(encodedHeader: string): ProtectedHeader {
  const cached = headerCache.get(encodedHeader);
  if (cached !== undefined) return cached;
  const header = parseProtectedHeader(
    decodeJsonObject(encodedHeader, 'INVALID_PROOF', 'the DPoP proof header'),
    PROOF_TYP,
    'INVALID_PROOF',
    'the DPoP proof',
  );
  headerCache.set(encodedHeader, header);
  return header;
}

function optionalString(payload: Record<string, unknown>, name: string): string | undefined {
  const value = payload[name];
  if (value !== undefined && typeof value !== 'string')
    fail('INVALID_PROOF', `the DPoP proof's "${name}" must be a string`);
  return value;
}

function requiredString(payload: Record<string, unknown>, name: string): string {
  const value = payload[name];
  if (typeof value !== 'string' || value.length === 0) {
    fail('INVALID_PROOF', `the DPoP proof has no "${name}" (a non-empty string)`);
  }
  return value;
}

async function sha256Base64url(text: string): Promise<string> {
  return encodeBase64url(await resolveCryptoBackend(undefined).sha256(utf8Encode(text)));
}

interface CheckedArguments {
  method: string;
  requestHtu: string;
  headers: RequestHeaders;
  body: Uint8Array | undefined;
  signingKey: PublicJwk;
  canonicalKey: string;
  accessToken: string | undefined;
  replayCache: ReplayCache | undefined;
  nonce: ExpectedNonce | undefined;
  maxAge: number;
  tolerance: number;
  nowSeconds: number;
}

function checkArguments(request: RequestToVerify, options: VerifyRequestOptions): CheckedArguments {
  if (typeof request !== 'object' || request === null)
    fail('INVALID_ARGUMENT', '"request" must be an object');
  if (typeof options !== 'object' || options === null)
    fail('INVALID_ARGUMENT', '"options" must be an object');
  const { method, url, headers, body } = request;
  if (typeof method !== 'string' || !METHOD_TOKEN.test(method)) {
    fail('INVALID_ARGUMENT', '"request.method" must be an HTTP method such as "GET"');
  }
  const requestHtu =
    typeof url === 'string' || url instanceof URL ? normalizeHtu(url, true) : undefined;
  if (requestHtu === undefined)
    fail('INVALID_ARGUMENT', '"request.url" must be an absolute http(s) URL');
  checkHeaders(headers, '"request.headers"');
  const bytes = body === undefined ? undefined : bodyBytes(body, '"request.body"');
  const signingKey = parseServerPublicJwk(options.signingKey, '"options.signingKey"');
  signingAlgorithmForKey(signingKey);
  const { accessToken, replayCache, nonce } = options;
  if (accessToken !== undefined && (typeof accessToken !== 'string' || accessToken.length === 0)) {
    fail('INVALID_ARGUMENT', '"options.accessToken" must be a non-empty string');
  }
  if (
    replayCache !== undefined &&
    (typeof replayCache !== 'object' ||
      replayCache === null ||
      typeof replayCache.checkAndStore !== 'function')
  ) {
    fail(
      'INVALID_ARGUMENT',
      '"options.replayCache" must be a ReplayCache (an object with checkAndStore)',
    );
  }
  if (nonce !== undefined) checkExpectedNonce(nonce, '"options.nonce"');
  return {
    method,
    requestHtu,
    headers,
    body: bytes,
    signingKey,
    canonicalKey: thumbprintInput(signingKey),
    accessToken,
    replayCache,
    nonce,
    maxAge: secondsOption(options.maxAgeSeconds, 300, 1, 86_400, '"options.maxAgeSeconds"'),
    tolerance: secondsOption(
      options.clockToleranceSeconds,
      5,
      0,
      3600,
      '"options.clockToleranceSeconds"',
    ),
    nowSeconds: currentSeconds(options.now, '"options.now"'),
  };
}

async function checkBody(args: CheckedArguments, claim: string | undefined): Promise<void> {
  const header = readHeader(args.headers, 'content-digest', '"request.headers"', false);
  if (header.kind === 'repeated')
    fail('INVALID_PROOF', 'the request has more than one Content-Digest header');
  // A Content-Digest header the signature does not cover could have been swapped along
  // with the body, so it must be exactly the signed value.
  if (header.kind === 'single' && header.value.trim() !== claim) {
    fail(
      'INVALID_PROOF',
      'the Content-Digest header does not match the DPoP proof\'s "content_digest"',
    );
  }
  if (claim === undefined) {
    if (args.body !== undefined && args.body.length > 0) {
      fail(
        'INVALID_PROOF',
        'the request has a body, but the DPoP proof does not cover it (no "content_digest")',
      );
    }
    return;
  }
  if (args.body === undefined) {
    fail(
      'INVALID_PROOF',
      'the DPoP proof covers a body ("content_digest"), but no body was given as "request.body"',
    );
  }
  // RFC 9530 §2: recompute the digest over the received bytes.
  if ((await contentDigest(args.body, resolveCryptoBackend(undefined))) !== claim) {
    fail('INVALID_PROOF', 'the request body does not match the DPoP proof\'s "content_digest"');
  }
}

/**
 * Verifies the DPoP proof (RFC 9449 §4.3) of a request from a bound device: exactly one
 * `DPoP` header; `typ: dpop+jwt`; an allowlisted `alg` matching the key; the embedded `jwk`
 * equal (by RFC 7638 thumbprint) to the device's bound `signingKey`; the signature; `htm`;
 * `htu` (normalised, query and fragment ignored); `iat` within `maxAgeSeconds` in the past
 * and `clockToleranceSeconds` in the future; `ath` exactly when an access token is
 * presented; the body against the signed `content_digest` and the `Content-Digest` header;
 * the server nonce when one is required; and, last, the `jti` against the replay cache.
 *
 * Error codes by case: no, two, oversized (> 8 KiB) or malformed `DPoP` header, wrong `typ`,
 * `alg: "none"`, a key other than the bound one, a private or malformed `jwk`, a bad
 * signature, and any claim mismatch → `INVALID_PROOF`; an `alg` outside the allowlist
 * (HS256, RS256, ES384, …) → `UNSUPPORTED_ALGORITHM`; missing or unaccepted nonce →
 * `NONCE_REQUIRED`; a `jti` seen before → `REPLAYED`; a replay cache that fails (or a full
 * `MemoryReplayCache`) → `REPLAY_CHECK_FAILED`, and the proof is refused.
 *
 * @param request - The request as received; `body` must be the raw bytes (or text) sent.
 * @param options - The bound key and the checks to apply.
 * @returns The device id and the proof's claims.
 * @throws `INVALID_PROOF`, `UNSUPPORTED_ALGORITHM`, `NONCE_REQUIRED`, `REPLAYED`,
 * `REPLAY_CHECK_FAILED` as above;
 * `INVALID_ARGUMENT` for malformed arguments (including a `signingKey` that is not a valid
 * public key); `CRYPTO_UNAVAILABLE` without WebCrypto.
 * @example
 * ```ts
 * import { MemoryReplayCache, verifyRequest } from 'devicebind/server';
 *
 * const replayCache = new MemoryReplayCache();
 *
 * // In a Fetch-style handler (Workers, Deno, Bun, Hono, Next.js route handlers):
 * const accessToken = request.headers.get('authorization')?.replace(/^DPoP /, '');
 * const session = await sessions.lookup(accessToken); // holds the device's signingKey
 * const { deviceId } = await verifyRequest(
 *   { method: request.method, url: request.url, headers: request.headers, body: new Uint8Array(await request.arrayBuffer()) },
 *   { signingKey: session.signingKey, accessToken, replayCache },
 * );
 * ```
 */
export async function verifyRequest(
  request: RequestToVerify,
  options: VerifyRequestOptions,
): Promise<VerifiedRequest> {
  const args = checkArguments(request, options);

  const found = readHeader(args.headers, 'dpop', '"request.headers"', true);
  if (found.kind === 'absent') fail('INVALID_PROOF', 'the request has no DPoP header');
  // RFC 9449 §4.3, check 1: exactly one DPoP header.
  if (found.kind === 'repeated') fail('INVALID_PROOF', 'the request has more than one DPoP header');
  if (found.value.length > MAX_PROOF_LENGTH) {
    fail('INVALID_PROOF', `the DPoP header is longer than ${MAX_PROOF_LENGTH} characters`);
  }
  const parts = splitCompactJws(found.value, 'INVALID_PROOF', 'the DPoP proof');
  const header = proofHeader(parts.encodedHeader);
  if (header.canonicalKey !== args.canonicalKey) {
    fail(
      'INVALID_PROOF',
      'the DPoP proof is signed with another key than the one bound to this device',
    );
  }
  const payload = decodeJsonObject(parts.encodedPayload, 'INVALID_PROOF', 'the DPoP proof payload');
  const jti = requiredString(payload, 'jti');
  if (jti.length > MAX_JTI_LENGTH)
    fail('INVALID_PROOF', `the DPoP proof's "jti" is longer than ${MAX_JTI_LENGTH} characters`);
  const htm = requiredString(payload, 'htm');
  const htu = requiredString(payload, 'htu');
  const ath = optionalString(payload, 'ath');
  const nonce = optionalString(payload, 'nonce');
  const digestClaim = optionalString(payload, 'content_digest');

  let verification: Awaited<ReturnType<typeof verificationKey>>;
  try {
    verification = await verificationKey(args.signingKey, args.canonicalKey, header.algorithm);
  } catch (err) {
    if (err instanceof DeviceBindingError) throw err;
    return fail('INVALID_ARGUMENT', '"options.signingKey" is not a valid public key', err);
  }
  if (
    !(await verifySignature(
      header.algorithm,
      verification.key,
      parts.signingInput,
      parts.signature,
    ))
  ) {
    fail('INVALID_PROOF', 'the DPoP proof signature is invalid');
  }

  if (htm !== args.method)
    fail('INVALID_PROOF', 'the DPoP proof was made for another HTTP method ("htm")');
  // Cheap path first: equal strings normalise equally.
  if (htu !== args.requestHtu && normalizeHtu(htu, false) !== args.requestHtu) {
    fail('INVALID_PROOF', 'the DPoP proof was made for another URL ("htu")');
  }
  const iat = checkIssuedAt(
    payload.iat,
    args.nowSeconds,
    args.maxAge,
    args.tolerance,
    'INVALID_PROOF',
    'the DPoP proof',
  );

  // RFC 9449 §4.3, check 11 and §7: `ath` binds the proof to the presented token.
  if (args.accessToken !== undefined) {
    if (ath === undefined)
      fail('INVALID_PROOF', 'an access token was presented, but the DPoP proof has no "ath"');
    if (!constantTimeEqual(ath, await sha256Base64url(args.accessToken))) {
      fail('INVALID_PROOF', 'the DPoP proof was made for another access token ("ath")');
    }
  } else if (ath !== undefined) {
    fail('INVALID_PROOF', 'the DPoP proof has "ath", but no access token was presented');
  }

  await checkBody(args, digestClaim);

  if (args.nonce !== undefined) {
    if (nonce === undefined)
      fail(
        'NONCE_REQUIRED',
        'this server requires a nonce in the DPoP proof; retry with the DPoP-Nonce it sent',
      );
    if (!(await isNonceAccepted(args.nonce, nonce, 'INVALID_PROOF'))) {
      fail(
        'NONCE_REQUIRED',
        "the DPoP proof's nonce is not accepted (unknown or expired); retry with the latest DPoP-Nonce",
      );
    }
  }

  // Replay last, so only proofs that passed every other check are remembered. The id is
  // scoped to the key; it can be forgotten once the proof would be too old anyway.
  if (args.replayCache !== undefined) {
    const expiresAt = Math.ceil((iat + args.maxAge + args.tolerance) * 1000);
    let fresh: boolean;
    try {
      fresh = await args.replayCache.checkAndStore(`${verification.thumbprint}:${jti}`, expiresAt);
    } catch (err) {
      if (err instanceof DeviceBindingError) throw err;
      return fail(
        'REPLAY_CHECK_FAILED',
        'the replay cache failed, so the DPoP proof could not be checked for replay and is refused',
        err,
      );
    }
    if (fresh !== true)
      fail(
        'REPLAYED',
        'this DPoP proof was already used ("jti" seen before); sign a new proof for every request',
      );
  }

  return { deviceId: verification.thumbprint, claims: payload as unknown as ProofClaims };
}
