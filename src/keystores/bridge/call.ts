// One bridge call with a deadline: a native side that never answers gives TIMEOUT, an abort
// signal stops waiting, and every rejection is mapped to a DeviceBindingError.

import { assertNumber, mustBe } from '../../core/assert.js';
import { DeviceBindingError } from '../../core/errors.js';
import type { BridgeMethod, BridgePlatform, NativeBridge } from './native-bridge.js';
import { mapNativeError } from './native-errors.js';

/** @internal How long to wait and when to give up. */
export interface BridgeCallSettings {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Bulk bytes for the bridge's binary channel (`callBytes`), which must then exist. */
  readonly data?: Uint8Array;
}

/** The largest delay timers accept (2^31 − 1 ms). */
const MAX_TIMEOUT = 2_147_483_647;

/** @internal Validates a timeout option. @throws `INVALID_ARGUMENT` */
export function checkTimeout(value: unknown, name: string): number {
  return assertNumber(value, name, { min: 1, max: MAX_TIMEOUT, unit: 'milliseconds' });
}

/** @internal Validates an abort signal option. @throws `INVALID_ARGUMENT` */
export function checkSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const signal = value as AbortSignal;
  if (
    typeof signal !== 'object' ||
    signal === null ||
    typeof signal.addEventListener !== 'function' ||
    typeof signal.aborted !== 'boolean'
  ) {
    mustBe('options.signal', 'an AbortSignal');
  }
  return signal;
}

function aborted(method: BridgeMethod, reason: unknown): DeviceBindingError {
  if (reason instanceof DeviceBindingError) return reason;
  return new DeviceBindingError(
    'USER_CANCELLED',
    `"${method}" was abandoned through options.signal`,
    { cause: reason },
  );
}

/**
 * @internal Calls `method` on the bridge and waits at most `timeoutMs`. A late answer is
 * ignored (the native side may still finish the operation).
 * @throws `TIMEOUT`, `USER_CANCELLED` when aborted, or the mapped native error.
 */
export function callBridge(
  bridge: NativeBridge,
  platform: BridgePlatform,
  method: BridgeMethod,
  params: Record<string, unknown>,
  settings: BridgeCallSettings,
): Promise<unknown> {
  const { timeoutMs, signal, data } = settings;
  if (signal?.aborted) return Promise.reject(aborted(method, signal.reason));
  return new Promise((resolve, reject) => {
    let done = false;
    const settle = (): boolean => {
      if (done) return false;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = () => {
      if (settle()) reject(aborted(method, signal?.reason));
    };
    const timer = setTimeout(() => {
      if (settle()) {
        reject(
          new DeviceBindingError(
            'TIMEOUT',
            `the native key store did not answer "${method}" within ${timeoutMs} ms; check that the native module is installed and responsive`,
          ),
        );
      }
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort);
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(
        data === undefined
          ? bridge.call(method, params)
          : (bridge.callBytes as NonNullable<NativeBridge['callBytes']>)(method, params, data),
      );
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (value) => {
        if (settle()) resolve(value);
      },
      (err: unknown) => {
        if (settle()) reject(mapNativeError(platform, method, err));
      },
    );
  });
}
