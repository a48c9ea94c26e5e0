// UTF-8 and base64 in plain JavaScript, for runtimes without TextEncoder, TextDecoder, atob
// or btoa (React Native's Hermes). devicebind/crypto/pure-js installs them for the core on import.

import { binaryString } from '../core/bytes.js';
import type { RuntimeFallbacks } from '../core/runtime-fallbacks.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SEXTETS = new Uint8Array(128);
for (let i = 0; i < 64; i++) SEXTETS[ALPHABET.charCodeAt(i)] = i;
// base64url's alphabet over every UTF-16 code unit, so a lookup needs no range check: 64 for
// "not in it" (also "+" and "/", which base64url does not use).
const URL_SEXTETS = new Uint8Array(65536).fill(64);
for (let i = 0; i < 64; i++) URL_SEXTETS[ALPHABET.charCodeAt(i)] = i;
URL_SEXTETS[43] = 64;
URL_SEXTETS[47] = 64;
URL_SEXTETS[45] = 62;
URL_SEXTETS[95] = 63;

/** @internal The plain-JS stand-ins the core uses where the runtime lacks the native ones. */
export const pureJsCodecs: Omit<RuntimeFallbacks, 'parseHttpUrl'> = {
  utf8Encode(text) {
    // encodeURIComponent refuses lone surrogates, which TextEncoder replaces with U+FFFD.
    const wellFormed = text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g, (c) =>
      c.length === 2 ? c : '\uFFFD',
    );
    const binary = unescape(encodeURIComponent(wellFormed));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < out.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  },
  utf8Decode(bytes) {
    // decodeURIComponent refuses what strict UTF-8 does: bad sequences, overlong forms,
    // surrogates and code points above U+10FFFF.
    try {
      return decodeURIComponent(escape(binaryString(bytes)));
    } catch {
      return undefined;
    }
  },
  atob(base64) {
    const end = base64.endsWith('==')
      ? base64.length - 2
      : base64.endsWith('=')
        ? base64.length - 1
        : base64.length;
    let out = '';
    let i = 0;
    for (; i + 4 <= end; i += 4) {
      const n =
        (SEXTETS[base64.charCodeAt(i)]! << 18) |
        (SEXTETS[base64.charCodeAt(i + 1)]! << 12) |
        (SEXTETS[base64.charCodeAt(i + 2)]! << 6) |
        SEXTETS[base64.charCodeAt(i + 3)]!;
      out += String.fromCharCode(n >> 16, (n >> 8) & 255, n & 255);
    }
    const rest = end - i;
    if (rest >= 2) {
      const n =
        (SEXTETS[base64.charCodeAt(i)]! << 18) |
        (SEXTETS[base64.charCodeAt(i + 1)]! << 12) |
        (rest === 3 ? SEXTETS[base64.charCodeAt(i + 2)]! << 6 : 0);
      out +=
        rest === 3 ? String.fromCharCode(n >> 16, (n >> 8) & 255) : String.fromCharCode(n >> 16);
    }
    return out;
  },
  base64urlDecode(text) {
    const rest = text.length % 4;
    if (rest === 1) return undefined;
    const out = new Uint8Array((text.length >> 2) * 3 + (rest === 0 ? 0 : rest - 1));
    let bad = 0;
    let o = 0;
    let i = 0;
    // Inline lookups: a function call per character costs Hermes's interpreter more than the rest.
    for (const full = text.length - rest; i < full; i += 4) {
      const a = URL_SEXTETS[text.charCodeAt(i)]!;
      const b = URL_SEXTETS[text.charCodeAt(i + 1)]!;
      const c = URL_SEXTETS[text.charCodeAt(i + 2)]!;
      const d = URL_SEXTETS[text.charCodeAt(i + 3)]!;
      bad |= a | b | c | d;
      const n = (a << 18) | (b << 12) | (c << 6) | d;
      out[o++] = n >> 16;
      out[o++] = (n >> 8) & 255;
      out[o++] = n & 255;
    }
    if (rest > 0) {
      const a = URL_SEXTETS[text.charCodeAt(i)]!;
      const b = URL_SEXTETS[text.charCodeAt(i + 1)]!;
      const c = rest === 3 ? URL_SEXTETS[text.charCodeAt(i + 2)]! : 0;
      bad |= a | b | c;
      const n = (a << 18) | (b << 12) | (c << 6);
      out[o++] = n >> 16;
      if (rest === 3) out[o] = (n >> 8) & 255;
    }
    // Every valid sextet is below 64, so bit 6 is set only when some character was not one.
    return bad & 64 ? undefined : out;
  },
  btoa(binary) {
    let out = '';
    let i = 0;
    for (; i + 2 < binary.length; i += 3) {
      const n =
        (binary.charCodeAt(i) << 16) | (binary.charCodeAt(i + 1) << 8) | binary.charCodeAt(i + 2);
      out +=
        ALPHABET[n >> 18]! +
        ALPHABET[(n >> 12) & 63]! +
        ALPHABET[(n >> 6) & 63]! +
        ALPHABET[n & 63]!;
    }
    const rest = binary.length - i;
    if (rest > 0) {
      const n = (binary.charCodeAt(i) << 16) | (rest === 2 ? binary.charCodeAt(i + 1) << 8 : 0);
      out +=
        ALPHABET[n >> 18]! +
        ALPHABET[(n >> 12) & 63]! +
        (rest === 2 ? `${ALPHABET[(n >> 6) & 63]!}=` : '==');
    }
    return out;
  },
};
