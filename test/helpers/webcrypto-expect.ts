// Assertions on DeviceBindingError codes for the WebCrypto store and backend tests.

import { expect } from 'vitest';
import { DeviceBindingError, type DeviceBindingErrorCode } from '../../src/core/errors.js';

/** Awaits `promise` (or calls `fn`), expecting a DeviceBindingError with `code`; returns it. */
export async function expectFailure(
  operation: Promise<unknown> | (() => unknown),
  code: DeviceBindingErrorCode,
): Promise<DeviceBindingError> {
  let error: unknown;
  try {
    await (typeof operation === 'function' ? operation() : operation);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(DeviceBindingError);
  expect((error as DeviceBindingError).code).toBe(code);
  return error as DeviceBindingError;
}
