// Stores whose capabilities lie: declaring what they cannot do, doing what they do not
// declare, or answering differently from call to call.

import type { KeyStoreCapabilities } from '../../../src/keystores/contract.js';
import { DelegatingStore } from './delegating-store.js';

/** Declares RSA-OAEP-256 encryption keys it cannot make. */
export class OverclaimingStore extends DelegatingStore {
  constructor() {
    super('overclaims-rsa');
  }

  override async capabilities(): Promise<KeyStoreCapabilities> {
    const inner = await this.inner.capabilities();
    return { ...inner, encryption: [...inner.encryption, 'RSA-OAEP-256'] };
  }
}

/** Declares only ES256 but makes EdDSA keys too. */
export class UnderclaimingStore extends DelegatingStore {
  constructor() {
    super('accepts-undeclared');
  }

  override async capabilities(): Promise<KeyStoreCapabilities> {
    return { ...(await this.inner.capabilities()), signing: ['ES256'] };
  }
}

/** Flips its attestation flag on every other call. */
export class UnstableCapabilitiesStore extends DelegatingStore {
  #calls = 0;

  constructor() {
    super('unstable-capabilities');
  }

  override async capabilities(): Promise<KeyStoreCapabilities> {
    this.#calls += 1;
    return { ...(await this.inner.capabilities()), attestation: this.#calls % 2 === 0 };
  }
}
