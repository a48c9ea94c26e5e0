// The Hermes benchmark program: opens one 4 MiB input (a sealed value, an envelope or a
// stream) as a React Native app does, with the pure-JS backend and the Android adapter over a
// replayed native side, and prints how long that took. Built by bench/hermes-open.ts.

import { ReadableStream as ReadableStreamPolyfill } from 'web-streams-polyfill';
import { decodeBase64url } from '../../src/core/base64url.js';
import { DeviceBinding } from '../../src/core/device-binding.js';
import { pureJsCrypto } from '../../src/crypto/pure-js.js';
import { openEnvelope, openEnvelopeStream, unseal } from '../../src/envelopes.js';
import { AndroidKeyStore } from '../../src/keystores/android/index.js';
import { reactNativeBridge } from '../../src/keystores/bridge/react-native.js';
import { nativeFeatures } from '../../test/hermes/hermes-polyfills.js';
import { type Recording, replayedModule } from './replayed-native.js';

declare const print: (text: string) => void;

/** What bench/hermes-open.ts puts in front of the program. */
export interface OpenProgramInput {
  readonly operation: 'unseal' | 'openEnvelope' | 'openEnvelopeStream';
  readonly content: boolean;
  readonly binary: boolean;
  readonly namespace: string;
  /** The sealed value or envelope (text), or the stream (base64url). */
  readonly input: string;
  readonly context: string;
  readonly recording: Recording;
}

declare const BENCH_INPUT: OpenProgramInput;

// Hermes has no ReadableStream; an app that opens streams installs a polyfill the same way.
const scope = globalThis as { ReadableStream?: unknown };
if (scope.ReadableStream === undefined) scope.ReadableStream = ReadableStreamPolyfill;

/** A cheap checksum the Node side compares with the plaintext's. */
function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (Math.imul(sum, 31) + bytes[i]!) | 0;
  return sum;
}

async function collect(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = readable.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    length += value.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.subarray(at, at + 65536));
        at += 65536;
      }
    },
  });
}

async function main(): Promise<void> {
  // Named, so the bundler keeps the polyfills module (the package is "sideEffects": false).
  if (nativeFeatures.webCrypto) throw new Error('expected an engine without WebCrypto');
  const { operation, content, binary, namespace, input, context, recording } = BENCH_INPUT;
  const keyStore = new AndroidKeyStore(
    reactNativeBridge(replayedModule(recording, { content, binary })),
  );
  const binding = new DeviceBinding({ keyStore, namespace, crypto: pureJsCrypto });
  const streamBytes = operation === 'openEnvelopeStream' ? decodeBase64url(input) : undefined;
  const started = Date.now();
  const plaintext =
    operation === 'unseal'
      ? await unseal(binding, input, { context })
      : operation === 'openEnvelope'
        ? await openEnvelope(binding, input)
        : await collect(openEnvelopeStream(binding, streamOf(streamBytes!)));
  const elapsedMs = Date.now() - started;
  print(
    JSON.stringify({
      ok: true,
      elapsedMs,
      length: plaintext.length,
      checksum: checksum(plaintext),
    }),
  );
}

main().catch((err: { code?: string; message?: string }) => {
  print(JSON.stringify({ ok: false, code: err?.code, message: err?.message }));
});
