// The `crypto` option tests pass to the core: the pure-JS backend when the runtime has no
// crypto.subtle (the `node-purejs` project removes it), nothing otherwise (WebCrypto default).

import type { CryptoBackend } from '../../src/core/crypto-backend.js';

const pureJs: CryptoBackend | undefined =
  globalThis.crypto?.subtle === undefined
    ? (await import('../../src/crypto/pure-js.js')).pureJsCrypto
    : undefined;

/**
 * `{ crypto: pureJsCrypto }` when `globalThis.crypto.subtle` is missing, else `{}`; spread
 * it into the options of anything that takes a `crypto` backend.
 *
 * @example
 * ```ts
 * const binding = new DeviceBinding({ keyStore, namespace: 'test', ...cryptoOption() });
 * ```
 */
export function cryptoOption(): { crypto?: CryptoBackend } {
  return pureJs === undefined ? {} : { crypto: pureJs };
}

/** Whether this run uses the pure-JS backend (crypto.subtle is missing). */
export const usesPureJsCrypto: boolean = pureJs !== undefined;
