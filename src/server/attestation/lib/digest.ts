// SHA-256 through WebCrypto, for nonces, key ids, rpIdHash and root fingerprints.

import { subtleCrypto } from '../../lib/verification-keys.js';
import { toHex } from './encoding.js';

/** @internal SHA-256 of `bytes`. @throws `CRYPTO_UNAVAILABLE` */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtleCrypto().digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** @internal SHA-256 of `bytes`, lowercase hex. @throws `CRYPTO_UNAVAILABLE` */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(await sha256(bytes));
}
