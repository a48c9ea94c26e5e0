// Runs a real `redis-server` for a test or a benchmark: on a free loopback port, persistence
// off, stopped by its process id (and by a watchdog if this process ends first). It can be
// stopped and started again on the same port, or frozen (SIGSTOP) to play a Redis that
// accepts connections but never answers.

import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { findRedisServer, REDIS_INSTALL_HINT } from '../../scripts/redis-server.mjs';

/** A running (or stopped, to be restarted) redis-server. */
export interface RedisServer {
  /** The loopback port it listens on; the same after a restart. */
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** The process id of the current redis-server, `undefined` while stopped. */
  readonly pid: number | undefined;
  /** What redis-server printed so far. */
  readonly output: () => string;
  /** Stops it (SIGTERM, then SIGKILL if it lingers) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with an empty data set. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open, commands get no answer. */
  freeze(): void;
  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void;
}

const READY = /ready to accept connections/i;
const START_TIMEOUT_MS = 15_000;
const running = new Set<ChildProcess>();

// A test file that fails half-way must not leave a redis-server behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

function launch(binary: string, port: number, log: string[]): Promise<ChildProcess> {
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  // Stops redis-server when this process ends without stopping it (a crashed test run, a bench
  // worker that is terminated): a shell that polls our pid, then kills redis-server by its pid.
  const watchdog = spawn(
    'sh',
    ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${child.pid}`],
    { stdio: 'ignore' },
  );
  child.once('exit', () => {
    running.delete(child);
    if (watchdog.exitCode === null) watchdog.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms:\n${log.join('')}`),
      );
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      log.push(chunk.toString());
      if (READY.test(log.join(''))) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${log.join('')}`),
      );
    });
  });
}

/**
 * Starts a redis-server for this test file. Throws, naming how to install it, when the
 * machine has none (vitest.config.ts registers the Redis suites only when it is installed).
 */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = findRedisServer();
  if (binary === undefined) throw new Error(`redis-server is not installed: ${REDIS_INSTALL_HINT}`);
  const log: string[] = [];
  let port = await freePort();
  let child: ChildProcess | undefined;
  // Another process may take the free port between the probe and the start: try a few.
  for (let attempt = 0; child === undefined; attempt++) {
    try {
      child = await launch(binary, port, log);
    } catch (err) {
      if (attempt === 2) throw err;
      port = await freePort();
    }
  }
  let current: ChildProcess | undefined = child;
  const signal = (name: NodeJS.Signals) => {
    if (current?.pid === undefined) throw new Error('redis-server is not running');
    process.kill(current.pid, name);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return current?.pid;
    },
    output: () => log.join(''),
    async stop() {
      const stopping = current;
      current = undefined;
      if (stopping?.pid === undefined) return;
      process.kill(stopping.pid, 'SIGCONT');
      process.kill(stopping.pid, 'SIGTERM');
      const killer = setTimeout(() => stopping.kill('SIGKILL'), 5_000);
      await exited(stopping);
      clearTimeout(killer);
    },
    async start() {
      if (current !== undefined) throw new Error('redis-server is already running');
      current = await launch(binary, port, log);
    },
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
  };
}
