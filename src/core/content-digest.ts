// RFC 9530 Content-Digest values (sha-256), shared by the client and the verifier.

import { assertBytes } from './assert.js';
import { encodeBase64 } from './base64url.js';
import type { DigestBackend } from './crypto-backend.js';
import { utf8Encode } from './utf8.js';

/** A request body as devicebind accepts it. */
export type RequestBody = string | Uint8Array | ArrayBuffer;

/** @internal The body as bytes, a string as UTF-8. @throws `INVALID_ARGUMENT` naming `name` */
export function bodyBytes(body: RequestBody, name = 'body'): Uint8Array {
  return typeof body === 'string'
    ? utf8Encode(body)
    : assertBytes(body, name, 'a string, a Uint8Array or an ArrayBuffer');
}

/** @internal `sha-256=:<base64>:` for the body (RFC 9530 §2, a Structured Field Dictionary). */
export async function contentDigest(body: Uint8Array, crypto: DigestBackend): Promise<string> {
  return `sha-256=:${encodeBase64(await crypto.sha256(body))}:`;
}
