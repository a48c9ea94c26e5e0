// The DPoP part of the Express example: a middleware that lets a request through only with
// a DPoP-bound access token and a fresh proof from the key the token is bound to, and the
// one place that turns every refusal into its HTTP answer.

import { answerVerificationError, isDeviceBindingError, verifyRequest } from 'devicebind/server';
import { dpopAccessToken, invalidToken } from '../shared/access-tokens.mjs';

// #region require-device
/**
 * Sends the HTTP answer for a failed check: status, `WWW-Authenticate`, `DPoP-Nonce`,
 * `Want-Content-Digest` and `Retry-After` as `answerVerificationError` decides them.
 * `options` are its options: the nonce issuer, or `verifying: 'handshake'` at sign-in.
 */
export function sendVerificationError(res, err, options) {
  // One line per refusal, by code and claim: what operators count and alert on.
  if (isDeviceBindingError(err)) {
    const { claim, reason } = err.detail ?? {};
    console.warn(JSON.stringify({ refused: err.code, claim, reason, path: res.req.path }));
  } else console.error(err);
  const answer = answerVerificationError(err, options);
  res.status(answer.status).set(answer.headers).send(answer.body);
}

/**
 * Express middleware for routes only a bound device may call. Mount it after
 * `express.raw({ type: () => true })`, so that `req.body` holds the raw bytes the proof covers.
 */
export function requireDevice({ publicOrigin, replayCache, nonces, tokens }) {
  return async (req, res, next) => {
    try {
      const accessToken = dpopAccessToken(req.headers.authorization);
      const token = accessToken && (await tokens.verify(accessToken));
      if (!token) throw invalidToken(accessToken);
      const { deviceId } = await verifyRequest(
        {
          method: req.method,
          // The URL the client signed: the configured public origin, never the Host header.
          url: `${publicOrigin}${req.originalUrl}`,
          headers: req.headers,
          body: req.body,
        },
        {
          // The proof must be signed by the key the token is bound to (RFC 9449 §7.1).
          jkt: token.jkt,
          accessToken,
          replayCache,
          expectedNonce: nonces,
        },
      );
      req.device = { user: token.user, deviceId };
      // A fresh nonce with every answer, so the next proof needs no extra round trip.
      res.set('DPoP-Nonce', nonces.issue());
      next();
    } catch (err) {
      // With the issuer, every 401 carries a fresh nonce: a client whose nonce was missing
      // or stale retries with it at once (createFetch does).
      sendVerificationError(res, err, { dpopNonce: nonces });
    }
  };
}
// #endregion require-device
