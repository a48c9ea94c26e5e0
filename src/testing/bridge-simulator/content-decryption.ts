// The simulated `decryptContent`: bulk AES-GCM decryption in "native" code (Cipher
// AES/GCM/NoPadding on Android, CryptoKit AES.GCM on iOS), here @noble/ciphers. Every failure
// is the one name ContentDecryptionFailed, as the reference native code reports it.

import { gcm } from '@noble/ciphers/aes.js';
import { encodeBase64url } from '../../core/base64url.js';
import { concatBytes } from '../../core/bytes.js';
import { NativeFailure } from './native-failure.js';
import { bytesParam } from './wire-params.js';

function tagParam(params: Record<string, unknown>): Uint8Array {
  const tag = bytesParam(params, 'tag', 16);
  if (tag.length !== 16) throw new NativeFailure('InvalidParams', 'parameter "tag" is malformed');
  return tag;
}

/** @internal What the simulated native side offers for content decryption. */
export interface ContentDecryptionSettings {
  /** The largest ciphertext (with its tag) it takes in one call. */
  readonly maxBytes: number;
}

/** The simulator's default: what the reference native code advertises (64 MiB). */
export const DEFAULT_CONTENT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * @internal Handles `decryptContent`: `params` carry the key, IV and aad (base64url) and,
 * over the text channel, the ciphertext; over the binary channel the ciphertext is `data`.
 */
export function decryptContent(
  settings: ContentDecryptionSettings | undefined,
  params: Record<string, unknown>,
  data: Uint8Array | undefined,
): { plaintext: string } | Uint8Array {
  // A native module from before this method: the adapters never call it, as getInfo does
  // not advertise it.
  if (settings === undefined)
    throw new NativeFailure('UnknownMethod', 'no method "decryptContent"');
  const key = bytesParam(params, 'key', 32);
  const iv = bytesParam(params, 'iv', 12);
  if ((key.length !== 16 && key.length !== 32) || iv.length !== 12) {
    throw new NativeFailure('InvalidParams', 'parameter "key" or "iv" is malformed');
  }
  const aad = params.aad === undefined ? undefined : bytesParam(params, 'aad', 64 * 1024);
  // The content comes as the binary channel's data (ciphertext ‖ tag), or as base64url text
  // in `ciphertext` and `tag` (on either channel, with empty data on the binary one).
  const sealed =
    data !== undefined && data.length > 0
      ? data
      : concatBytes(bytesParam(params, 'ciphertext', settings.maxBytes), tagParam(params));
  if (sealed.length > settings.maxBytes || sealed.length < 16) {
    throw new NativeFailure('InvalidParams', 'parameter "ciphertext" is missing or malformed');
  }
  let plaintext: Uint8Array;
  try {
    plaintext = gcm(key, iv, aad).decrypt(sealed);
  } catch {
    // One name for every failure: the JS side turns it into its one INVALID_ENVELOPE.
    throw new NativeFailure('ContentDecryptionFailed', 'the content could not be decrypted');
  }
  // The binary channel answers raw bytes; the text channel base64url in JSON.
  return data === undefined ? { plaintext: encodeBase64url(plaintext) } : plaintext;
}
