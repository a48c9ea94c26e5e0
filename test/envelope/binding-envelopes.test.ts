// Opening what the server sealed for a device through devicebind/envelopes: envelopes in both
// serializations and streams, whether or not the binding has loaded its keys yet.

import { describe, expect, it } from 'vitest';
import { openEnvelope, openEnvelopeStream } from '../../src/envelopes.js';
import { DeviceBinding } from '../../src/index.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { sealEnvelope, sealEnvelopeStream } from '../../src/server/index.js';
import { collect, rejection, streamOf } from './helpers/devices.js';

const file = new TextEncoder().encode('quarterly report, for this device only');

async function registered(store = new MemoryKeyStore()) {
  const binding = new DeviceBinding({ keyStore: store, namespace: 'com.example.files' });
  const { encryptionKey } = await binding.createHandshake({ nonce: 'n-1' });
  return { binding, store, encryptionKey };
}

describe('openEnvelope(binding, …)', () => {
  it('opens a compact envelope sealed for the device', async () => {
    const { binding, encryptionKey } = await registered();
    expect(await openEnvelope(binding, await sealEnvelope(file, encryptionKey))).toEqual(file);
  });

  it('opens an envelope bound to aad only with the same aad', async () => {
    const { binding, encryptionKey } = await registered();
    const envelope = await sealEnvelope(file, encryptionKey, { aad: 'order:42' });
    expect(await openEnvelope(binding, envelope, { aad: 'order:42' })).toEqual(file);
    expect((await rejection(openEnvelope(binding, envelope, { aad: 'order:43' }))).code).toBe(
      'INVALID_ENVELOPE',
    );
  });

  it('opens with a binding that has not loaded its keys yet (after a restart)', async () => {
    const { store, encryptionKey } = await registered();
    const envelope = await sealEnvelope(file, encryptionKey);
    const restarted = new DeviceBinding({ keyStore: store, namespace: 'com.example.files' });
    expect(await openEnvelope(restarted, envelope)).toEqual(file);
  });

  it('opens the UTF-8 bytes of an envelope, as a Uint8Array or an ArrayBuffer', async () => {
    const { binding, encryptionKey } = await registered();
    const text = new TextEncoder().encode(await sealEnvelope(file, encryptionKey));
    expect(await openEnvelope(binding, text)).toEqual(file);
    expect(await openEnvelope(binding, text.slice().buffer)).toEqual(file);
  });

  it('opens the bytes of a flattened envelope with its aad given as an ArrayBuffer', async () => {
    const { binding, encryptionKey } = await registered();
    const flat = await sealEnvelope(file, encryptionKey, { aad: 'order:42' });
    const bytes = new TextEncoder().encode(flat);
    const aad = new TextEncoder().encode('order:42').buffer;
    expect(await openEnvelope(binding, bytes, { aad })).toEqual(file);
  });

  it('refuses bytes that are not UTF-8 as a malformed envelope', async () => {
    const { binding } = await registered();
    const err = await rejection(openEnvelope(binding, Uint8Array.of(0xff, 0xfe, 0x2e)));
    expect(err.code).toBe('INVALID_ENVELOPE');
  });

  it('names "envelope" and what it must be when given an object that is no JWE', async () => {
    const { binding, encryptionKey } = await registered();
    const envelope = await sealEnvelope(file, encryptionKey);
    const err = await rejection(openEnvelope(binding, { envelope } as never));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(
      /^"envelope" must be a compact JWE, a flattened JWE object \(with "protected"\)/,
    );
  });

  it('names "options.aad" and what it must be when given a number', async () => {
    const { binding, encryptionKey } = await registered();
    const envelope = await sealEnvelope(file, encryptionKey);
    const err = await rejection(openEnvelope(binding, envelope, { aad: 42 as never }));
    expect(err.message).toBe('"options.aad" must be a string, a Uint8Array or an ArrayBuffer');
  });

  it("does not open another device's envelope", async () => {
    const { encryptionKey } = await registered();
    const { binding: other } = await registered();
    const envelope = await sealEnvelope(file, encryptionKey);
    expect((await rejection(openEnvelope(other, envelope))).code).toBe('INVALID_ENVELOPE');
  });
});

describe('openEnvelopeStream(binding, …)', () => {
  const large = new Uint8Array(200_000).map((_, i) => (i * 31) & 0xff);

  it('opens a stream with the keys loaded', async () => {
    const { binding, encryptionKey } = await registered();
    const sealed = await collect(sealEnvelopeStream(streamOf(large, 7_000), encryptionKey));
    expect(await collect(openEnvelopeStream(binding, streamOf(sealed, 9_000)))).toEqual(large);
  });

  it('opens a stream before the keys are loaded', async () => {
    const { store, encryptionKey } = await registered();
    const sealed = await collect(sealEnvelopeStream(streamOf(large, 7_000), encryptionKey));
    const restarted = new DeviceBinding({ keyStore: store, namespace: 'com.example.files' });
    expect(await collect(openEnvelopeStream(restarted, streamOf(sealed, 9_000)))).toEqual(large);
  });

  it('errors a truncated stream, whether the keys were loaded or not', async () => {
    const { binding, store, encryptionKey } = await registered();
    const sealed = await collect(sealEnvelopeStream(streamOf(large, 7_000), encryptionKey));
    const truncated = sealed.subarray(0, sealed.length - 100);
    const restarted = new DeviceBinding({ keyStore: store, namespace: 'com.example.files' });
    for (const device of [binding, restarted]) {
      const error = await rejection(collect(openEnvelopeStream(device, streamOf(truncated))));
      expect(error.code).toBe('INVALID_ENVELOPE');
    }
  });

  it('passes a cancel through to the source, before the keys are loaded', async () => {
    const { store } = await registered();
    let cancelled: unknown;
    const source = new ReadableStream<Uint8Array>({
      cancel(reason) {
        cancelled = reason;
      },
    });
    const restarted = new DeviceBinding({ keyStore: store, namespace: 'com.example.files' });
    await openEnvelopeStream(restarted, source).cancel('user left');
    expect(cancelled).toBe('user left');
  });
});
