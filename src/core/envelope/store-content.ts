// Bulk AES-GCM through the key store's native code: a CryptoBackend whose decryption asks
// the store first (`KeyStore.decryptContent`) and decrypts itself only when the store cannot.

import type { KeyStore } from '../../keystores/contract.js';
import type { AesGcmKey, CryptoBackend } from '../crypto-backend.js';
import { decodePart } from './decode-part.js';

/**
 * @internal A backend's optional AES-GCM decryption of a ciphertext still in base64url text
 * (checked by the caller), so that a native decryptor decodes it, not interpreted JavaScript.
 */
export const decryptText: unique symbol = Symbol('devicebind.decryptText');

/** @internal A backend that may have {@link decryptText}. */
export interface TextDecryption {
  [decryptText]?: (
    key: AesGcmKey,
    iv: Uint8Array,
    ciphertext: string,
    tag: Uint8Array,
    aad: Uint8Array | undefined,
  ) => Promise<Uint8Array>;
}

interface StoreContentKey {
  readonly raw: Uint8Array;
  own?: Promise<AesGcmKey>;
}

/**
 * @internal `crypto`, with AES-GCM decryption done by `keyStore.decryptContent` when the
 * store offers it (a native module that advertises `decryptContent`), for whole envelopes
 * and stream segments alike. The content key is handed to the store for each call and kept
 * here only as long as the caller keeps the key object. A store failure is a failure of the
 * decryption: the caller's single `INVALID_ENVELOPE` covers both.
 */
export function withStoreContentDecryption(
  crypto: CryptoBackend,
  keyStore: KeyStore,
): CryptoBackend {
  const decryptContent = keyStore.decryptContent?.bind(keyStore);
  if (decryptContent === undefined) return crypto;
  const own = (key: AesGcmKey): Promise<AesGcmKey> => {
    const k = key as unknown as StoreContentKey;
    k.own ??= crypto.importAesGcmKey(k.raw);
    return k.own;
  };
  const backend: CryptoBackend & TextDecryption = {
    ...crypto,
    importAesGcmKey: async (raw) => ({ raw: raw.slice() }) as unknown as AesGcmKey,
    aesGcmEncrypt: async (key, iv, plaintext, aad) =>
      crypto.aesGcmEncrypt(await own(key), iv, plaintext, aad),
    async aesGcmDecrypt(key, iv, sealed, aad) {
      const { raw } = key as unknown as StoreContentKey;
      const plaintext = await decryptContent({ key: raw, iv, sealed, ...(aad && { aad }) });
      return plaintext ?? crypto.aesGcmDecrypt(await own(key), iv, sealed, aad);
    },
    async [decryptText](key, iv, ciphertext, tag, aad) {
      const { raw } = key as unknown as StoreContentKey;
      const plaintext = await decryptContent({
        key: raw,
        iv,
        ciphertext,
        tag,
        ...(aad && { aad }),
      });
      if (plaintext !== undefined) return plaintext;
      const sealed = decodePart(ciphertext, 'ciphertext', 16);
      sealed.set(tag, sealed.length - 16);
      return crypto.aesGcmDecrypt(await own(key), iv, sealed, aad);
    },
  };
  return backend;
}
