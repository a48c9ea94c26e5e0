// Page-side helpers of the envelope tests: devices the Node server registered, streams fed
// in chunks, reading a stream to its end or its error, and byte comparisons.

import { expect } from 'vitest';
import { DeviceBinding } from '../../../src/index.js';
import { WebCryptoKeyStore } from '../../../src/keystores/webcrypto/index.js';
import { deleteDatabase } from '../shared/indexeddb-inspect.js';
import { expectOk, verifyHandshakeOnServer } from './server.js';

const databases: string[] = [];

/** A device bound in this page: its binding and the encryption key the server registered. */
export interface RegisteredDevice {
  binding: DeviceBinding;
  encryptionKey: unknown;
}

/** Binds a device on a fresh IndexedDB database and registers it with a server handshake. */
export async function registeredDevice(): Promise<RegisteredDevice> {
  const databaseName = `devicebind-test-${crypto.randomUUID()}`;
  databases.push(databaseName);
  const binding = new DeviceBinding({
    keyStore: new WebCryptoKeyStore({ databaseName }),
    namespace: 'com.example.web',
  });
  const nonce = crypto.randomUUID();
  const { encryptionKey } = expectOk(
    await verifyHandshakeOnServer((await binding.createHandshake({ nonce })).token, nonce),
  );
  return { binding, encryptionKey };
}

/** Deletes the databases of every device made so far. */
export async function deleteRegisteredDevices(): Promise<void> {
  for (const name of databases.splice(0)) await deleteDatabase(name);
}

/** Standard base64 (what the stream commands return) to bytes. */
export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** A stream that hands out copies of `bytes`, `chunk` bytes at a time, as it is pulled. */
export function streamOf(bytes: Uint8Array, chunk = 4096): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) controller.close();
      else {
        controller.enqueue(bytes.slice(offset, offset + chunk));
        offset += chunk;
      }
    },
  });
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** How reading a stream ended: closed, or errored after `received` had arrived. */
export type Drained =
  | { closed: true; received: Uint8Array }
  | { closed: false; received: Uint8Array; error: unknown };

/**
 * Reads `stream` chunk by chunk until it closes or errors. (A Response over an erroring
 * stream would replace the stream's own error with a generic TypeError.)
 */
export async function drain(stream: ReadableStream<Uint8Array>): Promise<Drained> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { closed: true, received: concat(chunks) };
      chunks.push(value);
    }
  } catch (error) {
    return { closed: false, received: concat(chunks), error };
  }
}

/** Reads `stream` to its end; rejects with the stream's error. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const drained = await drain(stream);
  if (!drained.closed) throw drained.error;
  return drained.received;
}

export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'DeviceBindingError', code });
}

/**
 * The first index where `actual` and `expected` differ (or the shorter length when one is a
 * prefix of the other), -1 when they are equal. Cheaper than a deep equality on megabytes.
 */
export function firstDifference(actual: Uint8Array, expected: Uint8Array): number {
  const shorter = Math.min(actual.length, expected.length);
  for (let i = 0; i < shorter; i += 1) if (actual[i] !== expected[i]) return i;
  return actual.length === expected.length ? -1 : shorter;
}
