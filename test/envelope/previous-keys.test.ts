// What the server sealed for a device before its keys were rotated: envelopes and streams
// sealed for the old encryption key open while a committed rotation keeps the previous keys,
// and stop opening once forgetPreviousKeys ends their life. Failures stay the one failure.

import { describe, expect, it } from 'vitest';
import { openEnvelope, openEnvelopeStream } from '../../src/envelopes.js';
import { DeviceBinding, type KeyStore } from '../../src/index.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';
import { forgetPreviousKeys, rotateKeys } from '../../src/rotation.js';
import { sealEnvelope, sealEnvelopeStream } from '../../src/server/index.js';
import { collect, rejection, streamOf } from './helpers/devices.js';

const file = new TextEncoder().encode('a report cached on the device before the rotation');
const big = new Uint8Array(200_000).map((_, i) => i % 251);

function bindingOver(keyStore: KeyStore) {
  return new DeviceBinding({ keyStore, namespace: 'com.example.cache' });
}

async function rotated() {
  const store = new MemoryKeyStore();
  const binding = bindingOver(store);
  const old = await binding.createHandshake({ nonce: 'n-1' });
  const envelope = await sealEnvelope(file, old.encryptionKey);
  const withAad = await sealEnvelope(file, old.encryptionKey, { aad: 'file:7' });
  const stream = await collect(sealEnvelopeStream(streamOf(big, 4096), old.encryptionKey));
  const rotation = await rotateKeys(binding, { nonce: 'n-2' });
  return { store, binding, envelope, withAad, stream, rotation };
}

describe('after a committed rotation, while the previous keys are kept', () => {
  it('an envelope sealed for the old key opens, also through a new binding', async () => {
    const { store, binding, envelope, rotation } = await rotated();
    await rotation.commit();
    expect(await openEnvelope(binding, envelope)).toEqual(file);
    expect(await openEnvelope(bindingOver(store), envelope)).toEqual(file);
  });

  it('an envelope bound to aad opens only with the same aad', async () => {
    const { binding, withAad, rotation } = await rotated();
    await rotation.commit();
    expect(await openEnvelope(binding, withAad, { aad: 'file:7' })).toEqual(file);
    expect((await rejection(openEnvelope(binding, withAad, { aad: 'file:8' }))).code).toBe(
      'INVALID_ENVELOPE',
    );
  });

  it('a stream sealed for the old key opens, segment by segment', async () => {
    const { binding, stream, rotation } = await rotated();
    await rotation.commit();
    expect(await collect(openEnvelopeStream(binding, streamOf(stream, 1000)))).toEqual(big);
  });

  it('an envelope sealed for the new key opens with the new key', async () => {
    const { binding, rotation } = await rotated();
    await rotation.commit();
    expect(await openEnvelope(binding, await sealEnvelope(file, rotation.encryptionKey))).toEqual(
      file,
    );
  });

  it('a tampered old envelope fails with the same single INVALID_ENVELOPE', async () => {
    const { binding, envelope, rotation } = await rotated();
    await rotation.commit();
    const parts = envelope.split('.');
    parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith('AA') ? 'BA' : 'AA'}`;
    const err = await rejection(openEnvelope(binding, parts.join('.')));
    expect(err.code).toBe('INVALID_ENVELOPE');
    // The same words as any device's failure to open an envelope that is not for it.
    const stranger = bindingOver(new MemoryKeyStore());
    await stranger.ensureKeys();
    const fresh = await rejection(openEnvelope(stranger, envelope));
    expect(err.message).toBe(fresh.message);
  });
});

describe('before the commit, and after the previous keys are forgotten', () => {
  it('an envelope for a pending rotation’s new key opens already (the server may use it when its answer was lost)', async () => {
    const { binding, rotation } = await rotated();
    expect(await openEnvelope(binding, await sealEnvelope(file, rotation.encryptionKey))).toEqual(
      file,
    );
    // The binding itself still signs and seals with its current keys.
    expect(await binding.getDeviceId()).toBe(rotation.previousDeviceId);
  });

  it('old envelopes and streams need re-delivery once the previous keys are forgotten', async () => {
    const { binding, envelope, stream, rotation } = await rotated();
    await rotation.commit();
    await forgetPreviousKeys(binding);
    expect((await rejection(openEnvelope(binding, envelope))).code).toBe('INVALID_ENVELOPE');
    await expect(
      collect(openEnvelopeStream(binding, streamOf(stream, 1000))),
    ).rejects.toMatchObject({ code: 'INVALID_ENVELOPE' });
  });
});
