// Node-side half of the Playwright tests: bundles the harness page with esbuild and serves
// it from several local HTTP servers, one per origin, on 127.0.0.1.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const PAGE =
  '<!doctype html><meta charset="utf-8"><title>devicebind harness</title><body><script type="module" src="/harness.js"></script></body>';

/** Running harness servers. */
export interface HarnessServers {
  /** One `http://127.0.0.1:<port>` origin per server. */
  origins: string[];
  close(): Promise<void>;
}

async function bundleHarness(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./harness-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Answers a request the harness does not serve itself; returns whether it did. */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Starts `count` servers (distinct ports, hence distinct origins) serving the harness, and
 * `extra` routes beside it (an API on the page's own origin).
 */
export async function startHarnessServers(
  count: number,
  extra: ExtraRoutes = () => false,
): Promise<HarnessServers> {
  const script = await bundleHarness();
  const servers: Server[] = [];
  const origins: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const server = createServer((req, res) => {
      if (req.url === '/harness.js') {
        res.writeHead(200, {
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end(script);
      } else if (req.url === '/' || req.url?.startsWith('/?')) {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end(PAGE);
      } else if (!extra(req, res)) {
        res.writeHead(404).end();
      }
    });
    servers.push(server);
    origins.push(`http://127.0.0.1:${await listen(server)}`);
  }
  return {
    origins,
    close: () =>
      Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      ).then(() => undefined),
  };
}
