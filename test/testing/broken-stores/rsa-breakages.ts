// RSA stores that get OAEP wrong: the JWK names the wrong variant, decryption uses the wrong
// hash or tries both, or a failed decryption hands back garbage instead of an error.

import type { KeyInfo, KeySpec } from '../../../src/keystores/contract.js';
import { RsaCapableStore } from './rsa-capable-store.js';

function withAlg(info: KeyInfo, alg: string): KeyInfo {
  return { ...info, publicKey: { ...info.publicKey, alg } };
}

/** Labels RSA-OAEP-256 keys' JWKs "RSA-OAEP" (the SHA-1 variant). */
export class WrongJwkAlgStore extends RsaCapableStore {
  constructor() {
    super('rsa-wrong-jwk-alg');
  }

  override async generateKey(alias: string, spec: KeySpec): Promise<KeyInfo> {
    const info = await super.generateKey(alias, spec);
    return info.algorithm === 'RSA-OAEP-256' ? withAlg(info, 'RSA-OAEP') : info;
  }

  override async getKey(alias: string): Promise<KeyInfo | null> {
    const info = await super.getKey(alias);
    return info?.algorithm === 'RSA-OAEP-256' ? withAlg(info, 'RSA-OAEP') : info;
  }
}

/** Decrypts RSA-OAEP-256 ciphertexts with OAEP SHA-1. */
export class WrongHashStore extends RsaCapableStore {
  constructor() {
    super('rsa-wrong-hash');
  }

  override decryptionHashes(): ('SHA-256' | 'SHA-1')[] {
    return ['SHA-1'];
  }
}

/** Falls back to the other OAEP hash when the key's own one fails. */
export class BothHashesStore extends RsaCapableStore {
  constructor() {
    super('rsa-tries-both-hashes');
  }

  override decryptionHashes(algorithm: 'RSA-OAEP-256' | 'RSA-OAEP'): ('SHA-256' | 'SHA-1')[] {
    return algorithm === 'RSA-OAEP-256' ? ['SHA-256', 'SHA-1'] : ['SHA-1', 'SHA-256'];
  }
}

/** Returns 32 random bytes when decryption fails, instead of rejecting. */
export class GarbageOnFailureStore extends RsaCapableStore {
  constructor() {
    super('rsa-garbage-on-failure');
  }

  override async onDecryptFailure(): Promise<Uint8Array> {
    return crypto.getRandomValues(new Uint8Array(32));
  }
}
