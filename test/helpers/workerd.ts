// Runs a Worker in a real `workerd` on a free loopback port: bundles the entry with esbuild
// the way Wrangler does (Workers conditions, no Node built-ins, no compatibility flags),
// writes a Cap'n Proto config, and reads the port workerd reports on its control pipe.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { findRuntime } from '../../scripts/runtimes.mjs';

/** Options for {@link startWorkerd}. */
export interface WorkerdOptions {
  /** The Worker's entry module (TypeScript or JavaScript), with a default `fetch` export. */
  entry: string;
  /** Text bindings (`env.NAME`). */
  text?: Record<string, string>;
  /** Durable Object classes the entry exports, each bound as `env[binding]`. */
  durableObjects?: Record<string, { className: string }>;
}

/** A running workerd. */
export interface Workerd {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** What workerd printed so far (logs, uncaught errors). */
  readonly output: () => string;
  /** Stops workerd and removes its files. */
  stop(): Promise<void>;
}

// Fixed so the run does not depend on the day; a date this workerd supports.
const COMPATIBILITY_DATE = '2025-06-01';

function capnpString(value: string): string {
  return JSON.stringify(value);
}

function config(options: WorkerdOptions): string {
  const bindings = Object.entries(options.text ?? {}).map(
    ([name, value]) => `(name = ${capnpString(name)}, text = ${capnpString(value)})`,
  );
  const objects = Object.entries(options.durableObjects ?? {});
  for (const [binding, { className }] of objects) {
    bindings.push(
      `(name = ${capnpString(binding)}, durableObjectNamespace = ${capnpString(className)})`,
    );
  }
  const namespaces = objects.map(
    ([, { className }]) =>
      `(className = ${capnpString(className)}, uniqueKey = ${capnpString(`test-${className}`)})`,
  );
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .mainWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const mainWorker :Workerd.Worker = (
  modules = [ (name = "worker.mjs", esModule = embed "worker.mjs") ],
  compatibilityDate = ${capnpString(COMPATIBILITY_DATE)},
  bindings = [ ${bindings.join(', ')} ],
  ${
    namespaces.length > 0
      ? `durableObjectNamespaces = [ ${namespaces.join(', ')} ],
  durableObjectStorage = (inMemory = void),`
      : ''
  }
);
`;
}

function waitForPort(child: ChildProcess, output: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`workerd did not start within 30 s:\n${output()}`)),
      30_000,
    );
    let control = '';
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      control += chunk.toString();
      for (const line of control.split('\n')) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as { event?: string; socket?: string; port?: number };
        if (event.event === 'listen' && event.socket === 'http' && event.port !== undefined) {
          clearTimeout(timer);
          resolve(event.port);
        }
      }
    });
    child.once('exit', (status) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited with status ${status}:\n${output()}`));
    });
  });
}

/**
 * Bundles `entry` and serves it from a fresh workerd on 127.0.0.1.
 * @throws when workerd is not installed or does not start.
 */
export async function startWorkerd(options: WorkerdOptions): Promise<Workerd> {
  const workerd = findRuntime('workerd');
  if (workerd === undefined) throw new Error('workerd is not installed (npm package "workerd")');
  const dir = mkdtempSync(join(tmpdir(), 'devicebind-workerd-'));
  await build({
    entryPoints: [options.entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser', 'import'],
    mainFields: ['module', 'main'],
    outfile: join(dir, 'worker.mjs'),
    logLevel: 'error',
  });
  writeFileSync(join(dir, 'config.capnp'), config(options));
  const child = spawn(workerd, ['serve', 'config.capnp', '--control-fd=3'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const output = () => log;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await waitForPort(child, output);
    return { origin: `http://127.0.0.1:${port}`, output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
