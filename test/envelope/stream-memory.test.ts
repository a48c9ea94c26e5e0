// Memory stays flat while streaming: 96 MiB are generated, sealed and opened in one
// pipeline; after the first 32 MiB (allocator and heap warm-up), neither resident memory
// nor live ArrayBuffer memory grows by anything near the 64 MiB still to come, which a
// buffering implementation would need twice over (sealed and opened copies).

import { describe, expect, it } from 'vitest';
import { openEnvelopeStreamWithKey } from '../../src/core/envelope/open-stream.js';
import { sealEnvelopeStream } from '../../src/server/seal-envelope-stream.js';
import { memoryDevice } from './helpers/devices.js';

const MiB = 1024 * 1024;
const WARM_UP = 32 * MiB;
const TOTAL = WARM_UP + 64 * MiB;
const CHUNK = 64 * 1024;
// Generous: garbage waits for the collector, but buffering would need ≥ 128 MiB.
const BOUND = 40 * MiB;

describe('stream memory', () => {
  it('seals and opens 64 MiB (after a warm-up) with memory growth far below the stream size', async () => {
    const device = await memoryDevice();
    const block = crypto.getRandomValues(new Uint8Array(CHUNK));
    let produced = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (produced >= TOTAL) return controller.close();
        controller.enqueue(block.slice());
        produced += CHUNK;
      },
    });
    let before: NodeJS.MemoryUsage | undefined;
    let peakRss = 0;
    let peakArrayBuffers = 0;
    let received = 0;
    let chunks = 0;
    const reader = openEnvelopeStreamWithKey(
      device,
      sealEnvelopeStream(source, device.info.publicKey),
    ).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.length;
      if (before === undefined && received >= WARM_UP) before = process.memoryUsage();
      if (before !== undefined && ++chunks % 32 === 0) {
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss - before.rss);
        peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers - before.arrayBuffers);
      }
    }
    expect(received).toBe(TOTAL);
    expect(peakRss).toBeLessThan(BOUND);
    expect(peakArrayBuffers).toBeLessThan(BOUND);
  });
});
