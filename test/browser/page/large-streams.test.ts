// Stream envelopes of a few megabytes in real Chromium: what the Node server seals
// (sealEnvelopeStream) opens byte for byte however it arrives, and a stream cut short
// anywhere, a segment boundary included, or with one bit flipped, errors with
// INVALID_ENVELOPE after releasing only authentic plaintext, never the whole of it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_FAILED } from '../../../src/core/envelope/failure.js';
import { openEnvelopeStream } from '../../../src/envelopes.js';
import { patternBytes } from '../shared/pattern-bytes.js';
import {
  deleteRegisteredDevices,
  drain,
  firstDifference,
  fromBase64,
  type RegisteredDevice,
  registeredDevice,
  streamOf,
} from './envelope-helpers.js';
import { expectOk, sealEnvelopeStreamOnServer } from './server.js';

const MiB = 1 << 20;
const TAG_LENGTH = 16;

/** Where the pieces of a sealed stream start (docs/formats/stream.md, "Layout"). */
function layout(sealed: Uint8Array): { headerLength: number; segmentSize: number } {
  const view = new DataView(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  return { headerLength: 49 + view.getUint16(47), segmentSize: view.getUint32(4) };
}

afterAll(deleteRegisteredDevices);

describe.each([
  ['3 MiB and 1000 bytes', 3 * MiB + 1000],
  ['4 MiB (a full final segment)', 4 * MiB],
])('a stream envelope of %s in Chromium', (_label, length) => {
  const plaintext = patternBytes(length);
  let device: RegisteredDevice;
  let sealed: Uint8Array;
  let headerLength: number;
  let segmentSize: number;
  let segments: number;

  beforeAll(async () => {
    device = await registeredDevice();
    sealed = fromBase64(expectOk(await sealEnvelopeStreamOnServer(length, device.encryptionKey)));
    ({ headerLength, segmentSize } = layout(sealed));
    segments = Math.ceil(length / segmentSize);
  });

  /** Opens `bytes` fed in `chunk`-byte pieces; expects it to fail, releasing only a prefix. */
  async function expectRefused(bytes: Uint8Array, chunk = 65_537): Promise<void> {
    const drained = await drain(openEnvelopeStream(device.binding, streamOf(bytes, chunk)));
    expect(drained.closed).toBe(false);
    if (drained.closed) return;
    expect(drained.error).toMatchObject({ name: 'DeviceBindingError', code: 'INVALID_ENVELOPE' });
    // What arrived before the error is authentic plaintext, and never all of it.
    expect(drained.received.length).toBeLessThan(length);
    expect(firstDifference(drained.received, plaintext.subarray(0, drained.received.length))).toBe(
      -1,
    );
  }

  function flipBit(at: number): Uint8Array {
    const copy = sealed.slice();
    copy[at]! ^= 1;
    return copy;
  }

  it('has the documented layout: header, then segments of segment_size + 16 bytes', () => {
    expect(segmentSize).toBe(65_536);
    expect(segments).toBeGreaterThan(40);
    expect(sealed.length).toBe(headerLength + length + TAG_LENGTH * segments);
  });

  it.each([
    ['in uneven chunks across segment boundaries', 65_537],
    ['in small chunks', 4_093],
    ['in one chunk', Number.MAX_SAFE_INTEGER],
  ])('opens byte for byte when it arrives %s', async (_how, chunk) => {
    const drained = await drain(openEnvelopeStream(device.binding, streamOf(sealed, chunk)));
    expect(drained.closed).toBe(true);
    expect(drained.received.length).toBe(length);
    expect(firstDifference(drained.received, plaintext)).toBe(-1);
  });

  it('refuses the stream without its final segment (cut at a segment boundary)', async () => {
    const boundary = headerLength + (segments - 1) * (segmentSize + TAG_LENGTH);
    const drained = await drain(
      openEnvelopeStream(device.binding, streamOf(sealed.subarray(0, boundary), 65_537)),
    );
    expect(drained.closed).toBe(false);
    if (drained.closed) return;
    expect(drained.error).toMatchObject({ code: 'INVALID_ENVELOPE', message: OPEN_FAILED });
    expect(drained.received.length).toBeLessThan(length);
  });

  it.each([
    ['its last byte', (n: number) => n - 1],
    ['the final tag', (n: number) => n - TAG_LENGTH],
    ['half of it', (n: number) => Math.floor(n / 2)],
    ['its first segment', (_n: number, header: number) => header],
    ['part of its header', (_n: number, header: number) => header - 1],
  ])('refuses the stream without %s', async (_what, cut) => {
    await expectRefused(sealed.subarray(0, cut(sealed.length, headerLength)));
  });

  it.each([
    ['the key envelope', (header: number) => header - 2],
    ['the first segment', (header: number) => header],
    ['a middle segment', (header: number) => header + 20 * (segmentSize + TAG_LENGTH) + 77],
    ['the last byte', (_header: number, n: number) => n - 1],
  ])('refuses the stream with a bit of %s flipped', async (_where, at) => {
    await expectRefused(flipBit(at(headerLength, sealed.length)));
  });

  it('refuses the stream with one segment dropped from the middle', async () => {
    const piece = segmentSize + TAG_LENGTH;
    const start = headerLength + 10 * piece;
    const cut = new Uint8Array(sealed.length - piece);
    cut.set(sealed.subarray(0, start));
    cut.set(sealed.subarray(start + piece), start);
    await expectRefused(cut);
  });

  it('refuses the stream with two segments swapped', async () => {
    const piece = segmentSize + TAG_LENGTH;
    const start = headerLength + 5 * piece;
    const swapped = sealed.slice();
    swapped.set(sealed.subarray(start + piece, start + 2 * piece), start);
    swapped.set(sealed.subarray(start, start + piece), start + piece);
    await expectRefused(swapped);
  });

  it('refuses the stream with one byte appended', async () => {
    const longer = new Uint8Array(sealed.length + 1);
    longer.set(sealed);
    await expectRefused(longer);
  });
});
