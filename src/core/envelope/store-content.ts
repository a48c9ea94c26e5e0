// Bulk AES-GCM through the key store's native code: a CryptoBackend whose decryption asks
// the store first (`KeyStore.decryptContent`) and decrypts itself only when the store cannot.

import type { KeyStore } from '../../keystores/contract.js';
import type { AesGcmKey, CryptoBackend } from '../crypto-backend.js';

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
  return {
    ...crypto,
    importAesGcmKey: async (raw) => ({ raw: raw.slice() }) as unknown as AesGcmKey,
    aesGcmEncrypt: async (key, iv, plaintext, aad) =>
      crypto.aesGcmEncrypt(await own(key), iv, plaintext, aad),
    async aesGcmDecrypt(key, iv, sealed, aad) {
      const { raw } = key as unknown as StoreContentKey;
      const plaintext = await decryptContent({ key: raw, iv, sealed, ...(aad && { aad }) });
      return plaintext ?? crypto.aesGcmDecrypt(await own(key), iv, sealed, aad);
    },
  };
}
