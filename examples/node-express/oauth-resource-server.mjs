// A resource server behind your OAuth authorization server (Auth0, Okta, Keycloak,
// oidc-provider, …): it never saw the device's handshake. The access token is a JWT
// (RFC 9068) whose `cnf.jkt` names the key every proof must be signed with (RFC 9449 §7.1).

import { verifyRequest } from 'devicebind/server';
import express from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { dpopAccessToken, invalidToken } from '../shared/access-tokens.mjs';
import { sendVerificationError } from './device-auth.mjs';

/**
 * @param {object} config
 * @param {string} config.issuer - The authorization server's issuer URL.
 * @param {string} config.jwksUri - Where it publishes its token signing keys.
 * @param {string} config.publicOrigin - This API's public origin: the tokens' audience.
 * @param {import('devicebind/server').ReplayCache} config.replayCache - Shared by every instance.
 * @param {'required' | 'optional'} [config.bodyBinding] - `optional` also accepts POSTs from
 *   standard DPoP clients, whose proofs do not cover the body (weaker: see the server guide).
 */
// #region resource-server
export function createResourceServer({
  issuer,
  jwksUri,
  publicOrigin,
  replayCache,
  bodyBinding = 'required',
}) {
  const keys = createRemoteJWKSet(new URL(jwksUri));
  const app = express();
  app.disable('x-powered-by');
  app.use(express.raw({ type: () => true, limit: '1mb' }));
  app.use(async (req, res, next) => {
    try {
      const accessToken = dpopAccessToken(req.headers.authorization);
      const { payload } = await jwtVerify(accessToken ?? '', keys, {
        issuer,
        audience: publicOrigin,
        typ: 'at+jwt',
      }).catch(() => ({ payload: undefined }));
      const jkt = payload?.cnf?.jkt;
      if (typeof jkt !== 'string') throw invalidToken(accessToken);
      await verifyRequest(
        {
          method: req.method,
          url: `${publicOrigin}${req.originalUrl}`,
          headers: req.headers,
          body: req.body,
        },
        { jkt, accessToken, replayCache, bodyBinding },
      );
      req.client = { id: payload.client_id, scope: payload.scope };
      next();
    } catch (err) {
      sendVerificationError(res, err);
    }
  });
  app.get('/orders', (req, res) => res.json({ orders: [], client: req.client.id }));
  app.post('/orders', (req, res) => {
    res
      .status(201)
      .json({ accepted: JSON.parse(req.body.toString('utf8')), client: req.client.id });
  });
  return app;
}
// #endregion resource-server
