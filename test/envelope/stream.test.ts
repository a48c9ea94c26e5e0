import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPEN_FAILED } from '../../src/core/envelope/failure.js';
import { openEnvelopeStreamWithKey } from '../../src/core/envelope/open-stream.js';
import type { EnvelopeKey } from '../../src/core/envelope/types.js';
import { DeviceBindingError } from '../../src/core/errors.js';
import { sealEnvelopeStream } from '../../src/server/seal-envelope-stream.js';
import {
  collect,
  fixedRsaDevice,
  memoryDevice,
  sameBytes,
  streamOf,
  testBytes,
  thrown,
} from './helpers/devices.js';

const S = 32; // small segments, so every attack is cheap
const HEADER_PREFIX = 49;

async function seal(
  key: EnvelopeKey,
  plaintext: Uint8Array,
  segmentSize = S,
  chunk = 1000,
): Promise<Uint8Array> {
  return collect(
    sealEnvelopeStream(streamOf(plaintext, chunk), key.info.publicKey, { segmentSize }),
  );
}

/** How opening ends: the plaintext when the output closed, or the error code. */
async function open(
  key: EnvelopeKey,
  sealed: Uint8Array,
  chunk = 4096,
): Promise<Uint8Array | string> {
  return collect(openEnvelopeStreamWithKey(key, streamOf(sealed, chunk))).catch((err: unknown) =>
    err instanceof DeviceBindingError ? err.code : `raw ${String(err)}`,
  );
}

function headerLength(sealed: Uint8Array): number {
  return HEADER_PREFIX + ((sealed[47]! << 8) | sealed[48]!);
}

/** The stream cut into header and segment slices. */
function pieces(
  sealed: Uint8Array,
  segmentSize = S,
): { header: Uint8Array; segments: Uint8Array[] } {
  const h = headerLength(sealed);
  const segments: Uint8Array[] = [];
  for (let at = h; at < sealed.length; at += segmentSize + 16)
    segments.push(sealed.subarray(at, at + segmentSize + 16));
  return { header: sealed.subarray(0, h), segments };
}

const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe('stream round trips', () => {
  let device: EnvelopeKey;
  beforeAll(async () => {
    device = await memoryDevice();
  });

  it.each([0, 1, S - 1, S, S + 1, 2 * S, 2 * S + 1, 5 * S + 7])(
    '%i bytes in 32-byte segments',
    async (n) => {
      const plaintext = testBytes(n, n + 1);
      const sealed = await seal(device, plaintext);
      expect(sealed.length).toBe(headerLength(sealed) + Math.max(1, Math.ceil(n / S)) * 16 + n);
      expect(await open(device, sealed)).toEqual(plaintext);
    },
  );

  it.each([0, 65536, 65537, 300_000])('%i bytes with the default 64 KiB segments', async (n) => {
    const plaintext = testBytes(n, 7);
    const sealed = await collect(
      sealEnvelopeStream(streamOf(plaintext, 10_000), device.info.publicKey),
    );
    expect(new DataView(sealed.buffer, sealed.byteOffset).getUint32(4)).toBe(65536);
    const opened = await open(device, sealed, 50_000);
    expect(opened instanceof Uint8Array && sameBytes(opened, plaintext)).toBe(true);
  });

  it('writes the documented header: magic "dbs" v1, segment size, salt, nonce prefix, key envelope', async () => {
    const sealed = await seal(device, testBytes(10), 48);
    expect([...sealed.subarray(0, 4)]).toEqual([0x64, 0x62, 0x73, 0x01]);
    expect(new DataView(sealed.buffer, sealed.byteOffset).getUint32(4)).toBe(48);
    const jwe = Buffer.from(sealed.subarray(HEADER_PREFIX, headerLength(sealed))).toString('ascii');
    expect(jwe.split('.')).toHaveLength(5);
    expect(JSON.parse(Buffer.from(jwe.split('.')[0]!, 'base64url').toString())).toMatchObject({
      alg: 'ECDH-ES+A256KW',
      enc: 'A256GCM',
    });
  });

  it('round-trips through an RSA-OAEP-256 device key', async () => {
    const rsa = await fixedRsaDevice('RSA-OAEP-256');
    const plaintext = testBytes(100);
    expect(await open(rsa, await seal(rsa, plaintext))).toEqual(plaintext);
  });

  it('handles 1-byte chunks on both sides', async () => {
    const plaintext = testBytes(3 * S + 5);
    const sealed = await seal(device, plaintext, S, 1);
    expect(await open(device, sealed, 1)).toEqual(plaintext);
  });

  it('handles one huge chunk holding the whole stream', async () => {
    const plaintext = testBytes(2_000_000);
    const sealed = await collect(
      sealEnvelopeStream(streamOf(plaintext, plaintext.length), device.info.publicKey, {
        segmentSize: 4096,
      }),
    );
    const opened = await open(device, sealed, sealed.length);
    expect(opened instanceof Uint8Array && sameBytes(opened, plaintext)).toBe(true);
  });

  it('handles any chunking of the sealed stream', async () => {
    const plaintext = testBytes(7 * S + 3);
    const sealed = await seal(device, plaintext);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 40 }),
        async (sizes) => {
          let offset = 0;
          let i = 0;
          const readable = new ReadableStream<Uint8Array>({
            pull(controller) {
              if (offset >= sealed.length) return controller.close();
              const size = sizes[i++ % sizes.length]!;
              controller.enqueue(sealed.slice(offset, offset + size));
              offset += size;
            },
          });
          expect(await collect(openEnvelopeStreamWithKey(device, readable))).toEqual(plaintext);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('seals each stream with a fresh salt, nonce prefix and content key', async () => {
    const a = await seal(device, testBytes(10));
    const b = await seal(device, testBytes(10));
    expect(Buffer.from(a.subarray(8, 47)).equals(Buffer.from(b.subarray(8, 47)))).toBe(false);
    expect(
      Buffer.from(a.subarray(headerLength(a))).equals(Buffer.from(b.subarray(headerLength(b)))),
    ).toBe(false);
  });
});

describe('stream attacks', () => {
  let deviceA: EnvelopeKey;
  let deviceB: EnvelopeKey;
  let plaintext: Uint8Array;
  let sealed: Uint8Array;
  beforeAll(async () => {
    deviceA = await memoryDevice();
    deviceB = await memoryDevice();
    plaintext = testBytes(4 * S + 9);
    sealed = await seal(deviceA, plaintext);
  });

  it('refuses truncation at every offset', async () => {
    for (let length = 0; length < sealed.length; length++) {
      expect(await open(deviceA, sealed.subarray(0, length)), `cut at ${length}`).toBe(
        'INVALID_ENVELOPE',
      );
    }
  });

  it('refuses truncation at each segment boundary (the output errors, it never closes)', async () => {
    const { header, segments } = pieces(sealed);
    for (let keep = 0; keep < segments.length; keep++) {
      const cut = cat(header, ...segments.slice(0, keep));
      const reader = openEnvelopeStreamWithKey(deviceA, streamOf(cut)).getReader();
      const received: Uint8Array[] = [];
      const error = await (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return undefined;
          received.push(value);
        }
      })().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(DeviceBindingError);
      expect((error as DeviceBindingError).message).toBe(OPEN_FAILED);
      // What arrived before the error is authentic, but never the whole plaintext.
      expect(Buffer.concat(received).length).toBeLessThan(plaintext.length);
    }
  });

  it('refuses truncation at every offset with 1-byte chunks', async () => {
    for (let length = headerLength(sealed); length < sealed.length; length += 5) {
      expect(await open(deviceA, sealed.subarray(0, length), 1)).toBe('INVALID_ENVELOPE');
    }
  });

  it('refuses one appended byte, and an appended copy of the final segment', async () => {
    const { segments } = pieces(sealed);
    expect(await open(deviceA, cat(sealed, Uint8Array.of(0)))).toBe('INVALID_ENVELOPE');
    expect(await open(deviceA, cat(sealed, segments.at(-1)!))).toBe('INVALID_ENVELOPE');
    expect(await open(deviceA, cat(sealed, sealed))).toBe('INVALID_ENVELOPE');
  });

  it('refuses one flipped bit anywhere in the stream', async () => {
    for (let i = 0; i < sealed.length; i++) {
      const bits = i < HEADER_PREFIX ? 8 : 1;
      for (let bit = 0; bit < bits; bit++) {
        const tampered = sealed.slice();
        tampered[i]! ^= 1 << bit;
        const outcome = await open(deviceA, tampered);
        expect(['INVALID_ENVELOPE', 'UNSUPPORTED_ALGORITHM'], `byte ${i} bit ${bit}`).toContain(
          outcome,
        );
      }
    }
  });

  it('refuses swapped segments', async () => {
    const { header, segments: s } = pieces(sealed);
    expect(await open(deviceA, cat(header, s[1]!, s[0]!, ...s.slice(2)))).toBe('INVALID_ENVELOPE');
    expect(await open(deviceA, cat(header, ...s.slice(0, -2), s.at(-1)!, s.at(-2)!))).toBe(
      'INVALID_ENVELOPE',
    );
  });

  it('refuses a duplicated segment', async () => {
    const { header, segments: s } = pieces(sealed);
    expect(await open(deviceA, cat(header, s[0]!, s[1]!, s[1]!, ...s.slice(2)))).toBe(
      'INVALID_ENVELOPE',
    );
  });

  it('refuses a dropped middle segment', async () => {
    const { header, segments: s } = pieces(sealed);
    expect(await open(deviceA, cat(header, s[0]!, ...s.slice(2)))).toBe('INVALID_ENVELOPE');
  });

  it('refuses segments of one stream under the header of another (same device)', async () => {
    const other = await seal(deviceA, plaintext);
    expect(await open(deviceA, cat(pieces(other).header, ...pieces(sealed).segments))).toBe(
      'INVALID_ENVELOPE',
    );
  });

  it("refuses device A's stream on device B", async () => {
    expect(await open(deviceB, sealed)).toBe('INVALID_ENVELOPE');
  });

  it('refuses a header whose segment size was changed', async () => {
    for (const size of [S - 1, S + 1, 64, 15, 0, 2 ** 24 + 1]) {
      const tampered = sealed.slice();
      new DataView(tampered.buffer).setUint32(4, size);
      expect(await open(deviceA, tampered)).toBe('INVALID_ENVELOPE');
    }
  });

  it('refuses a wrong magic or version, and a zero-length key envelope', async () => {
    for (const at of [0, 1, 2, 3]) {
      const tampered = sealed.slice();
      tampered[at]! ^= 0x80;
      expect(await open(deviceA, tampered)).toBe('INVALID_ENVELOPE');
    }
    const noEnvelope = sealed.slice(0, HEADER_PREFIX);
    noEnvelope[47] = 0;
    noEnvelope[48] = 0;
    expect(await open(deviceA, noEnvelope)).toBe('INVALID_ENVELOPE');
  });

  it('refuses a key envelope in JSON form', async () => {
    const json = Buffer.from('{"protected":"x"}');
    const header = cat(sealed.subarray(0, 47), Uint8Array.of(0, json.length), json);
    expect(await open(deviceA, header)).toBe('INVALID_ENVELOPE');
  });

  it('refuses a key envelope that carries a content key of the wrong length', async () => {
    const { sealEnvelope } = await import('../../src/server/seal-envelope.js');
    const jwe = Buffer.from(await sealEnvelope(new Uint8Array(16), deviceA.info.publicKey));
    const header = cat(
      sealed.subarray(0, 47),
      Uint8Array.of(jwe.length >> 8, jwe.length & 255),
      jwe,
    );
    expect(await open(deviceA, cat(header, ...pieces(sealed).segments))).toBe('INVALID_ENVELOPE');
  });
});

describe('stream API behaviour', () => {
  it('throws synchronously for a malformed key, a non-stream, or a locked stream', async () => {
    const device = await memoryDevice();
    expect(
      thrown(() => openEnvelopeStreamWithKey(undefined as never, streamOf(new Uint8Array(1)))).code,
    ).toBe('INVALID_ARGUMENT');
    expect(thrown(() => openEnvelopeStreamWithKey(device, new Uint8Array(1) as never)).code).toBe(
      'INVALID_ARGUMENT',
    );
    const locked = streamOf(new Uint8Array(1));
    locked.getReader();
    expect(thrown(() => openEnvelopeStreamWithKey(device, locked)).message).toContain('locked');
    expect(thrown(() => sealEnvelopeStream(locked, device.info.publicKey)).code).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('sealEnvelopeStream refuses bad segment sizes and keys synchronously', async () => {
    const device = await memoryDevice();
    for (const segmentSize of [0, 15, 2 ** 24 + 1, 1.5, Number.NaN, '64' as unknown as number]) {
      expect(
        thrown(() =>
          sealEnvelopeStream(streamOf(new Uint8Array(1)), device.info.publicKey, { segmentSize }),
        ).message,
      ).toContain('segmentSize');
    }
    expect(
      thrown(() =>
        sealEnvelopeStream(streamOf(new Uint8Array(1)), {
          kty: 'OKP',
          crv: 'X25519',
          x: 'AAAA',
        } as never),
      ).code,
    ).toBe('UNSUPPORTED_ALGORITHM');
    const signing = await device.keyStore.generateKey('com.example.sign', {
      purpose: 'sign',
      algorithm: 'ES256',
    });
    expect(
      thrown(() =>
        sealEnvelopeStream(streamOf(new Uint8Array(1)), {
          ...signing.publicKey,
          use: 'sig',
        } as never),
      ).code,
    ).toBe('INVALID_ARGUMENT');
  });

  it('errors with INVALID_ARGUMENT when a chunk is not a Uint8Array', async () => {
    const device = await memoryDevice();
    const bad = () => new ReadableStream<Uint8Array>({ start: (c) => c.enqueue('text' as never) });
    const err = await collect(openEnvelopeStreamWithKey(device, bad())).catch((e: unknown) => e);
    expect((err as DeviceBindingError).code).toBe('INVALID_ARGUMENT');
    const sealErr = await collect(sealEnvelopeStream(bad(), device.info.publicKey)).catch(
      (e: unknown) => e,
    );
    expect((sealErr as DeviceBindingError).code).toBe('INVALID_ARGUMENT');
  });

  it('reports a failing input with its cause', async () => {
    const device = await memoryDevice();
    const broken = new ReadableStream<Uint8Array>({
      pull: (c) => c.error(new Error('connection reset')),
    });
    const err = (await collect(openEnvelopeStreamWithKey(device, broken)).catch(
      (e: unknown) => e,
    )) as DeviceBindingError;
    expect(err.code).toBe('INVALID_ENVELOPE');
    expect((err.cause as Error).message).toBe('connection reset');
    const broken2 = new ReadableStream<Uint8Array>({ pull: (c) => c.error(new Error('disk')) });
    const sealErr = (await collect(sealEnvelopeStream(broken2, device.info.publicKey)).catch(
      (e: unknown) => e,
    )) as DeviceBindingError;
    expect([sealErr.code, (sealErr.cause as Error).message]).toEqual(['INVALID_ARGUMENT', 'disk']);
  });

  it('cancelling the output cancels the input', async () => {
    const device = await memoryDevice();
    const sealed = await seal(device, testBytes(10 * S));
    let cancelled: unknown;
    let offset = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(sealed.slice(offset, offset + 100));
        offset += 100;
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const reader = openEnvelopeStreamWithKey(device, source).getReader();
    await reader.read();
    await reader.cancel('user went away');
    expect(cancelled).toBe('user went away');
  });

  it('a failure cancels the input', async () => {
    const device = await memoryDevice();
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(HEADER_PREFIX)); // wrong magic
      },
      cancel() {
        cancelled = true;
      },
    });
    await collect(openEnvelopeStreamWithKey(device, source)).catch(() => undefined);
    expect(cancelled).toBe(true);
  });
});
