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

/** @internal Checks a {@link ContentDecryptionRequest}. @throws `INVALID_ARGUMENT` */
export function checkContentRequest(value: unknown): ContentDecryptionRequest {
  const request = assertObject(value, 'request') as ContentDecryptionRequest;
  const key = assertBytes(request.key, 'request.key');
  if (key.length !== 16 && key.length !== 32) mustBe('request.key', '16 or 32 bytes');
  const iv = assertBytes(request.iv, 'request.iv');
  if (iv.length !== 12) mustBe('request.iv', '12 bytes');
  const sealed = assertBytes(request.sealed, 'request.sealed');
  if (sealed.length < GCM_TAG_LENGTH) mustBe('request.sealed', 'at least the 16-byte tag');
  const aad = request.aad === undefined ? undefined : assertBytes(request.aad, 'request.aad');
  return { key, iv, sealed, ...(aad !== undefined && { aad }) };
}
