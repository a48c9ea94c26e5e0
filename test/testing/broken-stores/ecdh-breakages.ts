// Stores that get ECDH wrong: a secret other than Z, or no validation of the peer's point.

import { sha256 } from '@noble/hashes/sha2.js';
import { isDeviceBindingError } from '../../../src/core/errors.js';
import type { PublicJwk } from '../../../src/core/jwk.js';
import { DelegatingStore } from './delegating-store.js';

/** Returns SHA-256(Z) instead of Z (a KDF applied where the raw secret is expected). */
export class WrongSecretStore extends DelegatingStore {
  constructor() {
    super('wrong-ecdh-secret');
  }

  override async deriveSharedSecret(alias: string, peer: PublicJwk): Promise<Uint8Array> {
    return sha256(await this.inner.deriveSharedSecret(alias, peer));
  }
}

/** Computes with any well-formed P-256 JWK, on the curve or not (answers zeros for off-curve points). */
export class NoPeerValidationStore extends DelegatingStore {
  constructor() {
    super('no-peer-validation');
  }

  override async deriveSharedSecret(alias: string, peer: PublicJwk): Promise<Uint8Array> {
    try {
      return await this.inner.deriveSharedSecret(alias, peer);
    } catch (err) {
      const coordinate = /^[A-Za-z0-9_-]{43}$/;
      const wellFormed =
        typeof peer === 'object' &&
        peer !== null &&
        peer.kty === 'EC' &&
        !('d' in peer) &&
        coordinate.test(String(peer.x)) &&
        coordinate.test(String(peer.y));
      const held = isDeviceBindingError(err, 'INVALID_ARGUMENT')
        ? await this.inner.getKey(alias)
        : null;
      if (wellFormed && held?.algorithm === 'ECDH-ES') return new Uint8Array(32);
      throw err;
    }
  }
}
