// Stateless server nonces (RFC 9449 §8): an HMAC of the current time window, so any server
// instance that shares the secret can issue and check them without storing anything.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertBytes, assertFunction, assertNumber, assertObject, mustBe } from '../core/assert.js';
import { encodeBase64url } from '../core/base64url.js';
import { concatBytes } from '../core/bytes.js';
import { utf8Encode } from '../core/utf8.js';
import { constantTimeEqual } from './lib/constant-time.js';

/**
 * Options for {@link createNonceIssuer}.
 *
 * @example
 * ```ts
 * const options: NonceIssuerOptions = { secret: crypto.getRandomValues(new Uint8Array(32)), windowSeconds: 120 };
 * ```
 */
export interface NonceIssuerOptions {
  /**
   * At least 32 random bytes (a Uint8Array, such as a Node Buffer, or an ArrayBuffer), the
   * same on every server instance. Rotating it invalidates outstanding nonces (clients then
   * get a fresh one through the usual challenge).
   */
  secret: Uint8Array | ArrayBuffer;
  /**
   * Length of a time window in seconds (default 300, an integer from 1 to 86400). A nonce is
   * accepted in the window it was issued in and the next one, so it lives between one and
   * two windows.
   */
  windowSeconds?: number;
  /** Milliseconds since the epoch (default `Date.now`); for tests. */
  now?: () => number;
}

/**
 * Issues and checks server nonces; see {@link createNonceIssuer}. Pass it as the `expectedNonce`
 * option of `verifyRequest` (it is a `NonceVerifier`).
 *
 * @example
 * ```ts
 * const nonces: NonceIssuer = createNonceIssuer({ secret });
 * response.headers.set('DPoP-Nonce', nonces.issue());
 * nonces.verify(proofNonce); // true for this window's and the previous window's nonce
 * ```
 */
export interface NonceIssuer {
  /** The window length in seconds. */
  readonly windowSeconds: number;
  /** The current nonce: 43 base64url characters, usable as a `DPoP-Nonce` value. */
  issue(): string;
  /** Whether `nonce` is the current or the previous window's nonce; `false` for anything else, never an error. */
  verify(nonce: string): boolean;
}

const DOMAIN = utf8Encode('devicebind/dpop-nonce/v1\0');
const NONCE_LENGTH = 43;

/**
 * Creates a stateless nonce issuer for `DPoP-Nonce` (RFC 9449 §8). A nonce is
 * base64url(HMAC-SHA-256(secret, window counter)): the same for every client within a
 * window, unforgeable without the secret, and accepted for the current and the previous
 * window, so it rotates without any state. Servers sharing a secret need roughly synchronised
 * clocks. Stateless nonces bound how long a proof can be pre-computed; they do not make a
 * proof single-use, which is the replay cache's job.
 *
 * Pass the issuer as the `expectedNonce` option of {@link verifyRequest}, and send `issue()` with the
 * `use_dpop_nonce` challenge ({@link nonceChallengeHeaders}) and on successful responses.
 *
 * @throws `INVALID_ARGUMENT` when the secret is not at least 32 bytes (a Uint8Array or an
 * ArrayBuffer), or `windowSeconds` / `now` are malformed.
 * @example
 * ```ts
 * import { createNonceIssuer, nonceChallengeHeaders, verifyRequest } from 'devicebind/server';
 *
 * const nonces = createNonceIssuer({ secret: base64ToBytes(process.env.DPOP_NONCE_SECRET) });
 * try {
 *   await verifyRequest(request, { signingKey, replayCache, expectedNonce: nonces });
 * } catch (err) {
 *   if (isDeviceBindingError(err, 'NONCE_REQUIRED')) {
 *     return new Response(null, { status: 401, headers: nonceChallengeHeaders(nonces.issue()) });
 *   }
 *   throw err;
 * }
 * ```
 */
export function createNonceIssuer(options: NonceIssuerOptions): NonceIssuer {
  const { secret, windowSeconds: windowOption, now = Date.now } = assertObject(options);
  const secretBytes = assertBytes(secret, 'options.secret');
  if (secretBytes.length < 32) mustBe('options.secret', 'at least 32 random bytes');
  const windowSeconds = assertNumber(windowOption, 'options.windowSeconds', {
    min: 1,
    max: 86_400,
    fallback: 300,
    unit: 'seconds',
    integer: true,
  });
  assertFunction(now, 'options.now');
  const mac = hmac.create(sha256, secretBytes.slice());
  // The two most recent windows' nonces; each is computed once per window.
  const recent = new Map<number, string>();

  const nonceFor = (counter: number): string => {
    let nonce = recent.get(counter);
    if (nonce === undefined) {
      const counterBytes = new Uint8Array(8);
      new DataView(counterBytes.buffer).setBigUint64(0, BigInt(counter), false);
      nonce = encodeBase64url(mac.clone().update(concatBytes(DOMAIN, counterBytes)).digest());
      recent.set(counter, nonce);
      for (const key of recent.keys()) if (key < counter - 1) recent.delete(key);
    }
    return nonce;
  };
  const currentCounter = (): number => {
    const ms = now();
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
      mustBe('options.now', 'a function that returns milliseconds since the epoch');
    return Math.floor(ms / 1000 / windowSeconds);
  };

  return {
    windowSeconds,
    issue: () => nonceFor(currentCounter()),
    verify(nonce: string): boolean {
      if (typeof nonce !== 'string' || nonce.length !== NONCE_LENGTH) return false;
      const counter = currentCounter();
      // Compare with both windows every time, so timing shows nothing about which matched.
      const current = constantTimeEqual(nonce, nonceFor(counter));
      const previous = counter > 0 && constantTimeEqual(nonce, nonceFor(counter - 1));
      return current || previous;
    },
  };
}
