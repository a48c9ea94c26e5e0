// Stores that fail the wrong way: plain Errors, synchronous throws, raw TypeErrors on bad
// input, accepting malformed aliases, and not enforcing what a key is for.

import { DeviceBindingError, isDeviceBindingError } from '../../../src/core/errors.js';
import type { PublicJwk } from '../../../src/core/jwk.js';
import type { KeyInfo, KeySpec, KeyStore } from '../../../src/keystores/contract.js';
import { DelegatingStore } from './delegating-store.js';

async function plain<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw new Error(err instanceof Error ? err.message : String(err));
  }
}

/** Rethrows every DeviceBindingError as a plain Error with the same message. */
export class PlainErrorStore extends DelegatingStore {
  constructor() {
    super('plain-errors');
  }

  override generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    return plain(() => this.inner.generateKey(alias, spec));
  }

  override getKey(alias: string): Promise<KeyInfo | null> {
    return plain(() => this.inner.getKey(alias));
  }

  override sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    return plain(() => this.inner.sign(alias, data));
  }

  override deriveSharedSecret(alias: string, peer: PublicJwk): Promise<Uint8Array> {
    return plain(() => this.inner.deriveSharedSecret(alias, peer));
  }

  override decrypt(alias: string, ciphertext: Uint8Array): Promise<Uint8Array> {
    return plain(() => this.inner.decrypt(alias, ciphertext));
  }

  override deleteKey(alias: string): Promise<void> {
    return plain(() => this.inner.deleteKey(alias));
  }
}

/** Throws synchronously (before returning a promise) when sign gets bad data. */
export class SyncThrowStore extends DelegatingStore {
  constructor() {
    super('throws-synchronously');
  }

  override sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    if (!(data instanceof Uint8Array)) {
      throw new DeviceBindingError('INVALID_ARGUMENT', '"data" must be a Uint8Array');
    }
    return this.inner.sign(alias, data);
  }
}

/** Uses the data before checking it, so bad data ends in a raw TypeError. */
export class TypeErrorStore extends DelegatingStore {
  constructor() {
    super('raw-type-error');
  }

  override async sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    const copy = data.slice();
    return this.inner.sign(alias, copy);
  }
}

/** Quietly rewrites malformed aliases into valid ones instead of refusing them. */
export class LenientAliasStore extends DelegatingStore {
  constructor() {
    super('lenient-aliases');
  }

  #fix(alias: unknown): string {
    return (
      String(alias)
        .replace(/[^A-Za-z0-9._:-]/g, '_')
        .slice(0, 200) || '_'
    );
  }

  override generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    return this.inner.generateKey(this.#fix(alias), spec);
  }

  override getKey(alias: string): Promise<KeyInfo | null> {
    return this.inner.getKey(this.#fix(alias));
  }

  override sign(alias: string, data: Uint8Array): Promise<Uint8Array> {
    return this.inner.sign(this.#fix(alias), data);
  }

  override deriveSharedSecret(alias: string, peer: PublicJwk): Promise<Uint8Array> {
    return this.inner.deriveSharedSecret(this.#fix(alias), peer);
  }

  override decrypt(alias: string, ciphertext: Uint8Array): Promise<Uint8Array> {
    return this.inner.decrypt(this.#fix(alias), ciphertext);
  }

  override deleteKey(alias: string): Promise<void> {
    return this.inner.deleteKey(this.#fix(alias));
  }
}

/** Lets a signing key "derive" a shared secret (random bytes) instead of refusing. */
export class NoPurposeCheckStore extends DelegatingStore {
  constructor(inner?: KeyStore) {
    super('no-purpose-check', inner);
  }

  override async deriveSharedSecret(alias: string, peer: PublicJwk): Promise<Uint8Array> {
    try {
      return await this.inner.deriveSharedSecret(alias, peer);
    } catch (err) {
      const isSigningKey = (await this.inner.getKey(alias))?.purpose === 'sign';
      if (isSigningKey && isDeviceBindingError(err, 'UNSUPPORTED_ALGORITHM')) {
        return crypto.getRandomValues(new Uint8Array(32));
      }
      throw err;
    }
  }
}
