// The README's client quick start, run as written against the built package and a server
// that parses JSON bodies the way express.json() does (only with a JSON Content-Type) and
// verifies each proof against its configured public URL, https://api.example.com.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceBindingError } from '../../src/core/errors.js';
import {
  createNonceIssuer,
  MemoryReplayCache,
  nonceChallengeHeaders,
  sealEnvelope,
  verifyHandshake,
  verifyRequest,
} from '../../src/server/index.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const PUBLIC_ORIGIN = 'https://api.example.com';
const REPORT = 'quarterly report for this device only';

/** The first ```ts block after `heading` in the README. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const from = readme.indexOf(heading);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(from));
  if (from < 0 || block === null) throw new Error(`no code block after "${heading}" in README`);
  return block[1]!;
}

/** What the client page's origin and the public API origin stand for: the local server. */
const PREAMBLE = `
const local = process.env.README_SERVER;
const password = 'correct horse battery staple';
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  if (typeof input === 'string') return realFetch(new URL(input, local), init);
  return realFetch(new Request(input.url.replace(${JSON.stringify(PUBLIC_ORIGIN)}, local), input), init);
};
`;
const EPILOGUE = `
console.log(JSON.stringify({ profile, report: new TextDecoder().decode(bytes) }));
`;

async function readJson(req: IncomingMessage): Promise<{ raw: Uint8Array; json: unknown }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = new Uint8Array(Buffer.concat(chunks));
  // express.json() leaves the body empty unless the request says it is JSON.
  const isJson = (req.headers['content-type'] ?? '').startsWith('application/json');
  return { raw, json: isJson ? JSON.parse(Buffer.from(raw).toString('utf8')) : {} };
}

function startServer(): Promise<Server> {
  const challenges = new Set<string>();
  const tokens = new Map<string, Awaited<ReturnType<typeof verifyHandshake>>>();
  const replayCache = new MemoryReplayCache();
  const nonces = createNonceIssuer({ secret: randomBytes(32) });
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      const { raw, json } = await readJson(req);
      if (req.url === '/auth/challenge') {
        const nonce = randomBytes(16).toString('base64url');
        challenges.add(nonce);
        return send(200, { nonce });
      }
      if (req.url === '/auth/sign-in') {
        const body = json as { handshake?: unknown };
        if (typeof body.handshake !== 'string') return send(400, { error: 'no handshake' });
        const device = await verifyHandshake(body.handshake, {
          expectedNonce: (n) => challenges.delete(n),
        });
        const token = randomBytes(16).toString('base64url');
        tokens.set(token, device);
        return send(200, { access_token: token });
      }
      const accessToken = (req.headers.authorization ?? '').replace(/^DPoP /, '');
      const device = tokens.get(accessToken);
      if (device === undefined) return send(401, { error: 'invalid_token' });
      try {
        await verifyRequest(
          {
            method: req.method ?? 'GET',
            url: `${PUBLIC_ORIGIN}${req.url}`,
            headers: req.headers,
            ...(raw.length > 0 && { body: raw }),
          },
          { signingKey: device.signingKey, accessToken, replayCache, expectedNonce: nonces },
        );
      } catch (err) {
        if ((err as DeviceBindingError).code !== 'NONCE_REQUIRED') throw err;
        return send(401, { error: 'use_dpop_nonce' }, nonceChallengeHeaders(nonces.issue()));
      }
      if (req.url === '/profile') return send(200, { user: 'alice' });
      if (req.url === '/files/report.pdf') {
        const envelope = await sealEnvelope(new TextEncoder().encode(REPORT), device.encryptionKey);
        return send(200, { envelope });
      }
      send(404, { error: 'not_found' });
    } catch (err) {
      send(401, { error: 'refused', reason: String(err) });
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('README quick start (client)', () => {
  let server: Server;
  const dir = join(repoRoot, '.vitest-tmp', `readme-${randomBytes(4).toString('hex')}`);
  beforeAll(async () => {
    server = await startServer();
    mkdirSync(dir, { recursive: true });
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in, makes a signed request and opens a sealed file, as written', async () => {
    // Inside the repository, so `import 'devicebind'` resolves to the built package.
    const script = join(dir, 'client.mjs');
    writeFileSync(script, `${PREAMBLE}\n${readmeBlock('Client (browser')}\n${EPILOGUE}`);
    const { port } = server.address() as AddressInfo;
    const { stdout } = await run(process.execPath, [script], {
      env: { ...process.env, README_SERVER: `http://127.0.0.1:${port}` },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toEqual({ profile: { user: 'alice' }, report: REPORT });
  });
});
