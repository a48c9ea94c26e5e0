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
  /**
   * How many instances of the Worker to run (default 1): each an isolate of its own, with
   * its own module state and port; the Durable Objects are the first one's, shared by all.
   */
  instances?: number;
}

/** A running workerd. */
export interface Workerd {
  /** `http://127.0.0.1:<port>` of the first instance. */
  readonly origin: string;
  /** Each instance's `http://127.0.0.1:<port>`. */
  readonly origins: readonly string[];
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

function worker(options: WorkerdOptions, instance: number): string {
  const bindings = Object.entries(options.text ?? {}).map(
    ([name, value]) => `(name = ${capnpString(name)}, text = ${capnpString(value)})`,
  );
  const objects = Object.entries(options.durableObjects ?? {});
  for (const [binding, { className }] of objects) {
    const namespace =
      instance === 0
        ? capnpString(className)
        : `(serviceName = "worker0", className = ${capnpString(className)})`;
    bindings.push(`(name = ${capnpString(binding)}, durableObjectNamespace = ${namespace})`);
  }
  const namespaces = objects.map(
    ([, { className }]) =>
      `(className = ${capnpString(className)}, uniqueKey = ${capnpString(`test-${className}`)})`,
  );
  const ownObjects =
    instance === 0 && namespaces.length > 0
      ? `durableObjectNamespaces = [ ${namespaces.join(', ')} ],
  durableObjectStorage = (inMemory = void),`
      : '';
  return `const worker${instance} :Workerd.Worker = (
  modules = [ (name = "worker.mjs", esModule = embed "worker.mjs") ],
  compatibilityDate = ${capnpString(COMPATIBILITY_DATE)},
  bindings = [ ${bindings.join(', ')} ],
  ${ownObjects}
);
`;
}

function config(options: WorkerdOptions, instances: number): string {
  const indexes = Array.from({ length: instances }, (_, i) => i);
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ ${indexes.map((i) => `(name = "worker${i}", worker = .worker${i})`).join(', ')} ],
  sockets = [ ${indexes
    .map((i) => `(name = "http${i}", address = "127.0.0.1:0", http = (), service = "worker${i}")`)
    .join(', ')} ],
);
${indexes.map((i) => worker(options, i)).join('')}`;
}

function waitForPorts(
  child: ChildProcess,
  instances: number,
  output: () => string,
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`workerd did not start within 30 s:\n${output()}`)),
      30_000,
    );
    let control = '';
    const ports: number[] = [];
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      control += chunk.toString();
      for (const line of control.split('\n')) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as { event?: string; socket?: string; port?: number };
        const socket = /^http(\d+)$/.exec(event.socket ?? '');
        if (event.event === 'listen' && socket && event.port !== undefined)
          ports[Number(socket[1])] = event.port;
      }
      if (ports.filter((port) => port !== undefined).length === instances) {
        clearTimeout(timer);
        resolve(ports);
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
    // Modules of the Workers runtime itself.
    external: ['cloudflare:*'],
    outfile: join(dir, 'worker.mjs'),
    logLevel: 'error',
  });
  const instances = options.instances ?? 1;
  writeFileSync(join(dir, 'config.capnp'), config(options, instances));
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
    const ports = await waitForPorts(child, instances, output);
    const origins = ports.map((port) => `http://127.0.0.1:${port}`);
    return { origin: origins[0] as string, origins, output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
