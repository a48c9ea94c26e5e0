// The server side of the browser example: node:http on 127.0.0.1 with an in-memory user
// store. It registers a device at sign-in, accepts only DPoP-signed API calls from that
// device, and seals a file so only that device can open it. Run: npm run example:browser

import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  answerVerificationError,
  createNonceIssuer,
  MemoryReplayCache,
  sealEnvelope,
  verifyHandshake,
  verifyRequest,
} from 'devicebind/server';
import { build } from 'esbuild';
import { invalidToken } from '../shared/access-tokens.mjs';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));

// ── In-memory user store: username → scrypt password hash (never the password itself).
function hashPassword(password, salt = randomBytes(16)) {
  return { salt, hash: scryptSync(password, salt, 32) };
}
const users = new Map([
  ['alice', { ...hashPassword('correct horse battery staple'), displayName: 'Alice' }],
  ['bob', { ...hashPassword('hunter2 hunter2'), displayName: 'Bob' }],
]);
function checkPassword(username, password) {
  const user = users.get(username);
  if (user === undefined || typeof password !== 'string') return undefined;
  return timingSafeEqual(scryptSync(password, user.salt, 32), user.hash) ? user : undefined;
}

// The origin the page is served from, from configuration (PUBLIC_ORIGIN) or the address
// bound: proofs must name it. Never taken from the Host header, which the client chooses.
let publicOrigin = 'http://127.0.0.1';

// ── Sign-in challenges: single use, five minutes.
const challenges = new Map();
function issueChallenge() {
  const nonce = randomBytes(24).toString('base64url');
  challenges.set(nonce, Date.now() + 300_000);
  return nonce;
}
function consumeChallenge(nonce) {
  const expires = challenges.get(nonce);
  challenges.delete(nonce);
  return expires !== undefined && expires > Date.now();
}

// ── Sessions: access token → the account and the device it is bound to (cnf.jkt).
const sessions = new Map();
const notes = new Map();
const replayCache = new MemoryReplayCache();
const dpopNonces = createNonceIssuer({ secret: randomBytes(32) });

const PROTECTED_FILE =
  'Welcome! This text was encrypted on the server for this browser only: the envelope is useless on any other device.';

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const buffer = Buffer.concat(chunks);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

/** Checks `Authorization: DPoP <token>` and the DPoP proof; returns the session or answers. */
async function authenticate(req, res, body) {
  const authorization = req.headers.authorization ?? '';
  const accessToken = authorization.startsWith('DPoP ') ? authorization.slice(5) : '';
  const session = sessions.get(accessToken);
  if (session === undefined) {
    const answer = answerVerificationError(invalidToken(accessToken || undefined));
    res.writeHead(answer.status, answer.headers).end(answer.body);
    return undefined;
  }
  try {
    await verifyRequest(
      {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: body.length > 0 ? body : undefined,
      },
      // The proof must name this server's public origin, never one the Host header claims.
      {
        signingKey: session.signingKey,
        accessToken,
        replayCache,
        expectedNonce: dpopNonces,
        expectedOrigin: publicOrigin,
      },
    );
    return session;
  } catch (err) {
    // Every refusal, and the nonce challenge, answered the one way (401, 503, 500).
    const answer = answerVerificationError(err, { dpopNonce: dpopNonces });
    if (answer.status === 500) console.error(err);
    res.writeHead(answer.status, answer.headers).end(answer.body);
    return undefined;
  }
}

async function handleApi(req, res, path) {
  const body = await readBody(req);
  if (req.method === 'POST' && path === '/api/challenge')
    return send(res, 200, { nonce: issueChallenge() });

  if (req.method === 'POST' && path === '/api/sign-in') {
    const { username, password, handshake } = JSON.parse(new TextDecoder().decode(body));
    const user = checkPassword(username, password);
    if (user === undefined) return send(res, 401, { error: 'wrong username or password' });
    try {
      const device = await verifyHandshake(handshake, { expectedNonce: consumeChallenge });
      if (device.subject !== username)
        return send(res, 401, { error: 'the handshake is for another account' });
      const accessToken = randomBytes(32).toString('base64url');
      sessions.set(accessToken, { username, user, ...device });
      return send(res, 200, { accessToken, token_type: 'DPoP', jkt: device.deviceId });
    } catch (err) {
      const answer = answerVerificationError(err, { verifying: 'handshake' });
      if (answer.status === 500) throw err;
      return res.writeHead(answer.status, answer.headers).end(answer.body);
    }
  }

  if (req.method === 'POST' && path === '/api/sign-out') {
    const authorization = req.headers.authorization ?? '';
    sessions.delete(authorization.slice(5));
    return send(res, 200, { signedOut: true });
  }

  const session = await authenticate(req, res, body);
  if (session === undefined) return;
  const nonceHeader = { 'dpop-nonce': dpopNonces.issue() };

  if (req.method === 'GET' && path === '/api/profile') {
    return send(
      res,
      200,
      {
        username: session.username,
        name: session.user.displayName,
        deviceId: session.deviceId,
        notes: notes.get(session.username) ?? [],
      },
      nonceHeader,
    );
  }
  if (req.method === 'POST' && path === '/api/notes') {
    const note = JSON.parse(new TextDecoder().decode(body));
    const list = notes.get(session.username) ?? [];
    list.push(String(note.text));
    notes.set(session.username, list);
    return send(
      res,
      200,
      { saved: note.text, notes: list.length, bodyDigestChecked: true },
      nonceHeader,
    );
  }
  if (req.method === 'GET' && path === '/api/files/welcome.txt') {
    const envelope = await sealEnvelope(
      new TextEncoder().encode(PROTECTED_FILE),
      session.encryptionKey,
    );
    return send(res, 200, envelope, nonceHeader);
  }
  return send(res, 404, { error: 'no such endpoint' });
}

/** Bundles the page script (client.ts, using the built package) with esbuild. */
async function bundleClient() {
  const result = await build({
    entryPoints: [here('./client.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

/** Starts the example server; resolves to its URL. */
export async function startExampleServer({ port = 0 } = {}) {
  const page = readFileSync(here('./index.html'), 'utf8');
  const script = await bundleClient();
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://localhost').pathname;
    const respond = async () => {
      if (req.method === 'GET' && path === '/')
        return send(res, 200, page, { 'content-type': 'text/html; charset=utf-8' });
      if (req.method === 'GET' && path === '/client.js') {
        return send(res, 200, script, { 'content-type': 'text/javascript; charset=utf-8' });
      }
      if (path.startsWith('/api/')) return handleApi(req, res, path);
      return send(res, 404, { error: 'not found' });
    };
    respond().catch((err) => {
      console.error(err);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  publicOrigin = process.env.PUBLIC_ORIGIN ?? `http://127.0.0.1:${server.address().port}`;
  return { url: `${publicOrigin}/`, server };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8787);
  const { url } = await startExampleServer({ port });
  console.log(`devicebind browser example: open ${url}`);
}
