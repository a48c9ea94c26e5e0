// Shapes shared by envelope opening, stream opening and sealing: the device key handle the
// core works with, the flattened JWE object, and the options of the open calls.

import type { KeyInfo, KeyOperationOptions, KeyStore } from '../../keystores/contract.js';
import type { CryptoBackend } from '../crypto-backend.js';

/**
 * The device encryption key as the envelope code sees it: the store that holds the private
 * key, what the store says about the key, and the crypto backend for everything else.
 */
export interface EnvelopeKey {
  /** The store that performs the private-key step (ECDH agreement or RSA-OAEP decryption). */
  keyStore: KeyStore;
  /** The device encryption key (`purpose: 'encrypt'`). */
  info: KeyInfo;
  /** SHA-256, AES-KW, AES-GCM and HKDF for everything the store does not do. */
  crypto: CryptoBackend;
  /** Passed to every store operation (prompt texts, abort signal). */
  operationOptions?: KeyOperationOptions;
}

/**
 * A JWE in the flattened JSON serialization (RFC 7516 §7.2.2), as `sealEnvelope` returns it
 * when `aad` is given. Every header parameter must be in `protected`.
 */
export interface FlattenedJwe {
  protected: string;
  encrypted_key?: string;
  iv: string;
  ciphertext: string;
  tag: string;
  aad?: string;
}

/**
 * An envelope as `openEnvelope` takes it: a compact JWE string, a {@link FlattenedJwe}
 * object, that object's JSON text, or the UTF-8 bytes of either text (e.g. a response body
 * read with `arrayBuffer()`).
 */
export type EnvelopeInput = string | FlattenedJwe | Uint8Array | ArrayBuffer;

/** Options of `openEnvelope`. */
export interface OpenEnvelopeOptions {
  /**
   * The additional authenticated data the envelope must be bound to (a string is taken as
   * UTF-8). Required when the envelope was sealed with `aad`; an envelope sealed without
   * `aad` does not open when one is given. An empty value counts as no `aad`.
   */
  aad?: Uint8Array | ArrayBuffer | string;
}

/** What a sealed value is bound to: this install's device id and the caller's context. */
export interface SealBinding {
  /** The device id (RFC 7638 thumbprint of the signing key). */
  deviceId: string;
  /** Any string naming what the value is for; the empty string when omitted. */
  context?: string;
}
