// The Workers example: a Hono app with stateless sign-in challenges, sign-in with a
// handshake, and device-only API routes whose proofs are checked against a replay cache on
// Durable Objects, so every location and isolate shares one record of used proofs.

import type { DurableObjectNamespace } from '@cloudflare/workers-types';
import {
  type AnswerVerificationErrorOptions,
  answerVerificationError,
  createNonceIssuer,
  type NonceIssuer,
  verifyHandshake,
  verifyRequest,
} from 'devicebind/server';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  createTokens,
  dpopAccessToken,
  invalidToken,
  type Tokens,
} from '../../shared/access-tokens.mjs';
import { durableObjectReplayCache, type ReplayCacheObject } from './replay-cache-object.js';

export { ReplayCacheObject } from './replay-cache-object.js';

/** The Worker's bindings (wrangler.jsonc): configuration, secrets and the Durable Object. */
export interface Env {
  /** This API's public origin, e.g. `https://api.example.com`. */
  PUBLIC_ORIGIN: string;
  /** Secret: at least 32 random bytes, base64url. Sign-in challenges and DPoP nonces. */
  NONCE_SECRET: string;
  /** Secret: the private EC P-256 JWK that signs access tokens. */
  TOKEN_SIGNING_KEY: string;
  /** Secret: the demo account's password (a real app checks its own users). */
  DEMO_PASSWORD: string;
  REPLAY_CACHE: DurableObjectNamespace<ReplayCacheObject>;
}

interface Services {
  nonces: NonceIssuer;
  tokens: Tokens;
}

type App = { Bindings: Env; Variables: { user: string; deviceId: string } };

// Built once per isolate, on the first request (secrets are not readable at start-up).
let services: Promise<Services> | undefined;
function servicesFor(env: Env): Promise<Services> {
  services ??= (async () => {
    const secret = Uint8Array.from(
      atob(env.NONCE_SECRET.replace(/-/g, '+').replace(/_/g, '/')),
      (c) => c.charCodeAt(0),
    );
    return {
      nonces: createNonceIssuer({ secret }),
      tokens: await createTokens(JSON.parse(env.TOKEN_SIGNING_KEY), env.PUBLIC_ORIGIN),
    };
  })();
  return services;
}

/** The HTTP answer for a failed check, as `answerVerificationError` decides it. */
function refuse(c: Context<App>, err: unknown, options: AnswerVerificationErrorOptions): Response {
  const answer = answerVerificationError(err, options);
  return c.body(answer.body, answer.status as ContentfulStatusCode, answer.headers);
}

/** Compares in constant time, so the time taken does not tell how much of a guess was right. */
async function samePassword(given: string, expected: string): Promise<boolean> {
  const digest = async (text: string) =>
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  return a.reduce((diff, byte, i) => diff | (byte ^ (b[i] ?? 0)), 0) === 0;
}

const app = new Hono<App>();

app.get('/hello', (c) => c.json({ hello: 'world' }));

app.get('/auth/challenge', async (c) => {
  const { nonces } = await servicesFor(c.env);
  return c.json({ nonce: nonces.issue() });
});

app.post('/auth/sign-in', async (c) => {
  const { nonces, tokens } = await servicesFor(c.env);
  const { username, password, handshake } = await c.req.json<{
    username?: string;
    password?: string;
    handshake?: string;
  }>();
  if (username !== 'alice' || !(await samePassword(String(password), c.env.DEMO_PASSWORD)))
    return c.json({ error: 'invalid_credentials' }, 401);
  try {
    // Stateless, single-use challenges: the nonce is an HMAC of the time window, and the
    // Durable Object replay cache accepts each handshake once, in every location.
    const device = await verifyHandshake(String(handshake), {
      expectedNonce: nonces,
      replayCache: durableObjectReplayCache(c.env.REPLAY_CACHE),
      maxAgeSeconds: 120,
    });
    return c.json({
      access_token: await tokens.issue(username, device.deviceId),
      token_type: 'DPoP',
      device_id: device.deviceId,
    });
  } catch (err) {
    return refuse(c, err, { verifying: 'handshake' });
  }
});

// #region middleware
app.use('/api/*', async (c, next) => {
  const { nonces, tokens } = await servicesFor(c.env);
  try {
    const accessToken = dpopAccessToken(c.req.header('Authorization'));
    const token = accessToken && (await tokens.verify(accessToken));
    if (!token) throw invalidToken(accessToken);
    // The Request itself: the body is read from a clone, so the route can still read it.
    const { deviceId } = await verifyRequest(c.req.raw, {
      jkt: token.jkt,
      accessToken,
      replayCache: durableObjectReplayCache(c.env.REPLAY_CACHE),
      expectedNonce: nonces,
      // The proof must name the public origin, whatever Host the request came with.
      expectedOrigin: c.env.PUBLIC_ORIGIN,
    });
    c.set('user', token.user);
    c.set('deviceId', deviceId);
  } catch (err) {
    return refuse(c, err, { dpopNonce: nonces });
  }
  await next();
  c.header('DPoP-Nonce', nonces.issue());
});
// #endregion middleware

app.get('/api/hello', (c) => c.json({ hello: c.get('user'), deviceId: c.get('deviceId') }));

app.post('/api/orders', async (c) =>
  c.json({ accepted: await c.req.json(), by: c.get('deviceId') }, 201),
);

export default app;
