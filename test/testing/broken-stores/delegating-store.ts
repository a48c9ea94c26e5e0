// A KeyStore that forwards every call to another store: the base the deliberately broken
// stores override one method of.

import type { PublicJwk } from '../../../src/core/jwk.js';
import type {
  KeyInfo,
  KeyOperationOptions,
  KeySpec,
  KeyStore,
  KeyStoreCapabilities,
} from '../../../src/keystores/contract.js';
import { MemoryKeyStore } from '../../../src/keystores/memory/index.js';

export class DelegatingStore implements KeyStore {
  readonly name: string;
  readonly inner: KeyStore;

  constructor(name: string, inner: KeyStore = new MemoryKeyStore()) {
    this.name = name;
    this.inner = inner;
  }

  capabilities(): Promise<KeyStoreCapabilities> {
    return this.inner.capabilities();
  }

  generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    return this.inner.generateKey(alias, spec);
  }

  getKey(alias: string): Promise<KeyInfo | null> {
    return this.inner.getKey(alias);
  }

  sign(alias: string, data: Uint8Array, options?: KeyOperationOptions): Promise<Uint8Array> {
    return this.inner.sign(alias, data, options);
  }

  deriveSharedSecret(
    alias: string,
    peerPublicKey: PublicJwk,
    options?: KeyOperationOptions,
  ): Promise<Uint8Array> {
    return this.inner.deriveSharedSecret(alias, peerPublicKey, options);
  }

  decrypt(
    alias: string,
    ciphertext: Uint8Array,
    options?: KeyOperationOptions,
  ): Promise<Uint8Array> {
    return this.inner.decrypt(alias, ciphertext, options);
  }

  deleteKey(alias: string): Promise<void> {
    return this.inner.deleteKey(alias);
  }

  listAliases(): Promise<string[]> {
    return this.inner.listAliases();
  }
}
