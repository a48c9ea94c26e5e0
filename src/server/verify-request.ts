// Verifies a request's DPoP proof (RFC 9449 §4.3) against the device's bound key or the
// access token's `cnf.jkt`, including the body digest (RFC 9530), server nonces and replay.
// Hot path: no jose, cached keys, no WebCrypto round trip but the signature check.

import { signingAlgorithmForKey } from '../core/algorithms.js';
import { assertObject, assertString, mustBe } from '../core/assert.js';
import { DeviceBindingError, refuse } from '../core/errors.js';
import { type PublicJwk, thumbprintInput } from '../core/jwk.js';
import { accessTokenHash, checkAuthorizationScheme } from './lib/access-token.js';
import { type BodyBinding, checkBody } from './lib/body-binding.js';
import { decodeJsonObject, splitCompactJws } from './lib/compact-jws.js';
import { constantTimeEqual } from './lib/constant-time.js';
import { checkExpectedNonce, type ExpectedNonce, isNonceAccepted } from './lib/expected-nonce.js';
import { readHeader } from './lib/http-headers.js';
import { normalizeHtu } from './lib/htu.js';
import { LruMap } from './lib/lru-map.js';
import { type ProtectedHeader, parseProtectedHeader } from './lib/protected-header.js';
import { parseServerPublicJwk } from './lib/public-key.js';
import { clipped, quoted } from './lib/quoted.js';
import { checkReplayCache, rememberOnce } from './lib/replay-check.js';
import {
  checkOrigin,
  type ReceivedRequest,
  type RequestToVerify,
  receivedRequest,
} from './lib/request-input.js';
import { checkIssuedAt, type TimeWindow, timeWindow } from './lib/time-window.js';
import { verificationKey, verifySignature } from './lib/verification-keys.js';
import type { ReplayCache } from './replay-cache.js';

export type { BodyBinding } from './lib/body-binding.js';
export type { RequestToVerify } from './lib/request-input.js';

/**
 * Options for {@link verifyRequest} besides the key: exactly one of `signingKey` (a device
 * registered through a handshake) and `jkt` (an OAuth access token's `cnf.jkt`) goes with
 * them, see {@link VerifyRequestOptions}.
 *
 * @example
 * ```ts
 * const common: VerifyRequestCommonOptions = { accessToken, replayCache, expectedNonce: nonces };
 * ```
 */
export interface VerifyRequestCommonOptions {
  /**
   * The access token presented with the request (`Authorization: DPoP <token>`). When
   * given, the proof must carry its hash as `ath`; when absent, the proof must not.
   */
  accessToken?: string;
  /**
   * Where proof ids are remembered, to refuse a proof sent twice (required). `false` turns
   * replay protection off: only for a server whose `expectedNonce` is single-use (a
   * function that deletes each nonce it accepts), which then refuses a second use itself.
   */
  replayCache: ReplayCache | false;
  /**
   * Require a server nonce (RFC 9449 §8): the exact nonce, a checking function, or a nonce
   * issuer from `createNonceIssuer`. A proof without an accepted nonce fails with
   * `NONCE_REQUIRED`. When not set, a proof's `nonce` claim is ignored.
   */
  expectedNonce?: ExpectedNonce;
  /**
   * The public origin of this API (`https://api.example.com`): the proof's `htu` must name
   * it, whatever origin the request URL carries (behind a proxy, or from a framework adapter
   * that builds `request.url` from the `Host` header, which the client chooses). With it,
   * `request.url` may be a path such as `req.originalUrl`.
   */
  expectedOrigin?: string;
  /** Whether a body must be covered by the proof's `content_digest` (default `required`). */
  bodyBinding?: BodyBinding;
  /** How old a proof may be, by its `iat` (default 300 s). */
  maxAgeSeconds?: number;
  /** How far in the future a proof's `iat` may be, for clock skew (default 5 s). */
  clockToleranceSeconds?: number;
  /** The current time (default: the system clock): a Date or milliseconds since the epoch. */
  now?: Date | number;
}

/**
 * Options for {@link verifyRequest}: the common options and exactly one key:
 *
 * - `signingKey`: the device's public signing key, as registered by `verifyHandshake`;
 * - `jkt`: the RFC 7638 thumbprint the access token is bound to (its `cnf.jkt`, RFC 9449
 *   §6), for resource servers that never saw the handshake. The proof is verified with the
 *   key in its own header, which must have this thumbprint (§7.1).
 *
 * @example
 * ```ts
 * const registered: VerifyRequestOptions = { signingKey: device.signingKey, accessToken, replayCache };
 * const oauth: VerifyRequestOptions = { jkt: token.cnf.jkt, accessToken, replayCache };
 * ```
 */
export type VerifyRequestOptions = VerifyRequestCommonOptions &
  ({ signingKey: PublicJwk; jkt?: undefined } | { jkt: string; signingKey?: undefined });

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
  /**
   * The RFC 9530 digest of the body. Absent when the request has no body, or, with
   * `bodyBinding: 'optional'`, when the body was not covered by the proof.
   */
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
const PROOF = 'the DPoP proof';
// An RFC 7638 SHA-256 thumbprint: 32 bytes in unpadded base64url.
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

// A device sends the same protected header with every proof: parse and check it once.
const headerCache = new LruMap<string, ProtectedHeader>(1024);

function proofHeader(encodedHeader: string): ProtectedHeader {
  const cached = headerCache.get(encodedHeader);
  if (cached !== undefined) return cached;
  const header = parseProtectedHeader(
    decodeJsonObject(encodedHeader, 'INVALID_PROOF', 'the DPoP proof header'),
    PROOF_TYP,
    'INVALID_PROOF',
    PROOF,
  );
  headerCache.set(encodedHeader, header);
  return header;
}

function optionalString(payload: Record<string, unknown>, name: string): string | undefined {
  const value = payload[name];
  if (value !== undefined && typeof value !== 'string')
    refuse('INVALID_PROOF', `the DPoP proof's "${name}" must be a string`, {
      claim: name,
      reason: 'malformed',
    });
  return value;
}

function requiredString(payload: Record<string, unknown>, name: string): string {
  const value = payload[name];
  if (typeof value !== 'string' || value.length === 0) {
    refuse('INVALID_PROOF', `the DPoP proof has no "${name}" (a non-empty string)`, {
      claim: name,
      reason: value === undefined ? 'missing' : 'malformed',
    });
  }
  return value;
}

/** The bound key, as the verifier compares it with the proof's. */
type ExpectedKey =
  | { readonly kind: 'signingKey'; readonly jwk: PublicJwk; readonly canonicalKey: string }
  | { readonly kind: 'jkt'; readonly jkt: string };

interface CheckedArguments {
  request: ReceivedRequest;
  key: ExpectedKey;
  accessToken: string | undefined;
  replayCache: ReplayCache | false;
  expectedNonce: ExpectedNonce | undefined;
  bodyBinding: BodyBinding;
  window: TimeWindow;
}

function expectedKey(options: VerifyRequestOptions): ExpectedKey {
  const { signingKey, jkt } = options;
  if ((signingKey === undefined) === (jkt === undefined)) {
    mustBe(
      'options',
      'given exactly one of "signingKey" (a registered device key) and "jkt" (the access token\'s cnf.jkt)',
    );
  }
  if (jkt !== undefined) {
    if (typeof jkt !== 'string' || !THUMBPRINT.test(jkt)) {
      mustBe(
        'options.jkt',
        "an RFC 7638 SHA-256 thumbprint (43 base64url characters), such as the access token's cnf.jkt",
      );
    }
    return { kind: 'jkt', jkt };
  }
  const jwk = parseServerPublicJwk(signingKey, '"options.signingKey"');
  signingAlgorithmForKey(jwk);
  return { kind: 'signingKey', jwk, canonicalKey: thumbprintInput(jwk) };
}

function checkArguments(request: unknown, given: VerifyRequestOptions): CheckedArguments {
  const options = assertObject(given, 'options');
  // A renamed option left in place would silently turn the nonce check off.
  if ((options as { nonce?: unknown }).nonce !== undefined)
    mustBe('options.nonce', 'left out: the expected nonce is now "options.expectedNonce"');
  const origin =
    options.expectedOrigin === undefined
      ? undefined
      : checkOrigin(options.expectedOrigin, 'options.expectedOrigin');
  const { accessToken, expectedNonce, bodyBinding = 'required' } = options;
  if (accessToken !== undefined) assertString(accessToken, 'options.accessToken');
  if (expectedNonce !== undefined) checkExpectedNonce(expectedNonce, 'options.expectedNonce');
  if (bodyBinding !== 'required' && bodyBinding !== 'optional')
    mustBe('options.bodyBinding', '"required" or "optional"');
  return {
    key: expectedKey(options),
    request: receivedRequest(request, origin),
    accessToken,
    replayCache: checkReplayCache(options.replayCache, 'options.replayCache', {
      allowFalse: true,
      allowUndefined: false,
      mustBe:
        'a ReplayCache such as new MemoryReplayCache(), or false to rely on single-use nonces instead',
    }) as ReplayCache | false,
    expectedNonce,
    bodyBinding,
    window: timeWindow(options, { maxAge: 300, tolerance: 5 }),
  };
}

function checkKeyBinding(header: ProtectedHeader, key: ExpectedKey): void {
  const bound =
    key.kind === 'jkt'
      ? constantTimeEqual(header.thumbprint, key.jkt)
      : header.canonicalKey === key.canonicalKey;
  if (!bound) {
    refuse(
      'INVALID_PROOF',
      key.kind === 'jkt'
        ? 'the DPoP proof is signed with another key than the one the access token is bound to ("cnf.jkt")'
        : 'the DPoP proof is signed with another key than the one bound to this device',
      { claim: 'jwk', reason: 'mismatch' },
    );
  }
}

function checkTarget(htm: string, htu: string, request: ReceivedRequest): void {
  // RFC 9110 §9.1: methods are case-sensitive. Both sides normalise as fetch does (the six
  // standard methods upper-cased), then compare exactly.
  if (htm !== request.method) {
    refuse(
      'INVALID_PROOF',
      `the DPoP proof was made for another HTTP method ("htm"): the proof says ${quoted(htm)}, the request is ${quoted(request.method)}`,
      { claim: 'htm', reason: 'mismatch', expected: request.method, actual: clipped(htm) },
    );
  }
  // Cheap path first: equal strings normalise equally.
  if (htu !== request.htu && normalizeHtu(htu) !== request.htu) {
    refuse(
      'INVALID_PROOF',
      `the DPoP proof was made for another URL ("htu"): the proof says ${quoted(htu)}, the server expected ${quoted(request.htu)}`,
      { claim: 'htu', reason: 'mismatch', expected: request.htu, actual: clipped(htu) },
    );
  }
}

// RFC 9449 §4.3, check 11 and §7: `ath` binds the proof to the presented token. Neither the
// token nor the hash is shown anywhere: they are credentials.
async function checkAccessToken(ath: string | undefined, accessToken: string | undefined) {
  if (accessToken === undefined) {
    if (ath !== undefined)
      refuse('INVALID_PROOF', 'the DPoP proof has "ath", but no access token was presented', {
        claim: 'ath',
        reason: 'mismatch',
      });
    return;
  }
  if (ath === undefined)
    refuse('INVALID_PROOF', 'an access token was presented, but the DPoP proof has no "ath"', {
      claim: 'ath',
      reason: 'missing',
    });
  if (!constantTimeEqual(ath, await accessTokenHash(accessToken))) {
    refuse('INVALID_PROOF', 'the DPoP proof was made for another access token ("ath")', {
      claim: 'ath',
      reason: 'mismatch',
    });
  }
}

async function checkNonce(nonce: string | undefined, expected: ExpectedNonce): Promise<void> {
  if (nonce === undefined)
    refuse(
      'NONCE_REQUIRED',
      'this server requires a nonce in the DPoP proof; retry with the DPoP-Nonce it sent',
      { claim: 'nonce', reason: 'missing' },
    );
  if (!(await isNonceAccepted(expected, nonce, 'INVALID_PROOF'))) {
    refuse(
      'NONCE_REQUIRED',
      "the DPoP proof's nonce is not accepted (unknown or expired); retry with the latest DPoP-Nonce",
      { claim: 'nonce', reason: 'mismatch' },
    );
  }
}

async function signatureKey(header: ProtectedHeader, key: ExpectedKey) {
  // With `signingKey`, the registered key (equal to the header's) is imported; a failure
  // there is the server's own argument. With `jkt`, the sender's key is, and a failure is
  // theirs.
  const jwk = key.kind === 'signingKey' ? key.jwk : header.jwk;
  try {
    return await verificationKey(jwk, header.canonicalKey, header.algorithm);
  } catch (err) {
    if (err instanceof DeviceBindingError) throw err;
    if (key.kind === 'jkt') {
      return refuse(
        'INVALID_PROOF',
        'the DPoP proof "jwk" is not a valid public key',
        {
          claim: 'jwk',
          reason: 'malformed',
        },
        err,
      );
    }
    return mustBe('options.signingKey', 'a valid public key (a point on its curve)', err);
  }
}

/**
 * Verifies the DPoP proof (RFC 9449 §4.3) of a request from a bound device: exactly one
 * `DPoP` header; `typ: dpop+jwt`; an allowlisted `alg` matching the key; the embedded `jwk`
 * equal (by RFC 7638 thumbprint) to the device's `signingKey`, or with the thumbprint `jkt`;
 * `htm` (methods normalised as `fetch` does, then compared exactly); `htu` (normalised,
 * query and fragment ignored); `iat` within `maxAgeSeconds` in the past and
 * `clockToleranceSeconds` in the future; `ath` exactly when an access token is presented,
 * which must not come as `Authorization: Bearer` (RFC 9449 §7.2); the signature; the body
 * against the signed `content_digest` and the `Content-Digest` header, per `bodyBinding`;
 * the server nonce when one is required; and, last, the `jti` against the replay cache.
 *
 * The request is a Fetch API `Request` (its body is read from a clone, so the caller's copy
 * stays unread) or `{ method, url, headers, body }`. The URL must be the one the client
 * used: build it from your configured public origin, or pass `expectedOrigin`, never from
 * the `Host` header (a proof made for another service would then be accepted here).
 *
 * Every failure carries `detail` (`claim`, `reason`, and `expected`/`actual` where they are
 * not secrets); `answerVerificationError` turns it into the HTTP answer. Codes by case: no,
 * two, oversized (> 8 KiB) or malformed `DPoP` header, wrong `typ`, `alg: "none"`, another
 * key, a private or malformed `jwk`, a bad signature, a Bearer `Authorization`, and any
 * claim mismatch → `INVALID_PROOF`; an `alg` outside the allowlist (HS256, RS256, ES384, …)
 * → `UNSUPPORTED_ALGORITHM`; missing or unaccepted nonce → `NONCE_REQUIRED`; a `jti` seen
 * before → `REPLAYED`; a replay cache that fails (or a full `MemoryReplayCache`) →
 * `REPLAY_CHECK_FAILED`, and the proof is refused.
 *
 * @param request - The request as received: a Fetch `Request`, or `{ method, url, headers,
 * body }` with the raw body bytes (or text).
 * @param options - The bound key (`signingKey` or `jkt`), the replay cache, and the checks.
 * @returns The device id and the proof's claims.
 * @throws `INVALID_PROOF`, `UNSUPPORTED_ALGORITHM`, `NONCE_REQUIRED`, `REPLAYED`,
 * `REPLAY_CHECK_FAILED` as above; `INVALID_ARGUMENT` for malformed arguments (no
 * `replayCache`, both or neither of `signingKey` and `jkt`, a `signingKey` that is not a
 * valid public key, a Request whose body was already read); `CRYPTO_UNAVAILABLE` without
 * WebCrypto.
 * @example
 * ```ts
 * import { answerVerificationError, MemoryReplayCache, verifyRequest } from 'devicebind/server';
 *
 * const replayCache = new MemoryReplayCache();
 * const PUBLIC_ORIGIN = 'https://api.example.com'; // from configuration, never the Host header
 *
 * // In a Fetch-style handler (Workers, Deno, Bun, Hono, Next.js route handlers):
 * const accessToken = request.headers.get('authorization')?.replace(/^DPoP /, '');
 * const session = await sessions.lookup(accessToken); // holds the device's signingKey
 * try {
 *   const { deviceId } = await verifyRequest(request, {
 *     signingKey: session.signingKey,
 *     accessToken,
 *     replayCache,
 *     expectedOrigin: PUBLIC_ORIGIN,
 *   });
 * } catch (err) {
 *   const answer = answerVerificationError(err);
 *   return new Response(answer.body, answer);
 * }
 * ```
 */
export async function verifyRequest(
  request: Request | RequestToVerify,
  options: VerifyRequestOptions,
): Promise<VerifiedRequest> {
  const args = checkArguments(request, options);
  const { headers } = args.request;
  checkAuthorizationScheme(headers, args.accessToken);

  const found = readHeader(headers, 'dpop', 'request.headers', true);
  if (found.kind === 'absent')
    refuse('INVALID_PROOF', 'the request has no DPoP header', { claim: 'DPoP', reason: 'missing' });
  // RFC 9449 §4.3, check 1: exactly one DPoP header.
  if (found.kind === 'repeated')
    refuse('INVALID_PROOF', 'the request has more than one DPoP header', {
      claim: 'DPoP',
      reason: 'duplicate',
    });
  if (found.value.length > MAX_PROOF_LENGTH) {
    refuse('INVALID_PROOF', `the DPoP header is longer than ${MAX_PROOF_LENGTH} characters`, {
      claim: 'DPoP',
      reason: 'too_long',
    });
  }
  const parts = splitCompactJws(found.value, 'INVALID_PROOF', PROOF);
  const header = proofHeader(parts.encodedHeader);
  checkKeyBinding(header, args.key);
  const payload = decodeJsonObject(parts.encodedPayload, 'INVALID_PROOF', 'the DPoP proof payload');
  const jti = requiredString(payload, 'jti');
  if (jti.length > MAX_JTI_LENGTH)
    refuse('INVALID_PROOF', `the DPoP proof's "jti" is longer than ${MAX_JTI_LENGTH} characters`, {
      claim: 'jti',
      reason: 'too_long',
    });
  const htm = requiredString(payload, 'htm');
  const htu = requiredString(payload, 'htu');
  const ath = optionalString(payload, 'ath');
  const nonce = optionalString(payload, 'nonce');
  const digestClaim = optionalString(payload, 'content_digest');

  // The checks that cost no crypto come first, so a mismatched proof costs no signature check.
  checkTarget(htm, htu, args.request);
  const iat = checkIssuedAt(payload.iat, args.window, 'INVALID_PROOF', PROOF);
  await checkAccessToken(ath, args.accessToken);

  const verification = await signatureKey(header, args.key);
  if (
    !(await verifySignature(
      header.algorithm,
      verification.key,
      parts.signingInput,
      parts.signature,
    ))
  ) {
    refuse('INVALID_PROOF', 'the DPoP proof signature is invalid', {
      claim: 'signature',
      reason: 'invalid_signature',
    });
  }

  await checkBody(args.request, digestClaim, args.bodyBinding);
  if (args.expectedNonce !== undefined) await checkNonce(nonce, args.expectedNonce);

  // Replay last, so only proofs that passed every other check are remembered. The id is
  // scoped to the key; it can be forgotten once the proof would be too old anyway.
  await rememberOnce(args.replayCache, `${header.thumbprint}:${jti}`, iat, args.window, {
    code: 'REPLAYED',
    what: 'this DPoP proof',
    retry: 'sign a new proof for every request',
  });

  return { deviceId: header.thumbprint, claims: payload as unknown as ProofClaims };
}
