// Strict CBOR decoding (cborg) for App Attest objects: canonical lengths and integers, no
// duplicate map keys, no indefinite lengths, no undefined, no tags.

import { decode, decodeFirst } from 'cborg';
import { refuseAttestation } from './refusal.js';

const STRICT = {
  strict: true,
  useMaps: true,
  rejectDuplicateMapKeys: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
} as const;

/**
 * @internal Decodes one CBOR item that must fill `bytes`.
 * @throws `ATTESTATION_FAILED` (`malformed`) naming `claim`.
 */
export function decodeCbor(bytes: Uint8Array, claim: string): unknown {
  try {
    return decode(bytes, STRICT);
  } catch (err) {
    return refuseAttestation('malformed', `the ${claim} is not strict CBOR`, { claim }, err);
  }
}

/**
 * @internal Decodes the first CBOR item of `bytes` and returns it with the bytes after it.
 * @throws `ATTESTATION_FAILED` (`malformed`) naming `claim`.
 */
export function decodeCborPrefix(bytes: Uint8Array, claim: string): [unknown, Uint8Array] {
  try {
    return decodeFirst(bytes, STRICT);
  } catch (err) {
    return refuseAttestation('malformed', `the ${claim} is not strict CBOR`, { claim }, err);
  }
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
