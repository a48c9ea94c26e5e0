// The demo's API server: password sign-in plus a devicebind handshake, DPoP-bound access
// tokens (cnf.jkt), protected routes that verify request proofs, device-only files, and key
// rotation (docs/server-integration.md, "Key rotation").

import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import {
  answerVerificationError,
  createNonceIssuer,
  MemoryReplayCache,
  sealEnvelope,
  verifyHandshake,
  verifyRequest,
  verifyRotation,
} from 'devicebind/server';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { dpopAccessToken, invalidToken } from '../shared/access-tokens.mjs';

const FILES = {
  'welcome.txt': 'Premium content: only the device this was sealed for can read it.',
};

function hashPassword(password, salt = randomBytes(16)) {
  return { salt, hash: scryptSync(password, salt, 32) };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** Starts the demo server on 127.0.0.1 and a random port. */
export async function startDemoServer() {
  const users = new Map([['alice', hashPassword('correct horse battery staple')]]);
  const signInChallenges = new Set();
  const rotationChallenges = new Set();
  // deviceId → { username, signingKey, encryptionKey, replacedBy? }: a rotated key stays, marked
  // replacedBy, until the new key's first request (the client has committed), so a client that
  // lost the rotation's answer can send it again.
  const bindings = new Map();
  const replayCache = new MemoryReplayCache();
  const nonces = createNonceIssuer({ secret: randomBytes(32) });
  let origin = 'http://127.0.0.1'; // set once the server listens
  const tokenKeys = await generateKeyPair('ES256');

  const json = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function signIn(body) {
    const { username, password, handshake } = JSON.parse(new TextDecoder().decode(body));
    const user = users.get(username);
    const attempt = user && scryptSync(String(password), user.salt, 32);
    if (!user || !timingSafeEqual(attempt, user.hash))
      return [401, { error: 'invalid_credentials' }];
    // A sign-in nonce is good for one handshake only.
    const device = await verifyHandshake(handshake, {
      expectedNonce: (nonce) => signInChallenges.delete(nonce),
    });
    bindings.set(device.deviceId, {
      username,
      signingKey: device.signingKey,
      encryptionKey: device.encryptionKey,
    });
    return [200, await tokensFor(username, device.deviceId)];
  }

  async function tokensFor(username, deviceId) {
    const accessToken = await new SignJWT({ cnf: { jkt: deviceId } })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(username)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(tokenKeys.privateKey);
    return { access_token: accessToken, token_type: 'DPoP', device_id: deviceId };
  }

  async function rotate(deviceId, binding, body) {
    const { token } = JSON.parse(new TextDecoder().decode(body));
    // A retry: this key was rotated already, and the answer may have been lost.
    const retry = binding.replacedBy !== undefined;
    try {
      const rotated = await verifyRotation(token, {
        current: binding.signingKey,
        expectedNonce: (nonce) => rotationChallenges.delete(nonce),
        replayCache,
        isBound: (id) => !(retry && id === binding.replacedBy) && bindings.has(id),
      });
      if (retry && rotated.deviceId !== binding.replacedBy) return [409, { error: 'conflict' }];
      if (!retry) {
        bindings.set(rotated.deviceId, {
          username: binding.username,
          signingKey: rotated.signingKey,
          encryptionKey: rotated.encryptionKey,
          previous: deviceId,
        });
        binding.replacedBy = rotated.deviceId;
      }
      return [200, await tokensFor(binding.username, rotated.deviceId)];
    } catch (err) {
      // 409 for a new key bound elsewhere, 400 for any other refusal, 503 when unavailable.
      const answer = answerVerificationError(err, { verifying: 'rotation' });
      return [answer.status, JSON.parse(answer.body)];
    }
  }

  async function authorize(req, body) {
    try {
      const accessToken = dpopAccessToken(req.headers.authorization);
      const claims =
        accessToken &&
        (await jwtVerify(accessToken, tokenKeys.publicKey).then(
          ({ payload }) => payload,
          () => undefined,
        ));
      const binding = claims && bindings.get(claims.cnf?.jkt);
      if (!binding) throw invalidToken(accessToken);
      // A rotated key may only send its rotation again.
      if (
        binding.replacedBy !== undefined &&
        new URL(req.url, origin).pathname !== '/device/rotate'
      )
        throw invalidToken(accessToken);
      await verifyRequest(
        {
          method: req.method,
          url: req.url,
          headers: req.headers,
          ...(body.length > 0 && { body }),
        },
        // The proof must name this server's own origin, never one the Host header claims.
        {
          signingKey: binding.signingKey,
          accessToken,
          replayCache,
          expectedNonce: nonces,
          expectedOrigin: origin,
        },
      );
      // The new key's first request: the client committed, the old key's grace period ends.
      if (binding.previous !== undefined) {
        bindings.delete(binding.previous);
        delete binding.previous;
      }
      return { binding, deviceId: claims.cnf.jkt };
    } catch (err) {
      // Every refusal, and the nonce challenge, answered the one way (401, 503, 500).
      return { error: answerVerificationError(err, { dpopNonce: nonces }) };
    }
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, origin);
      const body = await readBody(req);
      if (req.method === 'POST' && url.pathname === '/auth/challenge') {
        const nonce = randomBytes(16).toString('base64url');
        signInChallenges.add(nonce);
        return json(res, 200, { nonce });
      }
      if (req.method === 'POST' && url.pathname === '/auth/sign-in') {
        const [status, result] = await signIn(body).catch((err) => {
          const answer = answerVerificationError(err, { verifying: 'handshake' });
          return [answer.status, JSON.parse(answer.body)];
        });
        return json(res, status, result);
      }
      const { binding, deviceId, error } = await authorize(req, body);
      if (error) return res.writeHead(error.status, error.headers).end(error.body);
      const fresh = { 'DPoP-Nonce': nonces.issue() };
      if (req.method === 'POST' && url.pathname === '/device/rotate/challenge') {
        const nonce = randomBytes(16).toString('base64url');
        rotationChallenges.add(nonce);
        return json(res, 200, { nonce }, fresh);
      }
      if (req.method === 'POST' && url.pathname === '/device/rotate') {
        const [status, result] = await rotate(deviceId, binding, body);
        return json(res, status, result, fresh);
      }
      if (req.method === 'GET' && url.pathname === '/api/profile') {
        return json(res, 200, { user: binding.username, plan: 'premium' }, fresh);
      }
      if (req.method === 'POST' && url.pathname === '/api/notes') {
        return json(res, 201, { saved: JSON.parse(new TextDecoder().decode(body)) }, fresh);
      }
      const file =
        req.method === 'GET' &&
        url.pathname.startsWith('/api/files/') &&
        FILES[url.pathname.slice(11)];
      if (file) {
        const envelope = await sealEnvelope(new TextEncoder().encode(file), binding.encryptionKey);
        return json(res, 200, { envelope }, fresh);
      }
      return json(res, 404, { error: 'not_found' });
    } catch (err) {
      console.error(err);
      json(res, 500, { error: 'server_error' });
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The public origin, as configured (here: the address just bound), never the Host header.
  origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
