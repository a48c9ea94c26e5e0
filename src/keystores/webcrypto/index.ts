/**
 * Entry point `devicebind/keystores/webcrypto`.
 *
 * @module devicebind/keystores/webcrypto
 */

export type { WebCryptoKeyStorage } from './storage.js';
export { WebCryptoKeyStore, type WebCryptoKeyStoreOptions } from './webcrypto-key-store.js';
