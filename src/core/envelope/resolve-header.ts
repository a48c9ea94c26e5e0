// Checks a JWE protected header against the allowlist and the device key, and validates
// the ephemeral public key before any key-store operation.

import {
  type ContentEncryptionEntry,
  contentEncryptionAlgorithm,
  type KeyManagementEntry,
  keyManagementAlgorithm,
} from '../algorithms.js';
import { fail } from '../errors.js';
import type { EcPublicJwk } from '../jwk.js';
import { decodePart } from './decode-part.js';
import { malformed } from './failure.js';
import { isP256Point } from './p256-point.js';

/** A header that passed every public check. */
export interface ResolvedHeader {
  readonly km: KeyManagementEntry;
  readonly ce: ContentEncryptionEntry;
  /** The validated ephemeral key (ECDH only). */
  readonly epk?: EcPublicJwk;
  /** Decoded `apu` / `apv` (empty when absent; ECDH only). */
  readonly apu: Uint8Array;
  readonly apv: Uint8Array;
}

const EMPTY = new Uint8Array(0);

function partyInfo(value: unknown, name: string): Uint8Array {
  if (value === undefined) return EMPTY;
  if (typeof value !== 'string' || value.length > 1024) malformed(name);
  return decodePart(value, name);
}

function ephemeralKey(value: unknown): EcPublicJwk {
  const epk = value as Record<string, unknown> | null | undefined;
  if (typeof epk !== 'object' || epk === null || Array.isArray(epk)) malformed('epk');
  if (epk.kty !== 'EC' || epk.crv !== 'P-256') {
    fail('UNSUPPORTED_ALGORITHM', 'only P-256 ephemeral keys ("epk") are supported');
  }
  const { x, y } = epk;
  // Invalid-curve attacks (and the all-zero "point") are stopped here, before the store
  // ever multiplies its private key by the point (RFC 7518 §4.6 security considerations).
  const valid =
    !('d' in epk) &&
    typeof x === 'string' &&
    typeof y === 'string' &&
    x.length === 43 &&
    y.length === 43 &&
    isP256Point(decodePart(x, 'epk.x'), decodePart(y, 'epk.y'));
  if (!valid) malformed('epk (not a P-256 point)');
  return { kty: 'EC', crv: 'P-256', x: x as string, y: y as string };
}

/**
 * @internal Resolves `alg` and `enc` through the registry and checks that `alg` belongs to
 * the device key's own algorithm (an RSA key opens only its declared OAEP variant).
 * @throws `UNSUPPORTED_ALGORITHM` for `zip`, `crit`, an algorithm outside the allowlist, an
 * `alg` the key cannot open, or an ephemeral key on another curve; `INVALID_ENVELOPE` for a
 * missing or invalid ephemeral key or malformed `apu`/`apv`.
 */
export function resolveHeader(
  header: Record<string, unknown>,
  keyAlgorithm: string,
): ResolvedHeader {
  // No compression; and devicebind implements no JWE extension, so any critical parameter
  // is one it does not understand (RFC 7516 §4.1.13).
  for (const name of ['zip', 'crit']) {
    if (name in header) {
      fail('UNSUPPORTED_ALGORITHM', `the envelope header "${name}" is not supported`);
    }
  }
  const km = keyManagementAlgorithm(header.alg);
  const ce = contentEncryptionAlgorithm(header.enc);
  if (km.keyAlgorithm !== keyAlgorithm) {
    fail(
      'UNSUPPORTED_ALGORITHM',
      `the envelope uses "${km.alg}", which this device's ${keyAlgorithm} key cannot open`,
    );
  }
  if (km.keyOperation !== 'agree') return { km, ce, apu: EMPTY, apv: EMPTY };
  return {
    km,
    ce,
    epk: ephemeralKey(header.epk),
    apu: partyInfo(header.apu, 'apu'),
    apv: partyInfo(header.apv, 'apv'),
  };
}
