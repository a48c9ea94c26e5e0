// The handshake payload: proves possession of the signing key and certifies the
// encryption key with it (docs/formats/handshake-and-proof.md).

import type { KeyInfo } from '../keystores/contract.js';
import { assertObject, assertString, mustBe } from './assert.js';
import { encodeBase64url } from './base64url.js';
import type { DigestBackend } from './crypto-backend.js';
import type { PublicJwk } from './jwk.js';

/** Options for {@link DeviceBinding.createHandshake}. */
export interface CreateHandshakeOptions {
  /** The server's one-time challenge for this sign-in. */
  nonce: string;
  /** The account this device is being bound to. */
  subject?: string;
  /** Extra app claims, signed with the handshake. They may not use reserved claim names. */
  claims?: Record<string, unknown>;
}

/** A signed handshake, ready to send to the server. */
export interface Handshake {
  /** Compact JWS, `typ: devicebind-handshake+jwt`. */
  token: string;
  /** RFC 7638 thumbprint of the signing key. */
  deviceId: string;
  /** Public signing key. */
  signingKey: PublicJwk;
  /** Public encryption key, with the JWE `alg` it can open. */
  encryptionKey: PublicJwk;
}

/** Claim names the handshake itself uses; app claims cannot override them. */
export const RESERVED_HANDSHAKE_CLAIMS: readonly string[] = [
  'nonce',
  'iat',
  'jti',
  'device_id',
  'encryption_key',
  'sub',
  'attestation',
  'iss',
  'aud',
  'exp',
  'nbf',
  'cnf',
];

/** @internal The handshake payload. @throws `INVALID_ARGUMENT` */
export function buildHandshakePayload(
  options: CreateHandshakeOptions,
  parts: { deviceId: string; signingKey: KeyInfo; encryptionKey: KeyInfo; issuedAt: number },
  crypto: DigestBackend,
): Record<string, unknown> {
  const { nonce, subject, claims } = assertObject(options);
  assertString(nonce, 'options.nonce', 1024);
  if (subject !== undefined) assertString(subject, 'options.subject');
  const payload: Record<string, unknown> = {};
  if (claims !== undefined) {
    assertObject(claims, 'options.claims');
    try {
      JSON.stringify(claims);
    } catch (err) {
      mustBe('options.claims', 'JSON-serialisable', err);
    }
    for (const [name, value] of Object.entries(claims)) {
      if (RESERVED_HANDSHAKE_CLAIMS.includes(name))
        mustBe(`options.claims.${name}`, 'left out: the handshake sets it');
      payload[name] = value;
    }
  }
  payload.nonce = nonce;
  payload.iat = parts.issuedAt;
  payload.jti = encodeBase64url(crypto.randomBytes(16));
  payload.device_id = parts.deviceId;
  payload.encryption_key = parts.encryptionKey.publicKey;
  // Members left undefined are not serialized.
  payload.sub = subject;
  const signing = parts.signingKey.attestation;
  const encryption = parts.encryptionKey.attestation;
  if (signing || encryption) payload.attestation = { signing, encryption };
  return payload;
}
