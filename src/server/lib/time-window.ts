// The clock and `iat` window checks shared by handshake and proof verification.

import { assertNumber, assertTime } from '../../core/assert.js';
import { refuse } from '../../core/errors.js';
import type { VerificationCode } from './compact-jws.js';

/** @internal The clock and window options of a verifier, checked. */
export interface TimeWindow {
  /** The current time in seconds since the epoch. */
  readonly nowSeconds: number;
  /** How old a token may be, in seconds. */
  readonly maxAge: number;
  /** How far in the future its `iat` may be, in seconds. */
  readonly tolerance: number;
}

/** @internal The options a verifier takes for its time window. */
export interface TimeWindowOptions {
  maxAgeSeconds?: number;
  clockToleranceSeconds?: number;
  now?: Date | number;
}

/**
 * @internal Checks and defaults `maxAgeSeconds` (1–86400), `clockToleranceSeconds`
 * (0–3600) and `now`. @throws `INVALID_ARGUMENT`
 */
export function timeWindow(
  options: TimeWindowOptions,
  defaults: { maxAge: number; tolerance: number },
): TimeWindow {
  return {
    maxAge: assertNumber(options.maxAgeSeconds, 'options.maxAgeSeconds', {
      min: 1,
      max: 86_400,
      fallback: defaults.maxAge,
      unit: 'seconds',
    }),
    tolerance: assertNumber(options.clockToleranceSeconds, 'options.clockToleranceSeconds', {
      min: 0,
      max: 3600,
      fallback: defaults.tolerance,
      unit: 'seconds',
    }),
    nowSeconds: assertTime(options.now, 'options.now') / 1000,
  };
}

/**
 * @internal Checks that `iat` lies at most `maxAge` seconds in the past and at most
 * `tolerance` seconds in the future. The times are shown: they are not secrets, and a
 * device clock that is off is found at a glance. @throws `code`
 */
export function checkIssuedAt(
  iat: unknown,
  window: TimeWindow,
  code: VerificationCode,
  what: string,
): number {
  const { nowSeconds, maxAge, tolerance } = window;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    refuse(code, `${what} has no numeric "iat"`, {
      claim: 'iat',
      reason: iat === undefined ? 'missing' : 'malformed',
    });
  }
  const now = Math.floor(nowSeconds);
  if (iat > nowSeconds + tolerance) {
    refuse(
      code,
      `${what} was issued in the future ("iat" ${iat}, the server's time is ${now}, tolerance ${tolerance} s); check the device clock`,
      { claim: 'iat', reason: 'future', expected: `<= ${now + tolerance}`, actual: String(iat) },
    );
  }
  if (iat < nowSeconds - maxAge) {
    refuse(
      code,
      `${what} is too old ("iat" ${iat} is more than ${maxAge} s before the server's time ${now})`,
      {
        claim: 'iat',
        reason: 'stale',
        expected: `>= ${Math.ceil(nowSeconds - maxAge)}`,
        actual: String(iat),
      },
    );
  }
  return iat;
}
