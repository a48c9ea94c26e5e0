// Key stores that misbehave in one specific way, for testing how the core copes.

import type {
  KeyInfo,
  KeySpec,
  KeyStore,
  KeyStoreCapabilities,
} from '../../src/keystores/contract.js';
import { MemoryKeyStore } from '../../src/keystores/memory/index.js';

/** Delegates to a MemoryKeyStore; override single methods to break it. */
export class DelegatingStore implements KeyStore {
  readonly name: string = 'delegating';
  readonly inner = new MemoryKeyStore();
  generateCalls = 0;
  capabilities(): Promise<KeyStoreCapabilities> {
    return this.inner.capabilities();
  }
  generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    this.generateCalls++;
    return this.inner.generateKey(alias, spec);
  }
  getKey(alias: string): Promise<KeyInfo | null> {
    return this.inner.getKey(alias);
  }
  sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    return this.inner.sign(alias, data);
  }
  deriveSharedSecret(
    alias: string,
    peer: Parameters<KeyStore['deriveSharedSecret']>[1],
  ): Promise<Uint8Array> {
    return this.inner.deriveSharedSecret(alias, peer);
  }
  decrypt(alias: string): Promise<Uint8Array> {
    return this.inner.decrypt(alias);
  }
  deleteKey(alias: string): Promise<void> {
    return this.inner.deleteKey(alias);
  }
  listAliases(): Promise<string[]> {
    return this.inner.listAliases();
  }
}
