// Opening 4 MiB in React Native's engine (the hermes CLI, a program built as Metro builds an
// app): `unseal`, `openEnvelope` and `openEnvelopeStream` with the pure-JS backend, against
// the same operations with the native module decrypting (`decryptContent`) over the text
// channel and over the binary one. The native side is replayed from a recording of the bridge
// simulator (bench/hermes/replayed-native.ts): it answers without doing any work, so the
// native cases measure the JavaScript side alone — adapter, transport, core — as if the
// phone decrypted at infinite speed. Each sample is one run of a precompiled program.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildForHermes, hermesTools } from '../scripts/hermes-bundle.mjs';
import { encodeBase64url } from '../src/core/base64url.js';
import { DeviceBinding } from '../src/core/device-binding.js';
import { seal } from '../src/envelopes.js';
import { AndroidKeyStore } from '../src/keystores/android/index.js';
import { reactNativeBridge } from '../src/keystores/bridge/react-native.js';
import { sealEnvelope } from '../src/server/seal-envelope.js';
import { sealEnvelopeStream } from '../src/server/seal-envelope-stream.js';
import { createBridgeSimulator } from '../src/testing/bridge-simulator/index.js';
import type { OpenProgramInput } from './hermes/open-program.js';
import { type Recording, replayKey } from './hermes/replayed-native.js';
import { type BenchCase, type BenchGroup, defineBench } from './lib/bench.js';

// The harness runs from the repository root (this file is bundled elsewhere).
const root = process.cwd();
const { hermes: hermesBin, hermesc: hermescBin } = hermesTools(root) as {
  hermes: string;
  hermesc: string;
};
const MiB = 1024 * 1024;
const SIZE = 4 * MiB;
const NAMESPACE = 'com.example.bench';
const CONTEXT = 'bench';
const OPERATIONS = ['unseal', 'openEnvelope', 'openEnvelopeStream'] as const;
const MODES = [
  { label: 'pure JS', content: false, binary: false },
  { label: 'native, text channel', content: true, binary: false },
  { label: 'native, binary channel', content: true, binary: true },
] as const;

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (Math.imul(sum, 31) + bytes[i]!) | 0;
  return sum;
}

async function readAll(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/**
 * Seals the inputs to a simulated Android device, then opens each once through a recording
 * React Native module, with a fresh binding (as the app after a restart), so the recording
 * holds every answer the program will ask for, in any mode.
 */
async function recordInputs() {
  const simulator = createBridgeSimulator({ platform: 'android' });
  const setup = new DeviceBinding({
    keyStore: new AndroidKeyStore(simulator),
    namespace: NAMESPACE,
  });
  const { encryptionKey } = await setup.createHandshake({ nonce: 'bench' });
  const plaintext = new Uint8Array(randomBytes(SIZE));
  const inputs = {
    unseal: await seal(setup, plaintext, { context: CONTEXT }),
    openEnvelope: await sealEnvelope(plaintext, encryptionKey),
    openEnvelopeStream: encodeBase64url(
      await readAll(sealEnvelopeStream(streamOf(plaintext), encryptionKey)),
    ),
  };
  const recording: Recording = {};
  const module = {
    async call(method: string, params: string) {
      const answer = JSON.stringify(await simulator.call(method, JSON.parse(params)));
      recording[replayKey(method, params)] = answer;
      return answer;
    },
  };
  const { openEnvelope, openEnvelopeStream, unseal } = await import('../src/envelopes.js');
  const { decodeBase64url } = await import('../src/core/base64url.js');
  const binding = new DeviceBinding({
    keyStore: new AndroidKeyStore(reactNativeBridge(module)),
    namespace: NAMESPACE,
  });
  await unseal(binding, inputs.unseal, { context: CONTEXT });
  await openEnvelope(binding, inputs.openEnvelope);
  await readAll(openEnvelopeStream(binding, streamOf(decodeBase64url(inputs.openEnvelopeStream))));
  return { inputs, recording, expected: checksum(plaintext) };
}

/** Builds and precompiles (hermesc) one program per operation and mode, once per run. */
async function buildPrograms(): Promise<{ dir: string; expected: number }> {
  const dir = join(tmpdir(), `devicebind-bench-hermes-${process.pid}`);
  const marker = join(dir, 'ready.json');
  if (existsSync(marker))
    return { dir, expected: (await import(marker, { with: { type: 'json' } })).default.expected };
  for (const stale of readdirSync(tmpdir()).filter((n) => n.startsWith('devicebind-bench-hermes-')))
    rmSync(join(tmpdir(), stale), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { inputs, recording, expected } = await recordInputs();
  const program = await buildForHermes('bench/hermes/open-program.ts', root);
  const seed = `var DEVICEBIND_HERMES_SEED = ${JSON.stringify(randomBytes(32).toString('hex'))};\n`;
  for (const operation of OPERATIONS) {
    for (const [m, mode] of MODES.entries()) {
      const input: OpenProgramInput = {
        operation,
        content: mode.content,
        binary: mode.binary,
        namespace: NAMESPACE,
        input: inputs[operation],
        context: CONTEXT,
        recording,
      };
      const source = join(dir, `${operation}-${m}.js`);
      writeFileSync(source, `${seed}var BENCH_INPUT = ${JSON.stringify(input)};\n${program}`);
      const compiled = spawnSync(hermescBin, [
        '-O',
        '-emit-binary',
        '-out',
        `${source}.hbc`,
        source,
      ]);
      if (compiled.status !== 0) throw new Error(`hermesc failed: ${compiled.stderr}`);
      rmSync(source);
    }
  }
  writeFileSync(marker, JSON.stringify({ expected }));
  return { dir, expected };
}

function runProgram(file: string, expected: number): { elapsedMs: number } {
  const run = spawnSync(hermesBin, ['-Xmicrotask-queue', file], { encoding: 'utf8' });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  const out = JSON.parse(line || '{}') as {
    ok?: boolean;
    elapsedMs?: number;
    length?: number;
    checksum?: number;
    message?: string;
  };
  if (!out.ok || out.length !== SIZE || out.checksum !== expected) {
    throw new Error(`the Hermes program failed: ${line} ${run.stderr}`);
  }
  return { elapsedMs: out.elapsedMs! };
}

export default defineBench(async () => {
  const { dir, expected } = await buildPrograms();
  return OPERATIONS.map((operation): BenchGroup => {
    const cases: BenchCase[] = MODES.map((mode, m) => ({
      name: `${operation} (${mode.label})`,
      run: () => runProgram(join(dir, `${operation}-${m}.js.hbc`), expected),
    }));
    return {
      name: `Hermes: ${operation}, 4 MiB`,
      baseline: `${operation} (pure JS)`,
      bytesPerOp: SIZE,
      showMs: true,
      cases,
      ratios: [
        [
          'JS side of the native path vs pure JS (speed)',
          `${operation} (native, binary channel)`,
          `${operation} (pure JS)`,
        ],
        [
          'binary vs text channel (speed)',
          `${operation} (native, binary channel)`,
          `${operation} (native, text channel)`,
        ],
      ],
      notes: [
        'native cases: the native side is replayed (no decryption cost), so this is the JavaScript side alone',
      ],
    };
  });
});
