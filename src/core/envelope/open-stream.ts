// Opens a stream envelope (docs/formats/stream.md) addressed to this device, segment by
// segment, in constant memory; the output errors on any truncation, reordering or change.

import { concatBytes, wipe } from '../bytes.js';
import type { AesGcmKey } from '../crypto-backend.js';
import { DeviceBindingError } from '../errors.js';
import { utf8Decode } from '../utf8.js';
import { checkEnvelopeKey } from './envelope-key.js';
import { malformed, OPEN_FAILED, openFailed } from './failure.js';
import { openEnvelopeWithKey } from './open-envelope.js';
import { readerOf, segmentStream } from './segment-pipeline.js';
import {
  deriveStreamKey,
  MAX_SEGMENTS,
  readStreamPrefix,
  STREAM_IKM_LENGTH,
  STREAM_PREFIX_LENGTH,
  STREAM_TAG_LENGTH,
  segmentNonce,
} from './stream-format.js';
import type { EnvelopeKey } from './types.js';

/**
 * Opens a stream made by `sealEnvelopeStream` for this device and returns the plaintext as
 * a stream. Memory stays at a few segments whatever the size. Plaintext is released
 * segment by segment as each one is authenticated; the output only closes normally once
 * the final segment has been authenticated, so treat the data as complete only then: if
 * the input was truncated (anywhere, including at a segment boundary), extended,
 * reordered or altered, the output errors with `INVALID_ENVELOPE` instead of closing.
 *
 * @param key - the device encryption key, its store and the crypto backend
 * @param readable - the sealed stream, in chunks of any size
 * @param openKeyEnvelope - opens the header's key envelope (default: with `key`; the binding
 * passes one that also tries the keys a rotation keeps)
 * @returns the plaintext stream
 * @throws `INVALID_ARGUMENT` (synchronously) for a malformed key or a locked stream. The
 * returned stream errors with `INVALID_ENVELOPE` (one fixed message once key material is
 * involved), `UNSUPPORTED_ALGORITHM` for a key envelope outside the allowlist, or a store
 * error about the key (`KEY_NOT_FOUND`, `USER_CANCELLED`, …).
 * @example
 * ```ts
 * const response = await fetch('/media/42');
 * const plain = openEnvelopeStreamWithKey(key, response.body!);
 * await plain.pipeTo(fileWritable);
 * ```
 */
export function openEnvelopeStreamWithKey(
  key: EnvelopeKey,
  readable: ReadableStream<Uint8Array>,
  openKeyEnvelope: (jwe: string) => Promise<Uint8Array> = (jwe) => openEnvelopeWithKey(key, jwe),
): ReadableStream<Uint8Array> {
  checkEnvelopeKey(key);
  const reader = readerOf(readable);
  let prefix: Uint8Array | undefined;
  let segmentSize = 0;
  let envelopeLength = 0;
  let header: Uint8Array = new Uint8Array(0);
  let streamKey: AesGcmKey | undefined;

  return segmentStream(reader, {
    async start(queue) {
      if (prefix === undefined && queue.length >= STREAM_PREFIX_LENGTH) {
        prefix = queue.take(STREAM_PREFIX_LENGTH);
        ({ segmentSize, envelopeLength } = readStreamPrefix(prefix));
      }
      if (prefix === undefined || queue.length < envelopeLength) return undefined;
      header = concatBytes(prefix, queue.take(envelopeLength));
      const jwe = utf8Decode(header.subarray(STREAM_PREFIX_LENGTH));
      // The key envelope is a compact JWE (docs/formats/stream.md): never the JSON form.
      if (jwe === undefined || jwe.charCodeAt(0) === 123) {
        malformed('stream key envelope (compact JWE)');
      }
      const ikm = await openKeyEnvelope(jwe);
      try {
        if (ikm.length !== STREAM_IKM_LENGTH) openFailed();
        streamKey = await deriveStreamKey(key.crypto, ikm, header);
      } finally {
        wipe(ikm);
      }
      return { segmentSize: segmentSize + STREAM_TAG_LENGTH };
    },
    async segment(bytes, index, last) {
      // Only the first segment may be empty (an empty plaintext): the sealer never ends a
      // stream with an empty segment, so each plaintext has exactly one encoding.
      if (index >= MAX_SEGMENTS || bytes.length < STREAM_TAG_LENGTH + (last && index > 0 ? 1 : 0)) {
        openFailed();
      }
      try {
        return await key.crypto.aesGcmDecrypt(streamKey!, segmentNonce(header, index, last), bytes);
      } catch {
        return openFailed();
      }
    },
    failure(err, fromInput) {
      return new DeviceBindingError(
        'INVALID_ENVELOPE',
        fromInput ? 'reading the sealed stream failed' : OPEN_FAILED,
        { cause: fromInput ? err : undefined },
      );
    },
  });
}
