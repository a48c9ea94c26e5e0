// Starts one instance of the Express example. Run as many as you like with the same
// configuration and Redis: they share replay state, nonces and tokens.
//
//   PUBLIC_ORIGIN=https://api.example.com REDIS_URL=redis://127.0.0.1:6379 \
//   NONCE_SECRET=<base64url, 32+ bytes> TOKEN_SIGNING_KEY='<private EC P-256 JWK>' \
//   node examples/node-express/server.mjs

import { scryptSync, timingSafeEqual } from 'node:crypto';
import { createNonceIssuer } from 'devicebind/server';
import { createClient } from 'redis';
import { createTokens } from '../shared/access-tokens.mjs';
import { createApp } from './app.mjs';
import { redisStores } from './stores.mjs';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see examples/node-express/README.md)`);
  return value;
}

// The demo account; a real server checks its user database.
const SALT = Buffer.from('devicebind-example');
const ALICE = scryptSync('correct horse battery staple', SALT, 32);
async function checkPassword(username, password) {
  return username === 'alice' && timingSafeEqual(scryptSync(password, SALT, 32), ALICE);
}

// #region configuration
const publicOrigin = new URL(required('PUBLIC_ORIGIN')).origin;
const redis = createClient({ url: required('REDIS_URL'), disableOfflineQueue: true });
// Without a listener node-redis throws connection errors; it reconnects by itself.
redis.on('error', () => {});
await redis.connect();

const app = createApp({
  publicOrigin,
  // At least 32 random bytes, the same on every instance (a Uint8Array; Buffer is one).
  nonces: createNonceIssuer({ secret: Buffer.from(required('NONCE_SECRET'), 'base64url') }),
  stores: redisStores(redis),
  tokens: await createTokens(JSON.parse(required('TOKEN_SIGNING_KEY')), publicOrigin),
  checkPassword,
});
// #endregion configuration

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
server.once('listening', () => {
  const { address, port } = server.address();
  console.log(`listening on http://${address}:${port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    redis.destroy();
  });
}
