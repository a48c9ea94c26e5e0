// Test devices: an EnvelopeKey over a MemoryKeyStore (ECDH) or over the test JWK store
// (RSA), plus small stream and byte helpers shared by the envelope tests.

import type { EncryptionAlgorithm } from '../../../src/core/algorithms.js';
import { webCryptoBackend } from '../../../src/core/crypto-backend.js';
import type { EnvelopeKey } from '../../../src/core/envelope/types.js';
import { DeviceBindingError } from '../../../src/core/errors.js';
import { MemoryKeyStore } from '../../../src/keystores/memory/index.js';
import testKeys from '../../fixtures/rsa-test-keys.json' with { type: 'json' };
import { generateRsaJwk, type JwkKeyStore, jwkKeyStore } from './jwk-key-store.js';

export const backend = webCryptoBackend();

/** A device whose encryption key lives in a MemoryKeyStore. */
export async function memoryDevice(
  alias = 'com.example.encryption',
): Promise<EnvelopeKey & { keyStore: MemoryKeyStore }> {
  const keyStore = new MemoryKeyStore();
  const info = await keyStore.generateKey(alias, { purpose: 'encrypt', algorithm: 'ECDH-ES' });
  return { keyStore, info, crypto: backend };
}

/** A device whose encryption key is the given private JWK. */
export async function jwkDevice(
  privateJwk: JsonWebKey,
  algorithm: EncryptionAlgorithm,
): Promise<EnvelopeKey & { keyStore: JwkKeyStore }> {
  const keyStore = await jwkKeyStore(privateJwk, algorithm);
  return { keyStore, info: keyStore.info, crypto: backend };
}

/** A device with a fresh RSA key. */
export async function rsaDevice(
  algorithm: 'RSA-OAEP-256' | 'RSA-OAEP',
  modulusLength = 2048,
): Promise<EnvelopeKey & { keyStore: JwkKeyStore }> {
  return jwkDevice(await generateRsaJwk(algorithm, modulusLength), algorithm);
}

/**
 * A fixed 2048-bit RSA private key (fast, unlike key generation) from
 * test/fixtures/rsa-test-keys.json (scripts/make-test-keys.mjs): `'a'` and `'b'` are two
 * different keys.
 */
export function fixedRsaJwk(which: 'a' | 'b'): JsonWebKey {
  return { ...testKeys[which] };
}

/** A device holding one of the fixed RSA keys, for either OAEP variant. */
export function fixedRsaDevice(
  algorithm: 'RSA-OAEP-256' | 'RSA-OAEP',
  which: 'a' | 'b' = 'a',
): Promise<EnvelopeKey & { keyStore: JwkKeyStore }> {
  return jwkDevice(fixedRsaJwk(which), algorithm);
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<DeviceBindingError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DeviceBindingError) return err;
    throw new Error(`expected a DeviceBindingError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** The error a function throws synchronously. */
export function thrown(fn: () => unknown): DeviceBindingError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DeviceBindingError) return err;
    throw new Error(`expected a DeviceBindingError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a throw');
}

/** A ReadableStream over `bytes` in chunks of `chunkSize`. */
export function streamOf(bytes: Uint8Array, chunkSize = 65536): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

/** Reads a whole stream into one array. */
export async function collect(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Deterministic pseudo-random bytes (not secret; for test data). */
export function testBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

/** Whether two byte arrays are equal (fast, unlike a deep toEqual on megabytes). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(
    Buffer.from(b.buffer, b.byteOffset, b.length),
  );
}
