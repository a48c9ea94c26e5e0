// The Express example's routes: stateless sign-in challenges, sign-in with a handshake,
// device-only API routes, and files sealed for the calling device. Every instance built
// with the same configuration and stores accepts what any other issued.

import { sealEnvelope, verifyHandshake } from 'devicebind/server';
import express from 'express';
import { requireDevice, sendVerificationError } from './device-auth.mjs';

const FILES = { 'welcome.txt': 'Only the device this was sealed for can read it.' };

/**
 * @param {object} config
 * @param {string} config.publicOrigin - e.g. `https://api.example.com`, from configuration.
 * @param {import('devicebind/server').NonceIssuer} config.nonces - Sign-in challenges and DPoP nonces.
 * @param {ReturnType<typeof import('./stores.mjs').redisStores>} config.stores
 * @param {Awaited<ReturnType<typeof import('../shared/access-tokens.mjs').createTokens>>} config.tokens
 * @param {(username: string, password: string) => Promise<boolean>} config.checkPassword
 */
export function createApp({ publicOrigin, nonces, stores, tokens, checkPassword }) {
  const { replayCache, bindings } = stores;
  const app = express();
  app.disable('x-powered-by');

  const hello = (req, res) => res.json({ hello: req.device?.user ?? 'world' });
  // The same endpoint without device binding: what the load run compares against.
  app.get('/hello', hello);

  // #region sign-in
  // A sign-in challenge needs no table: the nonce is an HMAC of the time window, and the
  // shared replay cache makes each handshake count once, on every instance.
  app.get('/auth/challenge', (_req, res) => res.json({ nonce: nonces.issue() }));

  app.post('/auth/sign-in', express.json(), async (req, res) => {
    const { username, password, handshake } = req.body ?? {};
    if (!(await checkPassword(String(username), String(password))))
      return res.status(401).json({ error: 'invalid_credentials' });
    try {
      const device = await verifyHandshake(handshake, {
        expectedNonce: nonces,
        replayCache,
        maxAgeSeconds: 120,
      });
      await bindings.put(device.deviceId, {
        user: username,
        encryptionKey: device.encryptionKey,
      });
      res.json({
        access_token: await tokens.issue(username, device.deviceId),
        token_type: 'DPoP',
        device_id: device.deviceId,
      });
    } catch (err) {
      sendVerificationError(res, err, { verifying: 'handshake' });
    }
  });
  // #endregion sign-in

  // #region api-routes
  // The raw body, exactly as received: the proof's content digest covers these bytes.
  const api = express.Router();
  api.use(express.raw({ type: () => true, limit: '1mb' }));
  api.use(requireDevice({ publicOrigin, replayCache, nonces, tokens }));
  api.get('/hello', hello);
  api.post('/orders', (req, res) => {
    const order = JSON.parse(req.body.toString('utf8'));
    res.status(201).json({ accepted: order, by: req.device.deviceId });
  });
  // #endregion api-routes
  // #region sealed-files
  api.get('/files/:name', async (req, res) => {
    const file = FILES[req.params.name];
    const binding = await bindings.get(req.device.deviceId);
    if (!file || !binding) return res.status(404).json({ error: 'not_found' });
    const envelope = await sealEnvelope(new TextEncoder().encode(file), binding.encryptionKey);
    res.type('application/jose').send(envelope);
  });
  // #endregion sealed-files
  app.use('/api', api);

  app.use((err, _req, res, _next) => {
    res.status(500).json({ error: 'server_error' });
    console.error(err);
  });
  return app;
}
