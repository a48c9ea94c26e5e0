// Test helpers: a promise that must reject with a DeviceBindingError of a given code, and the
// outcome of one that may resolve or reject (but only ever with a DeviceBindingError).

import { expect } from 'vitest';
import {
  DeviceBindingError,
  type DeviceBindingErrorCode,
  type DeviceBindingErrorDetail,
} from '../../../src/core/errors.js';

/** The error `promise` rejects with, after checking it is a DeviceBindingError with `code`. */
export async function rejects(
  promise: Promise<unknown>,
  code: DeviceBindingErrorCode,
  detail?: Partial<DeviceBindingErrorDetail>,
): Promise<DeviceBindingError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeviceBindingError);
  expect((err as DeviceBindingError).code).toBe(code);
  if (detail !== undefined) expect((err as DeviceBindingError).detail).toMatchObject(detail);
  return err as DeviceBindingError;
}

const VERIFICATION_CODES: readonly string[] = [
  'INVALID_PROOF',
  'INVALID_HANDSHAKE',
  'NONCE_REQUIRED',
  'REPLAYED',
  'REPLAY_CHECK_FAILED',
];

/**
 * `'ok'` when `promise` resolves, the DeviceBindingError it rejects with otherwise; any other
 * rejection fails the test, and so does a verification failure without `detail`.
 */
export async function outcome(promise: Promise<unknown>): Promise<'ok' | DeviceBindingError> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    if (!(err instanceof DeviceBindingError)) throw err;
    // Every verification failure says which claim failed and why.
    if (VERIFICATION_CODES.includes(err.code)) expect(err.detail?.reason).toBeTypeOf('string');
    return err;
  }
}
