// Test helpers for attestation: a simulated attestation service on a fixed clock, keys, and
// what a refusal says.

import { expect } from 'vitest';
import { DeviceBindingError } from '../../../src/core/errors.js';
import type { EcPublicJwk } from '../../../src/core/jwk.js';
import { createAttestationAuthority } from '../../../src/testing/index.js';

/** The simulators' fixed clock. */
export const NOW = Date.UTC(2026, 2, 1, 12);
export const DAY = 86_400_000;

/** A simulated attestation service on the fixed clock. */
export const authority = createAttestationAuthority({ now: () => NOW });

/** A fresh P-256 public key. */
export async function newP256Key(): Promise<EcPublicJwk> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
  ])) as CryptoKeyPair;
  const { x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { kty: 'EC', crv: 'P-256', x: x!, y: y! };
}

/** 32 random bytes. */
export const randomChallenge = (): Uint8Array => crypto.getRandomValues(new Uint8Array(32));

/** The refusal `promise` rejects with: `ATTESTATION_FAILED`, and its detail. */
export async function refusal(promise: Promise<unknown>): Promise<DeviceBindingError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error, 'the evidence should have been refused').toBeInstanceOf(DeviceBindingError);
  return error as DeviceBindingError;
}

/** The `detail.reason` of the `ATTESTATION_FAILED` refusal `promise` rejects with. */
export async function reasonOf(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await refusal(promise);
  expect(error.code, error.message).toBe('ATTESTATION_FAILED');
  return error.detail?.reason;
}

/** The code `promise` rejects with. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  return (await refusal(promise)).code;
}
