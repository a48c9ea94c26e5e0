// The rotation token (docs/formats/rotation.md): a handshake of the new keys, signed by the new
// signing key and naming the old one, wrapped in a JWS of the old signing key that names the
// new one: the shape of ACME's account-key rollover (RFC 8555 §7.3.5).

import type { KeyInfo } from '../../keystores/contract.js';
import { signingAlgorithmForKey } from '../algorithms.js';
import { mustBe } from '../assert.js';
import type { DigestBackend } from '../crypto-backend.js';
import { buildHandshakePayload } from '../handshake.js';
import { minimalPublicJwk, type PublicJwk } from '../jwk.js';
import { encodeProtectedHeader, signCompactJws } from '../jws.js';
import {
  RESERVED_ROTATION_CLAIMS,
  ROTATION_HANDSHAKE_TYP,
  ROTATION_TYP,
} from './rotation-format.js';

/** @internal One key pair taking part in a rotation. */
export interface RotationKeys {
  deviceId: string;
  signingKey: KeyInfo;
  encryptionKey: KeyInfo;
}

/** @internal What signing the token takes. */
export interface RotationTokenParts {
  /** The current (old) keys: their signing key signs the outer JWS. */
  previous: RotationKeys;
  /** The new keys: their signing key signs the inner handshake. */
  next: RotationKeys;
  nonce: string;
  claims: Record<string, unknown> | undefined;
  /** `iat`, seconds since the epoch. */
  issuedAt: number;
  crypto: DigestBackend;
  /** Signs with the key under `alias` (through the store, with the binding's prompt). */
  sign(alias: string, data: Uint8Array): Promise<Uint8Array>;
}

async function signWith(
  key: KeyInfo,
  typ: string,
  payload: object,
  sign: RotationTokenParts['sign'],
): Promise<string> {
  const jwk: PublicJwk = minimalPublicJwk(key.publicKey);
  const algorithm = signingAlgorithmForKey(jwk);
  return signCompactJws(encodeProtectedHeader(typ, algorithm, jwk), payload, algorithm, (data) =>
    sign(key.alias, data),
  );
}

/**
 * @internal Signs a rotation token: first the inner handshake with the new signing key, then
 * the outer JWS with the old one (two prompts when both keys need the user).
 * @throws `INVALID_ARGUMENT` for a malformed nonce or claims; store errors from signing.
 */
export async function signRotationToken(parts: RotationTokenParts): Promise<string> {
  const { previous, next, claims } = parts;
  for (const name of RESERVED_ROTATION_CLAIMS) {
    if (claims !== undefined && claims !== null && Object.hasOwn(claims, name))
      mustBe(`options.claims.${name}`, 'left out: the rotation sets it');
  }
  const inner = buildHandshakePayload(
    { nonce: parts.nonce, claims },
    { ...next, issuedAt: parts.issuedAt },
    parts.crypto,
  );
  // ACME's inner payload names the old key (RFC 8555 §7.3.5): the new key agrees to replace
  // exactly this one, so its handshake cannot be carried into another key's rotation.
  inner.previous_device_id = previous.deviceId;
  const handshake = await signWith(next.signingKey, ROTATION_HANDSHAKE_TYP, inner, parts.sign);
  // The old key names the new key it hands over to, and signs the whole inner token.
  return signWith(
    previous.signingKey,
    ROTATION_TYP,
    { new_device_id: next.deviceId, handshake },
    parts.sign,
  );
}
