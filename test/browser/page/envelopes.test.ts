// Envelopes in real Chromium: what the Node server seals for a device (sealEnvelope,
// sealEnvelopeStream) opens in the page with the device's non-extractable key, and nothing
// else does: tampered, truncated, wrong-aad and other-device envelopes all fail the same way.

import { afterEach, describe, expect, it } from 'vitest';
import { openEnvelope, openEnvelopeStream } from '../../../src/envelopes.js';
import { patternBytes } from '../shared/pattern-bytes.js';
import {
  deleteRegisteredDevices,
  expectCode,
  fromBase64,
  readAll,
  registeredDevice,
  streamOf,
} from './envelope-helpers.js';
import { expectOk, sealEnvelopeOnServer, sealEnvelopeStreamOnServer } from './server.js';

afterEach(deleteRegisteredDevices);

describe('envelopes in Chromium', () => {
  it('opens an envelope the Node server sealed for this device', async () => {
    const { binding, encryptionKey } = await registeredDevice();
    const envelope = expectOk(await sealEnvelopeOnServer('for this browser only', encryptionKey));
    expect(new TextDecoder().decode(await openEnvelope(binding, envelope))).toBe(
      'for this browser only',
    );
  });

  it('opens an envelope bound to additional data only with the same data', async () => {
    const { binding, encryptionKey } = await registeredDevice();
    const envelope = expectOk(
      await sealEnvelopeOnServer('invoice 42', encryptionKey, 'user:alice'),
    );
    expect(
      new TextDecoder().decode(await openEnvelope(binding, envelope, { aad: 'user:alice' })),
    ).toBe('invoice 42');
    await expectCode(openEnvelope(binding, envelope, { aad: 'user:mallory' }), 'INVALID_ENVELOPE');
  });

  it('refuses an envelope whose ciphertext was changed', async () => {
    const { binding, encryptionKey } = await registeredDevice();
    const envelope = expectOk(await sealEnvelopeOnServer('do not change me', encryptionKey));
    const parts = envelope.split('.');
    const ciphertext = parts[3]!;
    parts[3] = (ciphertext[0] === 'A' ? 'B' : 'A') + ciphertext.slice(1);
    await expectCode(openEnvelope(binding, parts.join('.')), 'INVALID_ENVELOPE');
  });

  it('refuses an envelope sealed for another device', async () => {
    const { binding } = await registeredDevice();
    const other = await registeredDevice();
    const envelope = expectOk(
      await sealEnvelopeOnServer('for the other device', other.encryptionKey),
    );
    await expectCode(openEnvelope(binding, envelope), 'INVALID_ENVELOPE');
  });

  it('opens a multi-segment stream the Node server sealed, byte for byte', async () => {
    const { binding, encryptionKey } = await registeredDevice();
    const length = 200_000;
    const sealed = fromBase64(expectOk(await sealEnvelopeStreamOnServer(length, encryptionKey)));
    const opened = await readAll(openEnvelopeStream(binding, streamOf(sealed, 7_001)));
    expect(opened.length).toBe(length);
    expect(opened).toEqual(patternBytes(length));
  });

  it('refuses a stream cut short', async () => {
    const { binding, encryptionKey } = await registeredDevice();
    const sealed = fromBase64(expectOk(await sealEnvelopeStreamOnServer(200_000, encryptionKey)));
    await expectCode(
      readAll(openEnvelopeStream(binding, streamOf(sealed.slice(0, sealed.length - 1000)))),
      'INVALID_ENVELOPE',
    );
  });

  it('refuses a stream sealed for another device', async () => {
    const { binding } = await registeredDevice();
    const other = await registeredDevice();
    const sealed = fromBase64(
      expectOk(await sealEnvelopeStreamOnServer(10_000, other.encryptionKey)),
    );
    await expectCode(readAll(openEnvelopeStream(binding, streamOf(sealed))), 'INVALID_ENVELOPE');
  });
});
