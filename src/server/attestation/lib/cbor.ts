// Strict CBOR decoding (@levischuck/tiny-cbor) for App Attest objects: no duplicate map keys,
// no indefinite lengths, nothing after the item, and canonical form: the decoded value must
// encode back to exactly the bytes received (so one value has one spelling).

import { decodeCBOR, decodePartialCBOR, encodeCBOR } from '@levischuck/tiny-cbor';
import { equalBytes } from '../../../core/bytes.js';
import { refuseAttestation } from './refusal.js';

function malformed(claim: string, cause?: unknown): never {
  return refuseAttestation('malformed', `the ${claim} is not strict CBOR`, { claim }, cause);
}

function canonical(value: unknown, bytes: Uint8Array, claim: string): unknown {
  let again: Uint8Array;
  try {
    again = encodeCBOR(value as Parameters<typeof encodeCBOR>[0]);
  } catch (err) {
    return malformed(claim, err);
  }
  if (!equalBytes(again, bytes)) malformed(claim);
  return value;
}

/**
 * @internal Decodes one CBOR item that must fill `bytes`.
 * @throws `ATTESTATION_FAILED` (`malformed`) naming `claim`.
 */
export function decodeCbor(bytes: Uint8Array, claim: string): unknown {
  let value: unknown;
  try {
    value = decodeCBOR(bytes);
  } catch (err) {
    return malformed(claim, err);
  }
  return canonical(value, bytes, claim);
}

/**
 * @internal Decodes the first CBOR item of `bytes` and returns it with the bytes after it.
 * @throws `ATTESTATION_FAILED` (`malformed`) naming `claim`.
 */
export function decodeCborPrefix(bytes: Uint8Array, claim: string): [unknown, Uint8Array] {
  let value: unknown;
  let length: number;
  try {
    [value, length] = decodePartialCBOR(bytes, 0);
  } catch (err) {
    return malformed(claim, err);
  }
  return [canonical(value, bytes.subarray(0, length), claim), bytes.subarray(length)];
}

/** @internal `value` when it is a CBOR map. @throws `ATTESTATION_FAILED` (`malformed`) */
export function cborMap(value: unknown, claim: string): Map<unknown, unknown> {
  if (!(value instanceof Map))
    refuseAttestation('malformed', `the ${claim} is not a map`, { claim });
  return value;
}

/** @internal The byte string under `key`. @throws `ATTESTATION_FAILED` (`malformed`) */
export function cborBytes(
  map: Map<unknown, unknown>,
  key: string | number,
  claim: string,
): Uint8Array {
  const value = map.get(key);
  if (!(value instanceof Uint8Array))
    refuseAttestation('malformed', `the ${claim} is not a byte string`, { claim });
  return value;
}
