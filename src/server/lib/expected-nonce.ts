// What a verifier accepts as the nonce: a fixed value, a checking function, or a nonce
// issuer, and the one place that evaluates it.

import { mustBe } from '../../core/assert.js';
import { DeviceBindingError, refuse } from '../../core/errors.js';
import { constantTimeEqual } from './constant-time.js';

/**
 * Anything with a `verify(nonce)` method, such as the `NonceIssuer` from
 * `createNonceIssuer`. A rejection or a thrown error counts as "not accepted" and fails the
 * verification (the error is kept as `cause`).
 *
 * @example
 * ```ts
 * const sessionNonces: NonceVerifier = { verify: (nonce) => redis.getdel(`nonce:${nonce}`).then(Boolean) };
 * ```
 */
export interface NonceVerifier {
  /** Whether `nonce` is acceptable now. */
  verify(nonce: string): boolean | Promise<boolean>;
}

/**
 * Decides whether a received nonce is acceptable; only `true` accepts it. Errors it throws
 * fail the verification.
 *
 * @example
 * ```ts
 * const check: NonceCheckFunction = async (nonce) => (await challenges.take(nonce)) !== null;
 * ```
 */
export type NonceCheckFunction = (nonce: string) => boolean | Promise<boolean>;

/**
 * The nonce a verifier expects (its `expectedNonce` option): the exact string it issued
 * (compared in constant time), a function that decides (e.g. looks the nonce up and deletes
 * it, for single use), or a {@link NonceVerifier} such as the issuer from `createNonceIssuer`.
 *
 * @example
 * ```ts
 * await verifyHandshake(token, { expectedNonce: session.challenge });            // exact value
 * await verifyHandshake(token, { expectedNonce: (n) => challenges.delete(n) });  // single use
 * await verifyRequest(request, { signingKey, replayCache, expectedNonce: createNonceIssuer({ secret }) });
 * ```
 */
export type ExpectedNonce = string | NonceCheckFunction | NonceVerifier;

/** @internal Checks the shape of an {@link ExpectedNonce} option. @throws `INVALID_ARGUMENT` */
export function checkExpectedNonce(value: unknown, name: string): asserts value is ExpectedNonce {
  if (typeof value === 'string' && value.length > 0) return;
  if (typeof value === 'function') return;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<NonceVerifier>).verify === 'function'
  ) {
    return;
  }
  mustBe(name, 'a non-empty string, a function (nonce) => boolean, or a nonce issuer');
}

/**
 * @internal Whether `value` is a nonce issuer (it issues as well as verifies): its nonces
 * stay valid for a whole window, so on their own they never make anything single-use.
 */
export function isNonceIssuer(value: ExpectedNonce): boolean {
  return typeof value === 'object' && typeof (value as { issue?: unknown }).issue === 'function';
}

/**
 * @internal Whether `received` is acceptable. A check that throws (say, its database is
 * down) fails closed: a DeviceBindingError passes through, anything else becomes one with
 * `code` and `detail.reason` `unavailable`, the original kept as `cause`.
 */
export async function isNonceAccepted(
  expected: ExpectedNonce,
  received: string,
  code: 'INVALID_PROOF' | 'INVALID_HANDSHAKE',
): Promise<boolean> {
  if (typeof expected === 'string') return constantTimeEqual(received, expected);
  try {
    const verdict =
      typeof expected === 'function' ? await expected(received) : await expected.verify(received);
    return verdict === true;
  } catch (err) {
    if (err instanceof DeviceBindingError) throw err;
    return refuse(
      code,
      'the nonce check failed with an error, so the nonce could not be accepted',
      { claim: 'nonce', reason: 'unavailable' },
      err,
    );
  }
}
