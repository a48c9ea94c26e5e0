// The errors of envelope, stream and sealed-value opening: one fixed INVALID_ENVELOPE once
// key material is involved (RFC 7516 §11.5), and short structural ones before that.

import { fail } from '../errors.js';

/** The one message for every failure after parsing; tests assert it never varies. */
export const OPEN_FAILED =
  'the envelope could not be opened: made for another device or key, altered or truncated, or another aad/context';

/** @internal Throws the indistinguishable `INVALID_ENVELOPE`. */
export function openFailed(): never {
  return fail('INVALID_ENVELOPE', OPEN_FAILED);
}

/** @internal Throws `INVALID_ENVELOPE` for a structural problem of `part` (no secret involved). */
export function malformed(part: string): never {
  return fail('INVALID_ENVELOPE', `the envelope's ${part} is malformed`);
}
