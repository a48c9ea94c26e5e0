// Turns any failure of a verifier into the HTTP answer a client can act on: status,
// `WWW-Authenticate` (RFC 9449 §7.1, RFC 6750 §3), `DPoP-Nonce`, `Want-Content-Digest`
// (RFC 9530 §4), `Retry-After`; one mapping for every app, as plain data for any framework.

import { assertNumber, assertObject, mustBe } from '../core/assert.js';
import { DeviceBindingError } from '../core/errors.js';
import { ACCEPTED_SIGNING_ALGS } from './lib/protected-header.js';
import { nonceChallengeHeaders } from './nonce-challenge.js';
import type { NonceIssuer } from './nonce-issuer.js';

/**
 * Options for {@link answerVerificationError}.
 *
 * @example
 * ```ts
 * const options: AnswerVerificationErrorOptions = { dpopNonce: nonces, retryAfterSeconds: 2 };
 * ```
 */
export interface AnswerVerificationErrorOptions {
  /**
   * The server nonce to send as `DPoP-Nonce` (RFC 9449 §8): a nonce, or the issuer
   * (`createNonceIssuer`), asked for a fresh one. Sent with every 401, so the client's retry
   * carries the latest nonce; without it, a `NONCE_REQUIRED` answer names no nonce and the
   * client cannot recover. Pass it whenever `verifyRequest` has `expectedNonce`.
   */
  dpopNonce?: string | Pick<NonceIssuer, 'issue'>;
  /** What failed to verify: a request proof (default), a handshake or a rotation token (then 400, not 401). */
  verifying?: 'request' | 'handshake' | 'rotation';
  /** `Retry-After` of a 503 when the replay cache or nonce check is unavailable (default 1). */
  retryAfterSeconds?: number;
}

/**
 * An HTTP answer: plain data for `new Response(answer.body, answer)` (Fetch, Workers, Hono),
 * `res.status(answer.status).set(answer.headers).send(answer.body)` (Express) or
 * `res.writeHead(answer.status, answer.headers).end(answer.body)` (node:http).
 *
 * @example
 * ```ts
 * const answer: VerificationErrorAnswer = answerVerificationError(err);
 * return new Response(answer.body, answer);
 * ```
 */
export interface VerificationErrorAnswer {
  /** 400, 401, 403, 500 or 503. */
  status: number;
  /** Response headers, names as written on the wire. */
  headers: Record<string, string>;
  /** A JSON object: `error` (an OAuth error code), and for 4xx/503 `error_description` and `code`. */
  body: string;
}

const ALGS = ACCEPTED_SIGNING_ALGS.join(' ');
// RFC 9530 §4: the client should send a sha-256 Content-Digest; 10 is the top preference.
const WANT_CONTENT_DIGEST = 'sha-256=10';
const NO_STORE = { 'Cache-Control': 'no-store' } as const;

function answer(
  status: number,
  error: string,
  extraHeaders: Record<string, string>,
  err?: DeviceBindingError,
): VerificationErrorAnswer {
  const body: Record<string, string> = { error };
  // Verification messages name what failed, and show only what is not secret (URLs,
  // methods, times), never a token, an `ath` or key material; server errors show nothing.
  if (err !== undefined) {
    body.error_description = err.message;
    body.code = err.code;
  }
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...NO_STORE, ...extraHeaders },
    body: JSON.stringify(body),
  };
}

function freshNonce(dpopNonce: AnswerVerificationErrorOptions['dpopNonce']): string | undefined {
  if (dpopNonce === undefined) return undefined;
  const nonce = typeof dpopNonce === 'string' ? dpopNonce : dpopNonce.issue();
  // Validated as a DPoP-Nonce value (RFC 9449 §8.1) by the challenge helper.
  return nonceChallengeHeaders(nonce)['DPoP-Nonce'];
}

/** A 401 with `WWW-Authenticate: DPoP …` (RFC 9449 §7.1) and the nonce when there is one. */
function unauthorized(
  error: string | undefined,
  err: DeviceBindingError,
  nonce: string | undefined,
  extra: Record<string, string> = {},
): VerificationErrorAnswer {
  // RFC 6750 §3.1: a request with no authentication at all gets a challenge without error.
  const challenge =
    error === undefined ? `DPoP algs="${ALGS}"` : `DPoP error="${error}", algs="${ALGS}"`;
  return answer(
    401,
    error ?? 'invalid_request',
    {
      'WWW-Authenticate': challenge,
      ...(nonce !== undefined && { 'DPoP-Nonce': nonce }),
      ...extra,
    },
    err,
  );
}

function checkOptions(options: AnswerVerificationErrorOptions) {
  const { dpopNonce, verifying = 'request', retryAfterSeconds } = assertObject(options);
  if (
    dpopNonce !== undefined &&
    typeof dpopNonce !== 'string' &&
    typeof (dpopNonce as { issue?: unknown } | null)?.issue !== 'function'
  )
    mustBe('options.dpopNonce', 'a nonce string or a nonce issuer');
  if (verifying !== 'request' && verifying !== 'handshake' && verifying !== 'rotation')
    mustBe('options.verifying', '"request", "handshake" or "rotation"');
  const retryAfter = assertNumber(retryAfterSeconds, 'options.retryAfterSeconds', {
    min: 0,
    max: 86_400,
    fallback: 1,
    unit: 'seconds',
    integer: true,
  });
  return { dpopNonce, verifying, retryAfter };
}

/**
 * The HTTP answer to a failure of `verifyRequest` or `verifyHandshake` (or anything thrown
 * around them), so no app writes this mapping by hand:
 *
 * | failure | status | headers | `error` |
 * | --- | --- | --- | --- |
 * | no `DPoP` header (`INVALID_PROOF`, `DPoP` missing) | 401 | `WWW-Authenticate: DPoP algs="…"` (no error: RFC 6750 §3.1) | `invalid_request` |
 * | token sent as `Bearer`, or under another scheme (`INVALID_PROOF`, `Authorization`) | 401 | `WWW-Authenticate: DPoP error="invalid_token", algs="…"` | `invalid_token` |
 * | a body the proof does not cover (`INVALID_PROOF`, `content_digest` missing) | 401 | as below, plus `Want-Content-Digest: sha-256=10` (RFC 9530 §4) | `invalid_dpop_proof` |
 * | any other `INVALID_PROOF`, `UNSUPPORTED_ALGORITHM`, `REPLAYED` | 401 | `WWW-Authenticate: DPoP error="invalid_dpop_proof", algs="…"` | `invalid_dpop_proof` |
 * | `NONCE_REQUIRED` | 401 | `WWW-Authenticate: DPoP error="use_dpop_nonce", …`, `DPoP-Nonce` (RFC 9449 §9) | `use_dpop_nonce` |
 * | `REPLAY_CHECK_FAILED`, or a nonce check that threw (`detail.reason` `unavailable`) | 503 | `Retry-After` | `temporarily_unavailable` |
 * | `INVALID_HANDSHAKE`, or any verification failure with `verifying: 'handshake'` | 400 | — | `invalid_handshake` |
 * | `INVALID_ROTATION` with `detail.reason` `already_bound` (the new key is bound elsewhere, RFC 8555 §7.3.5) | 409 | — | `conflict` |
 * | any other `INVALID_ROTATION`, or any verification failure with `verifying: 'rotation'` | 400 | — | `invalid_rotation` |
 * | `ATTESTATION_FAILED` | 403 | — | `attestation_failed` |
 * | `INVALID_ARGUMENT`, `CRYPTO_UNAVAILABLE`, any other code, anything not a DeviceBindingError | 500 | — | `server_error` |
 *
 * Every 401 carries `DPoP-Nonce` when `dpopNonce` is given (RFC 9449 §8.2 lets a server send
 * a fresh nonce with any answer). Every answer has `Content-Type: application/json` and
 * `Cache-Control: no-store`. The body of a 4xx or 503 has `error`, `error_description` (the
 * error's message, which never holds a token, an `ath` or key material) and `code`; a 500's
 * body is `{"error":"server_error"}` only: the server's own mistakes are logged, not shown.
 *
 * @param error - What `verifyRequest` or `verifyHandshake` threw (anything).
 * @param options - The nonce to send, what was being verified, `Retry-After`.
 * @returns Status, headers and body, as plain data.
 * @throws `INVALID_ARGUMENT` when the options are malformed (including a `dpopNonce` that is
 * not a valid `DPoP-Nonce` value).
 * @example
 * ```ts
 * import { answerVerificationError, verifyRequest } from 'devicebind/server';
 *
 * app.use('/api', express.raw({ type: () => true }), async (req, res, next) => {
 *   try {
 *     const accessToken = req.get('authorization')?.replace(/^DPoP /, '');
 *     const token = await verifyAccessToken(accessToken); // your token check
 *     await verifyRequest(
 *       { method: req.method, url: req.originalUrl, headers: req.headers, body: req.body },
 *       { jkt: token.cnf.jkt, accessToken, replayCache, expectedNonce: nonces, expectedOrigin: PUBLIC_ORIGIN },
 *     );
 *     res.set('DPoP-Nonce', nonces.issue());
 *     next();
 *   } catch (err) {
 *     if (isDeviceBindingError(err, 'INVALID_ARGUMENT')) log.error(err); // your bug, not theirs
 *     const answer = answerVerificationError(err, { dpopNonce: nonces });
 *     res.status(answer.status).set(answer.headers).send(answer.body);
 *   }
 * });
 * ```
 */
export function answerVerificationError(
  error: unknown,
  options: AnswerVerificationErrorOptions = {},
): VerificationErrorAnswer {
  const { dpopNonce, verifying, retryAfter } = checkOptions(options);
  if (!(error instanceof DeviceBindingError)) return answer(500, 'server_error', {});
  const { code, detail } = error;
  if (code === 'REPLAY_CHECK_FAILED' || detail?.reason === 'unavailable') {
    return answer(503, 'temporarily_unavailable', { 'Retry-After': String(retryAfter) }, error);
  }
  if (code === 'ATTESTATION_FAILED') return answer(403, 'attestation_failed', {}, error);
  const proofFailure =
    code === 'INVALID_PROOF' ||
    code === 'UNSUPPORTED_ALGORITHM' ||
    code === 'REPLAYED' ||
    code === 'NONCE_REQUIRED';
  if (code === 'INVALID_HANDSHAKE' || (proofFailure && verifying === 'handshake')) {
    return answer(400, 'invalid_handshake', {}, error);
  }
  if (code === 'INVALID_ROTATION' || (proofFailure && verifying === 'rotation')) {
    return detail?.reason === 'already_bound'
      ? answer(409, 'conflict', {}, error)
      : answer(400, 'invalid_rotation', {}, error);
  }
  if (!proofFailure) return answer(500, 'server_error', {});
  const nonce = freshNonce(dpopNonce);
  if (code === 'NONCE_REQUIRED') return unauthorized('use_dpop_nonce', error, nonce);
  if (detail?.claim === 'DPoP' && detail.reason === 'missing')
    return unauthorized(undefined, error, nonce);
  if (detail?.claim === 'Authorization') return unauthorized('invalid_token', error, nonce);
  if (detail?.claim === 'content_digest' && detail.reason === 'missing') {
    return unauthorized('invalid_dpop_proof', error, nonce, {
      'Want-Content-Digest': WANT_CONTENT_DIGEST,
    });
  }
  return unauthorized('invalid_dpop_proof', error, nonce);
}
