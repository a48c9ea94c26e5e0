// Test helpers: handshake tokens as DeviceBinding makes them, adjustable member by member.

import { calculateJwkThumbprint } from 'jose';
import type { PublicJwk } from '../../../src/core/jwk.js';
import { nowSeconds, randomJti, signJws, type TestKey } from './proofs.js';

/** A fresh P-256 ECDH public key as a device would certify it. */
export async function newEncryptionKey(): Promise<PublicJwk> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const { x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { kty: 'EC', crv: 'P-256', x: x!, y: y!, use: 'enc', alg: 'ECDH-ES+A256KW' };
}

/** A fresh 2048-bit RSA public key for RSA-OAEP-256 (or `alg`). */
export async function newRsaEncryptionKey(
  alg: 'RSA-OAEP-256' | 'RSA-OAEP' = 'RSA-OAEP-256',
): Promise<PublicJwk> {
  const pair = (await crypto.subtle.generateKey(
    {
      name: 'RSA-OAEP',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['encrypt', 'decrypt'],
  )) as CryptoKeyPair;
  const { n, e } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { kty: 'RSA', n: n!, e: e!, use: 'enc', alg };
}

export interface HandshakeSpec {
  nonce?: string;
  iat?: number;
  subject?: string;
  encryptionKey?: unknown;
  /** Claims merged last; undefined values delete. */
  claims?: Record<string, unknown>;
  /** Header members merged last; undefined values delete. */
  header?: Record<string, unknown>;
}

function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out = { ...base, ...over };
  for (const [name, value] of Object.entries(over ?? {})) if (value === undefined) delete out[name];
  return out;
}

/** A handshake signed by `key`, certifying `encryptionKey`, adjusted by `spec`. */
export async function makeHandshake(
  key: TestKey,
  encryptionKey: PublicJwk,
  spec: HandshakeSpec = {},
): Promise<string> {
  const header = merge(
    { alg: key.alg, typ: 'devicebind-handshake+jwt', jwk: key.publicJwk },
    spec.header,
  );
  const payload: Record<string, unknown> = {
    nonce: spec.nonce ?? 'challenge-1',
    iat: spec.iat ?? nowSeconds(),
    jti: randomJti(),
    device_id: await calculateJwkThumbprint(key.publicJwk),
    encryption_key: spec.encryptionKey ?? encryptionKey,
  };
  if (spec.subject !== undefined) payload.sub = spec.subject;
  return signJws(key, header, merge(payload, spec.claims));
}
