// Envelopes in real Chromium: what the Node server seals for a device (sealEnvelope,
// sealEnvelopeStream) opens in the page with the device's non-extractable key, and nothing
// else does: tampered, truncated, wrong-aad and other-device envelopes all fail the same way.

import { afterEach, describe, expect, it } from 'vitest';
import { DeviceBinding } from '../../../src/index.js';
import { WebCryptoKeyStore } from '../../../src/keystores/webcrypto/index.js';
import { deleteDatabase } from '../shared/indexeddb-inspect.js';
import { patternBytes } from '../shared/pattern-bytes.js';
import {
  expectOk,
  sealEnvelopeOnServer,
  sealEnvelopeStreamOnServer,
  verifyHandshakeOnServer,
} from './server.js';

const databases: string[] = [];

afterEach(async () => {
  for (const name of databases.splice(0)) await deleteDatabase(name);
});

/** A bound device: its binding and the encryption key the server registered from its handshake. */
async function registeredDevice(): Promise<{ binding: DeviceBinding; encryptionKey: unknown }> {
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

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function streamOf(bytes: Uint8Array, chunk = 4096): ReadableStream<Uint8Array> {
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

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  // Read chunk by chunk: a Response over an erroring stream would replace the stream's own
  // error with a generic TypeError.
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'DeviceBindingError', code });
}

describe('envelopes in Chromium', () => {
  it('opens an envelope the Node server sealed for this device', async () => {
    const { binding, encryptionKey } = await registeredDevice();
    const envelope = expectOk(await sealEnvelopeOnServer('for this browser only', encryptionKey));
    expect(new TextDecoder().decode(await binding.openEnvelope(envelope))).toBe(
      'for this browser only',
    );
  });

  it('opens an envelope bound to additional data only with the same data', async () => {
    const { binding, encryptionKey } = await registeredDevice();
    const envelope = expectOk(
      await sealEnvelopeOnServer('invoice 42', encryptionKey, 'user:alice'),
    );
    expect(
      new TextDecoder().decode(await binding.openEnvelope(envelope, { aad: 'user:alice' })),
    ).toBe('invoice 42');
    await expectCode(binding.openEnvelope(envelope, { aad: 'user:mallory' }), 'INVALID_ENVELOPE');
  });

  it('refuses an envelope whose ciphertext was changed', async () => {
    const { binding, encryptionKey } = await registeredDevice();
    const envelope = expectOk(await sealEnvelopeOnServer('do not change me', encryptionKey));
    const parts = envelope.split('.');
    const ciphertext = parts[3]!;
    parts[3] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);
    await expectCode(binding.openEnvelope(parts.join('.')), 'INVALID_ENVELOPE');
  });

  it('refuses an envelope sealed for another device', async () => {
    const { binding } = await registeredDevice();
    const other = await registeredDevice();
    const envelope = expectOk(
      await sealEnvelopeOnServer('for the other device', other.encryptionKey),
    );
    await expectCode(binding.openEnvelope(envelope), 'INVALID_ENVELOPE');
  });

  it('opens a multi-segment stream the Node server sealed, byte for byte', async () => {
    const { binding, encryptionKey } = await registeredDevice();
    const length = 200_000;
    const sealed = fromBase64(expectOk(await sealEnvelopeStreamOnServer(length, encryptionKey)));
    const opened = await readAll(binding.openEnvelopeStream(streamOf(sealed, 7_001)));
    expect(opened.length).toBe(length);
    expect(opened).toEqual(patternBytes(length));
  });

  it('refuses a stream cut short', async () => {
    const { binding, encryptionKey } = await registeredDevice();
    const sealed = fromBase64(expectOk(await sealEnvelopeStreamOnServer(200_000, encryptionKey)));
    await expectCode(
      readAll(binding.openEnvelopeStream(streamOf(sealed.slice(0, sealed.length - 1000)))),
      'INVALID_ENVELOPE',
    );
  });

  it('refuses a stream sealed for another device', async () => {
    const { binding } = await registeredDevice();
    const other = await registeredDevice();
    const sealed = fromBase64(
      expectOk(await sealEnvelopeStreamOnServer(10_000, other.encryptionKey)),
    );
    await expectCode(readAll(binding.openEnvelopeStream(streamOf(sealed))), 'INVALID_ENVELOPE');
  });
});
