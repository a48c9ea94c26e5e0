// RFC 9530 Content-Digest values (sha-256), shared by the client and the verifier.

import { encodeBase64 } from './base64url.js';
import type { DigestBackend } from './crypto-backend.js';
import { fail } from './errors.js';
import { utf8Encode } from './utf8.js';

/** A request body as devicebind accepts it. */
export type RequestBody = string | Uint8Array | ArrayBuffer;

/** @internal The body as bytes. @throws `INVALID_ARGUMENT` */
export function bodyBytes(body: RequestBody, what = '"body"'): Uint8Array {
  if (typeof body === 'string') return utf8Encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return fail('INVALID_ARGUMENT', `${what} must be a string, a Uint8Array or an ArrayBuffer`);
}

/** @internal `sha-256=:<base64>:` for the body (RFC 9530 §2, a Structured Field Dictionary). */
export async function contentDigest(body: Uint8Array, crypto: DigestBackend): Promise<string> {
  return `sha-256=:${encodeBase64(await crypto.sha256(body))}:`;
}
