/**
 * Entry point `devicebind/keystores/memory`.
 *
 * @module devicebind/keystores/memory
 */

export { MemoryKeyStore, type MemoryKeyStoreOptions } from './memory-key-store.js';
