// UTF-8 through TextEncoder/TextDecoder; where a runtime lacks them (React Native's Hermes),
// through the fallbacks the pure-JS backend installs (runtime-fallbacks.ts).

import { runtimeFallback } from './runtime-fallbacks.js';

// Marked pure so that a bundle which never decodes drops the decoder.
const encoder = typeof TextEncoder === 'function' ? /* @__PURE__ */ new TextEncoder() : undefined;
const decoder =
  typeof TextDecoder === 'function'
    ? /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true })
    : undefined;

/**
 * Encodes a string as UTF-8 (lone surrogates become U+FFFD, as TextEncoder does).
 * @throws `CRYPTO_UNAVAILABLE` without TextEncoder and without the pure-JS backend.
 */
export function utf8Encode(text: string): Uint8Array {
  return encoder === undefined ? runtimeFallback('utf8Encode')(text) : encoder.encode(text);
}

/**
 * Decodes UTF-8 strictly; returns `undefined` for malformed input instead of replacing it.
 * @throws `CRYPTO_UNAVAILABLE` without TextDecoder and without the pure-JS backend.
 */
export function utf8Decode(bytes: Uint8Array): string | undefined {
  if (decoder === undefined) return runtimeFallback('utf8Decode')(bytes);
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
