// Test helpers: rotation tokens as rotateKeys makes them (docs/formats/rotation.md), with any
// member of either JWS changed and either JWS signed by any key, to build every forgery.

import { calculateJwkThumbprint } from 'jose';
import type { PublicJwk } from '../../../src/core/jwk.js';
import { makeHandshake } from './handshakes.js';
import { signJws, type TestKey } from './proofs.js';

export interface RotationSpec {
  nonce?: string;
  iat?: number;
  /** The key that signs the inner handshake (default: the new key). */
  innerSigner?: TestKey;
  /** The key that signs the outer JWS (default: the old key). */
  outerSigner?: TestKey;
  /** Inner claims merged last (undefined values delete). */
  innerClaims?: Record<string, unknown>;
  /** Inner header members merged last. */
  innerHeader?: Record<string, unknown>;
  /** Outer payload members merged last (undefined values delete). */
  outerClaims?: Record<string, unknown>;
  /** Outer header members merged last. */
  outerHeader?: Record<string, unknown>;
}

/** A rotation token from `oldKey` to `newKey` (certifying `encryptionKey`), adjusted by `spec`. */
export async function makeRotation(
  oldKey: TestKey,
  newKey: TestKey,
  encryptionKey: PublicJwk,
  spec: RotationSpec = {},
): Promise<string> {
  const signer = spec.innerSigner ?? newKey;
  const handshake = await makeHandshake(signer, encryptionKey, {
    nonce: spec.nonce ?? 'challenge-1',
    ...(spec.iat !== undefined && { iat: spec.iat }),
    header: { typ: 'devicebind-rotation-handshake+jwt', ...spec.innerHeader },
    claims: {
      previous_device_id: await calculateJwkThumbprint(oldKey.publicJwk),
      ...spec.innerClaims,
    },
  });
  const outerSigner = spec.outerSigner ?? oldKey;
  const header: Record<string, unknown> = {
    typ: 'devicebind-rotation+jwt',
    alg: outerSigner.alg,
    jwk: outerSigner.publicJwk,
    ...spec.outerHeader,
  };
  const payload: Record<string, unknown> = {
    new_device_id: await calculateJwkThumbprint(newKey.publicJwk),
    handshake,
    ...spec.outerClaims,
  };
  for (const [name, value] of Object.entries(spec.outerClaims ?? {}))
    if (value === undefined) delete payload[name];
  return signJws(outerSigner, header, payload);
}
