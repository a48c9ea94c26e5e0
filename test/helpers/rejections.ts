// The DeviceBindingError an operation fails with, asserted to have the expected code: the one
// shape of "this must be refused" the server security tests share.

import { expect } from 'vitest';
import { DeviceBindingError, type DeviceBindingErrorCode } from '../../src/core/errors.js';

/** The DeviceBindingError `promise` rejects with; fails the test if it has another code or resolves. */
export async function rejection(
  promise: Promise<unknown>,
  code?: DeviceBindingErrorCode,
): Promise<DeviceBindingError> {
  const err = await promise.then(
    () => new Error('expected a rejection, but the promise resolved'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeviceBindingError);
  if (code !== undefined) expect((err as DeviceBindingError).code).toBe(code);
  return err as DeviceBindingError;
}

/** The DeviceBindingError `run` throws synchronously, checked like {@link rejection}. */
export function thrown(run: () => unknown, code?: DeviceBindingErrorCode): DeviceBindingError {
  let err: unknown = new Error('expected a DeviceBindingError, but nothing was thrown');
  try {
    run();
  } catch (caught) {
    err = caught;
  }
  expect(err).toBeInstanceOf(DeviceBindingError);
  if (code !== undefined) expect((err as DeviceBindingError).code).toBe(code);
  return err as DeviceBindingError;
}
