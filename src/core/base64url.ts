// base64url (RFC 4648 §5, no padding) and standard base64, strict on decode. Uses the
// runtime's native codec when there is one (large envelopes), a table codec otherwise.

import { fail } from './errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const URL_ALPHABET = `${ALPHABET}-_`;
const STD_ALPHABET = `${ALPHABET}+/`;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

interface NativeCodec {
  from(input: string, encoding: 'base64url' | 'base64'): Uint8Array;
  from(input: Uint8Array): { toString(encoding: 'base64url' | 'base64'): string };
}
interface Uint8ArrayWithBase64 {
  fromBase64?: (input: string, options: { alphabet: 'base64url' | 'base64' }) => Uint8Array;
}

// Node, Bun and Deno expose a Buffer with a native base64 codec; browsers will get
// Uint8Array.fromBase64. Neither is required.
const nativeCodec = (globalThis as { Buffer?: NativeCodec }).Buffer;
const nativeFromBase64 = (Uint8Array as Uint8ArrayWithBase64).fromBase64;

function lookupTable(alphabet: string): Uint8Array {
  const table = new Uint8Array(128).fill(255);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
let urlTable: Uint8Array | undefined;

function encodeWith(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >>> 18]! + alphabet[(n >>> 12) & 63]! + alphabet[(n >>> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

function decodeWithTable(input: string): Uint8Array {
  urlTable ??= lookupTable(URL_ALPHABET);
  const table = urlTable;
  const out = new Uint8Array(Math.floor((input.length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < input.length; i += 4) {
    const n =
      (table[input.charCodeAt(i)]! << 18) |
      (table[input.charCodeAt(i + 1)]! << 12) |
      (table[input.charCodeAt(i + 2)]! << 6) |
      table[input.charCodeAt(i + 3)]!;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = input.length - i;
  if (rest >= 2) {
    const n = (table[input.charCodeAt(i)]! << 18) | (table[input.charCodeAt(i + 1)]! << 12) |
      (rest === 3 ? table[input.charCodeAt(i + 2)]! << 6 : 0);
    out[o++] = n >>> 16;
    if (rest === 3) out[o++] = (n >>> 8) & 255;
  }
  return out;
}

function toPlainUint8Array(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Encodes bytes as unpadded base64url. */
export function encodeBase64url(bytes: Uint8Array): string {
  if (nativeCodec !== undefined && bytes.length > 64) {
    return nativeCodec.from(bytes).toString('base64url');
  }
  return encodeWith(bytes, URL_ALPHABET, false);
}

/** Encodes bytes as padded standard base64 (used by RFC 9530 Content-Digest). */
export function encodeBase64(bytes: Uint8Array): string {
  return encodeWith(bytes, STD_ALPHABET, true);
}

/**
 * Decodes unpadded base64url strictly: any character outside the alphabet, padding, or an
 * impossible length is rejected with `INVALID_ARGUMENT` naming `what`.
 */
export function decodeBase64url(input: string, what = 'value'): Uint8Array {
  if (typeof input !== 'string' || input.length % 4 === 1 || !BASE64URL_PATTERN.test(input)) {
    fail('INVALID_ARGUMENT', `${what} is not valid base64url`);
  }
  if (nativeFromBase64 !== undefined) return nativeFromBase64(input, { alphabet: 'base64url' });
  if (nativeCodec !== undefined) return toPlainUint8Array(nativeCodec.from(input, 'base64url'));
  return decodeWithTable(input);
}
