// Entry point `devicebind/keystores/memory`.
export { MemoryKeyStore, type MemoryKeyStoreOptions } from './memory-key-store.js';
