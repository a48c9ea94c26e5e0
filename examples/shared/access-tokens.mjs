// Access tokens of the example servers (Express and Workers): short-lived JWTs bound to the
// device key by `cnf.jkt` (RFC 9449 §6.1), signed with one key every instance shares.

import { DeviceBindingError } from 'devicebind/server';
import { importJWK, jwtVerify, SignJWT } from 'jose';

/**
 * The token issuer and checker for one signing key (a private EC P-256 JWK), whose tokens
 * are issued by and for `issuer` (the API's public origin).
 */
// #region issue-token
export async function createTokens(privateJwk, issuer) {
  const { d: _private, ...publicJwk } = privateJwk;
  const signingKey = await importJWK(privateJwk, 'ES256');
  const verificationKey = await importJWK(publicJwk, 'ES256');
  return {
    issue: (user, deviceId) =>
      new SignJWT({ cnf: { jkt: deviceId } })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience(issuer)
        .setSubject(user)
        .setIssuedAt()
        .setExpirationTime('15m')
        .sign(signingKey),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, verificationKey, {
          issuer,
          audience: issuer,
          typ: 'at+jwt',
          algorithms: ['ES256'],
        });
        const jkt = payload.cnf?.jkt;
        return typeof jkt === 'string' && payload.sub ? { user: payload.sub, jkt } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
// #endregion issue-token

/**
 * The refusal of a request whose access token is missing or not valid, as the verifiers
 * report a token problem (`detail.claim` `Authorization`), so that `answerVerificationError`
 * answers it like theirs: 401 with `WWW-Authenticate: DPoP error="invalid_token"` (RFC 6750
 * §3.1).
 */
export function invalidToken(accessToken) {
  return new DeviceBindingError(
    'INVALID_PROOF',
    accessToken ? 'the access token is not valid here' : 'the request has no DPoP access token',
    { detail: { claim: 'Authorization', reason: accessToken ? 'mismatch' : 'missing' } },
  );
}

/** The access token of an `Authorization: DPoP <token>` header, or `undefined`. */
export function dpopAccessToken(authorization) {
  return authorization?.startsWith('DPoP ') ? authorization.slice(5) : undefined;
}
