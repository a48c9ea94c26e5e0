// base64url (RFC 4648 §5, no padding) and standard base64, strict on decode, through the
// runtime's codec: Node's Buffer, Uint8Array.fromBase64, atob/btoa; where a runtime has none
// (React Native's Hermes), through the fallbacks the pure-JS backend installs (runtime-fallbacks.ts).

import { binaryString } from './bytes.js';
import { fail } from './errors.js';
import { runtimeFallback } from './runtime-fallbacks.js';

type Encoding = 'base64' | 'base64url';
interface NodeBuffer {
  from(bytes: ArrayBufferLike, offset: number, length: number): { toString(as: Encoding): string };
  from(text: string, encoding: Encoding): Uint8Array;
}
// Node, Bun and Deno (servers): a native codec many times faster than their atob and btoa.
const nodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
const fromBase64 = (
  Uint8Array as { fromBase64?: (text: string, options: { alphabet: Encoding }) => Uint8Array }
).fromBase64;

function encode(bytes: Uint8Array, encoding: Encoding): string {
  if (nodeBuffer !== undefined) {
    return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString(encoding);
  }
  const base64 = (typeof btoa === 'function' ? btoa : runtimeFallback('btoa'))(binaryString(bytes));
  return encoding === 'base64'
    ? base64
    : base64.replace(/[+/=]/g, (c) => (c === '+' ? '-' : c === '/' ? '_' : ''));
}

/** Encodes bytes as padded standard base64 (used by RFC 9530 Content-Digest). */
export function encodeBase64(bytes: Uint8Array): string {
  return encode(bytes, 'base64');
}

/** Encodes bytes as unpadded base64url. */
export function encodeBase64url(bytes: Uint8Array): string {
  return encode(bytes, 'base64url');
}

/** The 6-bit value of a character known to be in the base64url alphabet. */
function sextet(code: number): number {
  if (code >= 97) return code - 71;
  if (code >= 65) return code - 65;
  if (code >= 48) return code + 4;
  return code === 45 ? 62 : 63;
}

/**
 * @internal Whether the unused low bits of the last character of unpadded base64(url) text
 * are zero (RFC 4648 §3.5). Without this, the same bytes have several spellings. Assumes
 * the text is in the alphabet.
 */
export function hasCanonicalEnd(text: string): boolean {
  const rest = text.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  return (sextet(text.charCodeAt(text.length - 1)) & (rest === 2 ? 15 : 3)) === 0;
}

/**
 * Decodes unpadded base64url strictly: any character outside the alphabet, padding, an
 * impossible length, or stray bits in the last character (a non-canonical spelling) is
 * rejected with `INVALID_ARGUMENT` naming `what`.
 */
export function decodeBase64url(input: string, what = 'value'): Uint8Array {
  if (typeof input !== 'string' || !/^[\w-]*$/.test(input) || !hasCanonicalEnd(input)) {
    fail('INVALID_ARGUMENT', `${what} is not valid base64url`);
  }
  if (fromBase64 !== undefined) return fromBase64(input, { alphabet: 'base64url' });
  if (nodeBuffer !== undefined) {
    const buffer = nodeBuffer.from(input, 'base64url');
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  }
  // Hermes: straight into bytes (the alphabet was checked above).
  if (typeof atob !== 'function') return runtimeFallback('base64urlDecode')(input)!;
  const binary = atob(input.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < out.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
