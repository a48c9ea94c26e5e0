// The clock and `iat` window checks shared by handshake and proof verification.

import { fail } from '../../core/errors.js';
import type { VerificationCode } from './compact-jws.js';

/** @internal The current time in seconds: `now` (a Date or epoch milliseconds) or the clock. */
export function currentSeconds(now: unknown, what: string): number {
  if (now === undefined) return Date.now() / 1000;
  if (now instanceof Date && Number.isFinite(now.getTime())) return now.getTime() / 1000;
  if (typeof now === 'number' && Number.isFinite(now)) return now / 1000;
  return fail('INVALID_ARGUMENT', `${what} must be a Date or milliseconds since the epoch`);
}

/** @internal A number of seconds within [min, max], or the default. @throws `INVALID_ARGUMENT` */
export function secondsOption(
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  what: string,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail('INVALID_ARGUMENT', `${what} must be a number of seconds from ${min} to ${max}`);
  }
  return value;
}

/**
 * @internal Checks that `iat` lies at most `maxAge` seconds in the past and at most
 * `tolerance` seconds in the future. @throws `code`
 */
export function checkIssuedAt(
  iat: unknown,
  nowSeconds: number,
  maxAge: number,
  tolerance: number,
  code: VerificationCode,
  what: string,
): number {
  if (typeof iat !== 'number' || !Number.isFinite(iat)) fail(code, `${what} has no numeric "iat"`);
  if (iat > nowSeconds + tolerance)
    fail(code, `${what} was issued in the future ("iat"); check the device clock`);
  if (iat < nowSeconds - maxAge) fail(code, `${what} is too old ("iat" more than ${maxAge} s ago)`);
  return iat;
}
