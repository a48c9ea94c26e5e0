// Test helper: awaits a promise that must reject with a DeviceBindingError of a given code.

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
