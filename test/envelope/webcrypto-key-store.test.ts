// The envelope code over the real WebCryptoKeyStore: ECDH-ES, RSA-OAEP-256 and RSA-OAEP
// keys open what sealEnvelope and sealEnvelopeStream make, seal to themselves, and give
// the one fixed error for another device's data and for a failed RSA unwrap.

import { beforeAll, describe, expect, it } from 'vitest';
import type { EncryptionAlgorithm } from '../../src/core/algorithms.js';
import { OPEN_FAILED } from '../../src/core/envelope/failure.js';
import { openEnvelopeWithKey } from '../../src/core/envelope/open-envelope.js';
import { openEnvelopeStreamWithKey } from '../../src/core/envelope/open-stream.js';
import { sealWithKey, unsealWithKey } from '../../src/core/envelope/seal.js';
import type { EnvelopeKey } from '../../src/core/envelope/types.js';
import { WebCryptoKeyStore } from '../../src/keystores/webcrypto/index.js';
import { sealEnvelope } from '../../src/server/seal-envelope.js';
import { sealEnvelopeStream } from '../../src/server/seal-envelope-stream.js';
import { joinCompact, splitCompact } from './helpers/build-jwe.js';
import { backend, collect, rejection, streamOf, testBytes } from './helpers/devices.js';

const ALGORITHMS: EncryptionAlgorithm[] = ['ECDH-ES', 'RSA-OAEP-256', 'RSA-OAEP'];
const keys = new Map<EncryptionAlgorithm, EnvelopeKey>();
let other: EnvelopeKey;

beforeAll(async () => {
  const store = new WebCryptoKeyStore({ storage: 'memory' });
  for (const algorithm of ALGORITHMS) {
    const info = await store.generateKey(`test.${algorithm}`, { purpose: 'encrypt', algorithm });
    keys.set(algorithm, { keyStore: store, info, crypto: backend });
  }
  const otherStore = new WebCryptoKeyStore({ storage: 'memory' });
  other = {
    keyStore: otherStore,
    info: await otherStore.generateKey('test.other', {
      purpose: 'encrypt',
      algorithm: 'RSA-OAEP-256',
    }),
    crypto: backend,
  };
}, 120_000);

describe.each(ALGORITHMS)('WebCryptoKeyStore %s key', (algorithm) => {
  it('opens an envelope from sealEnvelope, compact and with aad', async () => {
    const key = keys.get(algorithm)!;
    const data = testBytes(1000);
    expect(await openEnvelopeWithKey(key, await sealEnvelope(data, key.info.publicKey))).toEqual(
      data,
    );
    expect(
      await openEnvelopeWithKey(key, await sealEnvelope(data, key.info.publicKey, { aad: 'x' }), {
        aad: 'x',
      }),
    ).toEqual(data);
  });

  it('opens a stream from sealEnvelopeStream', async () => {
    const key = keys.get(algorithm)!;
    const data = testBytes(5000);
    const sealed = await collect(
      sealEnvelopeStream(streamOf(data, 700), key.info.publicKey, { segmentSize: 1024 }),
    );
    expect(await collect(openEnvelopeStreamWithKey(key, streamOf(sealed, 333)))).toEqual(data);
  });

  it('seals to itself and unseals', async () => {
    const key = keys.get(algorithm)!;
    const binding = { deviceId: 'device', context: 'ctx' };
    expect(
      await unsealWithKey(key, await sealWithKey(key, testBytes(50), binding), binding),
    ).toEqual(testBytes(50));
  });

  it("refuses another device's envelope with the fixed error", async () => {
    const key = keys.get(algorithm)!;
    const err = await rejection(
      openEnvelopeWithKey(key, await sealEnvelope(testBytes(10), other.info.publicKey)),
    );
    expect(err.code).toBe(
      algorithm === 'RSA-OAEP-256' ? 'INVALID_ENVELOPE' : 'UNSUPPORTED_ALGORITHM',
    );
    if (err.code === 'INVALID_ENVELOPE') expect(err.message).toBe(OPEN_FAILED);
  });
});

it('a tampered RSA encrypted key fails in the store and still gives the fixed error', async () => {
  const key = keys.get('RSA-OAEP-256')!;
  const parts = splitCompact(await sealEnvelope(testBytes(10), key.info.publicKey));
  parts[1]![5]! ^= 1;
  const err = await rejection(openEnvelopeWithKey(key, joinCompact(parts)));
  expect([err.code, err.message]).toEqual(['INVALID_ENVELOPE', OPEN_FAILED]);
});
