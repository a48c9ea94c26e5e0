// Envelopes: opening a 16 MiB envelope (raw WebCrypto AES-256-GCM, openEnvelope, jose
// compactDecrypt), stream throughput against the same raw decrypt, and peak RSS while a
// 1 GiB stream is sealed and opened.

import { compactDecrypt } from 'jose';
import { webCryptoBackend } from '../src/core/crypto-backend.js';
import { openEnvelopeWithKey } from '../src/core/envelope/open-envelope.js';
import { openEnvelopeStreamWithKey } from '../src/core/envelope/open-stream.js';
import type { EnvelopeKey } from '../src/core/envelope/types.js';
import type { PublicJwk } from '../src/core/jwk.js';
import { MemoryKeyStore } from '../src/keystores/memory/index.js';
import * as webCryptoStoreModule from '../src/keystores/webcrypto/index.js';
import { sealEnvelope } from '../src/server/seal-envelope.js';
import { sealEnvelopeStream } from '../src/server/seal-envelope-stream.js';
import { type BenchCase, defineBench, isMissingModule } from './lib/bench.js';

const subtle = globalThis.crypto.subtle;
const MiB = 1024 * 1024;
const SIZE = 16 * MiB;
const CHUNK = 64 * 1024;
const RSS_STREAM_BYTES = 1024 * MiB;

function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 65536)
    globalThis.crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

/** A stream over `chunks` (views, no copies), as a network body would deliver them. */
function streamOfChunks(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else controller.close();
    },
  });
}

function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

async function drain(readable: ReadableStream<Uint8Array>): Promise<number> {
  const reader = readable.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.length;
  }
}

async function deviceKey(): Promise<{ key: EnvelopeKey; storeName: string }> {
  const crypto = webCryptoBackend();
  if (!isMissingModule(webCryptoStoreModule)) {
    const keyStore = new webCryptoStoreModule.WebCryptoKeyStore({ storage: 'memory' });
    const info = await keyStore.generateKey('bench.encryption', {
      purpose: 'encrypt',
      algorithm: 'ECDH-ES',
    });
    return { key: { keyStore, info, crypto }, storeName: 'WebCryptoKeyStore' };
  }
  const keyStore = new MemoryKeyStore();
  const info = await keyStore.generateKey('bench.encryption', {
    purpose: 'encrypt',
    algorithm: 'ECDH-ES',
  });
  return { key: { keyStore, info, crypto }, storeName: 'MemoryKeyStore' };
}

/**
 * Seals and opens a 1 GiB stream in one pipeline, sampling RSS: the peak, and RSS after each
 * 256 MiB (flat memory means no growth between the samples). Figures in MiB.
 */
async function streamRss(
  key: EnvelopeKey,
): Promise<{ before: number; peak: number; marks: number[]; seconds: number }> {
  const block = randomBytes(CHUNK);
  let produced = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (produced >= RSS_STREAM_BYTES) {
        controller.close();
        return;
      }
      controller.enqueue(block.slice());
      produced += CHUNK;
    },
  });
  const before = process.memoryUsage.rss();
  let peak = before;
  const marks: number[] = [];
  let total = 0;
  const started = performance.now();
  const reader = openEnvelopeStreamWithKey(
    key,
    sealEnvelopeStream(source, key.info.publicKey),
  ).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total % (4 * MiB) === 0) peak = Math.max(peak, process.memoryUsage.rss());
    if (total % (256 * MiB) === 0) marks.push(process.memoryUsage.rss() / MiB);
  }
  if (total !== RSS_STREAM_BYTES) throw new Error(`stream returned ${total} bytes`);
  return {
    before: before / MiB,
    peak: Math.max(peak, process.memoryUsage.rss()) / MiB,
    marks,
    seconds: (performance.now() - started) / 1000,
  };
}

export default defineBench(async () => {
  const { key, storeName } = await deviceKey();
  const plaintext = randomBytes(SIZE);

  // Raw baseline: one WebCrypto AES-256-GCM decrypt of the same size.
  const rawKey = await subtle.importKey(
    'raw',
    randomBytes(32) as Uint8Array<ArrayBuffer>,
    'AES-GCM',
    false,
    ['encrypt', 'decrypt'],
  );
  const iv = randomBytes(12) as Uint8Array<ArrayBuffer>;
  const rawSealed = new Uint8Array(
    await subtle.encrypt({ name: 'AES-GCM', iv }, rawKey, plaintext as Uint8Array<ArrayBuffer>),
  );
  const raw: BenchCase = {
    name: 'raw subtle.decrypt AES-256-GCM',
    run: () => subtle.decrypt({ name: 'AES-GCM', iv }, rawKey, rawSealed),
  };

  // jose needs the private key itself, which the device's store never gives out: it gets
  // its own key pair and an envelope of the same size.
  const envelope = await sealEnvelope(plaintext, key.info.publicKey);
  const josePair = (await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const { kty, crv, x, y } = await subtle.exportKey('jwk', josePair.publicKey);
  const joseEnvelope = await sealEnvelope(plaintext, {
    kty,
    crv,
    x,
    y,
    use: 'enc',
    alg: 'ECDH-ES+A256KW',
  } as PublicJwk);

  const openName = `openEnvelope (${storeName})`;
  const envelopeCases: BenchCase[] = [
    raw,
    { name: openName, run: () => openEnvelopeWithKey(key, envelope) },
    { name: 'jose compactDecrypt', run: () => compactDecrypt(joseEnvelope, josePair.privateKey) },
  ];

  const sealedStream = new Uint8Array(
    await new Response(
      sealEnvelopeStream(streamOfChunks(chunksOf(plaintext, CHUNK)), key.info.publicKey),
    ).arrayBuffer(),
  );
  const sealedChunks = chunksOf(sealedStream, CHUNK);
  const streamCases: BenchCase[] = [
    raw,
    {
      name: 'openEnvelopeStream (64 KiB chunks)',
      run: () => drain(openEnvelopeStreamWithKey(key, streamOfChunks(sealedChunks))),
    },
    {
      name: 'sealEnvelopeStream (64 KiB chunks)',
      run: () =>
        drain(sealEnvelopeStream(streamOfChunks(chunksOf(plaintext, CHUNK)), key.info.publicKey)),
    },
  ];

  const rss = await streamRss(key);
  const rssNote =
    `1 GiB sealed and opened in one pipeline in ${rss.seconds.toFixed(1)} s: RSS ${rss.before.toFixed(0)} MiB before, ` +
    `peak ${rss.peak.toFixed(0)} MiB (+${(rss.peak - rss.before).toFixed(0)} MiB); ` +
    `after 256/512/768/1024 MiB: ${rss.marks.map((m) => m.toFixed(0)).join(' / ')} MiB`;

  return [
    {
      name: 'open a 16 MiB envelope (ECDH-ES+A256KW, A256GCM)',
      baseline: raw.name,
      cases: envelopeCases,
      bytesPerOp: SIZE,
      ratios: [
        ['openEnvelope / raw AES-GCM', openName, raw.name],
        ['openEnvelope / jose', openName, 'jose compactDecrypt'],
        ['jose / raw AES-GCM', 'jose compactDecrypt', raw.name],
      ],
    },
    {
      name: 'stream 16 MiB (64 KiB segments)',
      baseline: raw.name,
      cases: streamCases,
      bytesPerOp: SIZE,
      ratios: [
        [
          'openEnvelopeStream / raw one-shot AES-GCM',
          'openEnvelopeStream (64 KiB chunks)',
          raw.name,
        ],
      ],
      notes: [rssNote],
    },
  ];
});
