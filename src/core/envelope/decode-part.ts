// Strict base64url decoding of JWE parts, fast enough for multi-megabyte ciphertexts: the
// native codec writes straight into the buffer AES-GCM will read, with no regex pass.

import { decodeBase64url, hasCanonicalEnd } from '../base64url.js';
import { runtimeFallback } from '../runtime-fallbacks.js';
import { malformed } from './failure.js';

interface NodeBufferWriter {
  write(text: string, offset: number, length: number, encoding: 'base64url'): number;
}
interface NodeBufferStatic {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): NodeBufferWriter;
}
interface SetFromBase64 {
  setFromBase64?(
    text: string,
    options: { alphabet: 'base64url' },
  ): { read: number; written: number };
}

const nodeBuffer = (globalThis as { Buffer?: NodeBufferStatic }).Buffer;
const hasSetFromBase64 =
  typeof (Uint8Array.prototype as SetFromBase64).setFromBase64 === 'function';
const LARGE = 1024;
// Large parts are decoded a slice at a time: Node copies a sliced string into a temporary
// buffer before decoding it, and a 256 Ki-character temporary is reused where a 22 MB one
// would cost thousands of fresh page faults.
const SLICE = 262144;

/** Decodes `text` (a whole number of 4-character groups, or the final slice) into `target`. */
function decodeSliceInto(text: string, target: Uint8Array): boolean {
  if (hasSetFromBase64) {
    // The platform decoder rejects other alphabets; it skips ASCII whitespace, which the
    // written count then exposes.
    try {
      const result = (target as SetFromBase64).setFromBase64!(text, { alphabet: 'base64url' });
      return result.written === target.length && result.read === text.length;
    } catch {
      return false;
    }
  }
  // Node's decoder skips characters outside the alphabet (the written count exposes them)
  // and stops at "="; "+" and "/" are refused by the caller.
  const view = nodeBuffer!.from(target.buffer, target.byteOffset, target.length);
  return view.write(text, 0, target.length, 'base64url') === target.length;
}

// Node reads a character above U+00FF by its low byte ("Ł", U+0141, as "A"). V8 answers
// this pattern at once for the usual one-byte strings, which cannot contain such characters.
const WIDE = /[\u0100-\uffff]/;

/**
 * @internal Whether this runtime decodes base64url in interpreted code (React Native's
 * Hermes: no Buffer, no Uint8Array.fromBase64, no atob). There, a large ciphertext that
 * native code can decode itself is only checked, not decoded.
 */
export const slowBase64 =
  !hasSetFromBase64 && nodeBuffer === undefined && typeof atob !== 'function';

/**
 * @internal Checks that `text` is canonical unpadded base64url (RFC 4648 §5, §3.5) without
 * decoding it. @throws `INVALID_ENVELOPE` naming `what`
 */
export function checkPart(text: string, what: string): void {
  if (text.length % 4 === 1 || !/^[\w-]*$/.test(text) || !hasCanonicalEnd(text)) malformed(what);
}

function decodeLarge(text: string, out: Uint8Array, length: number): boolean {
  if (!hasSetFromBase64 && WIDE.test(text)) return false;
  for (let i = 0; i < text.length; i += SLICE) {
    const at = (i >> 2) * 3;
    const end = Math.min(length, at + (SLICE >> 2) * 3);
    const slice = text.slice(i, i + SLICE);
    // Node also reads "+" and "/" as "-" and "_": refuse them, so each part has one
    // encoding. Checked slice by slice, while the slice is in cache for the decoder.
    if (!hasSetFromBase64 && (slice.includes('+') || slice.includes('/'))) return false;
    if (!decodeSliceInto(slice, out.subarray(at, end))) return false;
  }
  return true;
}

/**
 * Decodes a base64url JWE part into a new buffer of `decoded length + spare` bytes (the
 * spare room lets the caller append the GCM tag without another copy of the ciphertext).
 *
 * Rejects, with `INVALID_ENVELOPE` naming the part, any character outside the base64url
 * alphabet, padding, an impossible length, and non-canonical trailing bits, so each part
 * has exactly one accepted encoding.
 */
export function decodePart(text: string, what: string, spare = 0): Uint8Array {
  const rest = text.length % 4;
  const length = (text.length >> 2) * 3 + (rest === 0 ? 0 : rest - 1);
  const out = new Uint8Array(length + spare);
  let ok = rest !== 1;
  if (ok && text.length >= LARGE && (hasSetFromBase64 || nodeBuffer !== undefined)) {
    ok = decodeLarge(text, out, length);
  } else if (ok && typeof atob !== 'function') {
    // Hermes: one pass straight into bytes, with the alphabet checked as it goes.
    const bytes = runtimeFallback('base64urlDecode')(text);
    if (bytes === undefined) ok = false;
    else out.set(bytes);
  } else if (ok) {
    try {
      out.set(decodeBase64url(text, what));
    } catch {
      ok = false;
    }
  }
  // RFC 4648 §3.5: the unused low bits of the last character must be zero.
  if (ok) ok = hasCanonicalEnd(text);
  if (!ok) malformed(what);
  return out;
}
