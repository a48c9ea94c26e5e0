// The stream envelope format (docs/formats/stream.md), shared by the client that opens
// streams and the server that seals them: header layout, key derivation, segment nonces.

import { concatBytes } from '../bytes.js';
import type { AesGcmKey, CryptoBackend } from '../crypto-backend.js';
import { utf8Encode } from '../utf8.js';
import { malformed } from './failure.js';

/** Bytes 0–3 of every stream: "dbs" and format version 1. */
const STREAM_MAGIC: readonly number[] = [0x64, 0x62, 0x73, 0x01];
const MAGIC = 0x64627301;
/** Length of the fixed part of the header, before the key envelope. */
export const STREAM_PREFIX_LENGTH = 49;
export const STREAM_SALT_LENGTH = 32;
export const STREAM_NONCE_PREFIX_LENGTH = 7;
/** Length of the content key the key envelope carries (the HKDF input keying material). */
export const STREAM_IKM_LENGTH = 32;
export const STREAM_TAG_LENGTH = 16;
export const DEFAULT_SEGMENT_SIZE = 65536;
export const MIN_SEGMENT_SIZE = 16;
export const MAX_SEGMENT_SIZE = 1 << 24;
/** Segments are numbered with 32 bits. */
export const MAX_SEGMENTS = 2 ** 32;

const HKDF_INFO_LABEL = 'devicebind/stream/v1';

/** The fixed fields of a stream header. */
export interface StreamHeaderFields {
  segmentSize: number;
  salt: Uint8Array;
  noncePrefix: Uint8Array;
  /** The key envelope: a compact JWE whose plaintext is the 32-byte content key. */
  keyEnvelope: string;
}

/** @internal Whether `size` is an allowed plaintext segment size. */
export function isSegmentSize(size: unknown): size is number {
  return (
    Number.isInteger(size) &&
    (size as number) >= MIN_SEGMENT_SIZE &&
    (size as number) <= MAX_SEGMENT_SIZE
  );
}

/** @internal Serializes a stream header (docs/formats/stream.md, "Header"). */
export function encodeStreamHeader(fields: StreamHeaderFields): Uint8Array {
  const jwe = utf8Encode(fields.keyEnvelope);
  const out = new Uint8Array(STREAM_PREFIX_LENGTH + jwe.length);
  const view = new DataView(out.buffer);
  out.set(STREAM_MAGIC, 0);
  view.setUint32(4, fields.segmentSize);
  out.set(fields.salt, 8);
  out.set(fields.noncePrefix, 40);
  view.setUint16(47, jwe.length);
  out.set(jwe, STREAM_PREFIX_LENGTH);
  return out;
}

/**
 * @internal Reads the fixed part of a header: the plaintext segment size and the length of
 * the key envelope that follows.
 * @throws `INVALID_ENVELOPE` for a wrong magic or version, a segment size out of range, or
 * an empty key envelope.
 */
export function readStreamPrefix(prefix: Uint8Array): {
  segmentSize: number;
  envelopeLength: number;
} {
  const view = new DataView(prefix.buffer, prefix.byteOffset, STREAM_PREFIX_LENGTH);
  const segmentSize = view.getUint32(4);
  const envelopeLength = view.getUint16(47);
  if (view.getUint32(0) !== MAGIC) malformed('stream header (not a devicebind stream, version 1)');
  if (!isSegmentSize(segmentSize) || envelopeLength === 0) malformed('stream header');
  return { segmentSize, envelopeLength };
}

/**
 * @internal The per-stream AES-256-GCM key: HKDF-SHA-256 with the content key as input,
 * the header's salt, and info = "devicebind/stream/v1" ‖ SHA-256(complete header), so every
 * header byte is bound to every segment. (The header is hashed because HKDF
 * implementations cap `info`, OpenSSL at 1024 bytes, and an RSA key envelope is longer.)
 */
export async function deriveStreamKey(
  crypto: CryptoBackend,
  ikm: Uint8Array,
  header: Uint8Array,
): Promise<AesGcmKey> {
  const salt = header.subarray(8, 8 + STREAM_SALT_LENGTH);
  const info = concatBytes(utf8Encode(HKDF_INFO_LABEL), await crypto.sha256(header));
  const raw = await crypto.hkdfSha256(ikm, salt, info, 32);
  try {
    return await crypto.importAesGcmKey(raw);
  } finally {
    raw.fill(0);
  }
}

/**
 * @internal The 96-bit nonce of segment `index`: the header's 7-byte prefix ‖ the index as
 * a 32-bit big-endian integer ‖ 0x01 for the last segment, 0x00 otherwise.
 */
export function segmentNonce(header: Uint8Array, index: number, last: boolean): Uint8Array {
  const nonce = new Uint8Array(12);
  nonce.set(header.subarray(40, 47));
  new DataView(nonce.buffer).setUint32(7, index);
  nonce[11] = last ? 1 : 0;
  return nonce;
}
