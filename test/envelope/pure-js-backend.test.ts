// The envelope code on the pure-JS crypto backend (React Native's Hermes has no WebCrypto):
// envelopes, streams and sealed values work the same, and interoperate with WebCrypto.

import { describe, expect, it } from 'vitest';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import { openEnvelopeStreamWithKey } from '../../src/core/envelope/open-stream.js';
import { sealWithKey, unsealWithKey } from '../../src/core/envelope/seal.js';
import { pureJsCrypto } from '../../src/crypto/pure-js.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import { sealEnvelopeStream } from '../../src/server/seal-envelope-stream.js';
import {
  collect,
  fixedRsaDevice,
  memoryDevice,
  rejection,
  streamOf,
  testBytes,
} from './helpers/devices.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('envelopes on the pure-JS backend', () => {
  it('opens EC and RSA envelopes made by sealEnvelope, and refuses a tampered one', async () => {
    for (const device of [
      await memoryDevice(),
      await fixedRsaDevice('RSA-OAEP-256'),
      await fixedRsaDevice('RSA-OAEP', 'b'),
    ]) {
      const key = { ...device, crypto: pureJsCrypto };
      const envelope = await sealEnvelope(bytes('pure'), key.info.publicKey, { aad: 'a' });
      expect(await openEnvelopeWithKey(key, envelope, { aad: 'a' })).toEqual(bytes('pure'));
      expect((await rejection(openEnvelopeWithKey(key, envelope, { aad: 'b' }))).code).toBe(
        'INVALID_ENVELOPE',
      );
    }
  });

  it('opens a stream in 1 KiB segments', async () => {
    const device = await memoryDevice();
    const plaintext = testBytes(10_000);
    const sealed = await collect(
      sealEnvelopeStream(streamOf(plaintext, 3000), device.info.publicKey, { segmentSize: 1024 }),
    );
    expect(
      await collect(
        openEnvelopeStreamWithKey({ ...device, crypto: pureJsCrypto }, streamOf(sealed, 999)),
      ),
    ).toEqual(plaintext);
  });

  it('seals to self in either backend and unseals in the other', async () => {
    for (const device of [
      await memoryDevice(),
      await fixedRsaDevice('RSA-OAEP-256'),
      await fixedRsaDevice('RSA-OAEP', 'b'),
    ]) {
      const pure = { ...device, crypto: pureJsCrypto };
      const binding = { deviceId: 'device-1', context: 'c' };
      expect(
        await unsealWithKey(device, await sealWithKey(pure, bytes('s'), binding), binding),
      ).toEqual(bytes('s'));
      expect(
        await unsealWithKey(pure, await sealWithKey(device, bytes('s'), binding), binding),
      ).toEqual(bytes('s'));
    }
  });
});
