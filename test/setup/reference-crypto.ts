// Node's own WebCrypto for the checking side of tests, also in the `node-purejs` project
// (which removes globalThis.crypto.subtle from the code under test).

import { webcrypto } from 'node:crypto';

/** Node's WebCrypto, always complete: use `referenceCrypto.subtle` for expected values. */
export const referenceCrypto: Crypto = webcrypto as Crypto;

/**
 * Runs `check` with Node's WebCrypto installed as `globalThis.crypto`, then puts back what
 * was there. For reference libraries that read the global (jose), e.g.
 * `await withReferenceCrypto(() => jwtVerify(proof, EmbeddedJWK))`. Only the checking code
 * may run inside: anything of the SDK started concurrently would see crypto.subtle too.
 *
 * @example
 * ```ts
 * const { payload } = await withReferenceCrypto(() => jwtVerify(headers.DPoP, EmbeddedJWK));
 * ```
 */
export async function withReferenceCrypto<T>(check: () => Promise<T>): Promise<T> {
  const current = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  if (globalThis.crypto?.subtle !== undefined) return check();
  Object.defineProperty(globalThis, 'crypto', {
    value: referenceCrypto,
    configurable: true,
    writable: true,
  });
  try {
    return await check();
  } finally {
    if (current !== undefined) Object.defineProperty(globalThis, 'crypto', current);
  }
}
