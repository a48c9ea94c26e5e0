// SHA-256 for nonces, key ids, rpIdHash and root fingerprints: @noble/hashes, synchronous,
// because these inputs are small and a WebCrypto digest is a trip through a thread pool
// (signatures still go through WebCrypto).

import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { toHex } from './encoding.js';

/** @internal SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes);
}

/** @internal SHA-256 of `bytes`, lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return toHex(nobleSha256(bytes));
}
