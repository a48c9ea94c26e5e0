// Bulk AES-GCM decryption in native code (bridge method `decryptContent`): the capability the
// native side advertises in `getInfo`, and the checks on what the core asks it to decrypt.

import { assertBytes, assertObject, mustBe } from '../../core/assert.js';
import type { ContentDecryptionRequest } from '../contract.js';
import { readInteger, readMember, readObject } from './codec.js';

/** @internal AES-GCM's tag, 128 bits: the only length the protocol uses. */
export const GCM_TAG_LENGTH = 16;
/** The largest `maxBytes` an adapter accepts from native code (2^31 − 1). */
const MAX_CONTENT = 2_147_483_647;

/**
 * @internal The `contentDecryption.maxBytes` of a `getInfo` answer: the largest ciphertext
 * (with its tag) the native side decrypts in one call; `undefined` when it offers none.
 * @throws `KEYSTORE_ERROR` for a malformed member
 */
export function readContentDecryption(info: Record<string, unknown>): number | undefined {
  const member = readMember(info, 'contentDecryption');
  if (member === undefined || member === null) return undefined;
  const what = 'getInfo result.contentDecryption';
  const capability = readObject(member, what);
  return readInteger(capability, 'maxBytes', what, GCM_TAG_LENGTH, MAX_CONTENT);
}

/** @internal A checked request: its content as bytes or as base64url text, and its size. */
export interface CheckedContentRequest {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
  readonly aad: Uint8Array | undefined;
  /** Ciphertext ‖ tag, when given as bytes. */
  readonly sealed: Uint8Array | undefined;
  /** The ciphertext as base64url text and the tag, when given so. */
  readonly text: { readonly ciphertext: string; readonly tag: Uint8Array } | undefined;
  /** The plaintext's length: the ciphertext's. */
  readonly plaintextLength: number;
}

/** @internal Checks a {@link ContentDecryptionRequest}. @throws `INVALID_ARGUMENT` */
export function checkContentRequest(value: unknown): CheckedContentRequest {
  const request = assertObject(value, 'request') as ContentDecryptionRequest;
  const key = assertBytes(request.key, 'request.key');
  if (key.length !== 16 && key.length !== 32) mustBe('request.key', '16 or 32 bytes');
  const iv = assertBytes(request.iv, 'request.iv');
  if (iv.length !== 12) mustBe('request.iv', '12 bytes');
  const aad = request.aad === undefined ? undefined : assertBytes(request.aad, 'request.aad');
  if (request.sealed !== undefined) {
    const sealed = assertBytes(request.sealed, 'request.sealed');
    if (sealed.length < GCM_TAG_LENGTH) mustBe('request.sealed', 'at least the 16-byte tag');
    const plaintextLength = sealed.length - GCM_TAG_LENGTH;
    return { key, iv, aad, sealed, text: undefined, plaintextLength };
  }
  // The text is the caller's to have checked (the core does, before the key store is used);
  // the native side refuses text that is not base64url with InvalidParams.
  const { ciphertext } = request;
  if (typeof ciphertext !== 'string' || ciphertext.length % 4 === 1)
    mustBe('request.ciphertext', 'base64url text, or "request.sealed" bytes');
  const tag = assertBytes(request.tag, 'request.tag');
  if (tag.length !== GCM_TAG_LENGTH) mustBe('request.tag', '16 bytes');
  const plaintextLength = Math.floor((ciphertext.length * 3) / 4);
  return { key, iv, aad, sealed: undefined, text: { ciphertext, tag }, plaintextLength };
}
