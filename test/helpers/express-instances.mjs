// Starts instances of the Express example (examples/node-express/server.mjs) as separate
// Node processes on free loopback ports, all with one configuration: what a deployment
// behind a load balancer runs. Used by the multi-instance tests and `npm run bench:server`.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair } from 'jose';

const SERVER = fileURLToPath(new URL('../../examples/node-express/server.mjs', import.meta.url));

/**
 * A fresh configuration shared by every instance: public origin, nonce secret, token key.
 * @param {{ publicOrigin?: string, redisUrl: string }} options
 */
export async function exampleConfig({ publicOrigin = 'https://api.example.test', redisUrl }) {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    PUBLIC_ORIGIN: publicOrigin,
    REDIS_URL: redisUrl,
    NONCE_SECRET: randomBytes(32).toString('base64url'),
    TOKEN_SIGNING_KEY: JSON.stringify(await exportJWK(privateKey)),
  };
}

/**
 * Starts one instance with `config`; resolves once it listens.
 * @param {Record<string, string>} config
 */
export function startExpressInstance(config) {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, ...config, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the example server did not start within 20 s:\n${output}`));
    }, 20_000);
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        origin: match[1],
        output: () => output,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((done) => child.once('exit', done));
          child.kill('SIGTERM');
          const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(forced);
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (status) => {
      clearTimeout(timer);
      reject(new Error(`the example server exited with status ${status}:\n${output}`));
    });
  });
}
