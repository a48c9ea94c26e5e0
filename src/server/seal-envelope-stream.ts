// sealEnvelopeStream: encrypts a large file for one device as a stream envelope
// (docs/formats/stream.md), in constant memory, for `openEnvelopeStream` on the device.

import { assertNumber, assertObject } from '../core/assert.js';
import { resolveCryptoBackend } from '../core/crypto-backend.js';
import {
  DEFAULT_SEGMENT_SIZE,
  MAX_SEGMENT_SIZE,
  MIN_SEGMENT_SIZE,
  STREAM_IKM_LENGTH,
  STREAM_NONCE_PREFIX_LENGTH,
  STREAM_SALT_LENGTH,
} from '../core/envelope/stream-format.js';
import type { PublicJwk } from '../core/jwk.js';
import { sealStreamWith } from './lib/stream-sealer.js';
import { sealAlgorithm, sealEnvelope } from './seal-envelope.js';

/** Options of {@link sealEnvelopeStream}. */
export interface SealEnvelopeStreamOptions {
  /**
   * Plaintext bytes per segment, recorded in the header (default 65536; 16 to 16 MiB).
   * The device holds a few segments in memory at a time.
   */
  segmentSize?: number;
}

/**
 * Encrypts a stream for one device: a header whose key envelope carries a fresh content
 * key exactly as `sealEnvelope` would, then fixed-size AES-256-GCM segments under a key
 * derived from it with HKDF. Memory stays at a few segments whatever the input's size.
 * The device opens it with `openEnvelopeStream`, which detects truncation (at any point),
 * appended data, reordering and any change.
 *
 * @param readable - the plaintext, in chunks of any size
 * @param encryptionKey - the device's public encryption key, from the verified handshake
 * @param options - `segmentSize`
 * @returns the sealed stream
 * @throws `INVALID_ARGUMENT` (synchronously) for a malformed key, a signing key, a locked
 * stream or a bad segment size; `UNSUPPORTED_ALGORITHM` for an unsupported key type. The
 * returned stream errors with `INVALID_ARGUMENT` when the input fails or yields a chunk
 * that is not a Uint8Array.
 * @example
 * ```ts
 * const file = Readable.toWeb(createReadStream('movie.mp4')) as ReadableStream<Uint8Array>;
 * return new Response(sealEnvelopeStream(file, device.encryptionKey));
 * ```
 */
export function sealEnvelopeStream(
  readable: ReadableStream<Uint8Array>,
  encryptionKey: PublicJwk,
  options: SealEnvelopeStreamOptions = {},
): ReadableStream<Uint8Array> {
  sealAlgorithm(encryptionKey);
  const segmentSize = assertNumber(assertObject(options).segmentSize, 'options.segmentSize', {
    min: MIN_SEGMENT_SIZE,
    max: MAX_SEGMENT_SIZE,
    fallback: DEFAULT_SEGMENT_SIZE,
    integer: true,
  });
  const crypto = resolveCryptoBackend(undefined);
  const contentKey = crypto.randomBytes(STREAM_IKM_LENGTH);
  return sealStreamWith(readable, {
    crypto,
    segmentSize,
    contentKey,
    salt: crypto.randomBytes(STREAM_SALT_LENGTH),
    noncePrefix: crypto.randomBytes(STREAM_NONCE_PREFIX_LENGTH),
    keyEnvelope: () => sealEnvelope(contentKey, encryptionKey),
  });
}
