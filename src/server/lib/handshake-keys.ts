// Checks the parts of a handshake that describe keys: the certified encryption key and the
// optional key attestation.

import { keyManagementAlgorithm } from '../../core/algorithms.js';
import { DeviceBindingError, fail } from '../../core/errors.js';
import type { PublicJwk } from '../../core/jwk.js';
import type { KeyAttestation } from '../../keystores/contract.js';
import { parseServerPublicJwk, sameKey } from './public-key.js';
import { subtleCrypto } from './verification-keys.js';

/**
 * Key attestation as a handshake carries it, per key. Its shape is checked; the evidence
 * (certificate chains, attestation objects) is not: verify it with `verifyDeviceAttestation`
 * from `devicebind/server/attestation` before trusting `securityLevel` claims.
 *
 * @example
 * ```ts
 * const device = await verifyHandshake(token, { expectedNonce: challenge });
 * if (device.attestation !== undefined) await verifyDeviceAttestation(device, policy);
 * ```
 */
export interface HandshakeAttestation {
  signing?: KeyAttestation;
  encryption?: KeyAttestation;
}

const WHAT = 'the handshake "encryption_key"';

/**
 * @internal Validates the certified encryption key: P-256 or RSA (its integers checked, see
 * `checkRsaPublicJwk`), `use: "enc"`, an `alg` it can serve, a valid public key, and not the
 * signing key (compared by decoded bytes).
 * @throws `INVALID_HANDSHAKE`; `UNSUPPORTED_ALGORITHM` for key types and algorithms outside the registry.
 */
export async function parseEncryptionKey(
  value: unknown,
  signingKey: PublicJwk,
): Promise<PublicJwk> {
  let key: PublicJwk;
  try {
    key = parseServerPublicJwk(value, WHAT);
  } catch (err) {
    if (err instanceof DeviceBindingError && err.code === 'UNSUPPORTED_ALGORITHM') throw err;
    return fail(
      'INVALID_HANDSHAKE',
      err instanceof DeviceBindingError ? err.message : `${WHAT} is malformed`,
      err,
    );
  }
  if (key.kty === 'OKP') fail('UNSUPPORTED_ALGORITHM', `${WHAT} must be a P-256 or RSA key`);
  if (key.use !== 'enc') fail('INVALID_HANDSHAKE', `${WHAT} must have "use": "enc"`);
  if (key.alg === undefined)
    fail('INVALID_HANDSHAKE', `${WHAT} must name the JWE "alg" it can open`);
  const entry = keyManagementAlgorithm(key.alg);
  const fits =
    key.kty === 'EC' ? entry.keyAlgorithm === 'ECDH-ES' : entry.keyAlgorithm !== 'ECDH-ES';
  if (!fits) fail('INVALID_HANDSHAKE', `${WHAT} "alg" ${entry.alg} does not fit its key type`);
  // One key for signing and encryption would let a decryption oracle forge signatures and
  // vice versa; the format requires two keys.
  if (sameKey(key, signingKey)) {
    fail(
      'INVALID_HANDSHAKE',
      `${WHAT} is the signing key; the device must use a separate encryption key`,
    );
  }
  const subtle = subtleCrypto();
  try {
    // Importing validates the key: the point is on the curve, the RSA modulus is well formed.
    if (key.kty === 'EC') {
      await subtle.importKey(
        'jwk',
        { kty: 'EC', crv: key.crv, x: key.x, y: key.y },
        { name: 'ECDH', namedCurve: 'P-256' },
        false,
        [],
      );
    } else {
      const hash = entry.alg === 'RSA-OAEP' ? 'SHA-1' : 'SHA-256';
      await subtle.importKey(
        'jwk',
        { kty: 'RSA', n: key.n, e: key.e },
        { name: 'RSA-OAEP', hash },
        false,
        ['encrypt'],
      );
    }
  } catch (err) {
    fail('INVALID_HANDSHAKE', `${WHAT} is not a valid public key`, err);
  }
  return key;
}

const ATTESTATION_FORMATS = ['android-key', 'apple-app-attest'];
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function parseOneAttestation(value: unknown, what: string): KeyAttestation {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail('INVALID_HANDSHAKE', `${what} must be an object`);
  const { format, x5c, attestationObject, keyId } = value as Record<string, unknown>;
  if (typeof format !== 'string' || !ATTESTATION_FORMATS.includes(format)) {
    fail('INVALID_HANDSHAKE', `${what}.format must be "android-key" or "apple-app-attest"`);
  }
  const out: { -readonly [K in keyof KeyAttestation]: KeyAttestation[K] } = {
    format: format as KeyAttestation['format'],
  };
  if (x5c !== undefined) {
    if (
      !Array.isArray(x5c) ||
      x5c.length === 0 ||
      !x5c.every((cert) => typeof cert === 'string' && BASE64.test(cert))
    ) {
      fail('INVALID_HANDSHAKE', `${what}.x5c must be a non-empty array of base64 certificates`);
    }
    out.x5c = [...(x5c as string[])];
  }
  if (attestationObject !== undefined) {
    if (typeof attestationObject !== 'string' || !BASE64URL.test(attestationObject)) {
      fail('INVALID_HANDSHAKE', `${what}.attestationObject must be base64url`);
    }
    out.attestationObject = attestationObject;
  }
  if (keyId !== undefined) {
    if (typeof keyId !== 'string') fail('INVALID_HANDSHAKE', `${what}.keyId must be a string`);
    out.keyId = keyId;
  }
  return out;
}

/** @internal Checks the shape of the optional `attestation` claim (not the evidence itself). */
export function parseAttestation(value: unknown): HandshakeAttestation | undefined {
  if (value === undefined) return undefined;
  const what = 'the handshake "attestation"';
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail('INVALID_HANDSHAKE', `${what} must be an object`);
  const { signing, encryption, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0)
    fail('INVALID_HANDSHAKE', `${what} may only have "signing" and "encryption"`);
  const out: HandshakeAttestation = {};
  if (signing !== undefined) out.signing = parseOneAttestation(signing, `${what}.signing`);
  if (encryption !== undefined)
    out.encryption = parseOneAttestation(encryption, `${what}.encryption`);
  return out;
}
