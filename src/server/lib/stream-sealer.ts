// The sealing side of the stream format (docs/formats/stream.md) with every random input
// passed in, so the published vectors can be reproduced byte for byte.

import type { AesGcmKey, CryptoBackend } from '../../core/crypto-backend.js';
import { readerOf, segmentStream } from '../../core/envelope/segment-pipeline.js';
import {
  deriveStreamKey,
  encodeStreamHeader,
  MAX_SEGMENTS,
  STREAM_IKM_LENGTH,
  STREAM_NONCE_PREFIX_LENGTH,
  STREAM_SALT_LENGTH,
  segmentNonce,
} from '../../core/envelope/stream-format.js';
import { DeviceBindingError, fail } from '../../core/errors.js';

/** @internal Everything a sealed stream is made from, besides the plaintext. */
export interface StreamSealParameters {
  readonly crypto: CryptoBackend;
  readonly segmentSize: number;
  /** The 32-byte content key (HKDF input); the key envelope must carry exactly this. */
  readonly contentKey: Uint8Array;
  readonly salt: Uint8Array;
  readonly noncePrefix: Uint8Array;
  /** Makes the key envelope: a compact JWE of `contentKey` for the device. */
  readonly keyEnvelope: () => Promise<string>;
}

/**
 * @internal Seals `readable` with fixed parameters: the header, then the segments.
 * `sealEnvelopeStream` calls it with fresh random values.
 */
export function sealStreamWith(
  readable: ReadableStream<Uint8Array>,
  parameters: StreamSealParameters,
): ReadableStream<Uint8Array> {
  const { crypto, segmentSize, contentKey, salt, noncePrefix } = parameters;
  if (
    contentKey.length !== STREAM_IKM_LENGTH ||
    salt.length !== STREAM_SALT_LENGTH ||
    noncePrefix.length !== STREAM_NONCE_PREFIX_LENGTH
  ) {
    fail('INVALID_ARGUMENT', 'stream parameters have the wrong lengths');
  }
  const reader = readerOf(readable);
  let header: Uint8Array = new Uint8Array(0);
  let streamKey: AesGcmKey | undefined;
  return segmentStream(reader, {
    async start() {
      const keyEnvelope = await parameters.keyEnvelope();
      header = encodeStreamHeader({ segmentSize, salt, noncePrefix, keyEnvelope });
      streamKey = await deriveStreamKey(crypto, contentKey, header);
      return { segmentSize, prelude: header };
    },
    async segment(bytes, index, last) {
      if (index >= MAX_SEGMENTS) {
        fail('INVALID_ARGUMENT', '"readable" is too long for this segment size (2^32 segments)');
      }
      return crypto.aesGcmEncrypt(streamKey!, segmentNonce(header, index, last), bytes);
    },
    failure(err, fromInput) {
      const message = fromInput
        ? 'reading "readable" failed, so the stream was not sealed'
        : 'the stream could not be sealed';
      return new DeviceBindingError('INVALID_ARGUMENT', message, { cause: err });
    },
  });
}
