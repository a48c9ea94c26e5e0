// Stand-ins for what browsers have but React Native's Hermes may lack (TextEncoder,
// TextDecoder, atob, btoa, a working URL): the pure-JS backend (`devicebind/crypto/pure-js`)
// installs them on import, so browser bundles never carry them.

import { fail } from './errors.js';
import type { HttpTarget } from './request-target.js';

/** @internal What the core uses where the runtime lacks the native function. */
export interface RuntimeFallbacks {
  /** For `TextEncoder`: UTF-8, lone surrogates as U+FFFD. */
  utf8Encode(text: string): Uint8Array;
  /** For a fatal `TextDecoder`: strict UTF-8, `undefined` for malformed input. */
  utf8Decode(bytes: Uint8Array): string | undefined;
  /** For `atob`, on standard base64 already known to be well-formed. */
  atob(base64: string): string;
  /** For `btoa`. */
  btoa(binary: string): string;
  /**
   * Unpadded base64url straight to bytes, in one pass (no binary string in between, which
   * Hermes builds slowly); `undefined` for a character outside the alphabet or an
   * impossible length. The caller checks the canonical end.
   */
  base64urlDecode(text: string): Uint8Array | undefined;
  /** For a working `URL`: an absolute http(s) URL's origin and `htu`, or `undefined`. */
  parseHttpUrl(url: string): HttpTarget | undefined;
}

// Kept on globalThis, so every copy of the core (the ESM and CommonJS builds) sees them.
const KEY = Symbol.for('devicebind.runtimeFallbacks');

/** @internal Installs the stand-ins (the pure-JS backend does, on import). */
export function installRuntimeFallbacks(fallbacks: RuntimeFallbacks): void {
  (globalThis as Record<symbol, unknown>)[KEY] = fallbacks;
}

/**
 * @internal The installed stand-in `name`.
 * @throws `CRYPTO_UNAVAILABLE` when none is installed.
 */
export function runtimeFallback<K extends keyof RuntimeFallbacks>(name: K): RuntimeFallbacks[K] {
  return (
    (globalThis as Record<symbol, RuntimeFallbacks | undefined>)[KEY]?.[name] ??
    fail(
      'CRYPTO_UNAVAILABLE',
      'this runtime lacks TextEncoder, TextDecoder, atob, btoa or a working URL: import "devicebind/crypto/pure-js"',
    )
  );
}
