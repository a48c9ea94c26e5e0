// The published stream vectors (test/vectors/stream/*.json): they are exactly what the
// deterministic generator makes; every valid stream opens (in any chunking) and is
// reproduced byte for byte by the server's sealer from the same inputs; every invalid
// stream errors before the output closes.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EncryptionAlgorithm } from '../../src/core/algorithms.js';
import { openEnvelopeStreamWithKey } from '../../src/core/envelope/open-stream.js';
import { encodeStreamHeader, segmentNonce } from '../../src/core/envelope/stream-format.js';
import type { EnvelopeKey } from '../../src/core/envelope/types.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import { sealStreamWith } from '../../src/server/lib/stream-sealer.js';
import { makeStreamVectors } from '../vectors/stream/generate.js';
import {
  backend,
  collect,
  fixedRsaJwk,
  jwkDevice,
  sameBytes,
  streamOf,
} from './helpers/devices.js';

interface Vector {
  name: string;
  result: 'valid' | 'invalid';
  device: 'ec' | 'rsa';
  stream: string;
  segmentSize?: number;
  contentKey?: string;
  salt?: string;
  noncePrefix?: string;
  keyEnvelope?: string;
  header?: string;
  plaintext?: string;
  segments?: { index: number; last: boolean; nonce: string }[];
}
interface VectorFile {
  devices: Record<'ec' | 'rsa', { algorithm: EncryptionAlgorithm; privateJwk: JsonWebKey }>;
  vectors: Vector[];
}

const read = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../vectors/stream/${name}`, import.meta.url), 'utf8'),
  ) as VectorFile;
const main = read('stream-vectors.json');
const large = read('stream-vectors-64k.json');
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const valid = [...main.vectors, ...large.vectors].filter((v) => v.result === 'valid');
const invalid = main.vectors.filter((v) => v.result === 'invalid');

function device(v: Vector): Promise<EnvelopeKey> {
  const { algorithm, privateJwk } = main.devices[v.device];
  return jwkDevice(privateJwk, algorithm);
}

describe('published stream vectors', () => {
  it('are exactly what the deterministic generator makes (scripts/make-stream-vectors.mjs)', () => {
    const made = makeStreamVectors(fixedRsaJwk('a'));
    expect(JSON.parse(JSON.stringify(made.main))).toEqual(main);
    expect(JSON.parse(JSON.stringify(made.defaultSegmentSize))).toEqual(large);
  });

  it('cover 9 valid and 18 invalid streams', () => {
    expect([valid.length, invalid.length]).toEqual([9, 18]);
  });

  it.each(valid)('"$name" opens, whole and in 1-, 7- and 1000-byte chunks', async (v) => {
    const key = await device(v);
    const stream = hex(v.stream);
    const chunkings = stream.length > 10_000 ? [stream.length, 1000] : [stream.length, 1, 7, 1000];
    for (const size of chunkings) {
      expect(
        sameBytes(
          await collect(openEnvelopeStreamWithKey(key, streamOf(stream, size))),
          hex(v.plaintext!),
        ),
        `chunks of ${size}`,
      ).toBe(true);
    }
  });

  it.each(valid)(
    '"$name" is reproduced byte for byte by the server sealer from the same inputs',
    async (v) => {
      const sealed = sealStreamWith(streamOf(hex(v.plaintext!), 777), {
        crypto: backend,
        segmentSize: v.segmentSize!,
        contentKey: hex(v.contentKey!),
        salt: hex(v.salt!),
        noncePrefix: hex(v.noncePrefix!),
        keyEnvelope: async () => v.keyEnvelope!,
      });
      expect(sameBytes(await collect(sealed), hex(v.stream))).toBe(true);
    },
  );

  it.each(valid.filter((v) => v.segments !== undefined))(
    '"$name": header and nonces match the intermediate values',
    (v) => {
      const header = encodeStreamHeader({
        segmentSize: v.segmentSize!,
        salt: hex(v.salt!),
        noncePrefix: hex(v.noncePrefix!),
        keyEnvelope: v.keyEnvelope!,
      });
      expect(Buffer.from(header).toString('hex')).toBe(v.header);
      for (const s of v.segments!)
        expect(Buffer.from(segmentNonce(header, s.index, s.last)).toString('hex')).toBe(s.nonce);
    },
  );

  it.each(invalid)(
    '"$name" errors with INVALID_ENVELOPE before the output closes (whole and 1-byte chunks)',
    async (v) => {
      const key = await device(v);
      for (const size of [1 << 20, 1]) {
        const outcome = await collect(
          openEnvelopeStreamWithKey(key, streamOf(hex(v.stream), size)),
        ).then(
          () => 'closed',
          (err: unknown) => (err instanceof DeviceBindingError ? err.code : `raw ${String(err)}`),
        );
        expect(outcome, `chunks of ${size}`).toBe('INVALID_ENVELOPE');
      }
    },
  );
});
