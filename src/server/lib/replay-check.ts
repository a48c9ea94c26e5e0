// The replay check shared by proofs and handshakes: the `replayCache` option (required, or
// an explicit `false`), and one atomic check-and-store of a token id, failing closed.

import { mustBe } from '../../core/assert.js';
import { DeviceBindingError, type DeviceBindingErrorCode, refuse } from '../../core/errors.js';
import type { ReplayCache } from '../replay-cache.js';
import type { TimeWindow } from './time-window.js';

/** @internal What a verifier accepts as its `replayCache` option. */
export interface ReplayCacheRule {
  /** Whether `false` (replay checks turned off, on purpose) is accepted. */
  readonly allowFalse: boolean;
  /** Whether leaving the option out is accepted. */
  readonly allowUndefined: boolean;
  /** The message's "must be …" part for anything else. */
  readonly mustBe: string;
}

/** @internal Checks a `replayCache` option against `rule`. @throws `INVALID_ARGUMENT` */
export function checkReplayCache(
  value: unknown,
  name: string,
  rule: ReplayCacheRule,
): ReplayCache | false | undefined {
  if ((value === false && rule.allowFalse) || (value === undefined && rule.allowUndefined))
    return value;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Partial<ReplayCache>).checkAndStore !== 'function'
  ) {
    mustBe(name, rule.mustBe);
  }
  return value as ReplayCache;
}

/** @internal How a replayed token is reported. */
export interface ReplayReport {
  /** The code of a replay: `REPLAYED` for proofs, `INVALID_HANDSHAKE` for handshakes. */
  readonly code: DeviceBindingErrorCode;
  /** The token, for messages: "this DPoP proof". */
  readonly what: string;
  /** What the sender should do instead. */
  readonly retry: string;
}

/**
 * @internal Records `id` in `cache` until the token it names is too old to be accepted
 * anyway; nothing when `cache` is `false` or undefined. Fails closed: a cache that throws or
 * answers anything but `true` refuses the token.
 * @throws `report.code` (reason `replayed`) for an id seen before; `REPLAY_CHECK_FAILED`
 * (reason `unavailable`) when the cache fails.
 */
export async function rememberOnce(
  cache: ReplayCache | false | undefined,
  id: string,
  iat: number,
  window: TimeWindow,
  report: ReplayReport,
): Promise<void> {
  if (cache === false || cache === undefined) return;
  const expiresAt = Math.ceil((iat + window.maxAge + window.tolerance) * 1000);
  let fresh: boolean;
  try {
    fresh = await cache.checkAndStore(id, expiresAt);
  } catch (err) {
    const own = err instanceof DeviceBindingError;
    if (own && (err.code !== 'REPLAY_CHECK_FAILED' || err.detail !== undefined)) throw err;
    return refuse(
      'REPLAY_CHECK_FAILED',
      own
        ? err.message
        : `the replay cache failed, so ${report.what} could not be checked for replay and is refused`,
      { claim: 'jti', reason: 'unavailable' },
      err,
    );
  }
  if (fresh !== true) {
    refuse(report.code, `${report.what} was already used ("jti" seen before); ${report.retry}`, {
      claim: 'jti',
      reason: 'replayed',
    });
  }
}
